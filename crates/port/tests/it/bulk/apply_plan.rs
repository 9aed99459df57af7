//! `sync::apply_plan`: the stages of a plan one after the other through the runner, a change
//! held back when what it waits for failed, and the caller's gate before each change.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use http::Method;
use sinch_contacts_model::{
    ChannelIdentity, Columns, Contact, ContactField, ContactLanguage, ConversationChannel,
    DesiredContact, PlanOptions, Step, SyncPlan, apply_order, plan,
};
use sinch_contacts_port::sync::{Applied, ApplyOptions, ChangeError, ChangeOutcome, apply_plan};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{Bulk, BulkOptions, HttpRequest, HttpResponse, JobErrorKind, Stopped};

use super::sim::client_over;

fn sms(number: &str) -> ChannelIdentity {
    ChannelIdentity::new(ConversationChannel::Sms, number)
}

fn contact(id: &str, key: &str, number: &str) -> Contact {
    let mut contact = Contact::default();
    contact.id = Some(id.to_owned());
    contact.external_id = Some(key.to_owned());
    contact.channel_identities = vec![sms(number)];
    contact.language = Some(ContactLanguage::EnUs);
    contact
}

fn row(key: &str, number: &str) -> DesiredContact {
    DesiredContact::new(key)
        .with_identity(sms(number))
        .with_language(ContactLanguage::EnUs)
}

fn columns() -> Columns {
    Columns::new([ContactField::ChannelIdentities, ContactField::Language])
}

/// The state every test starts from, and a source that moves identities around it:
///
/// - `gone` (`01G`, `+9`) is deleted, and `new` is created with its `+9`;
/// - `a` (`01A`, `+1`) takes `+5`; `b` (`01B`, `+2`) takes `a`'s `+1` (one wave later);
/// - `c` is created with a free `+7`.
fn moves() -> (SyncPlan, sinch_contacts_model::ApplyOrder) {
    let current = [
        contact("01G", "gone", "+9"),
        contact("01A", "a", "+1"),
        contact("01B", "b", "+2"),
    ];
    let rows = [
        row("a", "+5"),
        row("b", "+1"),
        row("new", "+9"),
        row("c", "+7"),
    ];
    let plan = plan(
        &rows,
        &columns(),
        &current,
        &PlanOptions {
            delete_missing: true,
        },
    )
    .unwrap();
    let order = apply_order(&plan, &current);
    (plan, order)
}

/// What each request was, when it arrived (in simulated milliseconds).
type Log = Arc<Mutex<Vec<(u128, String)>>>;

/// A server answering every request after `latency`, with `answer(method, path)`; the log of
/// requests as they arrived.
fn server(
    latency: Duration,
    answer: impl Fn(&Method, &str) -> HttpResponse + Send + Sync + 'static,
) -> (FakeTransport, Log) {
    let fake = FakeTransport::new();
    let log: Log = Arc::default();
    let start = tokio::time::Instant::now();
    let seen = log.clone();
    let answer = Arc::new(answer);
    fake.set_handler(move |request: HttpRequest| {
        let path = request
            .uri()
            .path()
            .trim_start_matches("/v1/projects/project-1")
            .to_owned();
        let query = request.uri().query().unwrap_or_default().to_owned();
        let line = format!(
            "{} {path}{}",
            request.method(),
            if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            }
        );
        seen.lock()
            .unwrap()
            .push((start.elapsed().as_millis(), line));
        let response = answer(request.method(), &path);
        async move {
            tokio::time::sleep(latency).await;
            Ok(response)
        }
    });
    (fake, log)
}

/// A created or updated contact's answer.
fn ok_contact(path: &str) -> HttpResponse {
    let id = path.rsplit('/').next().unwrap_or_default();
    json_response(200, &format!(r#"{{"id":"{id}"}}"#))
}

/// The usual answers: deletes 200, updates and creates answered with a contact, look-ups find
/// nothing.
fn usual(method: &Method, path: &str) -> HttpResponse {
    match *method {
        Method::GET => json_response(200, r#"{"contacts":[],"next_page_token":""}"#),
        Method::DELETE => json_response(200, "{}"),
        _ => ok_contact(path),
    }
}

async fn run(fake: &FakeTransport, options: ApplyOptions) -> (Vec<ChangeOutcome>, Option<Stopped>) {
    let (plan, order) = moves();
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let mut outcomes = Vec::new();
    let mut stream = apply_plan(&bulk, plan, order, options);
    while let Some(item) = stream.next().await {
        match item {
            Ok(outcome) => outcomes.push(outcome),
            Err(stopped) => {
                assert!(stream.next().await.is_none(), "nothing after the stop");
                return (outcomes, Some(stopped));
            }
        }
    }
    (outcomes, None)
}

fn outcome_of<'a>(outcomes: &'a [ChangeOutcome], key: &str) -> &'a ChangeOutcome {
    outcomes
        .iter()
        .find(|outcome| outcome.change.external_id == key)
        .unwrap_or_else(|| panic!("no outcome for {key}"))
}

#[tokio::test(start_paused = true)]
async fn each_stage_starts_when_the_one_before_has_finished() {
    let (plan, order) = moves();
    assert_eq!(
        order
            .stages
            .iter()
            .map(|stage| stage.steps.clone())
            .collect::<Vec<_>>(),
        [
            vec![Step::Delete(0)],
            vec![Step::Update(0)],
            vec![Step::Update(1)],
            vec![Step::Create(0), Step::Create(1)],
        ],
        "{plan:#?}"
    );
    let (fake, log) = server(Duration::from_millis(100), usual);
    let (outcomes, stopped) = run(&fake, ApplyOptions::default()).await;
    assert!(stopped.is_none());
    assert_eq!(outcomes.len(), 5);
    let log = log.lock().unwrap().clone();
    let writes: Vec<(u128, &str)> = log.iter().map(|(at, line)| (*at, line.as_str())).collect();
    // Each stage's requests arrive when the previous stage's answers came (100 ms each).
    assert_eq!(writes[0], (0, "DELETE /contacts/01G"));
    assert_eq!(
        writes[1],
        (100, "PATCH /contacts/01A?update_mask=channel_identities")
    );
    assert_eq!(
        writes[2],
        (200, "PATCH /contacts/01B?update_mask=channel_identities")
    );
    let mut creates: Vec<(u128, &str)> = writes[3..].to_vec();
    creates.sort();
    assert_eq!(creates, [(300, "POST /contacts"), (300, "POST /contacts")]);
    assert!(matches!(
        outcome_of(&outcomes, "gone").result,
        Ok(Applied::Deleted)
    ));
    assert!(matches!(
        outcome_of(&outcomes, "b").result,
        Ok(Applied::Updated(_))
    ));
    assert!(matches!(
        outcome_of(&outcomes, "new").result,
        Ok(Applied::Created(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn a_change_waiting_for_a_failed_one_is_held_back_and_the_others_go_on() {
    // a's update is refused: b must not take `+1`, which a still holds.
    let (fake, log) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::PATCH && path.ends_with("/01A") {
            json_response(400, "{}")
        } else {
            usual(method, path)
        }
    });
    let (outcomes, stopped) = run(&fake, ApplyOptions::default()).await;
    assert!(stopped.is_none());
    assert_eq!(outcomes.len(), 5);
    let Err(ChangeError::Failed(error)) = &outcome_of(&outcomes, "a").result else {
        panic!("{outcomes:#?}");
    };
    assert_eq!(error.kind(), JobErrorKind::Permanent);
    let b = outcome_of(&outcomes, "b");
    let Err(ChangeError::HeldBack { waited_for }) = &b.result else {
        panic!("{b:#?}");
    };
    assert_eq!(waited_for, &[Step::Update(0)]);
    assert_eq!(b.attempts, 0);
    assert!(!b.result.as_ref().unwrap_err().may_have_acted());
    assert_eq!(
        b.result.as_ref().unwrap_err().to_string(),
        "held back: 1 change releasing an identity it takes did not succeed"
    );
    // The create of `new` waited for the delete, which succeeded; `c` waited for nothing.
    assert!(outcome_of(&outcomes, "new").result.is_ok());
    assert!(outcome_of(&outcomes, "c").result.is_ok());
    let log = log.lock().unwrap();
    assert!(
        !log.iter().any(|(_, line)| line.contains("01B")),
        "b was never sent: {log:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_delete_answered_404_is_already_gone_and_frees_what_waits_for_it() {
    let (fake, _) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::DELETE {
            json_response(404, "{}")
        } else {
            usual(method, path)
        }
    });
    let (outcomes, _) = run(&fake, ApplyOptions::default()).await;
    assert!(matches!(
        outcome_of(&outcomes, "gone").result,
        Ok(Applied::AlreadyGone)
    ));
    assert!(matches!(
        outcome_of(&outcomes, "new").result,
        Ok(Applied::Created(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn a_delete_that_fails_holds_back_the_create_that_takes_its_identity() {
    let (fake, log) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::DELETE {
            json_response(400, "{}")
        } else {
            usual(method, path)
        }
    });
    let (outcomes, stopped) = run(&fake, ApplyOptions::default()).await;
    assert!(stopped.is_none());
    let new = outcome_of(&outcomes, "new");
    let Err(ChangeError::HeldBack { waited_for }) = &new.result else {
        panic!("{new:#?}");
    };
    assert_eq!(waited_for, &[Step::Delete(0)]);
    assert!(outcome_of(&outcomes, "c").result.is_ok());
    let posts = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, line)| line.starts_with("POST"))
        .count();
    assert_eq!(posts, 1, "only `c` is created");
}

#[tokio::test(start_paused = true)]
async fn refused_credentials_stop_the_run_and_no_later_stage_starts() {
    let (fake, log) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::DELETE {
            json_response(403, "{}")
        } else {
            usual(method, path)
        }
    });
    let (outcomes, stopped) = run(&fake, ApplyOptions::default()).await;
    let stopped = stopped.expect("a 403 stops the run");
    assert_eq!(
        stopped.reason(),
        sinch_contacts_port::StopReason::Unauthorized
    );
    assert_eq!(outcomes.len(), 1, "{outcomes:#?}");
    let Err(ChangeError::Failed(error)) = &outcome_of(&outcomes, "gone").result else {
        panic!("{outcomes:#?}");
    };
    assert_eq!(error.kind(), JobErrorKind::Abandoned);
    assert_eq!(
        log.lock().unwrap().len(),
        1,
        "nothing but the delete was sent"
    );
}

#[tokio::test(start_paused = true)]
async fn the_gate_sees_each_change_before_it_is_sent_and_can_stop_the_run() {
    let (fake, log) = server(Duration::from_millis(1), usual);
    let seen: Arc<Mutex<Vec<(Step, usize)>>> = Arc::default();
    let gate_seen = seen.clone();
    let gate_log = log.clone();
    let options = ApplyOptions::default().before_send(move |change| {
        let sent_before = gate_log.lock().unwrap().len();
        let mut seen = gate_seen.lock().unwrap();
        seen.push((change.step, sent_before));
        // Let the delete and a's update through, then stop.
        seen.len() <= 2
    });
    let (outcomes, stopped) = run(&fake, options).await;
    assert!(stopped.is_none());
    assert_eq!(
        seen.lock().unwrap().clone(),
        [
            (Step::Delete(0), 0),
            (Step::Update(0), 1),
            (Step::Update(1), 2)
        ],
        "each change is seen before its request (and b is refused)"
    );
    assert_eq!(outcomes.len(), 2);
    assert_eq!(log.lock().unwrap().len(), 2, "nothing after the refusal");
}

#[tokio::test(start_paused = true)]
async fn creates_marked_to_look_up_first_are_looked_up_and_found_ones_not_created() {
    let (fake, log) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::GET {
            json_response(
                200,
                r#"{"contacts":[{"id":"01N","external_id":"new"}],"next_page_token":""}"#,
            )
        } else {
            usual(method, path)
        }
    });
    let options = ApplyOptions::default().look_up_first(|external_id| external_id == "new");
    let (outcomes, _) = run(&fake, options).await;
    let Ok(Applied::AlreadyPresent(found)) = &outcome_of(&outcomes, "new").result else {
        panic!("{outcomes:#?}");
    };
    assert_eq!(found.id.as_deref(), Some("01N"));
    assert!(matches!(
        outcome_of(&outcomes, "c").result,
        Ok(Applied::Created(_))
    ));
    let log = log.lock().unwrap();
    let gets: Vec<&str> = log
        .iter()
        .filter(|(_, line)| line.starts_with("GET"))
        .map(|(_, line)| line.as_str())
        .collect();
    assert_eq!(gets.len(), 1, "only `new` is looked up: {log:?}");
    assert!(gets[0].contains("external_id"), "{gets:?}");
    assert_eq!(
        log.iter()
            .filter(|(_, line)| line.starts_with("POST"))
            .count(),
        1,
        "only `c` is created"
    );
}

#[tokio::test(start_paused = true)]
async fn an_update_answered_503_is_sent_again() {
    let answered = Arc::new(Mutex::new(0));
    let counter = answered.clone();
    let (fake, log) = server(Duration::from_millis(1), move |method, path| {
        if *method == Method::PATCH && path.ends_with("/01A") {
            let mut count = counter.lock().unwrap();
            *count += 1;
            if *count == 1 {
                return json_response(503, "{}");
            }
        }
        usual(method, path)
    });
    let (outcomes, _) = run(&fake, ApplyOptions::default()).await;
    let a = outcome_of(&outcomes, "a");
    assert!(matches!(a.result, Ok(Applied::Updated(_))), "{a:#?}");
    assert_eq!(a.attempts, 2);
    assert!(outcome_of(&outcomes, "b").result.is_ok(), "b followed a");
    let patches = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, line)| line.starts_with("PATCH /contacts/01A"))
        .count();
    assert_eq!(patches, 2);
}

#[tokio::test(start_paused = true)]
async fn a_create_whose_answer_was_lost_is_found_and_recovered() {
    let posts = Arc::new(Mutex::new(0));
    let counter = posts.clone();
    let (fake, log) = server(Duration::from_millis(1), move |method, path| {
        if *method == Method::POST {
            let mut count = counter.lock().unwrap();
            *count += 1;
            if *count == 1 {
                return json_response(503, "{}");
            }
        }
        if *method == Method::GET {
            return json_response(
                200,
                r#"{"contacts":[{"id":"01N","external_id":"new"}],"next_page_token":""}"#,
            );
        }
        usual(method, path)
    });
    // One create at a time, so the first POST is `new`'s.
    let (plan, order) = moves();
    let options = BulkOptions::default().with_max_concurrency(1);
    let bulk = Bulk::new(&client_over(fake.clone(), 1), options).unwrap();
    let outcomes: Vec<ChangeOutcome> = apply_plan(&bulk, plan, order, ApplyOptions::default())
        .map(|item| item.expect("no stop"))
        .collect()
        .await;
    let new = outcome_of(&outcomes, "new");
    let Ok(Applied::Recovered(found)) = &new.result else {
        panic!("{new:#?}");
    };
    assert_eq!(found.id.as_deref(), Some("01N"));
    assert_eq!(new.attempts, 2);
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|(_, line)| line.starts_with("GET /contacts?")),
        "looked up"
    );
}

#[tokio::test(start_paused = true)]
async fn a_change_given_up_after_unclear_answers_may_have_acted() {
    let (fake, _) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::PATCH && path.ends_with("/01A") {
            json_response(503, "{}")
        } else {
            usual(method, path)
        }
    });
    let (outcomes, _) = run(&fake, ApplyOptions::default()).await;
    let a = outcome_of(&outcomes, "a");
    let error = a.result.as_ref().unwrap_err();
    assert!(error.may_have_acted(), "{error}");
    let ChangeError::Failed(job) = error else {
        panic!("{error:?}");
    };
    assert_eq!(job.kind(), JobErrorKind::AttemptsExhausted);
    assert!(std::error::Error::source(error).is_some());
    assert!(
        error.to_string().starts_with("failed on every attempt"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn max_rounds_bounds_the_unclear_creates_of_a_create() {
    let (fake, log) = server(Duration::from_millis(1), |method, path| {
        if *method == Method::POST {
            json_response(503, "{}")
        } else {
            usual(method, path)
        }
    });
    let options = ApplyOptions::default().max_rounds(1);
    assert_eq!(options.max_rounds_value(), 1);
    let (outcomes, _) = run(&fake, options).await;
    let new = outcome_of(&outcomes, "new");
    let Err(ChangeError::Failed(job)) = &new.result else {
        panic!("{new:#?}");
    };
    assert_eq!(job.kind(), JobErrorKind::Unsafe);
    let posts = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, line)| line.starts_with("POST"))
        .count();
    assert_eq!(
        posts, 2,
        "one unclear create each for `new` and `c`, none sent again"
    );
}

#[test]
fn options_and_runs_say_what_they_hold() {
    assert_eq!(ApplyOptions::default().max_rounds_value(), 3);
    assert_eq!(ApplyOptions::default().max_rounds(0).max_rounds_value(), 1);
    let options = ApplyOptions::default()
        .look_up_first(|_| true)
        .max_rounds(5)
        .before_send(|_| true);
    assert_eq!(
        format!("{options:?}"),
        "ApplyOptions { look_up_first: true, max_rounds: 5, before_send: true }"
    );
    assert_eq!(
        format!("{:?}", ApplyOptions::default()),
        "ApplyOptions { look_up_first: false, max_rounds: 3, before_send: false }"
    );
}

#[tokio::test(start_paused = true)]
async fn a_run_prints_as_its_type() {
    let (plan, order) = moves();
    let bulk = Bulk::new(
        &client_over(FakeTransport::new(), 1),
        BulkOptions::default(),
    )
    .unwrap();
    let run = apply_plan(&bulk, plan, order, ApplyOptions::default());
    assert_eq!(format!("{run:?}"), "SyncApply { .. }");
}
