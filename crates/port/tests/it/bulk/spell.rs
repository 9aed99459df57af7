//! A spell of jitter in a run under a quota: a bucket of one token refuses
//! requests at any pace while a spell lasts; once it ends, the run is back
//! near the quota's rate within two seconds. The run and what the server saw
//! of it are shared with `fall.rs` and the printed figures.

use std::time::Duration;

use sinch_contacts_port::BulkOptions;

use super::run::run_gets;
use super::sim::{Profile, SimServer, Spell};

/// What a run did, as the server saw it.
pub struct Seen {
    /// When each served request arrived (since the server was made).
    pub served: Vec<Duration>,
    /// When each refused request arrived.
    pub refused: Vec<Duration>,
}

impl Seen {
    /// Served per second in `[from, to)`.
    pub fn served_rate(&self, from: Duration, to: Duration) -> f64 {
        within(&self.served, from, to) as f64 / (to - from).as_secs_f64()
    }

    /// The share of the requests that arrived in `[from, to)` refused.
    pub fn refused_share(&self, from: Duration, to: Duration) -> f64 {
        let refused = within(&self.refused, from, to);
        refused as f64 / (refused + within(&self.served, from, to)).max(1) as f64
    }

    /// The last served arrival.
    pub fn end(&self) -> Duration {
        self.served.last().copied().unwrap_or_default()
    }
}

fn within(times: &[Duration], from: Duration, to: Duration) -> usize {
    times.iter().filter(|at| **at >= from && **at < to).count()
}

/// A run of `jobs` gets, at most 16 in flight, against a server of
/// `profile`.
pub async fn run(profile: Profile, jobs: usize) -> Seen {
    let server = SimServer::new(profile);
    let options = BulkOptions::default().with_max_concurrency(16);
    let (done, _) = run_gets(&server, options, jobs, 7).await;
    assert_eq!(done, jobs);
    let arrivals = server.arrivals();
    let times = |throttled: bool| {
        arrivals
            .iter()
            .filter(|arrival| arrival.throttled == throttled)
            .map(|arrival| arrival.at)
            .collect()
    };
    Seen {
        served: times(false),
        refused: times(true),
    }
}

pub fn secs(n: f64) -> Duration {
    Duration::from_secs_f64(n)
}

/// A spell from 5 s, `length` seconds long, of `0..transit_ms` transit.
pub fn spell(transit_ms: u64, length: f64) -> Spell {
    Spell {
        from: secs(5.0),
        length: secs(length),
        transit: Duration::from_millis(transit_ms),
    }
}

/// 3,000 jobs against 200/s holding one token on loopback; from 5 s to
/// 6 s requests take 0–3 ms or 0–8 ms to reach the bucket. The run serves
/// about 0.99 × R before the spell (the same run without it does), 0.45–0.63
/// × R in it; from 8 s to 10 s it is back at 0.9 × R at least.
#[tokio::test(start_paused = true)]
async fn two_seconds_after_a_spell_of_jitter_a_run_is_back_near_the_quota() {
    for transit_ms in [3, 8] {
        let seen = run(
            Profile::loopback(200, 1).with_spell(spell(transit_ms, 1.0)),
            3_000,
        )
        .await;
        let before = seen.served_rate(secs(2.0), secs(5.0));
        let after = seen.served_rate(secs(8.0), secs(10.0));
        assert!(
            before >= 0.95 * 200.0,
            "0–{transit_ms} ms: {before}/s before"
        );
        assert!(after >= 0.9 * 200.0, "0–{transit_ms} ms: {after}/s after");
        let share = seen.refused_share(Duration::ZERO, seen.end() + secs(1.0));
        assert!(share <= 0.05, "0–{transit_ms} ms: {share} refused");
    }
}
