//! Waiting for what stops a server: Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill` and
//! service managers send; a background job of a non-interactive shell ignores SIGINT), or its
//! standard output found closed (`sinch-contacts callbacks listen | head -3`: the reader wants
//! no more, as SIGPIPE would say to a program that does not ignore it).

use crate::output::stdout_closed;

/// The stop signals, registered: a signal that arrives after [`install`] is seen, even before
/// anything waits for it (a script may send SIGTERM as soon as the server printed its address).
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

/// Registers the handlers of Ctrl-C and SIGTERM now. Call it before printing that a server is
/// ready: until then, a SIGTERM ends the process the default way (killed, with no exit code).
pub fn install() -> StopSignals {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        StopSignals {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }
    #[cfg(not(unix))]
    {
        StopSignals {}
    }
}

impl StopSignals {
    /// Resolves at the first Ctrl-C or SIGTERM since [`install`], or once a write found
    /// standard output closed.
    pub async fn stopped(self) {
        tokio::select! {
            () = self.signal() => {}
            () = stdout_closed() => {}
        }
    }

    async fn signal(mut self) {
        #[cfg(unix)]
        if let (Some(interrupt), Some(terminate)) = (&mut self.interrupt, &mut self.terminate) {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
