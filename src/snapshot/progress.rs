//! The progress bar of long saves and loads: nothing is drawn until an operation has run
//! for more than a second, and nothing at all unless stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How long an operation runs before its bar appears.
const QUIET_PERIOD: Duration = Duration::from_secs(1);

/// Work units between two looks at the clock.
const CHECK_EVERY: u64 = 1 << 16;

/// Counts work done towards a known total and shows a bar once that takes a while.
pub struct Progress {
    message: String,
    total: u64,
    done: u64,
    next_check: u64,
    started: Instant,
    enabled: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress counter over `total` units (bytes or records) that draws on stderr
    /// only when it is a terminal.
    pub fn new(message: String, total: u64) -> Progress {
        Progress {
            message,
            total,
            done: 0,
            next_check: CHECK_EVERY,
            started: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// A counter that never draws (for tests and library callers that want silence).
    #[cfg(test)]
    pub fn hidden(total: u64) -> Progress {
        let mut p = Progress::new(String::new(), total);
        p.enabled = false;
        p
    }

    /// Moves the counter forward by `n` units.
    #[inline]
    pub fn advance(&mut self, n: u64) {
        self.done += n;
        if self.done >= self.next_check {
            self.refresh();
        }
    }

    /// Sets the counter to `done` units.
    #[inline]
    pub fn set(&mut self, done: u64) {
        self.done = done;
        if self.done >= self.next_check {
            self.refresh();
        }
    }

    #[cold]
    fn refresh(&mut self) {
        self.next_check = self.done + CHECK_EVERY;
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() > QUIET_PERIOD {
            let template = "{msg} [{bar:30}] {percent:>3}% ({eta} left)";
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_message(self.message.clone());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done.min(self.total));
        }
    }

    /// Removes the bar, if one was drawn.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
