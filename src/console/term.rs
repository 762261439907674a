//! The terminal side: set-up and restore, the input reader, and the event loop
//! (block for the first event, drain the queue, apply, draw once if something changed, 10 ms floor).
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::action::{Action, Effect};
use super::effects::Runner;
use super::state::State;
use super::theme::Theme;
use super::{ConsoleContext, ui, update};

/// The shortest time between two frames.
const FRAME_FLOOR: Duration = Duration::from_millis(10);
/// Most actions applied before a frame is drawn (a flood of progress replies never starves the screen).
const MAX_BATCH: usize = 4096;

/// Restores the terminal when dropped: every return path, `?` included. (Panics: ratatui's hook.)
struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), event::DisableBracketedPaste);
        ratatui::restore();
    }
}

/// Reads terminal events on a thread (crossterm's reader blocks) and forwards them; stops on `stop`.
fn reader(tx: UnboundedSender<Action>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        match event::poll(Duration::from_millis(50)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::error!("terminal input: {e}");
                break;
            }
        }
        let action = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Action::Key(k),
            Ok(Event::Resize(w, h)) => Action::Resize(w, h),
            Ok(Event::Paste(s)) => Action::Paste(s),
            Ok(_) => continue,
            Err(e) => {
                tracing::error!("terminal input: {e}");
                break;
            }
        };
        if tx.send(action).is_err() {
            break;
        }
    }
}

pub async fn run_loop(ctx: ConsoleContext, mut state: State, theme: Theme) -> color_eyre::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Action>();
    let runner = Runner {
        store: ctx.store.clone(),
        clock: ctx.clock.clone(),
        user: ctx.user.name.clone(),
        data_dir: ctx.data_dir.clone(),
        tags: ctx.tags.clone(),
        tx: tx.clone(),
    };
    let mut terminal = ratatui::try_init()?;
    let _guard = RestoreGuard;
    let _ = crossterm::execute!(std::io::stdout(), event::EnableBracketedPaste);
    let stop = Arc::new(AtomicBool::new(false));
    let input = std::thread::spawn({
        let (tx, stop) = (tx.clone(), stop.clone());
        move || reader(tx, stop)
    });
    // Other writers (`watch.rs`): on PostgreSQL the store pushes each commit and the tick only catches a lost
    // notification; on SQLite the tick is how the console learns.
    let listener = match ctx.store.listen().await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!("change listener: {e}; looking every {:?} instead", super::watch::EVERY);
            None
        }
    };
    let every = if listener.is_some() { super::watch::EVERY_LISTENING } else { super::watch::EVERY };
    let listening = listener.map(|mut l| {
        let tx = tx.clone();
        tokio::spawn(async move {
            loop {
                let heard = l.next().await;
                if let Err(e) = &heard {
                    // The store cannot be reached now: the tick goes on; try again in a while.
                    tracing::warn!("change listener: {e}");
                    tokio::time::sleep(super::watch::EVERY_LISTENING).await;
                }
                if tx.send(Action::Pushed).is_err() {
                    break;
                }
            }
        })
    });
    let ticker = tokio::spawn({
        let tx = tx.clone();
        async move {
            let mut every = tokio::time::interval(every);
            loop {
                every.tick().await;
                if tx.send(Action::Poll).is_err() {
                    break;
                }
            }
        }
    });
    drop(tx);

    let size = terminal.size()?;
    state.size = (size.width, size.height);
    let spawn_all = |fx: Vec<Effect>, quit: &mut bool| {
        for e in fx {
            if e == Effect::Quit {
                *quit = true;
            } else {
                runner.spawn(e);
            }
        }
    };
    let mut quit = false;
    spawn_all(update::start(&mut state), &mut quit);
    terminal.draw(|f| ui::render(f, &state, &theme))?;
    let mut last_draw = Instant::now();

    while !quit {
        let Some(first) = rx.recv().await else { break };
        let mut batch = vec![first];
        loop {
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(a) => batch.push(a),
                    Err(_) => break,
                }
            }
            for a in batch.drain(..) {
                let fx = update::update(&mut state, a);
                spawn_all(fx, &mut quit);
            }
            if quit {
                break;
            }
            let since = last_draw.elapsed();
            if since >= FRAME_FLOOR {
                break;
            }
            tokio::time::sleep(FRAME_FLOOR - since).await;
            if rx.is_empty() {
                break;
            }
        }
        if quit || state.quit {
            break;
        }
        update::update(&mut state, Action::Now(ctx.clock.now()));
        terminal.draw(|f| ui::render(f, &state, &theme))?;
        last_draw = Instant::now();
    }
    ticker.abort();
    if let Some(l) = listening {
        l.abort();
    }
    stop.store(true, Ordering::Relaxed);
    let _ = input.join();
    Ok(())
}
