//! One simulated run, counted: the bulk runner or a plain
//! `buffer_unordered` against a [`SimServer`].

use std::time::Duration;

use futures_util::{StreamExt, stream};
use sinch_contacts_port::{Bulk, BulkOptions};

use super::sim::{Profile, SimServer};

/// What one simulated run did, in simulated time.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Jobs done.
    pub done: usize,
    /// Jobs that failed.
    pub failed: usize,
    /// From the first request to the last answer, in simulated time.
    pub elapsed: Duration,
    /// Requests the server saw.
    pub requests: usize,
    /// Of those, refused with 429.
    pub throttled: usize,
    /// When the server saw the first request of the last job to start.
    pub last_first: Duration,
}

impl Figures {
    /// Jobs done per simulated second.
    pub fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64()
    }

    /// Jobs started per simulated second until the last one started: how
    /// fast the run gets through its input, whatever the retries of its last
    /// jobs then take (a job refused four times waits out four back-offs,
    /// seconds at the end of a run that took a fraction of one).
    pub fn input_rate(&self) -> f64 {
        (self.done + self.failed) as f64 / self.last_first.as_secs_f64().max(1e-3)
    }

    /// The share of requests refused with 429.
    pub fn throttled_share(&self) -> f64 {
        self.throttled as f64 / self.requests.max(1) as f64
    }
}

fn figures(server: &SimServer, done: usize, failed: usize, elapsed: Duration) -> Figures {
    let arrivals = server.arrivals();
    let mut seen = std::collections::HashSet::new();
    let last_first = arrivals
        .iter()
        .filter(|arrival| seen.insert(arrival.path.clone()))
        .map(|arrival| arrival.at)
        .max()
        .unwrap_or_default();
    Figures {
        last_first,
        done,
        failed,
        elapsed,
        requests: arrivals.len(),
        throttled: arrivals.iter().filter(|arrival| arrival.throttled).count(),
    }
}

/// Runs `jobs` gets (`c0`, `c1`, ...) through [`Bulk::run`] with
/// `options` against `server`; the client's jitter is seeded with `seed`.
/// Returns the jobs done and the jobs failed.
pub async fn run_gets(
    server: &SimServer,
    options: BulkOptions,
    jobs: usize,
    seed: u64,
) -> (usize, usize) {
    let bulk = Bulk::new(&server.client(seed), options).unwrap();
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
    assert_eq!(done + failed, jobs);
    (done, failed)
}

/// Runs `jobs` gets through [`Bulk::run`] with `options` against a server
/// of `profile`; the client's jitter is seeded with `seed`.
pub async fn bulk(profile: Profile, options: BulkOptions, jobs: usize, seed: u64) -> Figures {
    let server = SimServer::new(profile);
    let started = tokio::time::Instant::now();
    let (done, failed) = run_gets(&server, options, jobs, seed).await;
    figures(&server, done, failed, started.elapsed())
}

/// Runs `jobs` gets as a plain `buffer_unordered(concurrency)` over client
/// calls (the client's default retry policy) against a server of
/// `profile`.
pub async fn buffered(profile: Profile, concurrency: usize, jobs: usize) -> Figures {
    let server = SimServer::new(profile);
    let client = server.client(1);
    let started = tokio::time::Instant::now();
    let results: Vec<bool> = stream::iter((0..jobs).map(|n| format!("c{n}")))
        .map(|id| {
            let client = client.clone();
            async move { client.get(&id).await.is_ok() }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let done = results.iter().filter(|ok| **ok).count();
    figures(&server, done, jobs - done, started.elapsed())
}
