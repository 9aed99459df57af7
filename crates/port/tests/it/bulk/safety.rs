//! Only what the safety rules allow is repeated; creates are repeated
//! through `Bulk::create_safe`, which looks before creating again.

use futures_util::{StreamExt, stream};
use http::Method;
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ContactPatch, ConversationChannel,
};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{
    Bulk, BulkOptions, CreateJob, Error, JobErrorKind, JobResult, SafeCreateOptions,
    SafeCreateOutcome, SafeCreated, TransportError,
};

use super::sim::client_over;

const CONTACT: &str = r#"{"id":"01A","external_id":"ext-1"}"#;
const FOUND: &str = r#"{"contacts":[{"id":"01A","external_id":"ext-1"}],"next_page_token":""}"#;
const NOT_FOUND: &str = r#"{"contacts":[],"next_page_token":""}"#;

fn request(external_id: Option<&str>) -> ContactCreateRequest {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    );
    request.external_id = external_id.map(str::to_owned);
    request
}

fn methods(fake: &FakeTransport) -> Vec<Method> {
    fake.requests()
        .iter()
        .map(|request| request.method().clone())
        .collect()
}

/// Runs one job of `operation` over `fake` and returns its result.
async fn one<T, F, Fut>(fake: &FakeTransport, operation: F) -> JobResult<(), T>
where
    T: Send + 'static,
    F: Fn(sinch_contacts_port::Attempt, ()) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let mut results: Vec<_> = bulk
        .run(stream::iter([((), ())]), operation)
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    results.remove(0).expect("no stop")
}

async fn one_safe_create(
    fake: &FakeTransport,
    request: ContactCreateRequest,
    options: SafeCreateOptions,
) -> JobResult<(), SafeCreated> {
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let mut results: Vec<_> = bulk
        .create_safe(stream::iter([((), request)]), options)
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    results.remove(0).expect("no stop")
}

#[tokio::test(start_paused = true)]
async fn a_create_answered_503_is_not_repeated() {
    let fake = FakeTransport::new();
    fake.push_json(503, "{}");
    let result = one(&fake, |attempt, ()| async move {
        attempt.client().create(&request(Some("ext-1"))).await
    })
    .await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Unsafe);
    assert!(error.may_have_acted());
    assert_eq!(result.attempts, 1);
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_create_refused_with_429_or_never_sent_is_repeated() {
    let fake = FakeTransport::new();
    fake.push_json(429, "{}");
    fake.push_error(TransportError::connect("refused"));
    fake.push_json(200, CONTACT);
    let result = one(&fake, |attempt, ()| async move {
        attempt.client().create(&request(Some("ext-1"))).await
    })
    .await;
    assert!(result.outcome.is_ok());
    assert_eq!(result.attempts, 3);
    assert_eq!(methods(&fake), [Method::POST, Method::POST, Method::POST]);
}

#[tokio::test(start_paused = true)]
async fn an_update_that_timed_out_is_not_repeated() {
    let fake = FakeTransport::new();
    fake.push_error(TransportError::timeout("no answer"));
    let result = one(&fake, |attempt, ()| async move {
        let patch = ContactPatch::new().display_name("Ada");
        attempt.client().update("01A", &patch).await
    })
    .await;
    assert_eq!(result.outcome.unwrap_err().kind(), JobErrorKind::Unsafe);
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn idempotent_requests_are_repeated_after_a_5xx_or_a_timeout() {
    let fake = FakeTransport::new();
    fake.push_json(503, "{}");
    fake.push_error(TransportError::timeout("no answer"));
    fake.push_json(200, "{}");
    let result = one(&fake, |attempt, ()| async move {
        attempt.client().delete("01A").await
    })
    .await;
    assert!(result.outcome.is_ok());
    assert_eq!(result.attempts, 3);
}

/// An operation that created, then failed on a get: repeating it would
/// create again, so it is not repeated although the get alone could be.
#[tokio::test(start_paused = true)]
async fn an_attempt_that_created_is_not_repeated_whatever_failed_after() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT);
    fake.push_json(503, "{}");
    let result = one(&fake, |attempt, ()| async move {
        let created = attempt.client().create(&request(Some("ext-1"))).await?;
        attempt
            .client()
            .get(created.id.as_deref().unwrap_or(""))
            .await
    })
    .await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Unsafe);
    assert!(error.may_have_acted());
    assert_eq!(methods(&fake), [Method::POST, Method::GET]);
}

/// After a 503 the job is in doubt; its next attempt finds the contact.
#[tokio::test(start_paused = true)]
async fn a_safe_create_in_doubt_looks_first_and_recovers() {
    let fake = FakeTransport::new();
    fake.push_json(503, "{}");
    fake.push_json(200, FOUND);
    let result = one_safe_create(&fake, request(Some("ext-1")), SafeCreateOptions::new()).await;
    let created = result.outcome.unwrap();
    assert_eq!(created.outcome, SafeCreateOutcome::Recovered);
    assert_eq!(created.contact.id.as_deref(), Some("01A"));
    assert_eq!(result.attempts, 2);
    assert_eq!(methods(&fake), [Method::POST, Method::GET]);
}

/// A 2xx whose body did not decode did create: the next attempt finds it.
#[tokio::test(start_paused = true)]
async fn a_safe_create_answered_with_an_unreadable_success_looks_first() {
    let fake = FakeTransport::new();
    fake.push_json(200, "[not a contact");
    fake.push_json(200, FOUND);
    let result = one_safe_create(&fake, request(Some("ext-1")), SafeCreateOptions::new()).await;
    assert_eq!(
        result.outcome.unwrap().outcome,
        SafeCreateOutcome::Recovered
    );
    assert_eq!(methods(&fake), [Method::POST, Method::GET]);
}

/// A conflict created nothing and is not repeated.
#[tokio::test(start_paused = true)]
async fn a_safe_create_answered_409_is_the_jobs_result() {
    let fake = FakeTransport::new();
    fake.push_json(409, "{}");
    let result = one_safe_create(&fake, request(Some("ext-1")), SafeCreateOptions::new()).await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Permanent);
    assert!(!error.may_have_acted());
    assert_eq!(methods(&fake), [Method::POST]);
}

/// Not found after the timeout: created again, once.
#[tokio::test(start_paused = true)]
async fn a_safe_create_in_doubt_creates_again_when_nothing_is_found() {
    let fake = FakeTransport::new();
    fake.push_error(TransportError::timeout("no answer"));
    fake.push_json(429, "{}");
    fake.push_json(200, NOT_FOUND);
    fake.push_json(200, CONTACT);
    let result = one_safe_create(&fake, request(Some("ext-1")), SafeCreateOptions::new()).await;
    assert_eq!(result.outcome.unwrap().outcome, SafeCreateOutcome::Created);
    assert_eq!(result.attempts, 3);
    // The lookup refused with 429 is looked up again, still in doubt.
    assert_eq!(
        methods(&fake),
        [Method::POST, Method::GET, Method::GET, Method::POST]
    );
}

#[tokio::test(start_paused = true)]
async fn a_safe_create_gives_up_after_max_rounds_unclear_creates() {
    let fake = FakeTransport::new();
    fake.set_handler(|request| async move {
        Ok(if request.method() == Method::POST {
            json_response(503, "{}")
        } else {
            json_response(200, NOT_FOUND)
        })
    });
    let options = SafeCreateOptions::new().with_max_rounds(2);
    let result = one_safe_create(&fake, request(Some("ext-1")), options).await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Unsafe);
    assert!(error.may_have_acted());
    assert_eq!(methods(&fake), [Method::POST, Method::GET, Method::POST]);
}

#[tokio::test(start_paused = true)]
async fn lookup_first_finds_what_exists_and_creates_nothing() {
    let fake = FakeTransport::new();
    fake.push_json(200, FOUND);
    let options = SafeCreateOptions::new().lookup_first(true);
    let result = one_safe_create(&fake, request(Some("ext-1")), options).await;
    assert_eq!(
        result.outcome.unwrap().outcome,
        SafeCreateOutcome::AlreadyExisted
    );
    assert_eq!(methods(&fake), [Method::GET]);
}

#[tokio::test(start_paused = true)]
async fn a_safe_create_without_external_id_sends_nothing() {
    let fake = FakeTransport::new();
    let result = one_safe_create(&fake, request(None), SafeCreateOptions::new()).await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Permanent);
    assert!(matches!(error.error(), Some(Error::Validation(_))));
    assert!(!error.may_have_acted());
    assert_eq!(fake.request_count(), 0);
}

/// A create answered 503 with a `Retry-After` beyond the limit: in doubt,
/// yet the server's wait concerns every job, so the run stops.
#[tokio::test(start_paused = true)]
async fn a_safe_create_in_doubt_still_stops_on_a_retry_after_beyond_the_limit() {
    let fake = FakeTransport::new();
    let mut busy = json_response(503, "{}");
    busy.headers_mut()
        .insert("retry-after", "3600".parse().unwrap());
    fake.push_response(busy);
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let items: Vec<_> = bulk
        .create_safe(
            stream::iter([((), request(Some("ext-1")))]),
            SafeCreateOptions::new(),
        )
        .collect()
        .await;
    let [Ok(job), Err(stopped)] = items.as_slice() else {
        panic!("{items:?}");
    };
    let error = job.outcome.as_ref().unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Abandoned);
    assert!(error.may_have_acted());
    assert_eq!(
        stopped.reason(),
        sinch_contacts_port::StopReason::RetryAfterTooLong {
            wait: std::time::Duration::from_secs(3_600)
        }
    );
    assert_eq!(fake.request_count(), 1);
}

/// Per job: only the job marked to look up first sends a look-up; the
/// other sends its create at once. Found, the marked job's contact is
/// `AlreadyExisted` and nothing is created for it.
#[tokio::test(start_paused = true)]
async fn create_safe_jobs_looks_up_only_the_jobs_marked_so() {
    let fake = FakeTransport::new();
    fake.set_handler(|request| async move {
        let body = if request.method() == Method::GET {
            FOUND
        } else {
            r#"{"id":"01B","external_id":"ext-2"}"#
        };
        Ok(json_response(200, body))
    });
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let jobs = [
        (
            "marked",
            CreateJob::new(request(Some("ext-1"))).look_up_first(true),
        ),
        ("plain", CreateJob::from(request(Some("ext-2")))),
    ];
    let mut results: Vec<_> = bulk
        .create_safe_jobs(stream::iter(jobs), SafeCreateOptions::new())
        .map(|item| item.expect("no stop"))
        .collect()
        .await;
    results.sort_by_key(|result| result.key);
    let outcomes: Vec<_> = results
        .iter()
        .map(|result| {
            let created = result.outcome.as_ref().unwrap();
            (result.key, created.outcome, created.contact.id.clone())
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (
                "marked",
                SafeCreateOutcome::AlreadyExisted,
                Some("01A".to_owned())
            ),
            ("plain", SafeCreateOutcome::Created, Some("01B".to_owned())),
        ]
    );
    let mut sent = methods(&fake);
    sent.sort_by_key(|method| method.to_string());
    assert_eq!(sent, [Method::GET, Method::POST], "one look-up, one create");
}

/// Runs one repeatable job of `operation` over `fake`, with `attempts` attempts.
async fn one_repeatable<T, F, Fut>(
    fake: &FakeTransport,
    attempts: u32,
    operation: F,
) -> JobResult<(), T>
where
    T: Send + 'static,
    F: Fn(sinch_contacts_port::Attempt, ()) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    let options = BulkOptions::default()
        .with_retry(sinch_contacts_port::RetryPolicy::default().with_max_attempts(attempts));
    let bulk = Bulk::new(&client_over(fake.clone(), 1), options).unwrap();
    let mut results: Vec<_> = bulk
        .run_repeatable(stream::iter([((), ())]), operation)
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    results.remove(0).expect("no stop")
}

async fn update_ada(
    attempt: sinch_contacts_port::Attempt,
    (): (),
) -> Result<sinch_contacts_model::Contact, Error> {
    let patch = ContactPatch::new().display_name("Ada");
    attempt.client().update("01A", &patch).await
}

/// The same update sent again sets the same fields: after a 503, a timeout, a cut connection or
/// an answer that did not decode, a repeatable run sends it again.
#[tokio::test(start_paused = true)]
async fn a_repeatable_update_is_sent_again_after_an_answer_that_leaves_it_open() {
    let fake = FakeTransport::new();
    fake.push_json(503, "{}");
    fake.push_error(TransportError::timeout("no answer"));
    fake.push_error(TransportError::io("reset"));
    fake.push_json(200, "[not a contact");
    fake.push_json(200, CONTACT);
    let result = one_repeatable(&fake, 10, update_ada).await;
    assert_eq!(result.outcome.unwrap().id.as_deref(), Some("01A"));
    assert_eq!(result.attempts, 5);
    assert_eq!(methods(&fake), [Method::PATCH; 5]);
}

/// Given up when its attempts are spent, it says it may have acted (a resumed run checks).
#[tokio::test(start_paused = true)]
async fn a_repeatable_update_given_up_after_unclear_answers_may_have_acted() {
    let fake = FakeTransport::new();
    fake.set_handler(|_| async move { Ok(json_response(503, "{}")) });
    let result = one_repeatable(&fake, 3, update_ada).await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::AttemptsExhausted);
    assert!(error.may_have_acted());
    assert_eq!(fake.request_count(), 3);
}

/// A refusal changed nothing: not repeated, and not in doubt.
#[tokio::test(start_paused = true)]
async fn a_repeatable_update_refused_with_a_4xx_is_the_jobs_result() {
    let fake = FakeTransport::new();
    fake.push_json(404, "{}");
    let result = one_repeatable(&fake, 10, update_ada).await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Permanent);
    assert!(!error.may_have_acted());
    assert_eq!(fake.request_count(), 1);
}

/// After a 503 the next attempt was refused with 404: given up, but the first may have acted.
#[tokio::test(start_paused = true)]
async fn a_repeatable_job_remembers_that_an_earlier_attempt_may_have_acted() {
    let fake = FakeTransport::new();
    fake.push_json(503, "{}");
    fake.push_json(404, "{}");
    let result = one_repeatable(&fake, 10, update_ada).await;
    let error = result.outcome.unwrap_err();
    assert_eq!(error.kind(), JobErrorKind::Permanent);
    assert!(error.may_have_acted());
    assert_eq!(result.attempts, 2);
}
