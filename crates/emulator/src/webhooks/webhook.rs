//! [`Webhook`]: where callbacks go and the secret they are signed with.

use serde::{Deserialize, Serialize};
use sinch_contacts_model::WebhookTrigger;

/// A webhook: where callbacks of the listed triggers are posted, and the secret they are signed
/// with (`x-sinch-webhook-signature*` headers).
///
/// ```
/// use sinch_contacts_emulator::{Emulator, Webhook};
/// use sinch_contacts_model::WebhookTrigger;
///
/// let emulator = Emulator::new();
/// let id = emulator.register_webhook(Webhook {
///     target: "http://127.0.0.1:9/callbacks".to_owned(),
///     secret: "webhook-secret".to_owned(),
///     triggers: vec![WebhookTrigger::ContactCreate, WebhookTrigger::ContactMerge],
/// });
/// assert_eq!(emulator.webhooks()[0].0, id);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// The URL callbacks are posted to (`http://` only: the emulator has no TLS client).
    pub target: String,
    /// The signing secret (UTF-8 bytes, used as is).
    pub secret: String,
    /// The triggers whose callbacks this webhook receives.
    pub triggers: Vec<WebhookTrigger>,
}

impl std::fmt::Debug for Webhook {
    /// Prints the target and triggers; the secret is redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("target", &self.target)
            .field("secret", &"[REDACTED]")
            .field("triggers", &self.triggers)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secret() {
        let webhook = Webhook {
            target: "http://127.0.0.1:1/".to_owned(),
            secret: "hunter2".to_owned(),
            triggers: vec![WebhookTrigger::ContactCreate],
        };
        let printed = format!("{webhook:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("REDACTED"));
    }
}
