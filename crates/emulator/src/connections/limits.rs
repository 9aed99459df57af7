//! [`ConnectionLimits`]: how long a server waits for a slow or an idle client, and how many
//! connections it serves at once.

use std::time::Duration;

/// The default [`ConnectionLimits::header_timeout`]: 10 s.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The default [`ConnectionLimits::idle_timeout`]: 60 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The default [`ConnectionLimits::max_connections`]: 512.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// What a server built on [`serve_connections`](crate::serve_connections) (the emulator's, and
/// the command line's webhook receiver) allows a client, so that slow or idle clients cannot
/// hold its connections for ever (slow-loris).
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_emulator::{ConnectionLimits, Emulator};
///
/// let limits = ConnectionLimits::default()
///     .header_timeout(Duration::from_secs(5))
///     .idle_timeout(Duration::from_secs(30))
///     .max_connections(64);
/// assert_eq!(limits.max_connections, 64);
/// let emulator = Emulator::builder().connection_limits(limits).build();
/// assert_eq!(emulator.connection_limits(), limits);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// How long a request's head (request line and headers) may take to arrive, counted from
    /// its first byte; a connection still sending it then is closed without an answer. A
    /// request's body gets as long again, counted from the end of its head: reading a body that
    /// has not arrived by then fails. Default [`DEFAULT_HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// How long a connection may stay open with no request in progress (a new connection
    /// before its first byte, a kept-alive one between requests); then it is closed. Default
    /// [`DEFAULT_IDLE_TIMEOUT`].
    pub idle_timeout: Duration,
    /// The most connections served at once (at least 1). While that many are open, no further
    /// connection is accepted: they wait in the listening socket's backlog and are served as
    /// open ones close. Default [`DEFAULT_MAX_CONNECTIONS`].
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl ConnectionLimits {
    /// Sets [`header_timeout`](Self::header_timeout).
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Sets [`idle_timeout`](Self::idle_timeout).
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets [`max_connections`](Self::max_connections) (0 counts as 1).
    #[must_use]
    pub fn max_connections(mut self, limit: usize) -> Self {
        self.max_connections = limit.max(1);
        self
    }
}
