//! [`Activity`]: where one connection stands (idle, receiving a request's head, or serving
//! requests) and since when, which decides the next deadline it has to meet.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::sync::Notify;

use super::limits::ConnectionLimits;

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No request in progress and no byte of the next one, since then.
    Idle(Instant),
    /// The first bytes of a request's head arrived then; the head is not complete.
    Head(Instant),
    /// This many requests are being answered (hyper's HTTP/1 answers one at a time).
    Busy(usize),
}

/// Which limit a deadline belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    /// The idle timeout: close the connection (gracefully: hyper closes an idle one at once).
    Idle,
    /// The header timeout: drop the connection.
    Header,
}

/// The phase of one connection, shared by its socket (which sees bytes arrive), its service
/// (which sees requests start and end) and its watchdog (which waits for the deadline).
#[derive(Debug)]
pub(super) struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Activity {
    /// A connection accepted now: idle.
    pub(super) fn new() -> Self {
        Self {
            phase: Mutex::new(Phase::Idle(Instant::now())),
            changed: Notify::new(),
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        // The phase is a plain value; a panic while holding the lock leaves it usable.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, mut phase: MutexGuard<'_, Phase>, next: Phase) {
        *phase = next;
        drop(phase);
        self.changed.notify_one();
    }

    /// Bytes were read from the socket: on an idle connection they start a request's head.
    pub(super) fn bytes_arrived(&self) {
        let phase = self.phase();
        if let Phase::Idle(_) = *phase {
            self.set(phase, Phase::Head(Instant::now()));
        }
    }

    /// A request's head is complete and its answer begins.
    pub(super) fn request_started(&self) {
        let phase = self.phase();
        let next = match *phase {
            Phase::Busy(requests) => Phase::Busy(requests + 1),
            Phase::Idle(_) | Phase::Head(_) => Phase::Busy(1),
        };
        self.set(phase, next);
    }

    /// A request was answered (or its answer abandoned).
    pub(super) fn request_finished(&self) {
        let phase = self.phase();
        let next = match *phase {
            Phase::Busy(requests) if requests > 1 => Phase::Busy(requests - 1),
            _ => Phase::Idle(Instant::now()),
        };
        self.set(phase, next);
    }

    /// The next deadline and its limit; `None` while requests are being answered.
    pub(super) fn deadline(&self, limits: &ConnectionLimits) -> Option<(Instant, Limit)> {
        match *self.phase() {
            Phase::Idle(since) => Some((since + limits.idle_timeout, Limit::Idle)),
            Phase::Head(since) => Some((since + limits.header_timeout, Limit::Header)),
            Phase::Busy(_) => None,
        }
    }

    /// Resolves at the next change of phase (at once if one happened since the last call).
    pub(super) async fn changed(&self) {
        self.changed.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits() -> ConnectionLimits {
        ConnectionLimits::default()
            .header_timeout(Duration::from_secs(10))
            .idle_timeout(Duration::from_secs(60))
    }

    #[test]
    fn each_phase_has_its_own_deadline() {
        let activity = Activity::new();
        let (idle_at, limit) = activity.deadline(&limits()).unwrap();
        assert_eq!(limit, Limit::Idle);
        activity.bytes_arrived();
        let (head_at, limit) = activity.deadline(&limits()).unwrap();
        assert_eq!(limit, Limit::Header);
        // Idle since before the first byte (+60 s), the head since the byte (+10 s).
        assert!(head_at < idle_at);
        // More bytes of the same head do not move its deadline.
        activity.bytes_arrived();
        assert_eq!(activity.deadline(&limits()), Some((head_at, Limit::Header)));
        activity.request_started();
        assert_eq!(activity.deadline(&limits()), None);
        // Bytes read while answering (a pipelined request) change nothing.
        activity.bytes_arrived();
        assert_eq!(activity.deadline(&limits()), None);
        activity.request_finished();
        let (_, limit) = activity.deadline(&limits()).unwrap();
        assert_eq!(limit, Limit::Idle);
    }

    #[test]
    fn a_connection_is_busy_until_its_last_request_is_answered() {
        let activity = Activity::new();
        activity.request_started();
        activity.request_started();
        activity.request_finished();
        assert_eq!(activity.deadline(&limits()), None);
        activity.request_finished();
        assert!(activity.deadline(&limits()).is_some());
    }
}
