//! Concurrency: several tasks, each with its own store handle (its own connections) on one
//! database, apply the same deliveries at once in different orders; each delivery is applied
//! exactly once, and the final state is the one the documented rules give.

use std::collections::HashMap;
use std::sync::Arc;

use sinch_contacts_callbacks::ConversationChannel;
use sinch_contacts_callbacks::store::{Applied, CallbackStore, ContactState, DeliveryId};

use crate::support::*;

const TASKS: usize = 6;

/// Updates of one contact at seconds 1..=10 (name `n{second}`), alternating STOP / START of
/// one identity at seconds 1..=10 (even seconds STOP), three reports of one duplicated
/// identity, and three callbacks that touch no row: by the rules the contact ends named `n10`,
/// the identity opted out (second 10 is a STOP), and the duplication is recorded once.
fn deliveries() -> Vec<Delivery> {
    let mut all = Vec::new();
    for second in 1..=10u32 {
        all.push(upsert(Some(second), false, "c1", &format!("n{second}")));
        let word = if second % 2 == 0 { "STOP" } else { "START" };
        all.push(text(Some(100 + second), "SMS", "1", word));
    }
    for second in 1..=3u32 {
        all.push(duplication(Some(200 + second), "4670", &["c1", "c2"]));
        all.push(delivery(serde_json::json!({
            "app_id": "app", "project_id": "proj", "accepted_time": at(300 + second),
            "capability_notification": {"contact_id": "c1", "identity": "1",
                "channel": "WHATSAPP", "capability_status": "CAPABILITY_FULL"}
        })));
    }
    all
}

async fn race<S: CallbackStore>(stores: Vec<Arc<S>>) {
    let deliveries = Arc::new(deliveries());
    let mut tasks = Vec::new();
    for (index, store) in stores.into_iter().enumerate() {
        let deliveries = deliveries.clone();
        tasks.push(tokio::spawn(async move {
            let mut order: Vec<usize> = (0..deliveries.len()).collect();
            order.rotate_left(index * 3);
            if index % 2 == 1 {
                order.reverse();
            }
            let mut fresh = Vec::new();
            for i in order {
                let (id, callback) = &deliveries[i];
                if let Applied::Fresh { .. } = store.apply(id, callback).await.expect("applies") {
                    fresh.push(id.clone());
                }
            }
            (store, fresh)
        }));
    }
    let mut counts: HashMap<DeliveryId, usize> = HashMap::new();
    let mut last_store = None;
    for task in tasks {
        let (store, fresh) = task.await.expect("the task completes");
        for id in fresh {
            *counts.entry(id).or_default() += 1;
        }
        last_store = Some(store);
    }
    for (id, _) in deliveries.iter() {
        assert_eq!(
            counts.get(id).copied(),
            Some(1),
            "delivery {id} applied once"
        );
    }
    let store = last_store.expect("at least one task");
    match store.contact_state("c1").await.unwrap() {
        Some(ContactState::Live(entry)) => {
            assert_eq!(entry.contact.display_name.as_deref(), Some("n10"))
        }
        other => panic!("expected a live contact, got {other:?}"),
    }
    assert!(
        store
            .is_suppressed(&ConversationChannel::Sms, "1")
            .await
            .unwrap()
    );
    let dump = store.dump().await.unwrap();
    assert_eq!(dump.deliveries.len(), deliveries.len());
    assert_eq!(dump.duplications.len(), 1, "{:?}", dump.duplications);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_tasks_apply_each_delivery_once() {
    let store = Arc::new(sinch_contacts_callbacks::store::MemoryStore::new());
    race((0..TASKS).map(|_| store.clone()).collect()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_handles_on_one_file_apply_each_delivery_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut stores = Vec::new();
    for _ in 0..TASKS {
        stores.push(Arc::new(
            sinch_contacts_store::SqliteStore::open(&path)
                .await
                .unwrap(),
        ));
    }
    race(stores).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_receivers_apply_each_delivery_once() {
    let Some((url, schema)) = postgres_schema().await else {
        return;
    };
    let mut stores = Vec::new();
    for _ in 0..TASKS {
        stores.push(Arc::new(postgres_in(&url, &schema, 2).await));
    }
    race(stores).await;
}
