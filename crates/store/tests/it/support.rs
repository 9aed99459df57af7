//! Deliveries built from JSON bodies, and one fresh store per test for each backend.

use sinch_contacts_callbacks::store::{CallbackStore, DeliveryId, MemoryStore};
use sinch_contacts_callbacks::{Callback, parse_unverified};
#[cfg(feature = "postgres")]
use sinch_contacts_store::PostgresStore;
use sinch_contacts_store::SqliteStore;

/// A delivery: its ledger id (the body's hash), and the parsed callback.
pub type Delivery = (DeliveryId, Callback);

/// `2024-01-01T00:MM:SSZ` for `second` below 3600 (written by hand, independent of the crate's
/// formatting).
pub fn at(second: u32) -> String {
    format!(
        "2024-01-01T{:02}:{:02}:{:02}Z",
        second / 3600,
        (second / 60) % 60,
        second % 60
    )
}

pub fn delivery(body: serde_json::Value) -> Delivery {
    let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
    let callback = parse_unverified(&bytes).expect("the test body parses");
    (DeliveryId::of_body(&bytes), callback)
}

fn envelope(second: Option<u32>, key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut body = serde_json::json!({"app_id": "app", "project_id": "proj"});
    if let Some(second) = second {
        body["accepted_time"] = serde_json::Value::String(at(second));
    }
    body[key] = value;
    body
}

/// An inbound text on `channel` from `identity`.
pub fn text(second: Option<u32>, channel: &str, identity: &str, text: &str) -> Delivery {
    delivery(envelope(
        second,
        "message",
        serde_json::json!({
            "channel_identity": {"channel": channel, "identity": identity},
            "contact_message": {"text_message": {"text": text}}
        }),
    ))
}

/// An OPT_OUT (or OPT_IN when `out` is false) callback with the given status suffix.
pub fn opt(
    second: Option<u32>,
    out: bool,
    channel: &str,
    identity: &str,
    status: &str,
) -> Delivery {
    let (key, prefix) = if out {
        ("opt_out_notification", "OPT_OUT")
    } else {
        ("opt_in_notification", "OPT_IN")
    };
    delivery(envelope(
        second,
        key,
        serde_json::json!({"contact_id": "c", "channel": channel, "identity": identity,
            "status": format!("{prefix}_{status}")}),
    ))
}

/// A CONTACT_CREATE (or CONTACT_UPDATE) of `id` with `name`.
pub fn upsert(second: Option<u32>, create: bool, id: &str, name: &str) -> Delivery {
    let key = if create {
        "contact_create_notification"
    } else {
        "contact_update_notification"
    };
    delivery(envelope(
        second,
        key,
        serde_json::json!({"contact": {"id": id, "display_name": name}}),
    ))
}

pub fn delete(second: Option<u32>, id: &str) -> Delivery {
    delivery(envelope(
        second,
        "contact_delete_notification",
        serde_json::json!({"contact_id": id}),
    ))
}

pub fn merge(second: Option<u32>, preserved: &str, name: &str, deleted: &str) -> Delivery {
    delivery(envelope(
        second,
        "contact_merge_notification",
        serde_json::json!({"deleted_contact_id": deleted,
            "preserved_contact": {"id": preserved, "display_name": name}}),
    ))
}

pub fn duplication(second: Option<u32>, identity: &str, contacts: &[&str]) -> Delivery {
    delivery(envelope(
        second,
        "duplicated_contact_identities_notification",
        serde_json::json!({"duplicated_identities": [
            {"channel": "SMS", "contact_ids": contacts, "identity": identity}
        ]}),
    ))
}

/// A store under test, with whatever keeps its database alive.
pub struct Backend<S> {
    pub store: S,
    _guard: Option<tempfile::TempDir>,
}

/// Keeps a test database alive until dropped.
pub struct Guard(#[allow(dead_code)] Option<tempfile::TempDir>);

impl<S> Backend<S> {
    /// The store, and what keeps its database alive.
    pub fn split(self) -> (S, Guard) {
        (self.store, Guard(self._guard))
    }
}

pub async fn memory() -> Option<Backend<MemoryStore>> {
    Some(Backend {
        store: MemoryStore::new(),
        _guard: None,
    })
}

pub async fn sqlite() -> Option<Backend<SqliteStore>> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path().join("state.db"))
        .await
        .expect("the SQLite store opens");
    Some(Backend {
        store,
        _guard: Some(dir),
    })
}

#[cfg(feature = "postgres")]
static SCHEMA_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The test server's URL, or `None` (after saying the test is skipped).
#[cfg(feature = "postgres")]
pub fn postgres_url() -> Option<String> {
    match std::env::var("SINCH_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("SINCH_TEST_POSTGRES_URL is not set: PostgreSQL test skipped");
            None
        }
    }
}

/// A fresh schema on the test server, so tests run in parallel without sharing tables.
#[cfg(feature = "postgres")]
pub async fn postgres_schema() -> Option<(String, String)> {
    use sqlx::Connection as _;
    let url = postgres_url()?;
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        SCHEMA_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let mut admin = sqlx::PgConnection::connect(&url)
        .await
        .expect("the test PostgreSQL server accepts connections");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .expect("a test schema is created");
    admin.close().await.ok();
    Some((url, schema))
}

#[cfg(feature = "postgres")]
pub async fn postgres_in(url: &str, schema: &str, connections: u32) -> PostgresStore {
    use std::str::FromStr as _;
    let options = sqlx::postgres::PgConnectOptions::from_str(url)
        .expect("the test URL parses")
        .options([("search_path", schema)]);
    PostgresStore::connect_with(
        options,
        sinch_contacts_store::StoreOptions::default().read_connections(connections),
    )
    .await
    .expect("the PostgreSQL store connects")
}

#[cfg(feature = "postgres")]
pub async fn postgres() -> Option<Backend<PostgresStore>> {
    let (url, schema) = postgres_schema().await?;
    Some(Backend {
        store: postgres_in(&url, &schema, 8).await,
        _guard: None,
    })
}

#[cfg(not(feature = "postgres"))]
pub async fn postgres() -> Option<Backend<MemoryStore>> {
    eprintln!("feature `postgres` is off: PostgreSQL test skipped");
    None
}

/// Applies deliveries one at a time.
pub async fn apply_all<S: CallbackStore>(store: &S, deliveries: &[Delivery]) {
    for (id, callback) in deliveries {
        store
            .apply(id, callback)
            .await
            .expect("the delivery applies");
    }
}
