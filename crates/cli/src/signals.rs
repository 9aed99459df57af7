//! Waiting for the signal that stops a server: Ctrl-C (SIGINT) or, on Unix, SIGTERM (what
//! `kill` and service managers send; a background job of a non-interactive shell ignores SIGINT).

/// Resolves at the first Ctrl-C or SIGTERM.
pub async fn stop_requested() {
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
