//! Differential property: the same random sequences of deliveries (reordered, redelivered,
//! with merges interleaved, some applied in batches) end in identical states on memory (the
//! reference), SQLite and PostgreSQL.

use proptest::prelude::*;
use sinch_contacts_callbacks::store::{CallbackStore, MemoryStore, StateDump};
use sinch_contacts_store::SqliteStore;

use crate::support::*;

#[derive(Debug, Clone)]
enum Op {
    Text {
        identity: u8,
        word: u8,
    },
    Opt {
        identity: u8,
        out: bool,
    },
    Upsert {
        id: u8,
        create: bool,
        name: u8,
    },
    Delete {
        id: u8,
    },
    Merge {
        preserved: u8,
        deleted: u8,
        name: u8,
    },
    Duplication {
        identity: u8,
        first: u8,
        second: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3, 0u8..4).prop_map(|(identity, word)| Op::Text { identity, word }),
        (0u8..3, any::<bool>()).prop_map(|(identity, out)| Op::Opt { identity, out }),
        (0u8..4, any::<bool>(), 0u8..4).prop_map(|(id, create, name)| Op::Upsert {
            id,
            create,
            name
        }),
        (0u8..4).prop_map(|id| Op::Delete { id }),
        (0u8..4, 0u8..4, 0u8..4).prop_map(|(preserved, deleted, name)| Op::Merge {
            preserved,
            deleted,
            name
        }),
        (0u8..2, 0u8..4, 0u8..4).prop_map(|(identity, first, second)| Op::Duplication {
            identity,
            first,
            second
        }),
    ]
}

fn to_delivery((op, second): &(Op, Option<u32>)) -> Delivery {
    let second = *second;
    match op {
        Op::Text { identity, word } => {
            let word = ["STOP", "START", "HELP", "hello"][usize::from(*word)];
            text(second, "SMS", &format!("4670{identity}"), word)
        }
        Op::Opt { identity, out } => opt(
            second,
            *out,
            "VIBERBM",
            &format!("v{identity}"),
            "SUCCEEDED",
        ),
        Op::Upsert { id, create, name } => {
            upsert(second, *create, &format!("c{id}"), &format!("n{name}"))
        }
        Op::Delete { id } => delete(second, &format!("c{id}")),
        Op::Merge {
            preserved,
            deleted,
            name,
        } => merge(
            second,
            &format!("c{preserved}"),
            &format!("m{name}"),
            &format!("c{deleted}"),
        ),
        Op::Duplication {
            identity,
            first,
            second: other,
        } => duplication(
            second,
            &format!("4670{identity}"),
            &[&format!("c{first}"), &format!("c{other}")],
        ),
    }
}

/// Events (with times, some missing, some equal), a delivery order with redeliveries, and
/// batch sizes for the SQL stores.
fn scenario() -> impl Strategy<Value = (Vec<Delivery>, Vec<usize>)> {
    prop::collection::vec((op(), prop::option::weighted(0.85, 0u32..20)), 1..14).prop_flat_map(
        |events| {
            let n = events.len();
            let deliveries: Vec<Delivery> = events.iter().map(to_delivery).collect();
            let order = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
            let extra = prop::collection::vec(0..n, 0..8);
            let batches = prop::collection::vec(1usize..4, 1..30);
            (Just(deliveries), order, extra, batches).prop_map(
                |(deliveries, mut order, extra, batches)| {
                    for index in extra {
                        let position = index % (order.len() + 1);
                        order.insert(position, index);
                    }
                    let sequence = order.iter().map(|&i| deliveries[i].clone()).collect();
                    (sequence, batches)
                },
            )
        },
    )
}

async fn run_one_by_one<S: CallbackStore>(store: &S, sequence: &[Delivery]) -> StateDump {
    apply_all(store, sequence).await;
    store.dump().await.expect("the state reads back")
}

async fn run_batched<S: CallbackStore>(
    store: &S,
    sequence: &[Delivery],
    batches: &[usize],
) -> StateDump {
    let mut rest = sequence;
    let mut sizes = batches.iter().cycle();
    while !rest.is_empty() {
        let size = (*sizes.next().unwrap_or(&1)).min(rest.len());
        let (batch, tail) = rest.split_at(size);
        store.apply_batch(batch).await.expect("the batch applies");
        rest = tail;
    }
    store.dump().await.expect("the state reads back")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn memory_sqlite_and_postgres_end_in_the_same_state((sequence, batches) in scenario()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let reference = run_one_by_one(&MemoryStore::new(), &sequence).await;

            let dir = tempfile::tempdir().unwrap();
            let sqlite = SqliteStore::open(dir.path().join("a.db")).await.unwrap();
            prop_assert_eq!(&run_one_by_one(&sqlite, &sequence).await, &reference);
            let sqlite_batched = SqliteStore::open(dir.path().join("b.db")).await.unwrap();
            prop_assert_eq!(&run_batched(&sqlite_batched, &sequence, &batches).await, &reference);
            sqlite.close().await;
            sqlite_batched.close().await;

            #[cfg(feature = "postgres")]
            if let Some((url, schema)) = postgres_schema_quiet().await {
                let postgres = postgres_in(&url, &schema, 2).await;
                prop_assert_eq!(&run_batched(&postgres, &sequence, &batches).await, &reference);
                postgres.close().await;
            }
            Ok(())
        })?;
    }
}

/// Like `postgres_schema`, but says "skipped" only once per run.
#[cfg(feature = "postgres")]
async fn postgres_schema_quiet() -> Option<(String, String)> {
    if std::env::var("SINCH_TEST_POSTGRES_URL").map_or(true, |url| url.is_empty()) {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            eprintln!(
                "SINCH_TEST_POSTGRES_URL is not set: PostgreSQL part of the differential skipped"
            )
        });
        return None;
    }
    postgres_schema().await
}
