//! Throughput against a token bucket: the share of the server's rate the
//! runner reaches and the share of its requests refused, counted in
//! simulated time.

use futures_util::{StreamExt, stream};
use sinch_contacts_port::{Bulk, BulkOptions};

use super::sim::{Profile, SimServer};

/// What one simulated run did.
#[derive(Debug)]
struct Figures {
    /// Served requests per simulated second, over the server's rate.
    rate_ratio: f64,
    /// 429s over all requests.
    throttled_share: f64,
    failed: usize,
}

/// Runs `seconds × rate` gets against a bucket of `rate`/s holding `burst`,
/// with at most `max_concurrency` in flight.
async fn simulate(rate: u64, burst: u64, max_concurrency: usize, seconds: u64) -> Figures {
    let server = SimServer::new(Profile::bucket(rate, burst));
    let client = server.client(rate ^ burst ^ max_concurrency as u64);
    let bulk = Bulk::new(
        &client,
        BulkOptions::default().with_max_concurrency(max_concurrency),
    )
    .unwrap();
    let jobs = (rate * seconds) as usize;
    let started = tokio::time::Instant::now();
    let mut run = bulk.run(
        stream::iter((0..jobs).map(|n| (n, format!("c{n}")))),
        |attempt, id: String| async move { attempt.client().get(&id).await },
    );
    let (mut done, mut failed) = (0, 0);
    while let Some(result) = run.next().await {
        match result.expect("no systemic failure").outcome {
            Ok(_) => done += 1,
            Err(_) => failed += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let arrivals = server.arrivals();
    let throttled = arrivals.iter().filter(|arrival| arrival.throttled).count();
    assert_eq!(done + failed, jobs);
    Figures {
        rate_ratio: done as f64 / elapsed / rate as f64,
        throttled_share: throttled as f64 / arrivals.len() as f64,
        failed,
    }
}

/// For each rate, concurrency cap and burst: at least 90 % of the rate, at
/// most 5 % of the requests refused, no job failed. The figures are counts
/// in simulated time (served jobs over simulated seconds), not a measure of
/// how fast the test runs.
#[tokio::test(start_paused = true)]
async fn a_simulated_minute_reaches_the_quota_with_few_429s() {
    let mut misses = Vec::new();
    for rate in [100, 20] {
        for max_concurrency in [16, 64] {
            for burst in [rate, rate / 10, 1] {
                let figures = simulate(rate, burst, max_concurrency, 60).await;
                if figures.rate_ratio < 0.9 || figures.throttled_share > 0.05 || figures.failed > 0
                {
                    misses.push(format!(
                        "R {rate}, max concurrency {max_concurrency}, burst {burst}: {figures:?}"
                    ));
                }
            }
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
