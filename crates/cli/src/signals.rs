//! Waiting for what stops a server: Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill` and
//! service managers send; a background job of a non-interactive shell ignores SIGINT), or its
//! standard output found closed (`sinch-contacts callbacks listen | head -3`: the reader wants
//! no more, as SIGPIPE would say to a program that does not ignore it).

use crate::output::stdout_closed;

/// Resolves at the first Ctrl-C or SIGTERM, or once a write found standard output closed.
pub async fn stop_requested() {
    tokio::select! {
        () = signal() => {}
        () = stdout_closed() => {}
    }
}

async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
