//! Callbacks injected as raw bodies (a test's own callback, or `callbacks trigger --emulator`):
//! checked with the callbacks crate's parser, which tells the trigger, then delivered as given
//! to the webhooks subscribed to it.

use std::fmt;

use serde::Serialize;
use sinch_contacts_callbacks::{Event, parse_unverified};
use sinch_contacts_model::WebhookTrigger;

/// What an injected callback became: its trigger, and the webhooks it was queued for.
///
/// See [`Emulator::inject_callback`](crate::Emulator::inject_callback) for an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CallbackInjected {
    /// The trigger, as the body's notification key tells it.
    pub trigger: WebhookTrigger,
    /// The ids of the webhooks it was queued for, in the order they were registered.
    pub webhook_ids: Vec<String>,
    /// The webhooks subscribed to the trigger that it could not be queued for, and why (their
    /// queue was full, or their target is not one the emulator sends to). The delivery log
    /// has them too, finished.
    pub not_queued: Vec<NotQueued>,
}

/// A webhook subscribed to an injected callback's trigger that did not get it queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NotQueued {
    /// The webhook.
    pub webhook_id: String,
    /// Why the callback was not queued, as the delivery log says it.
    pub reason: String,
}

impl CallbackInjected {
    /// A callback of `trigger` offered to the subscribed webhooks, with what each did with it.
    pub(crate) fn new(trigger: WebhookTrigger, offered: Vec<(String, Result<(), String>)>) -> Self {
        let mut injected = Self {
            trigger,
            webhook_ids: Vec::new(),
            not_queued: Vec::new(),
        };
        for (webhook_id, queued) in offered {
            match queued {
                Ok(()) => injected.webhook_ids.push(webhook_id),
                Err(reason) => injected.not_queued.push(NotQueued { webhook_id, reason }),
            }
        }
        injected
    }

    /// How many webhooks it was queued for.
    pub fn queued(&self) -> usize {
        self.webhook_ids.len()
    }

    /// Why it was queued for no webhook, in words; `None` when it was queued for one or more.
    pub fn nothing_queued(&self) -> Option<String> {
        if self.queued() > 0 {
            return None;
        }
        Some(if self.not_queued.is_empty() {
            format!(
                "no registered webhook is subscribed to {}: the callback was not queued",
                self.trigger
            )
        } else {
            format!(
                "no webhook subscribed to {} could take the callback (see not_queued)",
                self.trigger
            )
        })
    }
}

/// Why an injected body is refused: the field at fault and what is wrong with it.
///
/// ```
/// use sinch_contacts_emulator::Emulator;
///
/// let emulator = Emulator::new();
/// let error = emulator.inject_callback("not json").unwrap_err();
/// assert_eq!(error.field(), "body");
/// let error = emulator
///     .inject_callback(r#"{"app_id": "a", "project_id": "p", "my_notification": {}}"#)
///     .unwrap_err();
/// assert_eq!(error.field(), "my_notification");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError {
    field: String,
    description: String,
}

impl CallbackError {
    fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }

    /// The field at fault: a JSON path into the body (`contact_create_notification.contact`),
    /// the notification key that is not one of a typed trigger, `trigger`, or `body` for the
    /// body as a whole.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.description)
    }
}

impl std::error::Error for CallbackError {}

/// The trigger of `body` when the callbacks crate parses it as a callback of a trigger it types.
/// A top-level `trigger` member, which real callbacks do not have, may name the trigger too;
/// it must then name the one the notification key tells.
pub(crate) fn check(body: &[u8]) -> Result<WebhookTrigger, CallbackError> {
    let callback = parse_unverified(body).map_err(|error| {
        let field = match error.path() {
            "." | "?" | "" => "body",
            path => path,
        };
        let mut description = format!("{}: {}", error.kind(), error.message());
        if error.line() > 0 {
            description.push_str(&format!(
                " at line {} column {}",
                error.line(),
                error.column()
            ));
        }
        CallbackError::new(field, description)
    })?;
    if let Event::Unknown(unknown) = &callback.event {
        return Err(match &unknown.key {
            Some(key) => CallbackError::new(
                key.clone(),
                "not the notification key of a trigger the callbacks crate types \
                 (contact_create_notification, message, opt_out_notification, ...)",
            ),
            None => CallbackError::new(
                "body",
                "no notification: a callback holds one notification key beside the envelope \
                 (contact_create_notification, message, opt_out_notification, ...)",
            ),
        });
    }
    let trigger = callback.trigger();
    if let Some((_, named)) = callback
        .unrecognized_fields
        .iter()
        .find(|(name, _)| name == "trigger")
    {
        let named: String = named.decode().map_err(|_| {
            CallbackError::new(
                "trigger",
                "expected a trigger name such as \"CONTACT_CREATE\"",
            )
        })?;
        if !named.eq_ignore_ascii_case(trigger.as_str()) {
            return Err(CallbackError::new(
                "trigger",
                format!(
                    "names {named} but the notification is {}'s ({})",
                    trigger,
                    trigger.notification_key().unwrap_or_default()
                ),
            ));
        }
    }
    Ok(trigger)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &str =
        r#""app_id":"a","project_id":"p","accepted_time":"2024-06-15T14:00:00Z""#;

    fn body(rest: &str) -> Vec<u8> {
        format!("{{{ENVELOPE},{rest}}}").into_bytes()
    }

    #[test]
    fn the_notification_key_tells_the_trigger() {
        assert_eq!(
            check(&body(
                r#""contact_delete_notification":{"contact":{"id":"c1"}}"#
            )),
            Ok(WebhookTrigger::ContactDelete)
        );
        assert_eq!(
            check(&body(
                r#""message":{"id":"m1","contact_message":{"text_message":{"text":"STOP"}}}"#
            )),
            Ok(WebhookTrigger::MessageInbound)
        );
    }

    #[test]
    fn a_trigger_member_must_agree_with_the_notification() {
        let created = r#""contact_create_notification":{"contact":{"id":"c1"}}"#;
        assert_eq!(
            check(&body(&format!(r#""trigger":"contact_create",{created}"#))),
            Ok(WebhookTrigger::ContactCreate)
        );
        let error = check(&body(&format!(r#""trigger":"CONTACT_UPDATE",{created}"#))).unwrap_err();
        assert_eq!(error.field(), "trigger");
        assert_eq!(
            error.description(),
            "names CONTACT_UPDATE but the notification is CONTACT_CREATE's (contact_create_notification)"
        );
        let error = check(&body(&format!(r#""trigger":7,{created}"#))).unwrap_err();
        assert_eq!(error.field(), "trigger");
    }

    #[test]
    fn what_is_not_a_typed_callback_is_refused_by_field() {
        assert_eq!(check(b"[1, 2]").unwrap_err().field(), "body");
        assert_eq!(check(b"{").unwrap_err().field(), "body");
        assert_eq!(check(&body(r#""x":1"#)).unwrap_err().field(), "x");
        let only_envelope = format!("{{{ENVELOPE}}}");
        assert_eq!(check(only_envelope.as_bytes()).unwrap_err().field(), "body");
        let error = check(&body(
            r#""contact_create_notification":{"contact":{"id":5}}"#,
        ))
        .unwrap_err();
        assert_eq!(error.field(), "contact_create_notification.contact.id");
    }
}
