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
}

impl DeliveryRuntime {
    /// A handle to spawn deliveries on; `Err` with the reason when the runtime cannot start.
    pub(crate) fn handle(&self) -> Result<Handle, String> {
        let runtime = self.runtime.get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("emulator-webhooks")
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
