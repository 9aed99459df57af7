//! Writing to standard output and standard error without ever panicking, and what happens when
//! the reader of standard output goes away (`sinch-contacts ... | head -1`).
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe fails with `BrokenPipe` instead of killing
//! the process (and `#![forbid(unsafe_code)]` rules out restoring the signal). Every write to
//! standard output goes through [`write_stdout`]: on a closed pipe it returns
//! [`CliError::closed_pipe`], which every command passes up with `?`, so the command stops at
//! once and the process exits 0 without a message, as the reader asked for no more. A server
//! (`callbacks listen`, `emulator`) also stops: [`stdout_closed`] resolves, and
//! `signals::StopSignals::stopped` waits for it beside Ctrl-C and SIGTERM.

use std::io::{self, Write};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use crate::error::{CliError, CliResult};

static CLOSED: AtomicBool = AtomicBool::new(false);
static CLOSED_NOTIFY: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Writes `bytes` to standard output as they are and flushes; a closed pipe is
/// [`CliError::closed_pipe`], any other failure a one-line error.
pub fn write_stdout(bytes: &[u8]) -> CliResult {
    if CLOSED.load(Ordering::SeqCst) {
        return Err(CliError::closed_pipe());
    }
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::SeqCst);
            CLOSED_NOTIFY.notify_waiters();
            Err(CliError::closed_pipe())
        }
        Err(error) => Err(CliError::failure(format!(
            "cannot write to standard output: {error}"
        ))),
    }
}

/// Resolves once a write found standard output closed (never, while it is open).
pub async fn stdout_closed() {
    loop {
        let notified = CLOSED_NOTIFY.notified();
        if CLOSED.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }
}

/// Writes `bytes` to standard error; nothing is reported when standard error is closed: there
/// is nowhere left to say it (`eprintln!` would panic).
pub fn write_stderr(bytes: &[u8]) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(bytes).and_then(|()| stderr.flush());
}
