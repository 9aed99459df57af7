//! [`StoreOptions`]: the consent rules a store applies and how its writers queue and group
//! deliveries.

use std::time::Duration;

use sinch_contacts_callbacks::store::ConsentRules;

/// The default number of `apply` and `apply_batch` calls that may wait for a writer.
pub const DEFAULT_QUEUE_CAPACITY: usize = 4096;

/// The default largest number of deliveries committed in one transaction.
pub const DEFAULT_MAX_GROUP: usize = 512;

/// The default longest wait of a writer for more deliveries when callers send concurrently
/// ([`StoreOptions::gather`]).
pub const DEFAULT_GATHER: Duration = Duration::from_micros(500);

/// The default number of read connections kept (SQLite: idle readers; PostgreSQL: the pool).
pub const DEFAULT_READ_CONNECTIONS: u32 = 8;

/// How long a SQLite writer waits for another process's lock before failing with
/// [`StoreErrorKind::Unavailable`](sinch_contacts_callbacks::store::StoreErrorKind).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How a store is opened: its consent rules, its write queue and its connections.
///
/// ```
/// use sinch_contacts_callbacks::optout::KeywordClassifier;
/// use sinch_contacts_callbacks::store::ConsentRules;
/// use sinch_contacts_store::StoreOptions;
///
/// let options = StoreOptions::default()
///     .rules(ConsentRules::new(KeywordClassifier::default()))
///     .queue_capacity(10_000)
///     .max_group(256);
/// assert_eq!(options.queue_capacity_value(), 10_000);
/// ```
#[derive(Debug, Clone)]
pub struct StoreOptions {
    rules: ConsentRules,
    queue_capacity: usize,
    max_group: usize,
    writers: usize,
    gather: Duration,
    read_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            rules: ConsentRules::default(),
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            max_group: DEFAULT_MAX_GROUP,
            writers: 1,
            gather: DEFAULT_GATHER,
            read_connections: DEFAULT_READ_CONNECTIONS,
        }
    }
}

impl StoreOptions {
    /// The consent rules (keywords, text channels) applied to every delivery. Receivers
    /// sharing one database must use the same rules.
    #[must_use]
    pub fn rules(mut self, rules: ConsentRules) -> Self {
        self.rules = rules;
        self
    }

    /// How many `apply` or `apply_batch` calls may wait for a writer (at least 1); beyond
    /// that, `apply` fails at once with
    /// [`StoreErrorKind::Overloaded`](sinch_contacts_callbacks::store::StoreErrorKind).
    #[must_use]
    pub fn queue_capacity(mut self, calls: usize) -> Self {
        self.queue_capacity = calls.max(1);
        self
    }

    /// The largest number of deliveries a writer takes from the queue into one transaction
    /// (at least 1; one `apply_batch` larger than this is still one transaction).
    #[must_use]
    pub fn max_group(mut self, deliveries: usize) -> Self {
        self.max_group = deliveries.max(1);
        self
    }

    /// How many writers, each with a connection of its own, take groups from the queue at once
    /// (at least 1). PostgreSQL only: SQLite lets one writer write at a time, so a SQLite
    /// store always has one.
    #[must_use]
    pub fn writers(mut self, writers: usize) -> Self {
        self.writers = writers.max(1);
        self
    }

    /// How long a writer may wait for more deliveries before a transaction, when the previous
    /// transaction held several (callers are sending concurrently) and fewer are queued: it
    /// waits until as many as last time are queued, or this long. A lone caller never waits.
    /// `Duration::ZERO` never waits.
    #[must_use]
    pub fn gather(mut self, wait: Duration) -> Self {
        self.gather = wait;
        self
    }

    /// Read connections (at least 1): SQLite keeps this many idle readers; PostgreSQL's read
    /// pool has at most this many connections.
    #[must_use]
    pub fn read_connections(mut self, connections: u32) -> Self {
        self.read_connections = connections.max(1);
        self
    }

    /// The consent rules set.
    pub fn rules_value(&self) -> &ConsentRules {
        &self.rules
    }

    /// The queue capacity set.
    pub fn queue_capacity_value(&self) -> usize {
        self.queue_capacity
    }

    /// The largest group set.
    pub fn max_group_value(&self) -> usize {
        self.max_group
    }

    /// The number of writers set.
    pub fn writers_value(&self) -> usize {
        self.writers
    }

    /// The longest gathering wait set.
    pub fn gather_value(&self) -> Duration {
        self.gather
    }

    /// The number of read connections set.
    pub fn read_connections_value(&self) -> u32 {
        self.read_connections
    }
}
