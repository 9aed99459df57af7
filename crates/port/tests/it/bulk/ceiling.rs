//! `max_rate`: a quota the run never exceeds, retries included.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use sinch_contacts_port::{Bulk, BulkOptions};

use super::sim::{Profile, SimServer, client_sleeping};

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

/// A Tokio sleeper that counts which waits were for pacing.
#[derive(Debug, Default)]
struct CountingSleep {
    paced: std::sync::atomic::AtomicUsize,
    slept: std::sync::atomic::AtomicUsize,
}

impl sinch_contacts_port::Sleep for CountingSleep {
    fn sleep(&self, duration: Duration) -> sinch_contacts_port::SleepFuture {
        self.slept
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Box::pin(tokio::time::sleep(duration))
    }

    fn pace(&self, duration: Duration) -> sinch_contacts_port::SleepFuture {
        self.paced
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Waits that space requests at the rate go through `Sleep::pace` (which
/// `PreciseSleep` ends precisely); a retry's wait goes through `sleep`.
/// 40 jobs at 20 per second, one refused once: 39 starts wait for the
/// pacer, the refused job's retry waits once.
#[tokio::test(start_paused = true)]
async fn pacing_waits_use_pace_and_retry_waits_use_sleep() {
    let server = SimServer::new(Profile::bucket(100_000, 100_000));
    server.answer("c7", 429, Some(1), 1);
    let sleeper = std::sync::Arc::new(CountingSleep::default());
    let client = client_sleeping(server.clone(), 1, sleeper.clone());
    let bulk = Bulk::new(&client, BulkOptions::default().with_max_rate(20.0)).unwrap();
    let done = bulk
        .run(
            stream::iter((0..40).map(|n| (n, format!("c{n}")))),
            |attempt, id: String| async move { attempt.client().get(&id).await },
        )
        .filter(|result| std::future::ready(result.as_ref().unwrap().outcome.is_ok()))
        .count()
        .await;
    assert_eq!(done, 40);
    assert_eq!(sleeper.slept.load(std::sync::atomic::Ordering::Relaxed), 1);
    // Every start after the first waits for its slot; the retry too.
    assert!(sleeper.paced.load(std::sync::atomic::Ordering::Relaxed) >= 39);
}

/// A sleeper whose pacing waits end 1 ms late, and which says its pacing
/// waits may end `lateness` late.
#[derive(Debug)]
struct LateSleep {
    lateness: Duration,
}

impl sinch_contacts_port::Sleep for LateSleep {
    fn sleep(&self, duration: Duration) -> sinch_contacts_port::SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }

    fn pace(&self, duration: Duration) -> sinch_contacts_port::SleepFuture {
        Box::pin(tokio::time::sleep(duration + Duration::from_millis(1)))
    }

    fn pace_lateness(&self) -> Duration {
        self.lateness
    }
}

/// How long 40 gets at 20 per second take with a [`LateSleep`].
async fn forty_paced_gets(lateness: Duration) -> Duration {
    let server = SimServer::new(Profile::bucket(100_000, 100_000));
    let client = client_sleeping(server, 1, std::sync::Arc::new(LateSleep { lateness }));
    let bulk = Bulk::new(&client, BulkOptions::default().with_max_rate(20.0)).unwrap();
    let start = tokio::time::Instant::now();
    let done = bulk
        .run(
            stream::iter((0..40).map(|n| (n, format!("c{n}")))),
            |attempt, id: String| async move { attempt.client().get(&id).await },
        )
        .count()
        .await;
    assert_eq!(done, 40);
    start.elapsed()
}

/// A start that comes late keeps its slot only within the sleeper's
/// `pace_lateness`: a start that waited for the pacer comes 1 ms late, so a
/// sleeper that allows 2 ms keeps the 50 ms schedule, and one that allows
/// none (as `PreciseSleep`) counts each next slot from the late start: up to
/// 39 ms longer in all (39 starts after the first), at least 30 (a start
/// that finds its slot passed, an answer having woken the run, waits for
/// nothing).
#[tokio::test(start_paused = true)]
async fn a_late_start_keeps_its_slot_only_within_the_sleepers_lateness() {
    let kept = forty_paced_gets(Duration::from_millis(2)).await;
    let not_kept = forty_paced_gets(Duration::ZERO).await;
    let longer = not_kept.saturating_sub(kept);
    assert!(
        longer >= Duration::from_millis(30) && longer <= Duration::from_millis(39),
        "{kept:?} then {not_kept:?}"
    );
}

#[test]
fn the_precise_sleeper_keeps_no_late_slot_and_tokios_keeps_two_milliseconds() {
    use sinch_contacts_port::Sleep;
    assert_eq!(
        sinch_contacts_port::PreciseSleep.pace_lateness(),
        Duration::ZERO
    );
    assert_eq!(
        sinch_contacts_port::TokioSleep.pace_lateness(),
        Duration::from_millis(2)
    );
}
