//! The wait before a job's next attempt.

use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::runtime::Jitter;

/// The wait before retry number `retry` (1-based) of a job: what the server
/// asked for (`Retry-After`, none counts as zero) plus a jittered share
/// drawn from `0..=policy.backoff_ceiling(retry)`.
///
/// Never earlier than the server said, and two jobs refused in the same
/// instant with the same `Retry-After` draw different waits, so they do not
/// come back together; without `Retry-After` it is the policy's exponential
/// back-off with full jitter.
pub(crate) fn retry_delay(
    policy: &RetryPolicy,
    retry: u32,
    retry_after: Option<Duration>,
    jitter: &dyn Jitter,
) -> Duration {
    retry_after
        .unwrap_or(Duration::ZERO)
        .saturating_add(jitter.sample(policy.backoff_ceiling(retry)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::FixedJitter;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Worked by hand: ceilings 100, 200, 400 ms (×2); a fixed jitter of
    /// one half draws half the ceiling.
    #[test]
    fn the_wait_is_the_servers_plus_a_jittered_back_off() {
        let policy = RetryPolicy::default()
            .with_initial_backoff(ms(100))
            .with_multiplier(2)
            .with_max_backoff(ms(300));
        let half = FixedJitter::new(0.5);
        assert_eq!(retry_delay(&policy, 1, None, &half), ms(50));
        assert_eq!(retry_delay(&policy, 2, None, &half), ms(100));
        assert_eq!(retry_delay(&policy, 3, None, &half), ms(150));
        assert_eq!(retry_delay(&policy, 1, Some(ms(1_000)), &half), ms(1_050));
        assert_eq!(retry_delay(&policy, 2, Some(ms(1_000)), &half), ms(1_100));
        let none = FixedJitter::new(0.0);
        assert_eq!(retry_delay(&policy, 2, Some(ms(1_000)), &none), ms(1_000));
        assert_eq!(
            retry_delay(&policy, 1, Some(Duration::MAX), &half),
            Duration::MAX
        );
    }
}
