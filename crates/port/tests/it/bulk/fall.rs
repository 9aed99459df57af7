//! A quota that falls in the middle of a run (another client of the same
//! project starts, say): the rate the run recovers towards after a cut
//! follows it down, so the run settles at the new quota with few 429s.

use super::sim::Profile;
use super::spell::{run, secs};

/// 4,000 jobs against 200/s holding one token on loopback, falling to
/// 100/s at 5 s: 1,000 jobs go before the fall, 3,000 after it (30 s at
/// 100/s). From 15 s to the end the run serves at least 0.95 × 100/s, and
/// at most 5 % of its requests there are refused. (A peak that a failed
/// recovery does not lower keeps recovering towards 200/s: about 91/s
/// served, 1–4 % refused in each second.)
#[tokio::test(start_paused = true)]
async fn a_run_settles_at_a_quota_that_fell() {
    let seen = run(Profile::loopback(200, 1).with_fall(secs(5.0), 100), 4_000).await;
    let end = seen.end();
    assert!(end > secs(30.0), "{end:?}");
    // The last second holds the run's closing span.
    let settled = seen.served_rate(secs(15.0), end - secs(1.0));
    assert!(settled >= 95.0, "{settled}/s");
    let share = seen.refused_share(secs(15.0), end);
    assert!(share <= 0.05, "{share} refused");
}
