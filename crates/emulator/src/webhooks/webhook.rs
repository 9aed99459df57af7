//! [`Webhook`]: where callbacks go and the secret they are signed with.

use std::fmt;

use http::Uri;
use serde::{Deserialize, Serialize};
use sinch_contacts_model::WebhookTrigger;

/// The most characters a webhook's `target` may hold, as the API documents.
pub const WEBHOOK_TARGET_MAX_CHARS: usize = 742;

/// The scheme of a target whose callbacks are produced and logged but never sent (each is
/// counted as failed without an attempt): `unsent://anything/`. It measures what producing
/// callbacks costs the API without a receiver.
pub const UNSENT_SCHEME: &str = "unsent";

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
    /// The URL callbacks are posted to. [`Webhook::validate`] accepts `http://` and `https://`
    /// URLs and [`UNSENT_SCHEME`]; callbacks are sent to `http://` targets only (the emulator
    /// has no TLS client): those to any other target are logged and counted as failed.
    pub target: String,
    /// The signing secret (UTF-8 bytes, used as is).
    pub secret: String,
    /// The triggers whose callbacks this webhook receives.
    pub triggers: Vec<WebhookTrigger>,
}

/// Why a webhook registration is refused: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    field: &'static str,
    description: String,
}

impl WebhookError {
    /// The field at fault: `target` or `secret`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What is wrong with it.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.description)
    }
}

impl std::error::Error for WebhookError {}

impl Webhook {
    /// Checks a registration: the target is an absolute `http://` or `https://` URL with a host
    /// (or an [`UNSENT_SCHEME`] URL) of at most [`WEBHOOK_TARGET_MAX_CHARS`] characters, and the
    /// secret is not empty (every callback is signed with it). `POST /_emulator/webhooks` and
    /// the command line refuse what fails; [`Emulator::register_webhook`](crate::Emulator::register_webhook)
    /// takes any webhook, and one whose target cannot be sent to has its callbacks logged as
    /// failed.
    ///
    /// ```
    /// use sinch_contacts_emulator::Webhook;
    ///
    /// let webhook = |target: &str, secret: &str| Webhook {
    ///     target: target.to_owned(),
    ///     secret: secret.to_owned(),
    ///     triggers: Vec::new(),
    /// };
    /// assert!(webhook("http://127.0.0.1:8080/hooks", "s").validate().is_ok());
    /// let error = webhook("file:///etc/passwd", "s").validate().unwrap_err();
    /// assert_eq!(error.field(), "target");
    /// assert_eq!(webhook("http://127.0.0.1/", "").validate().unwrap_err().field(), "secret");
    /// ```
    ///
    /// # Errors
    ///
    /// [`WebhookError`] naming the first field at fault.
    pub fn validate(&self) -> Result<(), WebhookError> {
        let refuse = |field, description: String| Err(WebhookError { field, description });
        let length = self.target.chars().count();
        if length > WEBHOOK_TARGET_MAX_CHARS {
            return refuse(
                "target",
                format!("{length} characters, at most {WEBHOOK_TARGET_MAX_CHARS} allowed"),
            );
        }
        match self.target.parse::<Uri>() {
            Ok(uri)
                if matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some() => {}
            Ok(uri) if uri.scheme_str() == Some(UNSENT_SCHEME) => {}
            _ => {
                return refuse(
                    "target",
                    format!(
                        "not an absolute http:// or https:// URL (nor {UNSENT_SCHEME}://): {:?}",
                        self.target
                    ),
                );
            }
        }
        if self.secret.is_empty() {
            return refuse(
                "secret",
                "must not be empty: every callback is signed with it".to_owned(),
            );
        }
        Ok(())
    }
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

    fn webhook(target: &str, secret: &str) -> Webhook {
        Webhook {
            target: target.to_owned(),
            secret: secret.to_owned(),
            triggers: vec![WebhookTrigger::ContactCreate],
        }
    }

    #[test]
    fn http_https_and_unsent_targets_with_a_secret_are_accepted() {
        for target in [
            "http://127.0.0.1:8080/callbacks",
            "https://hooks.example.com/sinch",
            "unsent://nowhere/",
        ] {
            assert_eq!(webhook(target, "s").validate(), Ok(()), "{target}");
        }
    }

    #[test]
    fn other_targets_and_an_empty_secret_are_refused_by_field() {
        for target in [
            "file:///etc/passwd",
            "ftp://127.0.0.1/",
            "gopher://127.0.0.1:70/",
            "/callbacks",
            "127.0.0.1:8080",
            "http:///no-host",
            "",
        ] {
            let error = webhook(target, "s").validate().unwrap_err();
            assert_eq!(error.field(), "target", "{target}");
        }
        let error = webhook("http://127.0.0.1/", "").validate().unwrap_err();
        assert_eq!(
            error.to_string(),
            "secret: must not be empty: every callback is signed with it"
        );
    }

    #[test]
    fn a_target_may_hold_742_characters() {
        // "http://h/" is 9 characters; 733 more make 742.
        let longest = format!("http://h/{}", "a".repeat(733));
        assert_eq!(longest.chars().count(), 742);
        assert_eq!(webhook(&longest, "s").validate(), Ok(()));
        let error = webhook(&format!("{longest}a"), "s").validate().unwrap_err();
        assert_eq!(
            error.to_string(),
            "target: 743 characters, at most 742 allowed"
        );
    }
}
