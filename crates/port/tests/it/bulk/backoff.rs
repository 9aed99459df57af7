//! How far a retry backs off: as far as its job's count says when the
//! server fails most of what it is sent, but no further than the run's
//! streak of failures says when the server fails a job now and then.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use sinch_contacts_port::{
    Auth, Bulk, BulkOptions, ContactsClient, FixedJitter, Region, RetryPolicy, TokioSleep,
};

use super::sim::{Profile, SimServer, TokioClock};

/// A client of `server` whose jitter draws the whole ceiling, so each wait
/// is the back-off ceiling itself: 100 ms doubling to 3.2 s.
fn client(server: &SimServer) -> ContactsClient {
    ContactsClient::builder(server.clone(), "project-1")
        .region(Region::Eu)
        .auth(Auth::basic("key-id", "key-secret"))
        .clock(Arc::new(TokioClock::new()))
        .sleep(Arc::new(TokioSleep))
        .jitter(Arc::new(FixedJitter::new(1.0)))
        .build()
        .unwrap()
}

fn options() -> BulkOptions {
    BulkOptions::default().with_retry(
        RetryPolicy::default()
            .with_max_attempts(10)
            .with_initial_backoff(Duration::from_millis(100))
            .with_multiplier(2)
            .with_max_backoff(Duration::from_millis(3_200)),
    )
}

/// Runs gets of c0..c{count} against `server`; returns how many were served.
async fn served(server: &SimServer, options: BulkOptions, count: usize) -> usize {
    let bulk = Bulk::new(&client(server), options).unwrap();
    bulk.run(
        stream::iter((0..count).map(|n| (n, format!("c{n}")))),
        |attempt, id: String| async move { attempt.client().get(&id).await },
    )
    .filter(|result| std::future::ready(result.as_ref().unwrap().outcome.is_ok()))
    .count()
    .await
}

/// The times `id` arrived at the server, in order.
fn arrivals_of(server: &SimServer, id: &str) -> Vec<Duration> {
    let suffix = format!("/{id}");
    server
        .arrivals()
        .iter()
        .filter(|arrival| arrival.path.ends_with(&suffix))
        .map(|arrival| arrival.at)
        .collect()
}

/// Job c7 fails five times with a 503 while 300 others, paced at 100/s,
/// are served around it: the run's streak is one at each failure, so after
/// its first retry (100 ms) every retry of c7 waits the second retry's
/// ceiling, 200 ms (its own count would have said 400, 800, 1,600 ms).
#[tokio::test(start_paused = true)]
async fn a_job_failing_while_the_run_is_served_backs_off_as_a_second_retry() {
    let server = SimServer::new(Profile::loopback(100_000, 100_000));
    server.answer("c7", 503, None, 5);
    assert_eq!(
        served(&server, options().with_max_rate(100.0), 300).await,
        300
    );
    let arrivals = arrivals_of(&server, "c7");
    assert_eq!(arrivals.len(), 6);
    for (pair, ceiling) in arrivals.windows(2).zip([100, 200, 200, 200, 200]) {
        let gap = pair[1] - pair[0];
        // The 503 takes a millisecond; the pacer may hold the retry for
        // its slot (10 ms at 100/s, on a millisecond timer) after the wait.
        assert!(
            gap >= Duration::from_millis(ceiling) && gap <= Duration::from_millis(ceiling + 25),
            "{gap:?} between attempts of c7: {arrivals:?}"
        );
    }
}

/// Sixteen jobs that all fail four times (a server failing everything):
/// the streak passes 15 in the first round, so each job backs off as its
/// own count says, 100, 200, 400 and 800 ms.
#[tokio::test(start_paused = true)]
async fn jobs_failing_together_back_off_as_far_as_their_count_says() {
    let server = SimServer::new(Profile::loopback(100_000, 100_000));
    for n in 0..16 {
        server.answer(&format!("c{n}"), 503, None, 4);
    }
    assert_eq!(
        served(&server, options().with_max_concurrency(16), 16).await,
        16
    );
    let arrivals = arrivals_of(&server, "c15");
    assert_eq!(arrivals.len(), 5);
    let gaps: Vec<Duration> = arrivals.windows(2).map(|pair| pair[1] - pair[0]).collect();
    for (gap, ceiling) in gaps.iter().zip([100, 200, 400, 800]) {
        assert!(
            *gap >= Duration::from_millis(ceiling) && *gap <= Duration::from_millis(ceiling + 15),
            "gaps of c15: {gaps:?}"
        );
    }
}

/// A 429 keeps the job's own count: c7 refused four times with
/// `Retry-After: 0` while the rest is served waits 100, 200, 400 and 800
/// ms (the spread that keeps jobs a quota refused together apart).
#[tokio::test(start_paused = true)]
async fn a_job_refused_by_429s_backs_off_as_far_as_its_count_says() {
    let server = SimServer::new(Profile::loopback(100_000, 100_000));
    server.answer("c7", 429, Some(0), 4);
    assert_eq!(
        served(&server, options().with_max_rate(100.0), 300).await,
        300
    );
    let arrivals = arrivals_of(&server, "c7");
    assert_eq!(arrivals.len(), 5);
    for (pair, ceiling) in arrivals.windows(2).zip([100, 200, 400, 800]) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(ceiling) && gap <= Duration::from_millis(ceiling + 25),
            "{gap:?} between attempts of c7: {arrivals:?}"
        );
    }
}
