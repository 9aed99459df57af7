//! Webhooks: registration, the signed callbacks the emulator sends, their delivery (a bounded
//! queue and a bounded number of attempts in flight per webhook, on a thread of its own) and the
//! delivery log.

mod attempt;
mod lane;
mod log;
mod notification;
mod outbox;
mod pending;
mod runtime;
mod stats;
mod webhook;

pub use log::Delivery;
pub(crate) use notification::Notification;
pub(crate) use outbox::Outbox;
pub use stats::DeliveryStats;
pub use webhook::{UNSENT_SCHEME, WEBHOOK_TARGET_MAX_CHARS, Webhook, WebhookError};
