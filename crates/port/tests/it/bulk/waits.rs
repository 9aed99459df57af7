//! Where retries wait: never before `Retry-After`, not together, and not
//! in a place in flight; and what a run holds while they wait.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{StreamExt, stream};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{Bulk, BulkOptions, JobErrorKind, RetryPolicy};

use super::sim::{Profile, SimServer, client_over};

fn gets(ids: &[&str]) -> impl futures_core::Stream<Item = (String, String)> + Send + 'static {
    let jobs: Vec<(String, String)> = ids
        .iter()
        .map(|id| ((*id).to_owned(), (*id).to_owned()))
        .collect();
    stream::iter(jobs)
}

/// Two jobs refused in the same instant with `Retry-After: 2` come back at
/// two different instants, both at least 2 s after the refusal.
#[tokio::test(start_paused = true)]
async fn jobs_refused_together_do_not_come_back_together() {
    let start = tokio::time::Instant::now();
    let together = start + Duration::from_secs(1);
    let arrivals: Arc<Mutex<Vec<(String, Duration)>>> = Arc::default();
    let fake = FakeTransport::new();
    let seen = arrivals.clone();
    fake.set_handler(move |request| {
        let id = request.uri().path().rsplit('/').next().unwrap().to_owned();
        let mut seen = seen.lock().unwrap();
        let first = !seen.iter().any(|(other, _)| *other == id);
        seen.push((id.clone(), start.elapsed()));
        async move {
            if first {
                // Both first answers leave at the same instant.
                tokio::time::sleep_until(together).await;
                let mut refused = json_response(429, "{}");
                refused
                    .headers_mut()
                    .insert("retry-after", "2".parse().unwrap());
                return Ok(refused);
            }
            Ok(json_response(200, &format!(r#"{{"id":"{id}"}}"#)))
        }
    });
    for seed in 1..=20 {
        arrivals.lock().unwrap().clear();
        let client = client_over(fake.clone(), seed);
        let bulk = Bulk::new(&client, BulkOptions::default()).unwrap();
        let results: Vec<_> = bulk
            .run(gets(&["a", "b"]), |attempt, id: String| async move {
                attempt.client().get(&id).await
            })
            .collect()
            .await;
        assert!(results.iter().all(|r| r.as_ref().unwrap().outcome.is_ok()));
        let arrivals = arrivals.lock().unwrap().clone();
        let refused_at = together - start;
        let retry_of = |id: &str| {
            arrivals
                .iter()
                .filter(|(other, _)| other == id)
                .nth(1)
                .unwrap()
                .1
        };
        let (a, b) = (retry_of("a"), retry_of("b"));
        assert_ne!(a, b, "seed {seed}: both retries at {a:?}");
        for retry in [a, b] {
            assert!(
                retry >= refused_at + Duration::from_secs(2),
                "seed {seed}: {retry:?}"
            );
        }
    }
}

/// With one place in flight, a job waiting 10 s for its retry lets another
/// job run meanwhile.
#[tokio::test(start_paused = true)]
async fn a_job_waiting_to_retry_does_not_hold_its_place() {
    let server = SimServer::new(Profile::bucket(1_000, 1_000));
    server.answer("a", 429, Some(10), 1);
    let bulk = Bulk::new(
        &server.client(1),
        BulkOptions::default()
            .with_max_concurrency(1)
            .with_initial_concurrency(1),
    )
    .unwrap();
    let order: Vec<(String, u32)> = bulk
        .run(gets(&["a", "b"]), |attempt, id: String| async move {
            attempt.client().get(&id).await
        })
        .map(|result| {
            let result = result.unwrap();
            assert!(result.outcome.is_ok());
            (result.key, result.attempts)
        })
        .collect()
        .await;
    assert_eq!(order, [("b".to_owned(), 1), ("a".to_owned(), 2)]);
    let arrivals = server.arrivals();
    let at = |path: &str, nth: usize| {
        arrivals
            .iter()
            .filter(|arrival| arrival.path.ends_with(path))
            .nth(nth)
            .unwrap()
            .at
    };
    assert!(at("/b", 0) < at("/a", 1));
    assert!(at("/a", 1) >= at("/a", 0) + Duration::from_secs(10));
    assert_eq!(server.max_in_flight(), 1);
}

/// Every attempt refused: the job is given up after `max_attempts`.
#[tokio::test(start_paused = true)]
async fn attempts_run_out() {
    let server = SimServer::new(Profile::bucket(1_000, 1_000));
    server.answer("a", 503, None, 100);
    let bulk = Bulk::new(
        &server.client(1),
        BulkOptions::default().with_retry(RetryPolicy::default().with_max_attempts(4)),
    )
    .unwrap();
    let numbers: Arc<Mutex<Vec<u32>>> = Arc::default();
    let seen = numbers.clone();
    let results: Vec<_> = bulk
        .run(gets(&["a"]), move |attempt, id: String| {
            seen.lock().unwrap().push(attempt.number());
            async move { attempt.client().get(&id).await }
        })
        .collect()
        .await;
    assert_eq!(*numbers.lock().unwrap(), [1, 2, 3, 4]);
    let [Ok(result)] = results.as_slice() else {
        panic!("{results:?}");
    };
    assert_eq!(result.attempts, 4);
    let error = result.outcome.as_ref().unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::AttemptsExhausted);
    assert!(!error.may_have_acted());
    assert_eq!(
        error.error().and_then(|error| error.status()),
        Some(http::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(server.arrivals().len(), 4);
}

/// Jobs are taken from the input only while fewer than `max_held_jobs`
/// are held, even when every one waits long for its retry; and no more
/// than `max_concurrency` are in flight.
#[tokio::test(start_paused = true)]
async fn memory_is_bounded_by_the_held_jobs_not_the_input() {
    let server = SimServer::new(Profile::bucket(1_000, 1_000));
    let ids: Vec<String> = (0..200).map(|n| format!("c{n}")).collect();
    for id in &ids {
        server.answer(id, 429, Some(5), 2);
    }
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = taken.clone();
    let jobs = stream::iter(ids).map(move |id| {
        counter.fetch_add(1, Ordering::SeqCst);
        (id.clone(), id)
    });
    let options = BulkOptions::default()
        .with_max_concurrency(4)
        .with_max_held_jobs(10)
        .with_initial_rate(1_000.0);
    let bulk = Bulk::new(&server.client(1), options).unwrap();
    let mut run = bulk.run(jobs, |attempt, id: String| async move {
        attempt.client().get(&id).await
    });
    let (mut finished, mut most_held) = (0, 0);
    while let Some(result) = run.next().await {
        assert!(result.unwrap().outcome.is_ok());
        finished += 1;
        // Taken and not yet reported: in flight, waiting or ready.
        let held = taken.load(Ordering::SeqCst) - finished;
        assert!(held <= 10, "{held} jobs held");
        most_held = most_held.max(held);
    }
    assert_eq!(finished, 200);
    assert!(most_held > 4, "jobs waiting to retry left room for others");
    assert!(server.max_in_flight() <= 4);
}
