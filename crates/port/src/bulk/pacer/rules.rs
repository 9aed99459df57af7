//! [`Rules`]: the pacing rate, from the 429s and what was served.
//!
//! A run is in one of four phases:
//!
//! - **free** (from the start): unpaced, or paced at the ceiling. The
//!   first 429 opens a verdict. Once a verdict has found that 429s are not
//!   a quota, single 429s are ignored; an interval with more than
//!   [`OVER_SHARE`] of 429s still starts a search.
//! - **verdict**: still unpaced, the answers that follow the first 429 are
//!   weighed ([`Verdict`]) until they show a quota (a search follows) or
//!   refusals that are not one (free again, judged).
//! - **search** for the quota's rate, from what was served in the last
//!   second (at least [`SEARCH_FLOOR`]): each served answer after a wait
//!   adds [`SEARCH_STEP`] (about ×2 every 140 ms). The first 429 of a
//!   request started in the search ends it: the rate becomes [`SEARCH_CUT`]
//!   × the rate in effect when that request started.
//! - **quota**: each served answer after a wait adds [`PROBE_STEP`] (about
//!   +2 % a second) times 1 + the seconds since the last cut or nudge
//!   beyond [`BOOST_AFTER`] (at most [`PROBE_BOOST`]); a 429 multiplies the rate by [`CUT`], or only
//!   by [`NUDGE`] when at most [`STRAY_SHARE`] of the latest answers since
//!   the last cut (a [`StrayWindow`]) were 429s, at most once per round and
//!   per [`CUT_GAP`]; an interval with more than [`OVER_SHARE`] of 429s
//!   brings the rate down to the interval's served rate. A cut remembers
//!   the rate it fell from (its peak, at most what was served in the last
//!   second); [`RECOVER_AFTER`] after the last cut or nudge, each served
//!   answer after a wait recovers [`RECOVER_SHARE`] of the way back to it,
//!   and a cut that ends such a recovery puts the peak halfway down. When 429s go
//!   on while the sent rate falls by [`FALL`], the served rate falls with
//!   it and the share served holds, they are not a quota: free again,
//!   judged.
//!
//! Answers to requests started before the phase began do not count in it.
//! The rate grows only while it holds requests back (a wait since the last
//! increase), stays at least [`MIN_RATE`] and never exceeds the ceiling.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::strays::StrayWindow;
use super::tally::Sample;
use super::verdict::{Judgement, Verdict};
use crate::bulk::options::MIN_RATE;

/// The least rate a search starts from (requests/s).
pub(crate) const SEARCH_FLOOR: f64 = 20.0;
/// What a served answer adds to the rate while searching (requests/s).
pub(crate) const SEARCH_STEP: f64 = 5.0;
/// The factor the first 429 of a search multiplies the rate it went over
/// at by.
pub(crate) const SEARCH_CUT: f64 = 0.95;
/// The rates a search remembers, to know the one a refused request
/// started at.
const SEARCH_HISTORY: usize = 64;
/// What a served answer adds to the rate under a quota (requests/s), with
/// no wait since the last change.
pub(crate) const PROBE_STEP: f64 = 0.02;
/// How long the rate must go without a cut or nudge before its probe
/// grows faster.
pub(crate) const BOOST_AFTER: Duration = Duration::from_secs(2);
/// The most [`PROBE_STEP`] is multiplied by: 1 + the seconds since the
/// last cut or nudge beyond [`BOOST_AFTER`], so a rate far below a quota
/// (after cuts in a spell of jitter) regains it in seconds, not a minute,
/// while strays a second or so apart keep it at +2 % a second.
pub(crate) const PROBE_BOOST: f64 = 10.0;
/// How long the rate must go without a cut or nudge, below its peak (the
/// rate its last fall of cuts started from), before it recovers towards
/// it.
pub(crate) const RECOVER_AFTER: Duration = Duration::from_secs(1);
/// The share of the way back to the peak each served answer after a wait
/// recovers, once the rate has gone [`RECOVER_AFTER`] without a cut or
/// nudge: at 120 answers a second, 9/10 of the way in a second.
pub(crate) const RECOVER_SHARE: f64 = 0.02;
/// The factor a 429 multiplies the rate by under a quota.
pub(crate) const CUT: f64 = 0.9;
/// The least time between two cuts.
pub(crate) const CUT_GAP: Duration = Duration::from_millis(50);
/// Under a quota: the share of 429s, among the latest answers to requests
/// started since the last cut ([`StrayWindow`]), up to which a 429 is stray
/// and only nudges the rate down by [`NUDGE`]. Against a bucket of one
/// token, a request that leaves a fraction of a millisecond early is
/// refused whatever the rate: cutting a tenth for each such 429 held the
/// rate at three quarters of the quota.
pub(crate) const STRAY_SHARE: f64 = 0.03;
/// The factor a stray 429 multiplies the rate by.
pub(crate) const NUDGE: f64 = 0.98;
/// A share of 429s above which an interval was far over a quota.
pub(crate) const OVER_SHARE: f64 = 0.2;
/// A share of 429s up to which an interval was quiet.
pub(crate) const QUIET_SHARE: f64 = 0.01;
/// Under a quota: the factor by which the sent rate must fall, over
/// intervals with 429s in a row, for 429s that go on not to be a quota.
pub(crate) const FALL: f64 = 1.25;
/// How far apart (a factor) the shares served by two intervals may be for
/// the share to have held.
pub(crate) const HELD: f64 = 1.2;
/// The share of a fall in the sent rate that the served rate must fall by
/// too, for the served rate to have followed.
pub(crate) const FOLLOW: f64 = 0.5;

/// Where the rules are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    /// Unpaced (or at the ceiling). `judged`: 429s were seen and found not
    /// to be a quota.
    Free { judged: bool },
    /// Weighing the answers that followed a first 429.
    Verdict(Verdict),
    /// Looking for a quota's rate.
    Search,
    /// Following a quota's rate.
    Quota,
}

/// The rate rules of a run.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    phase: Phase,
    /// When the phase began: answers to requests started before do not
    /// count in it.
    since: Option<Instant>,
    rate: f64,
    ceiling: Option<f64>,
    /// The last cut (a nudge is not one).
    last_cut: Option<Instant>,
    /// The last cut or nudge.
    last_change: Option<Instant>,
    held_back: bool,
    /// Under a quota: the first of the intervals in a row with 429s.
    refusing_since: Option<Sample>,
    /// While searching: the rate from each instant on, oldest first.
    history: VecDeque<(Instant, f64)>,
    /// Under a quota: the latest answers to requests started since the
    /// last cut.
    strays: StrayWindow,
    /// Under a quota: the rate the last fall of cuts started from, at most
    /// what was served in the second before it; a recovery towards it that
    /// a cut ends puts it halfway down to the rate of that cut.
    peak: Option<f64>,
    /// Under a quota: whether the rate recovered towards the peak since
    /// the last cut.
    recovered: bool,
    /// Answers served in the second before the latest answer.
    recent_served: f64,
}

impl Rules {
    /// Rules starting at `now` free, or searching from `initial` when
    /// given; never above `ceiling`.
    pub(crate) fn new(initial: Option<f64>, ceiling: Option<f64>, now: Instant) -> Self {
        let mut rules = Self {
            phase: Phase::Free { judged: false },
            since: None,
            rate: 0.0,
            ceiling,
            last_cut: None,
            last_change: None,
            held_back: false,
            refusing_since: None,
            history: VecDeque::new(),
            strays: StrayWindow::default(),
            peak: None,
            recovered: false,
            recent_served: 0.0,
        };
        if let Some(initial) = initial {
            rules.phase = Phase::Search;
            rules.rate = rules.bounded(initial);
            rules.remember(now);
        }
        rules
    }

    fn bounded(&self, rate: f64) -> f64 {
        let rate = rate.max(MIN_RATE);
        self.ceiling.map_or(rate, |ceiling| rate.min(ceiling))
    }

    /// Whether following a quota.
    pub(crate) fn in_quota(&self) -> bool {
        self.phase == Phase::Quota
    }

    /// The phase, for tests.
    #[cfg(test)]
    pub(crate) fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The pacing rate; `None` when unpaced.
    pub(crate) fn rate(&self) -> Option<f64> {
        match self.phase {
            Phase::Free { .. } | Phase::Verdict(_) => self.ceiling,
            Phase::Search | Phase::Quota => Some(self.rate),
        }
    }

    /// A request waited for the pacer.
    pub(crate) fn held_back(&mut self) {
        self.held_back = true;
    }

    fn enter(&mut self, phase: Phase, now: Instant, rate: f64) {
        self.phase = phase;
        self.since = Some(now);
        self.rate = self.bounded(rate);
        self.refusing_since = None;
        self.history.clear();
        self.strays.clear();
        self.peak = None;
        self.recovered = false;
        self.remember(now);
    }

    fn remember(&mut self, now: Instant) {
        if self.history.len() == SEARCH_HISTORY {
            self.history.pop_front();
        }
        self.history.push_back((now, self.rate));
    }

    /// The search's rate at `at` (the oldest remembered when `at` is older).
    fn rate_at(&self, at: Instant) -> f64 {
        self.history
            .iter()
            .rev()
            .find(|(from, _)| *from <= at)
            .or(self.history.front())
            .map_or(self.rate, |(_, rate)| *rate)
    }

    /// A cut at `now` from the rate `from` (`None` for the search's end):
    /// the answers before it no longer count, and the peak is where the
    /// rate fell from, at most what was served in the last second (a
    /// bucket's stored tokens let a rate far over its quota through for a
    /// while). A cut during a fall (cuts in a row, no recovery between
    /// them) keeps the higher peak of its start; a cut that ends a recovery
    /// puts the peak halfway between the two, so a quota that fell is found
    /// in a few recoveries.
    fn cut(&mut self, now: Instant, from: Option<f64>) {
        if let Some(from) = from {
            let from = from.min(self.recent_served);
            self.peak = Some(match self.peak {
                Some(peak) if self.recovered => (peak + from) / 2.0,
                Some(peak) => peak.max(from),
                None => from,
            });
        }
        self.recovered = false;
        self.last_cut = Some(now);
        self.last_change = Some(now);
        self.strays.clear();
    }

    /// What [`PROBE_STEP`] is multiplied by at `now`: 1 + the seconds since
    /// the last cut or nudge beyond [`BOOST_AFTER`], at most
    /// [`PROBE_BOOST`].
    fn probe_boost(&self, now: Instant) -> f64 {
        let quiet = self.last_change.map_or(Duration::ZERO, |last| {
            now.saturating_duration_since(last)
                .saturating_sub(BOOST_AFTER)
        });
        (1.0 + quiet.as_secs_f64()).min(PROBE_BOOST)
    }

    /// A served answer under a quota raises the rate by the probe's step,
    /// or, below the peak and [`RECOVER_AFTER`] since the last cut or
    /// nudge, by [`RECOVER_SHARE`] of the way back to the peak when more.
    fn probe(&mut self, now: Instant) {
        let step = PROBE_STEP * self.probe_boost(now);
        let quiet = self
            .last_change
            .is_none_or(|last| now.saturating_duration_since(last) >= RECOVER_AFTER);
        let recovery = match self.peak {
            Some(peak) if quiet && peak > self.rate => (peak - self.rate) * RECOVER_SHARE,
            _ => 0.0,
        };
        if self.grow(step.max(recovery)) && recovery > step {
            self.recovered = true;
        }
    }

    /// Whether a request started at `started` started after the last cut.
    fn after_cut(&self, started: Instant) -> bool {
        self.last_cut.is_none_or(|last| started >= last)
    }

    /// A served answer raises the rate by `step` if a request waited since
    /// the last raise; returns whether it did.
    fn grow(&mut self, step: f64) -> bool {
        if !self.held_back {
            return false;
        }
        self.held_back = false;
        self.rate = self.bounded(self.rate + step);
        true
    }

    /// A request started at `started` was served (`throttled`: answered
    /// 429) at `now`; `recent_served` is how many answers were served in
    /// the last second. Returns whether a new phase began, whose intervals
    /// count from `now`.
    pub(crate) fn on_answer(
        &mut self,
        throttled: bool,
        started: Instant,
        now: Instant,
        recent_served: u32,
    ) -> bool {
        let in_phase = self.since.is_none_or(|since| started >= since);
        self.recent_served = f64::from(recent_served);
        match &mut self.phase {
            Phase::Free { judged: false } if throttled => {
                let mut verdict = Verdict::default();
                verdict.weigh(true);
                self.enter(Phase::Verdict(verdict), now, 0.0);
                false
            }
            // A request started before the first 429 and served took one
            // of the last of a bucket's stored tokens: it says nothing of
            // what followed that 429 (its own 429 still tells of an empty
            // bucket, and counts).
            Phase::Verdict(_) if !in_phase && !throttled => false,
            Phase::Verdict(verdict) => match verdict.weigh(throttled) {
                Judgement::Pending => false,
                Judgement::Quota => {
                    let from = f64::from(recent_served).max(SEARCH_FLOOR);
                    self.enter(Phase::Search, now, from);
                    true
                }
                Judgement::NotQuota => {
                    self.enter(Phase::Free { judged: true }, now, 0.0);
                    true
                }
            },
            Phase::Search if in_phase && throttled => {
                // The rate went over when this request started.
                let over = self.rate_at(started);
                self.enter(Phase::Quota, now, over * SEARCH_CUT);
                self.cut(now, None);
                false
            }
            Phase::Search if in_phase => {
                if self.grow(SEARCH_STEP) {
                    self.remember(now);
                }
                false
            }
            Phase::Quota if in_phase && throttled => {
                let after_change = self.last_change.is_none_or(|last| {
                    started >= last && now.saturating_duration_since(last) >= CUT_GAP
                });
                if after_change {
                    if self.strays.is_stray(now, STRAY_SHARE) {
                        self.rate = self.bounded(self.rate * NUDGE);
                        self.last_change = Some(now);
                        self.strays.record(now, true);
                    } else {
                        let from = self.rate;
                        self.rate = self.bounded(from * CUT);
                        self.cut(now, Some(from));
                    }
                } else if self.after_cut(started) {
                    self.strays.record(now, true);
                }
                false
            }
            Phase::Quota if in_phase => {
                if self.after_cut(started) {
                    self.strays.record(now, false);
                }
                self.probe(now);
                false
            }
            _ => false,
        }
    }

    /// Every request started in an interval was answered (or the interval
    /// waited long enough). Returns whether a new phase began, whose
    /// intervals count from `now`.
    pub(crate) fn on_sample(&mut self, sample: Sample, now: Instant) -> bool {
        let over = sample.throttled_share() > OVER_SHARE;
        match self.phase {
            Phase::Free { .. } if over => {
                let from = sample.served_rate().max(SEARCH_FLOOR);
                self.enter(Phase::Search, now, from);
                true
            }
            Phase::Quota if over => {
                let from = self.rate;
                self.rate = self.bounded(from.min(sample.served_rate()));
                // Far over is a quota's mark: intervals that could show the
                // 429s not to be one count from the next.
                self.refusing_since = None;
                self.cut(now, Some(from));
                false
            }
            Phase::Quota => {
                if sample.throttled_share() <= QUIET_SHARE {
                    self.refusing_since = None;
                    return false;
                }
                let first = *self.refusing_since.get_or_insert(sample);
                // Sending much less served less and the 429s went on: they
                // are not a quota.
                let not_quota = sample.sent_rate() * FALL <= first.sent_rate()
                    && served_followed(&sample, &first)
                    && share_held(&sample, &first);
                if not_quota {
                    self.enter(Phase::Free { judged: true }, now, 0.0);
                }
                not_quota
            }
            Phase::Free { .. } | Phase::Verdict(_) | Phase::Search => false,
        }
    }
}

/// Whether an interval that sent less (`low`) than an earlier one (`high`)
/// served the same share of what it sent, within a factor [`HELD`] either
/// way. Refusals that are not a quota serve the same share whatever is
/// sent; under a quota the share served grows as the sent rate falls
/// towards it (by [`FALL`] at least, here). A bucket's stored tokens can make
/// the served rate follow the sent rate for a while (a search that ran far
/// over a burst of R served well above R until the burst was spent), but
/// then the share served falls: half of 1,200/s, then a third of 600/s.
fn share_held(low: &Sample, high: &Sample) -> bool {
    let served_share = |sample: &Sample| f64::from(sample.served) / f64::from(sample.sent.max(1));
    let (low, high) = (served_share(low), served_share(high));
    low <= high * HELD && low * HELD >= high
}

/// Whether, between an interval that sent less (`low`) and one that sent
/// more (`high`), the served rate differs by at least [`FOLLOW`] of the
/// difference in the sent rate.
fn served_followed(low: &Sample, high: &Sample) -> bool {
    high.served_rate() - low.served_rate() >= FOLLOW * (high.sent_rate() - low.sent_rate())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn sample(seconds: f64, sent: u32, served: u32, throttled: u32) -> Sample {
        Sample {
            seconds,
            sent,
            served,
            throttled,
        }
    }

    fn close(got: Option<f64>, expected: f64) -> bool {
        got.is_some_and(|got| (got - expected).abs() < 1e-9)
    }

    /// A served answer after a wait.
    fn served_after_wait(rules: &mut Rules, started: Instant, now: Instant) {
        rules.held_back();
        rules.on_answer(false, started, now, 0);
    }

    #[test]
    fn free_runs_unpaced_or_at_the_ceiling() {
        let t0 = Instant::now();
        let mut rules = Rules::new(None, None, t0);
        assert_eq!(rules.rate(), None);
        served_after_wait(&mut rules, t0, t0 + ms(50));
        assert_eq!(rules.rate(), None);
        assert_eq!(*rules.phase(), Phase::Free { judged: false });
        assert_eq!(Rules::new(None, Some(50.0), t0).rate(), Some(50.0));
    }

    #[test]
    fn a_quota_found_by_the_verdict_starts_a_search_from_what_was_served() {
        let t0 = Instant::now();
        let mut rules = Rules::new(None, None, t0);
        assert!(!rules.on_answer(true, t0, t0 + ms(5), 37));
        assert!(matches!(rules.phase(), Phase::Verdict(_)));
        assert_eq!(rules.rate(), None, "still unpaced");
        // Two 429s in a row: a quota. 37 served in the last second.
        assert!(rules.on_answer(true, t0 + ms(5), t0 + ms(6), 37));
        assert_eq!(*rules.phase(), Phase::Search);
        assert_eq!(rules.rate(), Some(37.0));

        let mut rules = Rules::new(None, None, t0);
        rules.on_answer(true, t0, t0 + ms(5), 3);
        rules.on_answer(true, t0 + ms(5), t0 + ms(6), 3);
        assert_eq!(rules.rate(), Some(SEARCH_FLOOR), "at least 20");
    }

    #[test]
    fn refusals_judged_not_a_quota_are_ignored() {
        let t0 = Instant::now();
        let mut rules = Rules::new(None, None, t0);
        rules.on_answer(true, t0, t0 + ms(5), 0);
        // Started before the first 429 came and served: not weighed.
        for n in 0..20 {
            assert!(!rules.on_answer(false, t0 + ms(4), t0 + ms(6 + n), 0));
        }
        assert!(matches!(rules.phase(), Phase::Verdict(_)));
        for n in 0..7 {
            assert!(!rules.on_answer(false, t0 + ms(5), t0 + ms(6 + n), 0));
        }
        assert!(rules.on_answer(false, t0 + ms(5), t0 + ms(20), 0));
        assert_eq!(*rules.phase(), Phase::Free { judged: true });
        for n in 0..5 {
            assert!(!rules.on_answer(true, t0 + ms(30), t0 + ms(40 + n), 0));
        }
        assert_eq!(*rules.phase(), Phase::Free { judged: true });
        assert_eq!(rules.rate(), None);
    }

    #[test]
    fn a_search_grows_by_5_per_served_answer_after_a_wait() {
        let t0 = Instant::now();
        let mut rules = Rules::new(Some(20.0), None, t0);
        assert_eq!(rules.rate(), Some(20.0));
        rules.on_answer(false, t0, t0 + ms(50), 0);
        assert_eq!(rules.rate(), Some(20.0), "no wait");
        served_after_wait(&mut rules, t0, t0 + ms(60));
        assert_eq!(rules.rate(), Some(25.0));
        rules.on_answer(false, t0, t0 + ms(70), 0);
        assert_eq!(rules.rate(), Some(25.0), "one raise per wait");
        served_after_wait(&mut rules, t0, t0 + ms(80));
        assert_eq!(rules.rate(), Some(30.0));
    }

    /// From 20 at t0, 25 from 100 ms, 30 from 200 ms: a 429 for a request
    /// started at 150 ms went over at 25, the rate becomes 0.95 × 25.
    #[test]
    fn a_search_ends_at_its_first_429_below_the_rate_that_request_started_at() {
        let t0 = Instant::now();
        let mut rules = Rules::new(Some(20.0), None, t0);
        served_after_wait(&mut rules, t0, t0 + ms(100));
        served_after_wait(&mut rules, t0, t0 + ms(200));
        assert_eq!(rules.rate(), Some(30.0));
        assert!(!rules.on_answer(true, t0 + ms(150), t0 + ms(250), 0));
        assert_eq!(*rules.phase(), Phase::Quota);
        assert!(close(rules.rate(), 23.75));

        let mut rules = Rules::new(Some(20.0), None, t0);
        served_after_wait(&mut rules, t0, t0 + ms(100));
        rules.on_answer(true, t0 + ms(50), t0 + ms(150), 0);
        assert!(close(rules.rate(), 19.0), "started at 20");
    }

    /// Quota entered at t1 = 300 ms at 23.75 (the search's end counts as a
    /// cut). A 429 changes the rate at most once per round and per 50 ms:
    /// it cuts a tenth when more than 3 % of the answers since the last cut
    /// (itself included, in the last second, nudges emptying nothing) were
    /// 429s, and otherwise only nudges a fiftieth.
    #[test]
    fn under_a_quota_a_429_cuts_a_tenth_or_nudges_a_fiftieth_once_per_round_and_50_ms() {
        let t0 = Instant::now();
        let mut rules = Rules::new(Some(25.0), None, t0);
        let t1 = t0 + ms(300);
        rules.on_answer(true, t0 + ms(10), t1, 0);
        assert!(close(rules.rate(), 23.75));
        // 40 ms after the last cut: too soon (but counted).
        rules.on_answer(true, t1 + ms(10), t1 + ms(40), 0);
        assert!(close(rules.rate(), 23.75));
        // 60 ms after, with one 429 already since the cut: 23.75 × 0.9.
        let t2 = t1 + ms(60);
        rules.on_answer(true, t1 + ms(10), t2, 0);
        assert!(close(rules.rate(), 21.375));
        // Started before that cut: ignored, however late it comes.
        rules.on_answer(true, t1 + ms(50), t1 + ms(200), 0);
        assert!(close(rules.rate(), 21.375));
        // 32 served since the cut, then a 429: 1 in 33 is above 3 %, a cut.
        for n in 0..32 {
            rules.on_answer(false, t2, t2 + ms(n), 0);
        }
        let t3 = t2 + ms(100);
        rules.on_answer(true, t2, t3, 0);
        assert!(close(rules.rate(), 19.2375));
        // 33 served since, then a 429: 1 in 34 is below 3 %, a nudge.
        for n in 0..33 {
            rules.on_answer(false, t3, t3 + ms(n), 0);
        }
        let t4 = t3 + ms(100);
        rules.on_answer(true, t3, t4, 0);
        assert!(close(rules.rate(), 18.852_75));
        // A nudge empties nothing: answers to requests started since the
        // cut (t3) count, before the nudge (40) or after it (10). 83 served
        // and the nudging 429, then a 429: 2 in 85 is below 3 %, a nudge.
        for n in 0..40 {
            rules.on_answer(false, t3, t4 + ms(n), 0);
        }
        for n in 0..10 {
            rules.on_answer(false, t4, t4 + ms(40 + n), 0);
        }
        let t5 = t4 + ms(100);
        rules.on_answer(true, t4, t5, 0);
        assert!(close(rules.rate(), 18.475_695));
        // Four 429s of requests started before that nudge change nothing
        // but count: 6 in 89, and with one more 7 in 90, over 3 %: a cut.
        for n in 0..4 {
            rules.on_answer(true, t4, t5 + ms(n), 0);
        }
        assert!(close(rules.rate(), 18.475_695));
        rules.on_answer(true, t5, t5 + ms(60), 0);
        assert!(close(rules.rate(), 16.628_125_5));
    }

    /// Under a quota entered at t0, a served answer after a wait adds 0.02
    /// up to 2 s after the last cut or nudge; 0.02 × 2.5 at 3.5 s; at most
    /// 0.02 × 10. A cut starts the count again.
    #[test]
    fn a_rate_that_meets_no_429_for_two_seconds_probes_faster() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 100.0);
        served_after_wait(&mut rules, t0, t0 + ms(2_000));
        assert!(close(rules.rate(), 100.02));
        served_after_wait(&mut rules, t0, t0 + ms(3_500));
        assert!(close(rules.rate(), 100.07));
        served_after_wait(&mut rules, t0, t0 + ms(20_000));
        assert!(close(rules.rate(), 100.27));
        // 1 429 in 2 held: a cut, 100.27 × 0.9.
        rules.on_answer(true, t0 + ms(20_000), t0 + ms(20_100), 0);
        assert!(close(rules.rate(), 90.243));
        served_after_wait(&mut rules, t0 + ms(20_100), t0 + ms(20_200));
        assert!(close(rules.rate(), 90.263));
    }

    /// Under a quota at 100 from t0, 120 served in the last second: a 429
    /// at 200 ms cuts to 90 with the peak at 100. Half a second later a
    /// served answer adds 0.02 (90.02); a second after the cut it recovers
    /// a fiftieth of the way to the peak instead, (100 - 90.02) × 0.02 =
    /// 0.1996 (90.2196), then (100 - 90.2196) × 0.02 = 0.195608
    /// (90.415208). A cut then ends that recovery: × 0.9 = 81.3736872, the
    /// peak halfway, (100 + 90.415208) / 2 = 95.207604. A cut right after,
    /// with no recovery between, is a fall: × 0.9 = 73.23631848, the peak
    /// kept; 1.1 s later a served answer recovers (95.207604 - 73.23631848)
    /// × 0.02 = 0.4394257104.
    #[test]
    fn a_quiet_second_after_a_cut_recovers_a_fiftieth_of_the_way_to_the_peak_per_served_answer() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 100.0);
        let cut = t0 + ms(200);
        rules.on_answer(true, t0 + ms(100), cut, 120);
        assert!(close(rules.rate(), 90.0));
        let served = |rules: &mut Rules, at: u64| {
            rules.held_back();
            rules.on_answer(false, cut, t0 + ms(at), 120);
        };
        served(&mut rules, 700);
        assert!(close(rules.rate(), 90.02));
        served(&mut rules, 1_200);
        assert!(close(rules.rate(), 90.2196));
        served(&mut rules, 1_300);
        assert!(close(rules.rate(), 90.415_208));
        // 1 429 in 4 since the cut: a cut, not a nudge.
        rules.on_answer(true, cut, t0 + ms(1_400), 120);
        assert!(close(rules.rate(), 81.373_687_2));
        rules.on_answer(true, t0 + ms(1_400), t0 + ms(1_500), 120);
        assert!(close(rules.rate(), 73.236_318_48));
        rules.held_back();
        rules.on_answer(false, t0 + ms(1_500), t0 + ms(2_600), 120);
        assert!(close(rules.rate(), 73.675_744_190_4));
    }

    /// The peak is at most what was served in the last second: a cut from
    /// 100 with 60 served puts it at 60, below the cut rate (90), and a
    /// quiet second later a served answer only adds 0.02.
    #[test]
    fn the_peak_is_at_most_what_was_served_in_the_last_second() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 100.0);
        rules.on_answer(true, t0 + ms(100), t0 + ms(200), 60);
        assert!(close(rules.rate(), 90.0));
        rules.held_back();
        rules.on_answer(false, t0 + ms(200), t0 + ms(1_500), 60);
        assert!(close(rules.rate(), 90.02));
    }

    /// A served answer after a wait adds 0.02 under a quota, once per wait.
    #[test]
    fn under_a_quota_a_served_answer_after_a_wait_adds_a_fiftieth() {
        let t0 = Instant::now();
        let mut rules = Rules::new(Some(25.0), None, t0);
        rules.on_answer(true, t0, t0 + ms(10), 0);
        assert!(close(rules.rate(), 23.75));
        served_after_wait(&mut rules, t0 + ms(20), t0 + ms(30));
        rules.on_answer(false, t0 + ms(20), t0 + ms(40), 0);
        assert!(close(rules.rate(), 23.77));
        // A 429 after a wait adds nothing.
        rules.held_back();
        rules.on_answer(true, t0 + ms(20), t0 + ms(50), 0);
        assert!(close(rules.rate(), 23.77));
    }

    /// Quota entered at 100 ms: an answer to a request started before
    /// does not raise the rate, one started after does (+0.02).
    #[test]
    fn under_a_quota_answers_to_requests_started_before_it_do_not_raise_the_rate() {
        let t0 = Instant::now();
        let mut rules = Rules::new(Some(100.0), None, t0);
        rules.on_answer(true, t0, t0 + ms(100), 0);
        assert!(close(rules.rate(), 95.0));
        served_after_wait(&mut rules, t0 + ms(99), t0 + ms(150));
        assert!(close(rules.rate(), 95.0));
        served_after_wait(&mut rules, t0 + ms(100), t0 + ms(150));
        assert!(close(rules.rate(), 95.02));
    }

    fn quota(t0: Instant, rate: f64) -> Rules {
        let mut rules = Rules::new(Some(rate / SEARCH_CUT), None, t0);
        rules.on_answer(true, t0, t0, 0);
        assert_eq!(*rules.phase(), Phase::Quota);
        assert!(close(rules.rate(), rate));
        rules
    }

    #[test]
    fn an_interval_far_over_the_quota_brings_the_rate_down_to_what_was_served() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 100.0);
        // 20 % refused is not far over.
        assert!(!rules.on_sample(sample(1.0, 100, 80, 20), t0 + ms(1_000)));
        assert!(close(rules.rate(), 100.0));
        // 40 % refused, 60 served per second.
        assert!(!rules.on_sample(sample(1.0, 100, 60, 40), t0 + ms(2_000)));
        assert!(close(rules.rate(), 60.0));
        // Far over but serving more than the rate: no change.
        rules.on_sample(sample(0.1, 20, 15, 5), t0 + ms(3_000));
        assert!(close(rules.rate(), 60.0));
        // The rule counts as a cut: a 429 45 ms later does not cut.
        rules.on_answer(true, t0 + ms(3_000), t0 + ms(3_045), 0);
        assert!(close(rules.rate(), 60.0));
    }

    /// 200 sent, 180 served per second (10 % refused), then 170 (not
    /// 1.25 times less), then 160 sent, 144 served: 160 × 1.25 = 200 and
    /// 180 - 144 = 36 ≥ (200 - 160) / 2, with 429s all along.
    #[test]
    fn refusals_going_on_while_less_is_sent_and_served_are_not_a_quota() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 100.0);
        assert!(!rules.on_sample(sample(1.0, 200, 180, 20), t0 + ms(1_000)));
        assert!(!rules.on_sample(sample(1.0, 170, 153, 17), t0 + ms(2_000)));
        assert!(rules.on_sample(sample(1.0, 160, 144, 16), t0 + ms(3_000)));
        assert_eq!(*rules.phase(), Phase::Free { judged: true });
        assert_eq!(rules.rate(), None);
    }

    /// Refusals that are not a quota serve the same share of what is sent:
    /// 0.9 of 1,000/s, then 0.76 of 800/s is within a factor 1.2 (not a
    /// quota); 0.74 is not (a quota, or a bucket's stored tokens spent).
    #[test]
    fn refusals_are_not_a_quota_only_if_the_share_served_holds() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 1_000.0);
        rules.on_sample(sample(1.0, 1_000, 900, 100), t0 + ms(1_000));
        assert!(rules.on_sample(sample(1.0, 800, 608, 160), t0 + ms(2_000)));
        let mut rules = quota(t0, 1_000.0);
        rules.on_sample(sample(1.0, 1_000, 900, 100), t0 + ms(1_000));
        assert!(!rules.on_sample(sample(1.0, 800, 592, 160), t0 + ms(2_000)));
        assert_eq!(*rules.phase(), Phase::Quota);
    }

    /// The burst of a bucket of 200 at R = 200 made an interval look served
    /// at 1,262/s (2 of 1,282 refused); then one far over (126 of 146), then
    /// 199 sent and 189 served. Far over is a quota's mark: the intervals
    /// compared count from after it, so the fall from 1,282 to 199 is not
    /// read as served following sent.
    #[test]
    fn an_interval_far_over_restarts_the_intervals_compared() {
        let t0 = Instant::now();
        let mut rules = quota(t0, 1_500.0);
        rules.on_sample(sample(0.1, 128, 126, 2), t0 + ms(100));
        rules.on_sample(sample(0.1, 146, 20, 126), t0 + ms(200));
        assert!(!rules.on_sample(sample(0.1, 20, 19, 1), t0 + ms(300)));
        assert_eq!(*rules.phase(), Phase::Quota);
    }

    #[test]
    fn refusals_stopping_or_served_holding_up_are_a_quota() {
        let t0 = Instant::now();
        // Served held up: 200 → 195 while sent went 250 → 200.
        let mut rules = quota(t0, 100.0);
        rules.on_sample(sample(1.0, 250, 200, 50), t0 + ms(1_000));
        assert!(!rules.on_sample(sample(1.0, 200, 195, 5), t0 + ms(2_000)));
        assert_eq!(*rules.phase(), Phase::Quota);
        // A quiet interval in between: the run of intervals with 429s
        // starts again from the next one.
        let mut rules = quota(t0, 100.0);
        rules.on_sample(sample(1.0, 200, 180, 20), t0 + ms(1_000));
        rules.on_sample(sample(1.0, 170, 170, 1), t0 + ms(2_000));
        rules.on_sample(sample(1.0, 170, 153, 17), t0 + ms(3_000));
        assert!(!rules.on_sample(sample(1.0, 160, 144, 16), t0 + ms(4_000)));
        assert_eq!(*rules.phase(), Phase::Quota);
        // 136 × 1.25 = 170.
        assert!(rules.on_sample(sample(1.0, 136, 122, 14), t0 + ms(5_000)));
    }

    #[test]
    fn an_interval_far_over_while_free_starts_a_search_from_what_was_served() {
        let t0 = Instant::now();
        let mut rules = Rules::new(None, None, t0);
        assert!(!rules.on_sample(sample(1.0, 300, 250, 50), t0 + ms(1_000)));
        assert!(rules.on_sample(sample(1.0, 300, 100, 200), t0 + ms(2_000)));
        assert_eq!(*rules.phase(), Phase::Search);
        assert_eq!(rules.rate(), Some(100.0));
        let mut rules = Rules::new(None, None, t0);
        rules.on_sample(sample(1.0, 300, 5, 295), t0 + ms(1_000));
        assert_eq!(rules.rate(), Some(SEARCH_FLOOR));
        // Searching or judging, intervals change nothing.
        assert!(!rules.on_sample(sample(1.0, 300, 5, 295), t0 + ms(2_000)));
        assert_eq!(*rules.phase(), Phase::Search);
    }

    #[test]
    fn answers_to_requests_started_before_the_phase_do_not_count() {
        let t0 = Instant::now();
        let mut rules = Rules::new(None, None, t0);
        rules.on_answer(true, t0, t0 + ms(10), 40);
        rules.on_answer(true, t0 + ms(10), t0 + ms(10), 40);
        assert_eq!(rules.rate(), Some(40.0));
        // Started at 5 ms, before the search began at 10 ms.
        served_after_wait(&mut rules, t0 + ms(5), t0 + ms(60));
        rules.on_answer(true, t0 + ms(5), t0 + ms(60), 40);
        assert_eq!(*rules.phase(), Phase::Search);
        assert_eq!(rules.rate(), Some(40.0));
        served_after_wait(&mut rules, t0 + ms(10), t0 + ms(60));
        assert_eq!(rules.rate(), Some(45.0));
    }

    #[test]
    fn the_rate_stays_between_the_floor_and_the_ceiling() {
        let t0 = Instant::now();
        let mut rules = Rules::new(Some(50.0), Some(30.0), t0);
        assert_eq!(rules.rate(), Some(30.0));
        served_after_wait(&mut rules, t0, t0 + ms(50));
        assert_eq!(rules.rate(), Some(30.0));
        rules.on_answer(true, t0, t0 + ms(60), 0);
        assert!(close(rules.rate(), 28.5));
        for step in 1..600 {
            let at = t0 + ms(60 + step * 50);
            rules.on_answer(true, at, at, 0);
        }
        assert_eq!(rules.rate(), Some(MIN_RATE));
        assert_eq!(Rules::new(Some(0.0), None, t0).rate(), Some(MIN_RATE));
    }

    #[derive(Debug, Clone)]
    enum Event {
        /// An answer to a request started `age` ms before now.
        Answer {
            throttled: bool,
            age: u64,
            recent: u32,
        },
        /// A request waits for the pacer.
        Wait,
        /// An interval's sample.
        Sample {
            sent: u32,
            served: u32,
            throttled: u32,
        },
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            4 => (any::<bool>(), 0..300_u64, 0..400_u32)
                .prop_map(|(throttled, age, recent)| Event::Answer { throttled, age, recent }),
            2 => Just(Event::Wait),
            1 => (20..400_u32, 0..400_u32, 0..400_u32).prop_map(|(sent, served, throttled)| {
                let served = served.min(sent);
                Event::Sample { sent, served, throttled: throttled.min(sent - served) }
            }),
        ]
    }

    proptest! {
        /// Whatever comes, events 7 ms apart: unpaced only while free or
        /// judging (else at the ceiling); paced within `MIN_RATE..=ceiling`;
        /// once judged free, never judging again.
        #[test]
        fn the_rate_stays_in_bounds_whatever_comes(
            initial in proptest::option::of(0.0..500.0_f64),
            ceiling in proptest::option::of(1.0..300.0_f64),
            events in proptest::collection::vec(event(), 0..300),
        ) {
            let t0 = Instant::now();
            let mut rules = Rules::new(initial, ceiling, t0);
            let mut judged = false;
            for (step, event) in events.into_iter().enumerate() {
                let now = t0 + ms(1_000 + step as u64 * 7);
                match event {
                    Event::Answer { throttled, age, recent } => {
                        rules.on_answer(throttled, now - ms(age), now, recent);
                    }
                    Event::Wait => rules.held_back(),
                    Event::Sample { sent, served, throttled } => {
                        rules.on_sample(sample(0.1, sent, served, throttled), now);
                    }
                }
                match rules.phase() {
                    Phase::Free { .. } | Phase::Verdict(_) => prop_assert_eq!(rules.rate(), ceiling),
                    Phase::Search | Phase::Quota => {
                        let rate = rules.rate().unwrap_or_default();
                        prop_assert!(rate >= MIN_RATE);
                        prop_assert!(ceiling.is_none_or(|ceiling| rate <= ceiling));
                    }
                }
                if *rules.phase() == (Phase::Free { judged: true }) {
                    judged = true;
                }
                if judged {
                    prop_assert!(!matches!(rules.phase(), Phase::Verdict(_)));
                }
            }
        }
    }
}
