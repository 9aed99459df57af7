//! Failures that concern every job stop the run with one error; failures
//! of one job are that job's result.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{
    Auth, Bulk, BulkOptions, ContactsClient, JobErrorKind, RandomJitter, Region, StopReason,
    Stopped, TokioSleep, TransportError,
};

use super::sim::{TokioClock, client_over};

type Item = Result<sinch_contacts_port::JobResult<usize, sinch_contacts_model::Contact>, Stopped>;

/// Runs 1,000 gets over `client`.
async fn run_gets(client: &ContactsClient) -> Vec<Item> {
    let bulk = Bulk::new(client, BulkOptions::default()).unwrap();
    bulk.run(
        stream::iter((0..1_000).map(|n| (n, format!("c{n}")))),
        |attempt, id: String| async move { attempt.client().get(&id).await },
    )
    .collect()
    .await
}

/// The run ended with one `Stopped`, last; every job it reported was
/// abandoned; returns the reason and how many jobs were reported.
fn stopped(items: &[Item]) -> (StopReason, usize) {
    let (last, jobs) = items.split_last().expect("at least the stop");
    let Err(stopped) = last else {
        panic!("the run did not stop: {last:?}");
    };
    for job in jobs {
        let job = job.as_ref().expect("one stop, last");
        let error = job.outcome.as_ref().unwrap_err();
        assert_eq!(error.kind(), JobErrorKind::Abandoned, "{error}");
    }
    (stopped.reason(), jobs.len())
}

fn answering(status: u16) -> FakeTransport {
    let fake = FakeTransport::new();
    fake.set_handler(move |_| async move { Ok(json_response(status, "{}")) });
    fake
}

#[tokio::test(start_paused = true)]
async fn a_401_or_403_stops_the_run_at_once() {
    for status in [401, 403] {
        let fake = answering(status);
        let started = tokio::time::Instant::now();
        let items = run_gets(&client_over(fake.clone(), 1)).await;
        let (reason, jobs) = stopped(&items);
        assert_eq!(reason, StopReason::Unauthorized);
        assert!(jobs <= 64, "{jobs} jobs taken");
        // The first four (the initial limit, unpaced) left together;
        // nothing after the answer.
        assert_eq!(fake.request_count(), 4);
        assert!(started.elapsed() < Duration::from_secs(1));
        let message = items.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(
            message.starts_with("stopped: the API refused the credentials"),
            "{message}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn connect_errors_in_a_row_stop_the_run() {
    let fake = FakeTransport::new();
    fake.set_handler(|_| async { Err(TransportError::connect("connection refused")) });
    let started = tokio::time::Instant::now();
    let items = run_gets(&client_over(fake.clone(), 1)).await;
    let (reason, _) = stopped(&items);
    assert_eq!(reason, StopReason::Unreachable { failures: 3 });
    // The first four left together; nothing after the third error.
    assert_eq!(fake.request_count(), 4);
    assert!(started.elapsed() < Duration::from_secs(2));
    let message = items.last().unwrap().as_ref().unwrap_err().to_string();
    assert!(message.contains("3 connect errors in a row"), "{message}");
}

/// A connect error now and then, between answers, is retried: an answer
/// starts the count again, so three of them do not stop the run.
#[tokio::test(start_paused = true)]
async fn a_lone_connect_error_is_retried() {
    let fake = FakeTransport::new();
    for _ in 0..3 {
        fake.push_error(TransportError::connect("reset"));
        fake.push_json(200, r#"{"id":"x"}"#);
    }
    fake.set_handler(|_| async { Ok(json_response(200, r#"{"id":"x"}"#)) });
    let items = run_gets(&client_over(fake.clone(), 1)).await;
    assert_eq!(items.len(), 1_000);
    assert!(
        items
            .iter()
            .all(|item| item.as_ref().unwrap().outcome.is_ok())
    );
    assert_eq!(fake.request_count(), 1_003);
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_refusing_the_key_stops_the_run() {
    const TOKEN_URL: &str = "http://127.0.0.1:9/oauth2/token";
    let fake = FakeTransport::new();
    fake.set_handler(|request| async move {
        assert_eq!(request.uri(), TOKEN_URL, "no API request without a token");
        Ok(json_response(401, r#"{"error":"invalid_client"}"#))
    });
    let client = ContactsClient::builder(fake.clone(), "project-1")
        .region(Region::Eu)
        .auth(Auth::oauth2("key-id", "key-secret").with_token_url(TOKEN_URL))
        .clock(Arc::new(TokioClock::new()))
        .sleep(Arc::new(TokioSleep))
        .jitter(Arc::new(RandomJitter::with_seed(1)))
        .build()
        .unwrap();
    let items = run_gets(&client).await;
    assert_eq!(stopped(&items).0, StopReason::Credentials);
    assert!(fake.request_count() <= 4);
}

/// A token endpoint that cannot be reached stops the run after three
/// attempts: the token request follows the run's one request per call, not
/// the three attempts the client was built with.
#[tokio::test(start_paused = true)]
async fn an_unreachable_token_endpoint_stops_the_run_after_three_token_requests_in_a_row() {
    const TOKEN_URL: &str = "http://127.0.0.1:9/oauth2/token";
    let fake = FakeTransport::new();
    fake.set_handler(|request| async move {
        assert_eq!(request.uri(), TOKEN_URL, "no API request without a token");
        Err(TransportError::connect("connection refused"))
    });
    let client = ContactsClient::builder(fake.clone(), "project-1")
        .region(Region::Eu)
        .auth(Auth::oauth2("key-id", "key-secret").with_token_url(TOKEN_URL))
        .clock(Arc::new(TokioClock::new()))
        .sleep(Arc::new(TokioSleep))
        .jitter(Arc::new(RandomJitter::with_seed(1)))
        .build()
        .unwrap();
    assert_eq!(client.retry_policy().max_attempts(), 3);
    let items = run_gets(&client).await;
    assert_eq!(stopped(&items).0, StopReason::Unreachable { failures: 3 });
    // As with API requests: the first four attempts left together, each
    // sending its token request once, and nothing followed the third error.
    // (Token requests retried as the client was built would send 3 each.)
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_limit_stops_the_run() {
    let fake = FakeTransport::new();
    fake.set_handler(|_| async {
        let mut refused = json_response(429, "{}");
        refused
            .headers_mut()
            .insert("retry-after", "3600".parse().unwrap());
        Ok(refused)
    });
    let items = run_gets(&client_over(fake.clone(), 1)).await;
    assert_eq!(
        stopped(&items).0,
        StopReason::RetryAfterTooLong {
            wait: Duration::from_secs(3_600)
        }
    );
    assert_eq!(fake.request_count(), 4, "the first four, together");
}

/// 400, 404 and 409 are results of their jobs; the run goes on.
#[tokio::test(start_paused = true)]
async fn a_4xx_of_one_job_is_that_jobs_result() {
    let fake = FakeTransport::new();
    fake.set_handler(|request| async move {
        let id = request.uri().path().rsplit('/').next().unwrap().to_owned();
        let status = id.parse::<u16>().unwrap_or(200);
        Ok(json_response(status, &format!(r#"{{"id":"{id}"}}"#)))
    });
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let ids = ["400", "ok", "404", "409", "fine"];
    let mut results: Vec<(String, Option<u16>, u32)> = bulk
        .run(
            stream::iter(ids.map(|id| (id.to_owned(), id.to_owned()))),
            |attempt, id: String| async move { attempt.client().get(&id).await },
        )
        .map(|item| {
            let result = item.expect("no stop");
            let status = result.outcome.err().map(|error| {
                assert_eq!(error.kind(), JobErrorKind::Permanent);
                error.error().unwrap().status().unwrap().as_u16()
            });
            (result.key, status, result.attempts)
        })
        .collect()
        .await;
    results.sort();
    assert_eq!(
        results,
        [
            ("400".to_owned(), Some(400), 1),
            ("404".to_owned(), Some(404), 1),
            ("409".to_owned(), Some(409), 1),
            ("fine".to_owned(), None, 1),
            ("ok".to_owned(), None, 1),
        ]
    );
    assert_eq!(fake.request_count(), 5);
}

/// A 401 while other jobs are in flight: they end and are reported as
/// they ended, nothing new is sent after the 401 arrived, every job taken
/// is reported once, and the stop comes last.
#[tokio::test(start_paused = true)]
async fn a_stop_lets_the_attempts_in_flight_end() {
    use super::sim::{Profile, SimServer};

    let server = SimServer::new(Profile::bucket(1_000, 1_000));
    server.answer("c20", 401, None, 1);
    let bulk = Bulk::new(
        &server.client(1),
        BulkOptions::default()
            .with_initial_concurrency(16)
            .with_initial_rate(1_000.0),
    )
    .unwrap();
    let items: Vec<Item> = bulk
        .run(
            stream::iter((0..1_000).map(|n| (n, format!("c{n}")))),
            |attempt, id: String| async move { attempt.client().get(&id).await },
        )
        .collect()
        .await;
    let (last, jobs) = items.split_last().unwrap();
    assert_eq!(
        last.as_ref().unwrap_err().reason(),
        StopReason::Unauthorized
    );
    let mut keys: Vec<usize> = jobs.iter().map(|job| job.as_ref().unwrap().key).collect();
    let reported = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), reported, "a job reported twice");
    let done = jobs
        .iter()
        .filter(|job| job.as_ref().unwrap().outcome.is_ok())
        .count();
    assert!(done >= 10, "the attempts in flight ended: {done}");
    // A job taken but not yet started when the stop came is abandoned
    // without an attempt or an error of its own.
    let attempted = jobs
        .iter()
        .filter(|job| {
            let job = job.as_ref().unwrap();
            if job.attempts == 0 {
                assert!(job.outcome.as_ref().unwrap_err().error().is_none());
            }
            job.attempts > 0
        })
        .count();
    let arrivals = server.arrivals();
    assert_eq!(arrivals.len(), attempted, "each job started was sent once");
    let refused_at = arrivals
        .iter()
        .find(|arrival| arrival.path.ends_with("/c20"))
        .unwrap()
        .at;
    // The 401 leaves 5 ms after it arrived; nothing starts after that.
    let last_sent = arrivals.iter().map(|arrival| arrival.at).max().unwrap();
    assert!(last_sent <= refused_at + std::time::Duration::from_millis(5));
}
