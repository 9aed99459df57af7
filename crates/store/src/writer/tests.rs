//! The queue and the group loop with a backend that records what it was given.

use std::sync::{Arc, Barrier, Mutex};

use sinch_contacts_callbacks::mirror::MirrorChange;
use sinch_contacts_callbacks::optout::{IgnoredReason, SuppressionOutcome};
use sinch_contacts_callbacks::parse_unverified;
use sinch_contacts_callbacks::store::{Applied, DeliveryId, StoreError, StoreErrorKind};

use super::*;

fn delivery(n: u32) -> (DeliveryId, Callback) {
    let body = format!(
        r#"{{"app_id":"a","project_id":"p","contact_delete_notification":{{"contact_id":"c{n}"}}}}"#
    );
    (
        DeliveryId::of_body(body.as_bytes()),
        parse_unverified(body.as_bytes()).unwrap(),
    )
}

/// Records each group's unit sizes; refuses any group holding a delivery of `poison`.
#[derive(Clone, Default)]
struct Recorder {
    groups: Arc<Mutex<Vec<Vec<usize>>>>,
    poison: Option<DeliveryId>,
    /// Deliveries answered as new (the others as already applied).
    fresh: Vec<DeliveryId>,
    /// Holds the first group: says it entered, then waits to be released, so that later jobs
    /// queue behind it.
    gate: Option<Gate>,
}

#[derive(Clone)]
struct Gate {
    entered: Arc<Barrier>,
    release: Arc<Barrier>,
}

impl Gate {
    fn new() -> Self {
        Self {
            entered: Arc::new(Barrier::new(2)),
            release: Arc::new(Barrier::new(2)),
        }
    }

    /// Waits until the writer holds its first group.
    async fn until_entered(&self) {
        let entered = self.entered.clone();
        tokio::task::spawn_blocking(move || entered.wait())
            .await
            .unwrap();
    }

    async fn release(&self) {
        let release = self.release.clone();
        tokio::task::spawn_blocking(move || release.wait())
            .await
            .unwrap();
    }
}

impl GroupBackend for Recorder {
    fn apply_group(&mut self, group: &[&Unit]) -> Result<Vec<Vec<Applied>>, StoreError> {
        if let Some(gate) = self.gate.take() {
            gate.entered.wait();
            gate.release.wait();
        }
        self.groups
            .lock()
            .unwrap()
            .push(group.iter().map(|unit| unit.len()).collect());
        let poisoned = group
            .iter()
            .flat_map(|unit| unit.iter())
            .any(|(id, _)| Some(id) == self.poison.as_ref());
        if poisoned {
            return Err(StoreError::new(
                StoreErrorKind::Database,
                "test",
                "poisoned",
            ));
        }
        Ok(group
            .iter()
            .map(|unit| {
                unit.iter()
                    .map(|(id, _)| {
                        if self.fresh.contains(id) {
                            Applied::Fresh {
                                suppression: SuppressionOutcome::Ignored(
                                    IgnoredReason::NotConsentRelated,
                                ),
                                mirror: MirrorChange::NotApplicable,
                            }
                        } else {
                            Applied::AlreadyApplied
                        }
                    })
                    .collect()
            })
            .collect())
    }
}

type Groups = Arc<Mutex<Vec<Vec<usize>>>>;
type Answer = tokio::task::JoinHandle<Result<Vec<Applied>, StoreError>>;

/// A writer over a recorder whose first group is held at `gate`; the groups it records.
fn gated(options: &StoreOptions, poison: Option<DeliveryId>) -> (Arc<Writer>, Gate, Groups) {
    let gate = Gate::new();
    let recorder = Recorder {
        gate: Some(gate.clone()),
        poison,
        ..Recorder::default()
    };
    let groups = recorder.groups.clone();
    let writer = Arc::new(Writer::start("test", vec![recorder], options).unwrap());
    (writer, gate, groups)
}

/// Submits `deliveries` on a task of its own.
fn submit(writer: &Arc<Writer>, deliveries: Vec<(DeliveryId, Callback)>) -> Answer {
    let writer = writer.clone();
    tokio::spawn(async move { writer.submit(deliveries).await })
}

/// Submits each job in turn, waiting until each is queued before the next.
async fn queue_in_order(
    writer: &Arc<Writer>,
    jobs: Vec<Vec<(DeliveryId, Callback)>>,
) -> Vec<Answer> {
    let mut answers = Vec::new();
    for job in jobs {
        let before = writer.stats().queued;
        answers.push(submit(writer, job));
        while writer.stats().queued <= before {
            tokio::task::yield_now().await;
        }
    }
    answers
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn jobs_queued_behind_a_running_group_are_committed_as_one_group() {
    let (writer, gate, groups) = gated(&StoreOptions::default(), None);
    runtime().block_on(async {
        let first = submit(&writer, vec![delivery(0)]);
        gate.until_entered().await;
        let jobs = (1..=3)
            .map(|n| vec![delivery(n), delivery(n + 10)])
            .collect();
        let rest = queue_in_order(&writer, jobs).await;
        gate.release().await;
        first.await.unwrap().unwrap();
        for job in rest {
            assert_eq!(job.await.unwrap().unwrap().len(), 2);
        }
        writer.close().await;
    });
    // The first job alone, then the three queued behind it in one group.
    assert_eq!(*groups.lock().unwrap(), vec![vec![1], vec![2, 2, 2]]);
}

#[test]
fn a_refused_group_is_retried_one_job_at_a_time_and_only_the_bad_job_fails() {
    let (writer, gate, groups) = gated(&StoreOptions::default(), Some(delivery(2).0));
    let outcomes = runtime().block_on(async {
        let first = submit(&writer, vec![delivery(0)]);
        gate.until_entered().await;
        let jobs = queue_in_order(&writer, (1..=3).map(|n| vec![delivery(n)]).collect()).await;
        gate.release().await;
        first.await.unwrap().unwrap();
        let mut outcomes = Vec::new();
        for job in jobs {
            outcomes.push(job.await.unwrap().map_err(|error| error.kind()));
        }
        writer.close().await;
        outcomes
    });
    assert_eq!(
        outcomes,
        vec![
            Ok(vec![Applied::AlreadyApplied]),
            Err(StoreErrorKind::Database),
            Ok(vec![Applied::AlreadyApplied]),
        ]
    );
    assert_eq!(
        *groups.lock().unwrap(),
        vec![vec![1], vec![1, 1, 1], vec![1], vec![1], vec![1]]
    );
    let stats = writer.stats();
    assert_eq!(stats.failed, 1);
    assert_eq!(stats.already_applied, 3);
}

#[test]
fn a_full_queue_refuses_at_once_and_a_closed_store_refuses_every_call() {
    let (writer, gate, _) = gated(&StoreOptions::default().queue_capacity(2), None);
    runtime().block_on(async {
        let first = submit(&writer, vec![delivery(0)]);
        gate.until_entered().await;
        let queued = queue_in_order(&writer, (1..=2).map(|n| vec![delivery(n)]).collect()).await;
        assert!(!writer.is_closed());
        let refused = writer.submit(vec![delivery(3)]).await.unwrap_err();
        assert_eq!(refused.kind(), StoreErrorKind::Overloaded);
        assert_eq!(writer.stats().rejected, 1);
        assert!(writer.stats().is_full());
        gate.release().await;
        first.await.unwrap().unwrap();
        for job in queued {
            job.await.unwrap().unwrap();
        }
        writer.close().await;
        assert!(writer.is_closed());
        let closed = writer.submit(vec![delivery(4)]).await.unwrap_err();
        assert_eq!(closed.kind(), StoreErrorKind::Unavailable);
    });
}

#[test]
fn a_caller_that_goes_away_does_not_stop_its_job() {
    let (writer, gate, groups) = gated(&StoreOptions::default(), None);
    runtime().block_on(async {
        let first = submit(&writer, vec![delivery(0)]);
        gate.until_entered().await;
        let mut abandoned = queue_in_order(&writer, vec![vec![delivery(1), delivery(2)]]).await;
        let abandoned = abandoned.remove(0);
        abandoned.abort();
        let _ = abandoned.await;
        gate.release().await;
        first.await.unwrap().unwrap();
        writer.close().await;
    });
    assert_eq!(*groups.lock().unwrap(), vec![vec![1], vec![2]]);
    assert_eq!(writer.stats().already_applied, 3);
}

#[test]
fn after_a_group_of_several_the_writer_gathers_as_many_before_committing() {
    // An hour: the gathering ends when enough are queued, never by the clock in this test.
    let options = StoreOptions::default().gather(std::time::Duration::from_secs(3600));
    let (writer, gate, groups) = gated(&options, None);
    runtime().block_on(async {
        let first = submit(&writer, vec![delivery(0)]);
        gate.until_entered().await;
        let jobs = queue_in_order(&writer, (1..=3).map(|n| vec![delivery(n)]).collect()).await;
        gate.release().await;
        first.await.unwrap().unwrap();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        // The last group held 3: a job now is held until two more are queued.
        let lone = submit(&writer, vec![delivery(4)]);
        // Taken by the writer (the fifth job), which is now gathering.
        while writer.taken() < 5 {
            tokio::task::yield_now().await;
        }
        let more = [5, 6].map(|n| submit(&writer, vec![delivery(n)]));
        lone.await.unwrap().unwrap();
        for job in more {
            job.await.unwrap().unwrap();
        }
        writer.close().await;
    });
    assert_eq!(
        *groups.lock().unwrap(),
        vec![vec![1], vec![1, 1, 1], vec![1, 1, 1]]
    );
}

#[test]
fn a_lone_caller_is_never_held_for_gathering() {
    let recorder = Recorder::default();
    let groups = recorder.groups.clone();
    let options = StoreOptions::default().gather(std::time::Duration::from_secs(3600));
    let writer = Arc::new(Writer::start("test", vec![recorder], &options).unwrap());
    runtime().block_on(async {
        for n in 0..3 {
            // Each call alone; a writer gathering for the hour would never answer in a minute.
            tokio::time::timeout(
                std::time::Duration::from_secs(60),
                writer.submit(vec![delivery(n)]),
            )
            .await
            .expect("answered without gathering")
            .unwrap();
        }
        writer.close().await;
    });
    assert_eq!(*groups.lock().unwrap(), vec![vec![1], vec![1], vec![1]]);
}

#[test]
fn a_group_takes_no_more_than_its_largest_size() {
    let (writer, gate, groups) = gated(&StoreOptions::default().max_group(2), None);
    runtime().block_on(async {
        let first = submit(&writer, vec![delivery(0)]);
        gate.until_entered().await;
        let jobs = queue_in_order(&writer, (1..=3).map(|n| vec![delivery(n)]).collect()).await;
        gate.release().await;
        first.await.unwrap().unwrap();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        writer.close().await;
    });
    // Two of the three queued, then the third.
    assert_eq!(*groups.lock().unwrap(), vec![vec![1], vec![1, 1], vec![1]]);
}

#[test]
fn a_lone_job_that_fails_is_tried_once_and_counted_with_what_was_applied() {
    let recorder = Recorder {
        poison: Some(delivery(9).0),
        fresh: vec![delivery(1).0, delivery(2).0],
        ..Recorder::default()
    };
    let groups = recorder.groups.clone();
    let writer = Arc::new(Writer::start("test", vec![recorder], &StoreOptions::default()).unwrap());
    runtime().block_on(async {
        let failed = writer.submit(vec![delivery(9)]).await.unwrap_err();
        assert_eq!(failed.kind(), StoreErrorKind::Database);
        let applied = writer
            .submit(vec![delivery(1), delivery(2), delivery(3)])
            .await
            .unwrap();
        assert!(matches!(applied[0], Applied::Fresh { .. }));
        assert_eq!(applied[2], Applied::AlreadyApplied);
        writer.close().await;
    });
    // The failing job once (not again alone), then the batch.
    assert_eq!(*groups.lock().unwrap(), vec![vec![1], vec![3]]);
    let stats = writer.stats();
    assert_eq!(
        (stats.fresh, stats.already_applied, stats.failed),
        (2, 1, 1)
    );
    assert_eq!(stats.groups, 1);
    assert_eq!(stats.commit_latency.count(), 1);
}
