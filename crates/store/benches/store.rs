//! Throughput and latency of the store backends, printed as figures measured in one run:
//! callbacks applied per second one at a time and in batches (SQLite; PostgreSQL when
//! `SINCH_TEST_POSTGRES_URL` is set), and the suppression lookup's latency with 1 million
//! suppressed identities.
//!
//! `cargo bench -p sinch-contacts-store --all-features`

use std::time::{Duration, Instant};

use sinch_contacts_callbacks::store::{CallbackStore, DeliveryId, MemoryStore};
use sinch_contacts_callbacks::{Callback, ConversationChannel, parse_unverified};
use sinch_contacts_store::SqliteStore;

const DELIVERIES: u32 = 3_000;
const BATCH: usize = 100;
const SUPPRESSED: u32 = 1_000_000;
const LOOKUPS: u32 = 20_000;

fn deliveries(salt: &str) -> Vec<(DeliveryId, Callback)> {
    (0..DELIVERIES)
        .map(|i| {
            let body = if i % 2 == 0 {
                format!(
                    r#"{{"app_id":"a","project_id":"{salt}","accepted_time":"2024-01-01T00:00:00Z","message":{{"channel_identity":{{"channel":"SMS","identity":"{}"}},"contact_message":{{"text_message":{{"text":"STOP"}}}}}}}}"#,
                    i % 500
                )
            } else {
                format!(
                    r#"{{"app_id":"a","project_id":"{salt}","accepted_time":"2024-01-01T00:00:00Z","contact_update_notification":{{"contact":{{"id":"c{}","display_name":"n{i}"}}}}}}"#,
                    i % 500
                )
            };
            (DeliveryId::of_body(body.as_bytes()), parse_unverified(body.as_bytes()).unwrap())
        })
        .collect()
}

async fn throughput<S: CallbackStore>(name: &str, one_by_one: &S, batched: &S) {
    let single = deliveries("single");
    let started = Instant::now();
    for (id, callback) in &single {
        one_by_one.apply(id, callback).await.unwrap();
    }
    let single_rate = f64::from(DELIVERIES) / started.elapsed().as_secs_f64();
    let many = deliveries("batched");
    let started = Instant::now();
    for chunk in many.chunks(BATCH) {
        batched.apply_batch(chunk).await.unwrap();
    }
    let batch_rate = f64::from(DELIVERIES) / started.elapsed().as_secs_f64();
    println!(
        "{name:<10} one at a time: {single_rate:>9.0} callbacks/s   batches of {BATCH}: {batch_rate:>9.0} callbacks/s   (x{:.1})",
        batch_rate / single_rate
    );
}

async fn lookups<S: CallbackStore>(name: &str, store: &S) {
    let mut samples: Vec<Duration> = Vec::with_capacity(LOOKUPS as usize);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hits = 0u32;
    for _ in 0..LOOKUPS {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Half the lookups hit a suppressed identity, half miss.
        let identity = format!(
            "{}",
            46_700_000_000u64 + state % (2 * u64::from(SUPPRESSED))
        );
        let started = Instant::now();
        let suppressed = store
            .is_suppressed(&ConversationChannel::Sms, &identity)
            .await
            .unwrap();
        samples.push(started.elapsed());
        hits += u32::from(suppressed);
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    println!(
        "{name:<10} is_suppressed with {SUPPRESSED} suppressed: median {:.1} µs, p99 {:.1} µs ({hits} of {LOOKUPS} hits)",
        at(0.5),
        at(0.99)
    );
}

const FILL_SQLITE: &str = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1) \
    INSERT INTO consents (channel, identity, consent, changed_at, source) \
    SELECT 'SMS', CAST(46700000000 + i AS TEXT), 'opted_out', NULL, 'manual' FROM n";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let memory = (MemoryStore::new(), MemoryStore::new());
    throughput("memory", &memory.0, &memory.1).await;
    let sqlite_single = SqliteStore::open(dir.path().join("single.db"))
        .await
        .unwrap();
    let sqlite_batched = SqliteStore::open(dir.path().join("batched.db"))
        .await
        .unwrap();
    throughput("sqlite", &sqlite_single, &sqlite_batched).await;

    let big = SqliteStore::open(dir.path().join("big.db")).await.unwrap();
    rusqlite::Connection::open(big.path())
        .unwrap()
        .execute(FILL_SQLITE, [i64::from(SUPPRESSED)])
        .unwrap();
    lookups("sqlite", &big).await;

    #[cfg(feature = "postgres")]
    postgres().await;
}

#[cfg(feature = "postgres")]
async fn postgres() {
    use sqlx::Connection as _;
    use std::str::FromStr as _;
    let Ok(url) = std::env::var("SINCH_TEST_POSTGRES_URL") else {
        println!("postgres   skipped: SINCH_TEST_POSTGRES_URL is not set");
        return;
    };
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut stores = Vec::new();
    for name in ["bench_single", "bench_batched", "bench_big"] {
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let options = sqlx::postgres::PgConnectOptions::from_str(&url)
            .unwrap()
            .options([("search_path", name)]);
        stores.push(
            sinch_contacts_store::PostgresStore::connect_with(
                options,
                sinch_contacts_store::StoreOptions::default().read_connections(4),
            )
            .await
            .unwrap(),
        );
    }
    throughput("postgres", &stores[0], &stores[1]).await;
    sqlx::query(
        "INSERT INTO consents (channel, identity, consent, changed_at, source) \
         SELECT 'SMS', (46700000000 + i)::TEXT, 'opted_out', NULL, 'manual' FROM generate_series(0, $1 - 1) AS i",
    )
    .bind(i64::from(SUPPRESSED))
    .execute(stores[2].pool())
    .await
    .unwrap();
    sqlx::query("ANALYZE consents")
        .execute(stores[2].pool())
        .await
        .unwrap();
    lookups("postgres", &stores[2]).await;
}
