//! [`Verdict`]: whether 429s are a quota, weighed answer by answer.
//!
//! A sequential probability ratio test between two hypotheses about the
//! answers that follow a first 429, the run still unpaced: a quota refuses
//! about half of them ([`QUOTA_SHARE`]: sending freely, the run is well
//! over it), refusals that are not a quota about one in ten
//! ([`FREE_SHARE`]). Each answer adds the log of its likelihood ratio; the
//! verdict falls when the odds reach [`ODDS`] either way.

/// The share of 429s expected of a quota.
pub(crate) const QUOTA_SHARE: f64 = 0.5;
/// The share of 429s expected of refusals that are not a quota.
pub(crate) const FREE_SHARE: f64 = 0.1;
/// The odds at which the verdict falls.
pub(crate) const ODDS: f64 = 19.0;

/// What the answers weighed so far say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Judgement {
    /// Not enough yet.
    Pending,
    /// A quota.
    Quota,
    /// Refusals that are not a quota.
    NotQuota,
}

/// The evidence so far: the log of the odds that the 429s are a quota.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Verdict {
    evidence: f64,
}

impl Verdict {
    /// Weighs one answer (`throttled`: a 429).
    pub(crate) fn weigh(&mut self, throttled: bool) -> Judgement {
        self.evidence += if throttled {
            (QUOTA_SHARE / FREE_SHARE).ln()
        } else {
            ((1.0 - QUOTA_SHARE) / (1.0 - FREE_SHARE)).ln()
        };
        if self.evidence >= ODDS.ln() {
            Judgement::Quota
        } else if self.evidence <= -ODDS.ln() {
            Judgement::NotQuota
        } else {
            Judgement::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked apart: a 429 weighs ln(0.5 / 0.1) = 1.609, a served answer
    /// ln(0.5 / 0.9) = -0.588, the verdict falls at ±ln 19 = ±2.944.
    #[test]
    fn two_429s_in_a_row_are_a_quota() {
        let mut verdict = Verdict::default();
        assert_eq!(verdict.weigh(true), Judgement::Pending, "1.609");
        assert_eq!(verdict.weigh(true), Judgement::Quota, "3.219");
    }

    #[test]
    fn a_429_among_served_answers_is_not_a_quota() {
        let mut verdict = Verdict::default();
        assert_eq!(verdict.weigh(true), Judgement::Pending);
        // 1.609 - 7 × 0.588 = -2.506: not yet; the 8th: -3.093.
        for _ in 0..7 {
            assert_eq!(verdict.weigh(false), Judgement::Pending);
        }
        assert_eq!(verdict.weigh(false), Judgement::NotQuota);
    }

    #[test]
    fn a_second_429_after_a_served_answer_is_not_enough() {
        let mut verdict = Verdict::default();
        verdict.weigh(true);
        verdict.weigh(false);
        // 1.609 - 0.588 + 1.609 = 2.631 < 2.944; one more 429: 4.240.
        assert_eq!(verdict.weigh(true), Judgement::Pending);
        assert_eq!(verdict.weigh(true), Judgement::Quota);
    }
}
