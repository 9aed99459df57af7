//! [`RetryPolicy`]: how many attempts and how long to wait between them.

use std::time::Duration;

use crate::runtime::Jitter;

/// How often and how patiently the client retries a failed request.
///
/// Back-off is exponential with full jitter: before retry `n` (1-based) the
/// client waits a random duration in `0..=min(initial_backoff × multiplierⁿ⁻¹,
/// max_backoff)`. A `Retry-After` header (seconds or IMF-fixdate) replaces
/// that delay when it asks for at most
/// [`max_retry_after`](Self::max_retry_after); a longer one ends the retries
/// and returns the error. *Which* failures are retried
/// does not depend on the policy; see the safety table in the crate docs.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_port::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_initial_backoff(Duration::from_millis(200));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    multiplier: u32,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, 1 s initial back-off growing ×4, capped at 30 s;
    /// `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            multiplier: 4,
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that makes exactly one attempt.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts including the first; `0` is treated as `1`.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Ceiling of the delay before the first retry.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Factor by which the ceiling grows per retry; `0` is treated as `1`.
    pub fn with_multiplier(mut self, multiplier: u32) -> Self {
        self.multiplier = multiplier.max(1);
        self
    }

    /// Upper bound of any back-off ceiling.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Longest `Retry-After` the client is willing to wait for.
    pub fn with_max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Total attempts including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Ceiling of the delay before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Growth factor of the back-off ceiling.
    pub fn multiplier(&self) -> u32 {
        self.multiplier
    }

    /// Upper bound of any back-off ceiling.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Longest `Retry-After` the client is willing to wait for.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The back-off ceiling before retry number `retry` (1-based).
    ///
    /// ```
    /// use std::time::Duration;
    /// use sinch_contacts_port::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.backoff_ceiling(1), Duration::from_secs(1));
    /// assert_eq!(policy.backoff_ceiling(2), Duration::from_secs(4));
    /// assert_eq!(policy.backoff_ceiling(9), Duration::from_secs(30));
    /// ```
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1);
        let factor = self.multiplier.checked_pow(exponent).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The delay before retry number `retry`, or `None` when the server asked
    /// for a longer wait than [`max_retry_after`](Self::max_retry_after).
    pub(crate) fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        jitter: &dyn Jitter,
    ) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(jitter.sample(self.backoff_ceiling(retry))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::FixedJitter;

    #[test]
    fn ceiling_grows_by_multiplier_and_is_capped() {
        let policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_multiplier(2)
            .with_max_backoff(Duration::from_millis(500));
        let ceilings: Vec<u128> = (1..=5)
            .map(|n| policy.backoff_ceiling(n).as_millis())
            .collect();
        assert_eq!(ceilings, vec![100, 200, 400, 500, 500]);
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_millis(500));
    }

    #[test]
    fn delay_uses_jitter_or_retry_after() {
        let policy = RetryPolicy::default();
        let half = FixedJitter::new(0.5);
        assert_eq!(policy.delay(2, None, &half), Some(Duration::from_secs(2)));
        assert_eq!(
            policy.delay(2, Some(Duration::from_secs(7)), &half),
            Some(Duration::from_secs(7))
        );
        assert_eq!(policy.delay(2, Some(Duration::from_secs(61)), &half), None);
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }
}
