//! The store's throughput and latency against the database underneath, measured in one run.
//!
//! For each backend, the store and its anchors (the database doing the same work without this
//! crate: rusqlite running the store's SQL for SQLite; sqlx running the store's statements,
//! and a set-based batch of the writes alone, for PostgreSQL) apply the same kind of deliveries
//! (every body distinct, every one writing a row), in alternating rounds, and the ratio
//! store ÷ anchor is taken round by round:
//!
//! - one at a time: `apply`, one call after the other ÷ one transaction per delivery;
//! - batches of 100: `apply_batch` ÷ transactions of 100;
//! - groups: `--senders` tasks (64) calling `apply` at once, committed by group commit ÷
//!   transactions of 64; with each call's latency (p50, p99, max).
//!
//! Then the latency of `is_suppressed` with 1,000,000 suppressed identities.
//!
//! ```sh
//! cargo bench -p sinch-contacts-store --all-features --bench store -- [--deliveries N]
//!     [--single N] [--senders N] [--rounds N] [--prefill N] [--pg-writers N] [--skip-lookups]
//! ```
//!
//! PostgreSQL runs when `SINCH_TEST_POSTGRES_URL` is set (benchmark against a server with
//! `fsync = on`: the CI cluster runs with it off).

#[cfg(feature = "postgres")]
mod postgres_anchor;
mod sqlite_anchor;
mod workload;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sinch_contacts_callbacks::ConversationChannel;
use sinch_contacts_callbacks::store::CallbackStore;
use sinch_contacts_store::SqliteStore;
#[cfg(feature = "postgres")]
use sinch_contacts_store::StoreOptions;

use workload::{Item, workload};

const BATCH: usize = 100;
const SUPPRESSED: u32 = 1_000_000;
const LOOKUPS: u32 = 20_000;

/// The command line.
#[derive(Debug, Clone)]
struct Args {
    deliveries: usize,
    single: usize,
    senders: usize,
    rounds: usize,
    prefill: u64,
    pg_writers: usize,
    lookups: bool,
}

fn args() -> Args {
    let mut args = Args {
        deliveries: 30_000,
        single: 2_000,
        senders: 64,
        rounds: 3,
        prefill: 0,
        pg_writers: 1,
        lookups: true,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut number = || -> usize {
            words
                .next()
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{word} takes a number"))
        };
        match word.as_str() {
            "--deliveries" => args.deliveries = number(),
            "--single" => args.single = number(),
            "--senders" => args.senders = number(),
            "--rounds" => args.rounds = number(),
            "--prefill" => args.prefill = number() as u64,
            "--pg-writers" => args.pg_writers = number(),
            "--skip-lookups" => args.lookups = false,
            _ => {}
        }
    }
    args
}

/// Per round, the store's rate and each anchor's.
#[derive(Debug)]
struct Pairs {
    store: Vec<f64>,
    anchors: Vec<Vec<f64>>,
}

impl Pairs {
    fn new(anchors: usize) -> Self {
        Self {
            store: Vec::new(),
            anchors: vec![Vec::new(); anchors],
        }
    }

    fn report(&self, backend: &str, what: &str, names: &[&str]) {
        let range = |values: &[f64]| {
            let mut sorted = values.to_vec();
            sorted.sort_by(f64::total_cmp);
            format!("{:.0}–{:.0}/s", sorted[0], sorted[sorted.len() - 1])
        };
        for (anchor, name) in self.anchors.iter().zip(names) {
            let mut ratios: Vec<f64> = self
                .store
                .iter()
                .zip(anchor)
                .map(|(store, anchor)| store / anchor)
                .collect();
            ratios.sort_by(f64::total_cmp);
            println!(
                "{backend:<9} {what:<26} store {:>17}  {name} {:>17}  store ÷ anchor median {:.2} ({:.2}–{:.2})",
                range(&self.store),
                range(anchor),
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1]
            );
        }
    }
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

async fn store_one_at_a_time<S: CallbackStore>(store: &S, items: &[Item]) -> f64 {
    let started = Instant::now();
    for item in items {
        store.apply(&item.id, &item.callback).await.unwrap();
    }
    rate(items.len(), started.elapsed())
}

async fn store_batches<S: CallbackStore>(store: &S, items: &[Item]) -> f64 {
    let pairs: Vec<_> = items
        .iter()
        .map(|item| (item.id.clone(), item.callback.clone()))
        .collect();
    let started = Instant::now();
    for chunk in pairs.chunks(BATCH) {
        store.apply_batch(chunk).await.unwrap();
    }
    rate(items.len(), started.elapsed())
}

/// `senders` tasks calling `apply` at once, each on every `senders`-th item; the rate and each
/// call's latency.
async fn store_concurrent<S: CallbackStore>(
    store: &Arc<S>,
    items: Vec<Item>,
    senders: usize,
) -> (f64, Vec<Duration>) {
    let count = items.len();
    let items = Arc::new(items);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for sender in 0..senders {
        let store = store.clone();
        let items = items.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            for item in items.iter().skip(sender).step_by(senders) {
                let call = Instant::now();
                store.apply(&item.id, &item.callback).await.unwrap();
                latencies.push(call.elapsed());
            }
            latencies
        });
    }
    let mut latencies = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done.unwrap());
    }
    (rate(count, started.elapsed()), latencies)
}

fn report_latency(backend: &str, senders: usize, latencies: &mut [Duration]) {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    println!(
        "{backend:<9} latency at {senders} concurrent senders: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} calls)",
        at(0.5),
        at(0.99),
        at(1.0),
        latencies.len()
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
        "{name:<9} is_suppressed with {SUPPRESSED} suppressed: median {:.1} µs, p99 {:.1} µs ({hits} of {LOOKUPS} hits)",
        at(0.5),
        at(0.99)
    );
}

/// The database itself doing the same work: the same SQL, the rows known in advance.
trait Anchor {
    /// How the report names it.
    fn name(&self) -> &'static str;
    /// Applies `items` in transactions of `per_transaction`.
    async fn apply(&mut self, items: &[Item], per_transaction: usize);
}

impl Anchor for rusqlite::Connection {
    fn name(&self) -> &'static str {
        "same SQL"
    }

    async fn apply(&mut self, items: &[Item], per_transaction: usize) {
        sqlite_anchor::apply(self, items, per_transaction);
    }
}

#[cfg(feature = "postgres")]
impl Anchor for (sqlx::PgConnection, postgres_anchor::Statements) {
    fn name(&self) -> &'static str {
        match self.1 {
            postgres_anchor::Statements::SameSql => "same SQL",
            postgres_anchor::Statements::WritesOnly => "writes only",
        }
    }

    async fn apply(&mut self, items: &[Item], per_transaction: usize) {
        postgres_anchor::apply(&mut self.0, items, per_transaction, self.1).await;
    }
}

/// `args.rounds` rounds, each: one at a time, batches, and concurrent senders, the anchors then
/// the store on workloads of their own; prints the rates, ratios and latencies.
async fn compare<S: CallbackStore>(
    backend: &str,
    store: &Arc<S>,
    anchors: &mut [impl Anchor],
    args: &Args,
) {
    let mut single = Pairs::new(anchors.len());
    let mut batches = Pairs::new(anchors.len());
    let mut groups = Pairs::new(anchors.len());
    let mut latencies = Vec::new();
    let timed = |count: usize, started: Instant| rate(count, started.elapsed());
    for round in 0..args.rounds {
        for (index, anchor) in anchors.iter_mut().enumerate() {
            let items = workload(&format!("sa{index}r{round}-"), args.single);
            let started = Instant::now();
            anchor.apply(&items, 1).await;
            single.anchors[index].push(timed(items.len(), started));
        }
        let items = workload(&format!("ss{round}-"), args.single);
        single
            .store
            .push(store_one_at_a_time(&**store, &items).await);

        for (index, anchor) in anchors.iter_mut().enumerate() {
            let items = workload(&format!("ba{index}r{round}-"), args.deliveries);
            let started = Instant::now();
            anchor.apply(&items, BATCH).await;
            batches.anchors[index].push(timed(items.len(), started));
        }
        let items = workload(&format!("bs{round}-"), args.deliveries);
        batches.store.push(store_batches(&**store, &items).await);

        for (index, anchor) in anchors.iter_mut().enumerate() {
            let items = workload(&format!("ga{index}r{round}-"), args.deliveries);
            let started = Instant::now();
            anchor.apply(&items, args.senders).await;
            groups.anchors[index].push(timed(items.len(), started));
        }
        let items = workload(&format!("gs{round}-"), args.deliveries);
        let (rate, mut round_latencies) = store_concurrent(store, items, args.senders).await;
        groups.store.push(rate);
        latencies.append(&mut round_latencies);
    }
    let names: Vec<&str> = anchors.iter().map(Anchor::name).collect();
    single.report(backend, "one at a time", &names);
    batches.report(backend, &format!("batches of {BATCH}"), &names);
    groups.report(
        backend,
        &format!("{} senders ÷ txns of {}", args.senders, args.senders),
        &names,
    );
    report_latency(backend, args.senders, &mut latencies);
}

const FILL_SQLITE: &str = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1) \
    INSERT INTO consents (channel, identity, consent, changed_at, source) \
    SELECT 'SMS', CAST(46700000000 + i AS TEXT), 'opted_out', NULL, 'manual' FROM n";

const PREFILL_SQLITE: &str = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1) \
    INSERT INTO contacts (id, state, contact_json, as_of, removed_at, merged_into) \
    SELECT 'prefill-' || i, 'live', '{\"id\":\"prefill-' || i || '\",\"display_name\":\"Prefilled\"}', \
    '2023-01-01T00:00:00Z', NULL, NULL FROM n";

async fn sqlite(args: &Args) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(dir.path().join("store.db"))
            .await
            .unwrap(),
    );
    // The anchor's file gets its schema from the store, then is written by rusqlite alone.
    let anchor_path = dir.path().join("anchor.db");
    SqliteStore::open(&anchor_path).await.unwrap().close().await;
    let anchor = sqlite_anchor::open(&anchor_path);
    if args.prefill > 0 {
        for path in [store.path(), anchor_path.as_path()] {
            let conn = sqlite_anchor::open(path);
            conn.execute(PREFILL_SQLITE, [args.prefill as i64]).unwrap();
        }
    }

    compare("sqlite", &store, &mut [anchor], args).await;
    println!("sqlite    writer: {:?}", summary(&store.stats()));
    store.close().await;

    if args.lookups {
        let big = SqliteStore::open(dir.path().join("big.db")).await.unwrap();
        sqlite_anchor::open(big.path())
            .execute(FILL_SQLITE, [i64::from(SUPPRESSED)])
            .unwrap();
        lookups("sqlite", &big).await;
        big.close().await;
    }
}

fn summary(stats: &sinch_contacts_store::WriterStats) -> String {
    format!(
        "{} deliveries in {} transactions ({:.1} a transaction), {} refused",
        stats.fresh + stats.already_applied,
        stats.groups,
        (stats.fresh + stats.already_applied) as f64 / stats.groups.max(1) as f64,
        stats.rejected
    )
}

#[cfg(feature = "postgres")]
async fn postgres(args: &Args) {
    use sqlx::Connection as _;
    use std::str::FromStr as _;
    let Ok(url) = std::env::var("SINCH_TEST_POSTGRES_URL") else {
        println!("postgres  skipped: SINCH_TEST_POSTGRES_URL is not set");
        return;
    };
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    let fsync: String = sqlx::query_scalar("SHOW fsync")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    println!("postgres  server fsync = {fsync}");
    let mut stores = Vec::new();
    for name in ["bench_store", "bench_anchor", "bench_big"] {
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
        stores.push((
            options.clone(),
            sinch_contacts_store::PostgresStore::connect_with(
                options,
                StoreOptions::default()
                    .read_connections(4)
                    .writers(args.pg_writers),
            )
            .await
            .unwrap(),
        ));
    }
    let store = Arc::new(stores[0].1.clone());
    let anchor = sqlx::PgConnection::connect_with(&stores[1].0)
        .await
        .unwrap();
    if args.prefill > 0 {
        for schema in ["bench_store", "bench_anchor"] {
            sqlx::query(&format!(
                "INSERT INTO {schema}.contacts (id, state, contact_json, as_of) \
                 SELECT 'prefill-' || i, 'live', '{{\"id\":\"prefill-' || i || '\"}}', \
                 '2023-01-01T00:00:00Z' FROM generate_series(0, $1 - 1) AS i"
            ))
            .bind(args.prefill as i64)
            .execute(&mut admin)
            .await
            .unwrap();
        }
    }

    let mut anchors = [
        (anchor, postgres_anchor::Statements::SameSql),
        (
            sqlx::PgConnection::connect_with(&stores[1].0)
                .await
                .unwrap(),
            postgres_anchor::Statements::WritesOnly,
        ),
    ];
    compare("postgres", &store, &mut anchors, args).await;
    println!("postgres  writer: {:?}", summary(&store.stats()));

    if args.lookups {
        let big = &stores[2].1;
        sqlx::query(
            "INSERT INTO consents (channel, identity, consent, changed_at, source) \
             SELECT 'SMS', (46700000000 + i)::TEXT, 'opted_out', NULL, 'manual' \
             FROM generate_series(0, $1 - 1) AS i",
        )
        .bind(i64::from(SUPPRESSED))
        .execute(big.pool())
        .await
        .unwrap();
        sqlx::query("ANALYZE consents")
            .execute(big.pool())
            .await
            .unwrap();
        lookups("postgres", big).await;
    }
    for (_, store) in &stores {
        store.close().await;
    }
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return;
    }
    let args = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        sqlite(&args).await;
        #[cfg(feature = "postgres")]
        postgres(&args).await;
    });
}
