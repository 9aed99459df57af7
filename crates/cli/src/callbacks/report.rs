//! One line that says what a callback is about.

use sinch_contacts_callbacks::mirror::MirrorChange;
use sinch_contacts_callbacks::optout::SuppressionOutcome;
use sinch_contacts_callbacks::{Callback, Event};

use crate::output::identities_text;

/// What a callback is about, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackReport {
    /// The trigger name.
    pub trigger: String,
    /// `CONTACT_CREATE contact 01H... "Ada" SMS:+46...`.
    pub summary: String,
}

/// Describes a callback in one line.
pub fn describe_callback(callback: &Callback) -> CallbackReport {
    let trigger = callback.trigger().as_str().to_owned();
    let detail = match &callback.event {
        Event::ContactCreate(notification) | Event::ContactUpdate(notification) => {
            let contact = &notification.contact;
            format!(
                "contact {} {:?} {}",
                contact.id.as_deref().unwrap_or("?"),
                contact.display_name.as_deref().unwrap_or(""),
                identities_text(&contact.channel_identities)
            )
        }
        Event::ContactDelete(notification) => {
            format!("contact {}", notification.contact_id().unwrap_or("?"))
        }
        Event::ContactMerge(notification) => format!(
            "contact {} merged into {}",
            notification.deleted_contact_id().unwrap_or("?"),
            notification.preserved_contact.id.as_deref().unwrap_or("?")
        ),
        Event::ContactIdentitiesDuplication(notification) => notification
            .duplicated_identities
            .iter()
            .map(|duplicate| {
                format!(
                    "{}{} shared by {}",
                    duplicate
                        .channel
                        .as_ref()
                        .map_or("?", |channel| channel.as_str()),
                    duplicate
                        .identity
                        .as_deref()
                        .map(|identity| format!(":{identity}"))
                        .unwrap_or_default(),
                    duplicate.contact_ids.join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Event::MessageInbound(message) => {
            let from = message
                .channel_identity
                .as_ref()
                .map(|identity| identities_text(std::slice::from_ref(identity)))
                .unwrap_or_else(|| "?".to_owned());
            match message.text() {
                Some(text) => format!("from {from}: {text:?}"),
                None => format!("from {from} (not a text)"),
            }
        }
        Event::OptIn(notification) => opt_line(
            notification.channel.as_ref().map(|c| c.as_str()),
            notification.identity.as_deref(),
            notification.succeeded(),
        ),
        Event::OptOut(notification) => opt_line(
            notification.channel.as_ref().map(|c| c.as_str()),
            notification.identity.as_deref(),
            notification.succeeded(),
        ),
        Event::Unknown(unknown) => format!(
            "unknown notification key {:?}, kept verbatim",
            unknown.key.as_deref().unwrap_or("")
        ),
        _ => String::new(),
    };
    let summary = if detail.is_empty() {
        trigger.clone()
    } else {
        format!("{trigger} {detail}")
    };
    CallbackReport { trigger, summary }
}

/// What a mirror change was, in words (empty when the callback was not about contacts).
pub fn mirror_change_text(change: &MirrorChange) -> String {
    match change {
        MirrorChange::Inserted(id) => format!("inserted {id}"),
        MirrorChange::Updated(id) => format!("updated {id}"),
        MirrorChange::Deleted(id) => format!("deleted {id}"),
        MirrorChange::Merged { preserved, deleted } => format!("{deleted} merged into {preserved}"),
        MirrorChange::Stale(id) => format!("stale for {id}, ignored"),
        MirrorChange::DuplicationsRecorded(count) => format!("{count} duplications recorded"),
        MirrorChange::Unchanged => "unchanged".to_owned(),
        _ => String::new(),
    }
}

/// What a suppression outcome was, in words (empty when the callback was not about consent).
pub fn suppression_change_text(outcome: &SuppressionOutcome) -> String {
    match outcome {
        SuppressionOutcome::OptedOut(key) => {
            format!("opted out {}:{}", key.channel.as_str(), key.identity)
        }
        SuppressionOutcome::OptedIn(key) => {
            format!("opted in {}:{}", key.channel.as_str(), key.identity)
        }
        SuppressionOutcome::HelpRequested(key) => format!(
            "help requested by {}:{}",
            key.channel.as_str(),
            key.identity
        ),
        SuppressionOutcome::Stale(key) => format!(
            "stale for {}:{}, ignored",
            key.channel.as_str(),
            key.identity
        ),
        _ => String::new(),
    }
}

fn opt_line(channel: Option<&str>, identity: Option<&str>, succeeded: bool) -> String {
    format!(
        "{}:{} ({})",
        channel.unwrap_or("?"),
        identity.unwrap_or("?"),
        if succeeded {
            "succeeded"
        } else {
            "not succeeded"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinch_contacts_callbacks::parse_unverified;

    #[test]
    fn a_merge_names_both_contacts() {
        let body = br#"{"app_id":"a","project_id":"p","contact_merge_notification":
            {"deleted_contact_id":"old","preserved_contact":{"id":"kept"}}}"#;
        let report = describe_callback(&parse_unverified(body).unwrap());
        assert_eq!(report.summary, "CONTACT_MERGE contact old merged into kept");
    }

    #[test]
    fn an_inbound_text_shows_sender_and_text() {
        let body = br#"{"app_id":"a","project_id":"p","message":{"channel_identity":
            {"channel":"SMS","identity":"+46700000001"},"contact_message":{"text_message":{"text":"STOP"}}}}"#;
        let report = describe_callback(&parse_unverified(body).unwrap());
        assert_eq!(
            report.summary,
            r#"MESSAGE_INBOUND from SMS:+46700000001: "STOP""#
        );
    }
}
