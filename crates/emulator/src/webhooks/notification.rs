//! One callback to send: its trigger and the notification object under the trigger's key.

use serde_json::{Map, Value};
use sinch_contacts_model::WebhookTrigger;

use crate::time::rfc3339;

/// A callback before it is wrapped in the envelope.
#[derive(Debug, Clone)]
pub(crate) struct Notification {
    pub(crate) trigger: WebhookTrigger,
    pub(crate) payload: Value,
}

impl Notification {
    pub(crate) fn new(trigger: WebhookTrigger, payload: Value) -> Self {
        Self { trigger, payload }
    }

    /// The body sent: `app_id`, `project_id`, `accepted_time` and the notification under the
    /// trigger's notification key (there is no `trigger` member in real callbacks).
    pub(crate) fn envelope(&self, app_id: &str, project_id: &str) -> Value {
        let mut body = Map::new();
        body.insert("app_id".to_owned(), Value::from(app_id));
        body.insert(
            "accepted_time".to_owned(),
            Value::from(rfc3339(std::time::SystemTime::now())),
        );
        body.insert("project_id".to_owned(), Value::from(project_id));
        if let Some(key) = self.trigger.notification_key() {
            body.insert(key.to_owned(), self.payload.clone());
        }
        Value::Object(body)
    }
}
