//! [`StrayWindow`]: the recent answers under a quota, to tell a stray 429
//! from a rate that is over.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The most answers a 429 is judged among, itself included: a
/// [`StrayWindow`] holds one fewer.
pub(crate) const STRAY_WINDOW: usize = 200;
/// How old an answer a [`StrayWindow`] still holds.
pub(crate) const STRAY_SPAN: Duration = Duration::from_secs(1);

/// The answers (served or 429) to requests started since the last cut,
/// answered in the last [`STRAY_SPAN`], the latest [`STRAY_WINDOW`] − 1 of
/// them. A nudge does not empty it: against a bucket of one token, stray
/// 429s come about once a second whatever the rate, now and then two in a
/// few dozen answers, and a share counted only since the last nudge took
/// the second for a rate that is over (at 190/s, a cut every six seconds or
/// so, each a tenth off the rate, regained at 2 % a second). The span keeps
/// it to what the rate is now: at 20 requests/s, 200 answers would reach
/// ten seconds back.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrayWindow {
    /// When each answer came, and `true` for a 429, oldest first.
    answers: VecDeque<(Instant, bool)>,
    refused: usize,
}

impl StrayWindow {
    /// Records an answer that came at `at` (`throttled`: a 429), forgetting
    /// the oldest beyond [`STRAY_WINDOW`] − 1 and [`STRAY_SPAN`].
    pub(crate) fn record(&mut self, at: Instant, throttled: bool) {
        self.forget_before(at);
        if self.answers.len() == STRAY_WINDOW - 1 {
            self.pop_oldest();
        }
        self.answers.push_back((at, throttled));
        self.refused += usize::from(throttled);
    }

    /// Whether a 429 at `now` is a stray: one that leaves the share of 429s
    /// among the answers held and itself at most `max_share`.
    pub(crate) fn is_stray(&mut self, now: Instant, max_share: f64) -> bool {
        self.forget_before(now);
        (self.refused + 1) as f64 / (self.answers.len() + 1) as f64 <= max_share
    }

    /// Forgets every answer (a cut).
    pub(crate) fn clear(&mut self) {
        self.answers.clear();
        self.refused = 0;
    }

    fn forget_before(&mut self, now: Instant) {
        while let Some(&(at, _)) = self.answers.front()
            && now.saturating_duration_since(at) > STRAY_SPAN
        {
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        if let Some((_, throttled)) = self.answers.pop_front() {
            self.refused -= usize::from(throttled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARE: f64 = 0.03;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Records `count` answers, 1 ms apart from `from` on.
    fn record(window: &mut StrayWindow, from: Instant, count: u64, throttled: bool) -> Instant {
        for n in 0..count {
            window.record(from + ms(n), throttled);
        }
        from + ms(count)
    }

    #[test]
    fn a_429_is_a_stray_while_the_share_with_it_is_at_most_the_limit() {
        let t0 = Instant::now();
        let mut window = StrayWindow::default();
        assert!(!window.is_stray(t0, SHARE), "1 in 1");
        let t = record(&mut window, t0, 32, false);
        assert!(!window.is_stray(t, SHARE), "1 in 33 is just over 3 %");
        let t = record(&mut window, t, 1, false);
        assert!(window.is_stray(t, SHARE), "1 in 34 is under");
        let t = record(&mut window, t, 1, true);
        let t = record(&mut window, t, 31, false);
        assert!(!window.is_stray(t, SHARE), "2 in 66 is over");
        let t = record(&mut window, t, 1, false);
        assert!(window.is_stray(t, SHARE), "2 in 67 is under");
    }

    #[test]
    fn only_the_latest_200_answers_count() {
        let t0 = Instant::now();
        let mut window = StrayWindow::default();
        let t = record(&mut window, t0, 194, false);
        let t = record(&mut window, t, 6, true);
        // The latest 199 held, the last 6 refused: a 429 now makes 7 in
        // 200.
        assert!(!window.is_stray(t, SHARE));
        // 200 served since: the six 429s are out, 1 in 200.
        let t = record(&mut window, t, 200, false);
        assert!(window.is_stray(t, SHARE));
        // Five 429s, then 195 served: the first 429 is not among the latest
        // 199, so a 429 now makes 5 in 200.
        let mut window = StrayWindow::default();
        let t = record(&mut window, t0, 5, true);
        let t = record(&mut window, t, 195, false);
        assert!(window.is_stray(t, SHARE));
    }

    /// The 200th answer pushes the oldest out: a 429 is judged among
    /// exactly 200, itself included.
    #[test]
    fn a_429_is_judged_among_exactly_200_answers() {
        let t0 = Instant::now();
        let mut window = StrayWindow::default();
        let t = record(&mut window, t0, 6, true);
        let t = record(&mut window, t, 193, false);
        // 199 held, 6 of them 429s: 7 in 200.
        assert!(!window.is_stray(t, SHARE));
        // The 200th answer drops the first 429: 6 in 200 is 3 %.
        let t = record(&mut window, t, 1, false);
        assert!(window.is_stray(t, SHARE));
    }

    #[test]
    fn answers_older_than_a_second_are_forgotten() {
        let t0 = Instant::now();
        let mut window = StrayWindow::default();
        // 40 answers a second: a 429, then 39 served.
        window.record(t0, true);
        for n in 1..40 {
            window.record(t0 + ms(25 * n), false);
        }
        assert!(!window.is_stray(t0 + ms(1000), SHARE), "2 in 41");
        // 1,001 ms after it, the first 429 is forgotten: 1 in 40.
        assert!(window.is_stray(t0 + ms(1001), SHARE));
    }

    #[test]
    fn a_cut_forgets_everything() {
        let t0 = Instant::now();
        let mut window = StrayWindow::default();
        let t = record(&mut window, t0, 100, false);
        window.record(t, true);
        assert!(window.is_stray(t, SHARE), "2 in 102");
        window.clear();
        let t = record(&mut window, t, 40, false);
        assert!(window.is_stray(t, SHARE), "1 in 41");
        window.record(t, true);
        assert!(!window.is_stray(t, SHARE), "2 in 42");
    }
}
