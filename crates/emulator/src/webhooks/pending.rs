//! How many deliveries are not finished (queued, in flight or waiting for a retry), and waiting
//! until there are none.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// The count of unfinished deliveries, shared by every webhook of an emulator.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    count: AtomicUsize,
    idle: Notify,
}

impl Pending {
    /// Counts one more delivery until the returned guard is dropped.
    pub(crate) fn start(self: &Arc<Self>) -> PendingGuard {
        self.count.fetch_add(1, Ordering::SeqCst);
        PendingGuard {
            pending: self.clone(),
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until no delivery is unfinished, at most `timeout`; whether that happened.
    pub(crate) async fn wait_idle(&self, timeout: Duration) -> bool {
        let sleep = tokio::time::sleep(timeout);
        tokio::pin!(sleep);
        loop {
            let notified = self.idle.notified();
            if self.count() == 0 {
                return true;
            }
            tokio::select! {
                () = notified => {}
                () = &mut sleep => return self.count() == 0,
            }
        }
    }
}

/// One unfinished delivery; dropping it (finished, discarded by a reset, or cancelled with the
/// delivery runtime) uncounts it.
#[derive(Debug)]
pub(crate) struct PendingGuard {
    pending: Arc<Pending>,
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        if self.pending.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.pending.idle.notify_waiters();
        }
    }
}
