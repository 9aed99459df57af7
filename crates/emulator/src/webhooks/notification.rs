//! One callback to send: its trigger and the notification object under the trigger's key.

use std::time::SystemTime;

use serde_json::{Map, Value};
use sinch_contacts_model::WebhookTrigger;

use crate::time::rfc3339;

/// A callback before it is wrapped in the envelope.
#[derive(Debug, Clone)]
pub(crate) struct Notification {
    pub(crate) trigger: WebhookTrigger,
    pub(crate) payload: Value,
    /// When the emulator accepted the change, set by [`stamp`](Self::stamp) under the state lock
    /// so that the order of these times is the order of the changes.
    accepted_time: Option<SystemTime>,
}

impl Notification {
    pub(crate) fn new(trigger: WebhookTrigger, payload: Value) -> Self {
        Self {
            trigger,
            payload,
            accepted_time: None,
        }
    }

    /// Sets the time the change was accepted.
    pub(crate) fn stamp(&mut self, accepted_time: SystemTime) {
        self.accepted_time = Some(accepted_time);
    }

    /// The body sent: `app_id`, `project_id`, `accepted_time` and the notification under the
    /// trigger's notification key (there is no `trigger` member in real callbacks). Every
    /// notification is stamped before it is dispatched; one that was not would carry the current
    /// time.
    pub(crate) fn envelope(&self, app_id: &str, project_id: &str) -> Value {
        let mut body = Map::new();
        body.insert("app_id".to_owned(), Value::from(app_id));
        body.insert(
            "accepted_time".to_owned(),
            Value::from(rfc3339(self.accepted_time.unwrap_or_else(SystemTime::now))),
        );
        body.insert("project_id".to_owned(), Value::from(project_id));
        if let Some(key) = self.trigger.notification_key() {
            body.insert(key.to_owned(), self.payload.clone());
        }
        Value::Object(body)
    }
}
