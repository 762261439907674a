//! How a request stands against its SLA, in words, for every list that holds requests (CLI and console).
use billops_domain::request::{RequestTimer, Standing, TimerState};

/// `12h30m left`, `WARNING 1h00m left (paused)`, `BREACHED 2h15m over`, `met (3h00m)`, `missed by 0h20m`.
pub fn time_left(s: Standing) -> String {
    let hm = |secs: i64| format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60);
    let paused = |p: bool| if p { " (paused)" } else { "" };
    match s {
        Standing::NotStarted => "not started".into(),
        Standing::OnTrack { left, paused: p } => format!("{} left{}", hm(left), paused(p)),
        Standing::Warning { left, paused: p } => format!("WARNING {} left{}", hm(left), paused(p)),
        Standing::Breached { over, .. } => format!("BREACHED {} over", hm(over)),
        Standing::Met { used } => format!("met ({})", hm(used)),
        Standing::Missed { over } => format!("missed by {}", hm(over)),
    }
}

/// The timer's state in words.
pub fn timer_state(t: &RequestTimer) -> &'static str {
    match t.state() {
        TimerState::NotStarted => "not started",
        TimerState::Running(_) => "running",
        TimerState::Paused(_) => "paused",
        TimerState::Stopped(_) => "stopped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_in_words() {
        assert_eq!(time_left(Standing::OnTrack { left: 45_000, paused: false }), "12h30m left");
        assert_eq!(time_left(Standing::Warning { left: 3_600, paused: true }), "WARNING 1h00m left (paused)");
        assert_eq!(time_left(Standing::Breached { over: 8_100, paused: false }), "BREACHED 2h15m over");
        assert_eq!(time_left(Standing::Met { used: 10_800 }), "met (3h00m)");
        assert_eq!(time_left(Standing::Missed { over: 1_200 }), "missed by 0h20m");
        assert_eq!(timer_state(&RequestTimer::default()), "not started");
    }
}
