//! Holding the line printed for a delivery until the app it is forwarded to has answered, so
//! that the line says what the app answered.
//!
//! The receiver's handler prints the line (with what the callback did to the mirror and the
//! suppression list) on a task of its own, before the delivery is forwarded. [`Holding`] runs
//! the handler with the delivery's id in a task-local; [`hold`] (called where the line is
//! printed) then keeps the line in the [`Forwarder`]'s map under that id instead of printing
//! it, if the request is still waiting for it ([`InFlight`]). The request takes the line, and
//! prints it with the app's answer. If the request goes away first (the sender closed the
//! connection), whatever it held is printed then, saying so; a line the handler prints after
//! that is printed at once.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use sinch_contacts_callbacks::Callback;
use sinch_contacts_callbacks::axum_handler::{CallbackHandler, HandlerError};
use sinch_contacts_callbacks::store::DeliveryId;

use super::Forwarder;

/// A line printed for a callback, not written yet.
#[derive(Debug)]
pub enum HeldLine {
    /// The text line (its controls escaped).
    Text(String),
    /// The JSON line, as a value (the forwarding outcome is added as a member).
    Json(serde_json::Value),
}

/// The lines held per delivery, and how many requests wait for them.
#[derive(Debug, Default)]
pub(super) struct Held {
    slots: Mutex<HashMap<DeliveryId, Slot>>,
}

#[derive(Debug, Default)]
struct Slot {
    waiting: usize,
    lines: VecDeque<HeldLine>,
}

impl Held {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<DeliveryId, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `line` for the request waiting for `delivery`; gives it back when none waits.
    fn keep(&self, delivery: &DeliveryId, line: HeldLine) -> Option<HeldLine> {
        let mut slots = self.lock();
        match slots.get_mut(delivery) {
            Some(slot) if slot.waiting > 0 => {
                slot.lines.push_back(line);
                None
            }
            _ => Some(line),
        }
    }
}

tokio::task_local! {
    /// The delivery the handler running on this task handles, and where its line is held.
    static HOLDING: (Arc<Forwarder>, DeliveryId);
}

/// Whether the handler on this task handles a delivery being forwarded: its line is then given
/// to [`hold`] instead of printed.
pub fn holding() -> bool {
    HOLDING.try_with(|_| ()).is_ok()
}

/// Holds the line of the delivery the handler on this task handles until the app answered (see
/// [`holding`]); printed at once when there is no such delivery or the request went away.
pub fn hold(line: HeldLine) {
    let Ok((forwarder, delivery)) =
        HOLDING.try_with(|(forwarder, delivery)| (forwarder.clone(), delivery.clone()))
    else {
        return;
    };
    if let Some(line) = forwarder.held.keep(&delivery, line) {
        // The request went away: nobody will print it with the app's answer.
        forwarder.print(Some(line), &super::Outcome::Abandoned);
    }
}

/// A handler whose lines are held while its delivery is forwarded (no change without a
/// forwarder).
pub struct Holding<H> {
    inner: H,
    forwarder: Option<Arc<Forwarder>>,
}

impl<H> std::fmt::Debug for Holding<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Holding")
            .field("forwarding", &self.forwarder.is_some())
            .finish_non_exhaustive()
    }
}

impl<H> Holding<H> {
    /// `inner`, holding its lines for `forwarder` when there is one.
    pub fn new(inner: H, forwarder: Option<Arc<Forwarder>>) -> Self {
        Self { inner, forwarder }
    }
}

impl<H: CallbackHandler> CallbackHandler for Holding<H> {
    fn handle(&self, callback: Callback) -> impl Future<Output = Result<(), HandlerError>> + Send {
        self.inner.handle(callback)
    }

    fn handle_delivery(
        &self,
        delivery: DeliveryId,
        callback: Callback,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let forwarder = self.forwarder.clone();
        let handled = self.inner.handle_delivery(delivery.clone(), callback);
        async move {
            match forwarder {
                Some(forwarder) => HOLDING.scope((forwarder, delivery), handled).await,
                None => handled.await,
            }
        }
    }
}

/// A request waiting for the line of its delivery; when dropped before [`InFlight::finish`]
/// (the sender went away), prints what it held.
pub(super) struct InFlight {
    forwarder: Arc<Forwarder>,
    delivery: DeliveryId,
    line: Option<HeldLine>,
    finished: bool,
}

impl InFlight {
    /// Waits for the line of `delivery`.
    pub(super) fn start(forwarder: Arc<Forwarder>, delivery: DeliveryId) -> Self {
        forwarder
            .held
            .lock()
            .entry(delivery.clone())
            .or_default()
            .waiting += 1;
        Self {
            forwarder,
            delivery,
            line: None,
            finished: false,
        }
    }

    /// Takes the line the handler held (after the receiver answered: the handler has ended).
    pub(super) fn take_line(&mut self) {
        let mut slots = self.forwarder.held.lock();
        if let Some(slot) = slots.get_mut(&self.delivery) {
            self.line = slot.lines.pop_front();
        }
    }

    /// Prints the line with `outcome`; nothing is held any more.
    pub(super) fn finish(mut self, outcome: &super::Outcome) {
        self.finished = true;
        let line = self.line.take();
        let leftover = self.stop_waiting();
        self.forwarder.print(line, outcome);
        for line in leftover {
            self.forwarder
                .print(Some(line), &super::Outcome::NotForwarded);
        }
    }

    /// Stops waiting; the lines still held for this delivery, if no other request waits.
    fn stop_waiting(&mut self) -> Vec<HeldLine> {
        let mut slots = self.forwarder.held.lock();
        let Some(slot) = slots.get_mut(&self.delivery) else {
            return Vec::new();
        };
        slot.waiting = slot.waiting.saturating_sub(1);
        if slot.waiting > 0 {
            return Vec::new();
        }
        slots
            .remove(&self.delivery)
            .map(|slot| slot.lines.into_iter().collect())
            .unwrap_or_default()
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut lines: Vec<HeldLine> = self.line.take().into_iter().collect();
        lines.extend(self.stop_waiting());
        for line in lines {
            self.forwarder.print(Some(line), &super::Outcome::Abandoned);
        }
    }
}
