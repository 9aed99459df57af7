//! The runtime deliveries run on: one thread of the emulator's own, started with the first
//! webhook and shut down with the emulator. Its pooled connections therefore live exactly as
//! long as the runtime that drives them, deliveries work whether or not the caller has a Tokio
//! runtime, and they never take a worker of the runtime serving the API.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};

/// The delivery runtime, built on first use.
#[derive(Debug, Default)]
pub(crate) struct DeliveryRuntime {
    runtime: OnceLock<Result<Runtime, String>>,
    background: bool,
}

impl DeliveryRuntime {
    /// A runtime whose thread runs at the lowest scheduling priority when `background`.
    pub(crate) fn new(background: bool) -> Self {
        Self {
            runtime: OnceLock::new(),
            background,
        }
    }

    /// A handle to spawn deliveries on; `Err` with the reason when the runtime cannot start.
    pub(crate) fn handle(&self) -> Result<Handle, String> {
        let runtime = self.runtime.get_or_init(|| {
            let background = self.background;
            Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("emulator-webhooks")
                .on_thread_start(move || {
                    if background {
                        // Best effort: where the system refuses, deliveries run at the
                        // usual priority.
                        let _ = thread_priority::set_current_thread_priority(
                            thread_priority::ThreadPriority::Min,
                        );
                    }
                })
                .enable_all()
                .build()
                .map_err(|error| format!("cannot start the delivery thread: {error}"))
        });
        match runtime {
            Ok(runtime) => Ok(runtime.handle().clone()),
            Err(reason) => Err(reason.clone()),
        }
    }
}

impl Drop for DeliveryRuntime {
    /// Stops the thread without waiting: deliveries still running are dropped.
    fn drop(&mut self) {
        if let Some(Ok(runtime)) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
