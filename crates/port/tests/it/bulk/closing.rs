//! A run's closing span: under a quota, once every job left would start
//! within the longest wait a 429 put a job to, requests start at 0.85 ×
//! the rate; only an input that says how many jobs it holds has one.

use std::time::Duration;

use futures_util::{Stream, StreamExt, stream};
use sinch_contacts_port::{Bulk, BulkOptions};

use super::sim::{Profile, SimServer};

const JOBS: usize = 100;

/// The jobs `c0` to `c99`, as a stream whose size hint says how many are
/// left (`known`) or says nothing.
fn jobs(known: bool) -> std::pin::Pin<Box<dyn Stream<Item = (usize, String)> + Send>> {
    if known {
        Box::pin(stream::iter((0..JOBS).map(|n| (n, format!("c{n}")))))
    } else {
        Box::pin(stream::unfold(0, |n| async move {
            (n < JOBS).then(|| ((n, format!("c{n}")), n + 1))
        }))
    }
}

/// 100 gets searching from 19/s with a ceiling of 19/s, against a server
/// with no limit that answers `c0` once 429 with `Retry-After: 1`: that
/// 429 ends the search (0.95 × 19), the rate regrows to the ceiling by
/// 0.02 a served answer, and the span is c0's wait (1 s and its jitter).
/// Returns the gaps between the served arrivals, in order.
async fn served_gaps(known: bool) -> Vec<Duration> {
    let server = SimServer::new(Profile::bucket(100_000, 100_000));
    server.answer("c0", 429, Some(1), 1);
    let bulk = Bulk::new(
        &server.client(1),
        BulkOptions::default()
            .with_initial_rate(19.0)
            .with_max_rate(19.0),
    )
    .unwrap();
    let done = bulk
        .run(jobs(known), |attempt, id: String| async move {
            attempt.client().get(&id).await
        })
        .filter(|result| std::future::ready(result.as_ref().unwrap().outcome.is_ok()))
        .count()
        .await;
    assert_eq!(done, JOBS);
    let served: Vec<Duration> = server
        .arrivals()
        .iter()
        .filter(|arrival| !arrival.throttled)
        .map(|arrival| arrival.at)
        .collect();
    assert_eq!(served.len(), JOBS);
    served.windows(2).map(|pair| pair[1] - pair[0]).collect()
}

/// At 19/s the starts are 52.6 ms apart (52 or 53 on a millisecond timer);
/// at 0.85 × 19 = 16.15/s, 61.9 ms (61 or 62). About 20 jobs fit in the
/// span: the last 15 gaps are all closing ones, gaps 60 to 75 none.
#[tokio::test(start_paused = true)]
async fn the_last_requests_of_a_run_of_known_length_start_at_085_of_the_rate() {
    let gaps = served_gaps(true).await;
    let steady = &gaps[60..75];
    let last = &gaps[gaps.len() - 15..];
    assert!(
        steady.iter().all(|gap| *gap <= Duration::from_millis(54)),
        "{steady:?}"
    );
    assert!(
        last.iter().all(|gap| *gap >= Duration::from_millis(61)),
        "{last:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_run_whose_input_does_not_say_its_length_keeps_its_rate_to_the_end() {
    let gaps = served_gaps(false).await;
    let last = &gaps[gaps.len() - 15..];
    assert!(
        last.iter().all(|gap| *gap <= Duration::from_millis(54)),
        "{last:?}"
    );
}
