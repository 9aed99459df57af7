//! `max_rate`: a quota the run never exceeds, retries included.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use sinch_contacts_port::{Bulk, BulkOptions};

use super::sim::{Profile, SimServer};

/// Runs 600 gets with `max_rate` 20 against a server that never runs out
/// of tokens and refuses the jobs listed in `refused` once; returns the
/// arrivals and the simulated duration.
async fn run_capped(refused: &[usize]) -> (Vec<Duration>, Duration) {
    let server = SimServer::new(Profile::bucket(100_000, 100_000));
    for n in refused {
        server.answer(&format!("c{n}"), 429, Some(1), 1);
    }
    let bulk = Bulk::new(
        &server.client(1),
        BulkOptions::default()
            .with_max_concurrency(64)
            .with_initial_rate(1_000.0)
            .with_max_rate(20.0),
    )
    .unwrap();
    let started = tokio::time::Instant::now();
    let done = bulk
        .run(
            stream::iter((0..600).map(|n| (n, format!("c{n}")))),
            |attempt, id: String| async move { attempt.client().get(&id).await },
        )
        .filter(|result| std::future::ready(result.as_ref().unwrap().outcome.is_ok()))
        .count()
        .await;
    assert_eq!(done, 600);
    let arrivals: Vec<Duration> = server.arrivals().iter().map(|a| a.at).collect();
    assert_eq!(arrivals.len(), 600 + refused.len());
    (arrivals, started.elapsed())
}

/// The most arrivals in any window of one second that starts at an
/// arrival.
fn busiest_second(arrivals: &[Duration]) -> usize {
    (0..arrivals.len())
        .map(|index| {
            arrivals[index..]
                .iter()
                .take_while(|at| **at < arrivals[index] + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// 600 attempts at 20 per second: never more than 20 in a second, and the
/// ceiling is used: 600 starts 50 ms apart span 29.95 s, plus the last
/// answer (at most 60 ms).
#[tokio::test(start_paused = true)]
async fn max_rate_is_reached_and_never_exceeded() {
    let (arrivals, elapsed) = run_capped(&[]).await;
    assert_eq!(busiest_second(&arrivals), 20);
    assert!(elapsed <= Duration::from_millis(30_010), "{elapsed:?}");
}

/// Retries go through the same ceiling.
#[tokio::test(start_paused = true)]
async fn retries_count_against_max_rate() {
    let (arrivals, _) = run_capped(&[3, 4, 5, 6, 7, 100, 101, 102]).await;
    assert!(busiest_second(&arrivals) <= 20);
}
