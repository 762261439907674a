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

/// The close board warns about requests past their SLA (still open): on the invoices item, which they concern
/// (disputes, customer queries); a warning, never a blocker. Judged at the end of `today` or now, if earlier.
pub async fn warn_on_board(
    store: &dyn billops_store::Store,
    today: chrono::NaiveDate,
    board: &mut billops_domain::close::CloseBoard,
) -> billops_store::Result<()> {
    use billops_domain::close::{CheckId, ItemStatus};
    let end = today.succ_opt().unwrap_or(today).and_time(chrono::NaiveTime::MIN).and_utc();
    let now = chrono::Utc::now().min(end);
    let cal = store.request_calendar().await?;
    let breached: Vec<String> = store
        .list_requests()
        .await?
        .iter()
        .filter(|r| matches!(r.timer.standing(r.target, &cal, now), Standing::Breached { .. }))
        .map(|r| match &r.external_ref {
            Some(x) => format!("#{} ({x})", r.id),
            None => format!("#{}", r.id),
        })
        .collect();
    if breached.is_empty() {
        return Ok(());
    }
    let line = format!("{} request(s) past their SLA: {}", breached.len(), breached.join(", "));
    if let Some(item) = board.items.iter_mut().find(|i| i.check == CheckId::InvoicesApproved) {
        if item.status == ItemStatus::Ok {
            item.status = ItemStatus::Warning;
        }
        item.problems.push(line);
    }
    Ok(())
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
