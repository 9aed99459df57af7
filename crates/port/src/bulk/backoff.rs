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

/// The retry number whose back-off a job's retry after a failure (not a
/// 429: there the back-off spreads jobs refused together, and follows the
/// job's count) takes: its own retry number, but no higher than `1 + log2(1 + failure_streak)`, where the
/// streak counts the run's failed answers (5xx, timeouts, cut or refused
/// connections) since its last served one.
///
/// A back-off spares a server in trouble. A server in trouble fails most of
/// what it is sent, so the run's streak grows and every retry backs off as
/// far as its own count says. A server failing a share of requests at
/// random (one in five, say) serves most of them, the streak stays at one
/// or two, and an unlucky job's sixth retry waits as its second would:
/// with 100 ms doubling to 2 s, the last rows of such a run waited up to
/// 5 s for their turn while the rest was done.
pub(crate) fn backoff_step(retry: u32, failure_streak: u32) -> u32 {
    let cap = 1 + (u64::from(failure_streak) + 1).ilog2();
    retry.min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::FixedJitter;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Worked by hand: log2(1 + streak) rounded down, plus one.
    #[test]
    fn the_back_off_step_is_capped_by_the_runs_failure_streak() {
        let cases = [
            // (retry, streak, step)
            (1, 0, 1),
            (5, 0, 1),
            (5, 1, 2),
            (5, 2, 2),
            (5, 3, 3),
            (5, 6, 3),
            (5, 7, 4),
            (5, 15, 5),
            (5, 1_000, 5),
            (9, 255, 9),
            (9, 254, 8),
            (2, 1_000, 2),
            (u32::MAX, u32::MAX, 33),
        ];
        for (retry, streak, step) in cases {
            assert_eq!(
                backoff_step(retry, streak),
                step,
                "retry {retry}, streak {streak}"
            );
        }
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
