//! Without a quota: as fast as a plain `buffer_unordered`, and 429s that
//! are not a quota (refused at random, whatever the rate) do not slow the
//! run down.

use sinch_contacts_port::BulkOptions;

use super::run::{Figures, buffered, bulk};
use super::sim::Profile;

fn options(max_concurrency: usize) -> BulkOptions {
    BulkOptions::default().with_max_concurrency(max_concurrency)
}

/// A fast server without a quota: within 5 % of `buffer_unordered(n)`
/// over the same server (the runner's limit starts at 4 and grows).
#[tokio::test(start_paused = true)]
async fn without_429s_the_run_is_as_fast_as_buffer_unordered() {
    let cases = [
        (Profile::loopback(1, 1).unlimited(), 16, 10_000),
        (Profile::loopback(1, 1).unlimited(), 64, 40_000),
        (Profile::bucket(1, 1).unlimited(), 16, 3_000),
        (Profile::bucket(1, 1).unlimited(), 64, 12_000),
    ];
    for (profile, max_concurrency, jobs) in cases {
        let plain = buffered(profile, max_concurrency, jobs).await;
        let run = bulk(profile, options(max_concurrency), jobs, 1).await;
        let ratio = run.rate() / plain.rate();
        assert!(
            ratio >= 0.95,
            "{max_concurrency} in flight, {jobs} jobs: {:.0}/s vs {:.0}/s",
            run.rate(),
            plain.rate()
        );
        assert_eq!(run.throttled, 0);
    }
}

/// The same run with no 429s, and with `share` of the requests refused at
/// random.
async fn with_and_without(profile: Profile, share: f64, jobs: usize) -> (Figures, Figures) {
    let clean = bulk(profile, options(16), jobs, 1).await;
    let refused = bulk(profile.with_refused_share(share), options(16), jobs, 1).await;
    (clean, refused)
}

/// 5 % and 10 % refused at random (`Retry-After` 0 or 1), no quota: the
/// run gets through its jobs at least half as fast as without 429s.
/// Counted until the last job started: the retries of the last jobs then
/// take the back-off they take with or without a pacer.
#[tokio::test(start_paused = true)]
async fn random_429s_do_not_slow_the_run_down() {
    for share in [0.05, 0.10] {
        for (profile, jobs) in [
            (Profile::loopback(1, 1).unlimited(), 10_000),
            (Profile::bucket(1, 1).unlimited(), 3_000),
        ] {
            let (clean, refused) = with_and_without(profile, share, jobs).await;
            let ratio = refused.input_rate() / clean.input_rate();
            assert!(
                ratio >= 0.5,
                "{share} refused, {:?}: {:.0}/s vs {:.0}/s",
                profile.base,
                refused.input_rate(),
                clean.input_rate()
            );
            assert_eq!(refused.failed, 0);
        }
    }
}

/// The CLI benchmark's mix (10 % 503, 5 % 429, 1 % of connections dropped
/// before the server reads the request, 1 % after it served it): at least
/// a quarter of the jobs per second of a run without faults.
#[tokio::test(start_paused = true)]
async fn the_fault_mix_keeps_a_quarter_of_the_throughput() {
    for (profile, jobs) in [
        (Profile::loopback(1, 1).unlimited(), 10_000),
        (Profile::bucket(1, 1).unlimited(), 3_000),
    ] {
        let clean = bulk(profile, options(16), jobs, 1).await;
        let mixed = bulk(profile.with_fault_mix(), options(16), jobs, 1).await;
        let ratio = mixed.input_rate() / clean.input_rate();
        assert!(
            ratio >= 0.25,
            "{:?}: {:.0}/s vs {:.0}/s",
            profile.base,
            mixed.input_rate(),
            clean.input_rate()
        );
        assert_eq!(mixed.failed, 0);
    }
}
