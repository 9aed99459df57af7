//! [`MergeReport`]: what a merge moved and kept, each line with the documented rule behind it.
//!
//! The report compares the two contacts as they were before the merge with the contact the
//! server returned, so it shows what actually happened; each line cites the rule that explains
//! it, and anything the rules do not explain is listed as a surprise.

use serde::Serialize;
use sinch_contacts_model::{ChannelIdentity, Contact, merge_contacts};

use crate::identity::format_identity;
use crate::output::Table;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeLine {
    /// `identity` or `field`.
    pub kind: &'static str,
    /// The identity (`SMS:+46...`) or field name.
    pub subject: String,
    /// `moved`, `stayed`, `copied`, `kept`, `appended`.
    pub action: &'static str,
    /// Why, citing the rule.
    pub reason: String,
}

/// What a merge did and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// The contact that remains.
    pub destination_id: String,
    /// The contact that was removed.
    pub source_id: String,
    /// Identities, priority and fields, in that order.
    pub lines: Vec<MergeLine>,
    /// What the rules do not explain (empty when the server followed them).
    pub surprises: Vec<String>,
}

/// Rule texts, as the API documents them.
const RULE_IDENTITY: &str =
    "per channel, an identity moves only when the destination has none on that channel";
const RULE_PRIORITY: &str = "moved channels are appended to the channel priority";
/// Reads one optional field of a contact.
type FieldReader = fn(&Contact) -> Option<String>;

const RULE_FIELDS: &str = "optional fields are copied only when the destination's is empty";

impl MergeReport {
    /// Explains `merged` from the two contacts before the merge.
    ///
    /// What the rules predict comes from the model's [`merge_contacts`], the same rules the
    /// SDK applies everywhere; this report only words it and compares it with what the server
    /// answered.
    pub fn explain(destination: &Contact, source: &Contact, merged: &Contact) -> Self {
        let mut lines = Vec::new();
        let mut surprises = Vec::new();
        let predicted = merge_contacts(destination.clone(), source.clone()).ok();
        let has_identity = |contact: &Contact, wanted: &ChannelIdentity| {
            contact.channel_identities.iter().any(|identity| {
                identity.channel == wanted.channel && identity.identity == wanted.identity
            })
        };
        let moves = |identity: &ChannelIdentity| {
            predicted
                .as_ref()
                .is_some_and(|outcome| outcome.moved_identities.contains(identity))
        };
        for identity in &source.channel_identities {
            let channel = identity.channel.as_str();
            let arrived = has_identity(merged, identity);
            if moves(identity) {
                lines.push(MergeLine {
                    kind: "identity",
                    subject: format_identity(identity),
                    action: "moved",
                    reason: format!("the destination had no {channel} identity ({RULE_IDENTITY})"),
                });
                if !arrived {
                    surprises.push(format!(
                        "{} should have moved but the merged contact lacks it",
                        format_identity(identity)
                    ));
                }
            } else {
                let own = destination
                    .channel_identities
                    .iter()
                    .find(|own| own.channel == identity.channel)
                    .map_or_else(|| channel.to_owned(), format_identity);
                lines.push(MergeLine {
                    kind: "identity",
                    subject: format_identity(identity),
                    action: "stayed",
                    reason: format!("the destination already had {own} ({RULE_IDENTITY})"),
                });
                if arrived && !has_identity(destination, identity) {
                    surprises.push(format!(
                        "{} moved although the destination had a {channel} identity",
                        format_identity(identity)
                    ));
                }
            }
        }
        for channel in &merged.channel_priority {
            if !destination.channel_priority.contains(channel) {
                lines.push(MergeLine {
                    kind: "priority",
                    subject: channel.as_str().to_owned(),
                    action: "appended",
                    reason: RULE_PRIORITY.to_owned(),
                });
            }
        }
        let fields: [(&str, FieldReader); 5] = [
            ("display_name", |c| c.display_name.clone()),
            ("email", |c| c.email.clone()),
            ("external_id", |c| c.external_id.clone()),
            ("metadata", |c| c.metadata.clone()),
            ("language", |c| {
                c.language.as_ref().map(|l| l.as_str().to_owned())
            }),
        ];
        for (name, read) in fields {
            let Some(from_source) = read(source).filter(|value| !value.is_empty()) else {
                continue;
            };
            let copied = predicted
                .as_ref()
                .is_some_and(|outcome| outcome.copied_fields.iter().any(|field| field == name));
            let expected = predicted
                .as_ref()
                .and_then(|outcome| read(&outcome.contact));
            if copied {
                lines.push(MergeLine {
                    kind: "field",
                    subject: name.to_owned(),
                    action: "copied",
                    reason: format!("{from_source:?}: the destination's was empty ({RULE_FIELDS})"),
                });
                if read(merged) != expected {
                    surprises.push(format!("{name} should have been copied from the source"));
                }
            } else {
                let own = read(destination).unwrap_or_default();
                lines.push(MergeLine {
                    kind: "field",
                    subject: name.to_owned(),
                    action: "kept",
                    reason: format!(
                        "{own:?} stays, {from_source:?} is dropped: the destination's was not empty ({RULE_FIELDS})"
                    ),
                });
                if read(merged) != expected {
                    surprises.push(format!("{name} changed although the destination had one"));
                }
            }
        }
        Self {
            destination_id: destination.id.clone().unwrap_or_default(),
            source_id: source.id.clone().unwrap_or_default(),
            lines,
            surprises,
        }
    }

    /// The report as a table.
    pub fn table(&self) -> Table {
        let mut table = Table::new(["WHAT", "FROM SOURCE", "ACTION", "WHY"]).uncut();
        for line in &self.lines {
            table.row([
                line.kind,
                line.subject.as_str(),
                line.action,
                line.reason.as_str(),
            ]);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinch_contacts_model::ConversationChannel;

    fn contact(id: &str, identities: &[(ConversationChannel, &str)]) -> Contact {
        let mut contact = Contact::default();
        contact.id = Some(id.to_owned());
        contact.channel_identities = identities
            .iter()
            .map(|(channel, identity)| ChannelIdentity::new(channel.clone(), *identity))
            .collect();
        contact
    }

    #[test]
    fn a_hand_worked_merge_is_explained_line_by_line() {
        let mut destination = contact("d", &[(ConversationChannel::Sms, "+1")]);
        destination.display_name = Some("Ada".to_owned());
        destination.channel_priority = vec![ConversationChannel::Sms];
        let mut source = contact(
            "s",
            &[
                (ConversationChannel::Sms, "+2"),
                (ConversationChannel::Whatsapp, "+2"),
            ],
        );
        source.display_name = Some("A. Lovelace".to_owned());
        source.email = Some("ada@example.com".to_owned());
        // What the documented rules give, worked out by hand.
        let mut merged = contact(
            "d",
            &[
                (ConversationChannel::Sms, "+1"),
                (ConversationChannel::Whatsapp, "+2"),
            ],
        );
        merged.display_name = Some("Ada".to_owned());
        merged.email = Some("ada@example.com".to_owned());
        merged.channel_priority = vec![ConversationChannel::Sms, ConversationChannel::Whatsapp];

        let report = MergeReport::explain(&destination, &source, &merged);
        let actions: Vec<(&str, &str)> = report
            .lines
            .iter()
            .map(|line| (line.subject.as_str(), line.action))
            .collect();
        assert_eq!(
            actions,
            [
                ("SMS:+2", "stayed"),
                ("WHATSAPP:+2", "moved"),
                ("WHATSAPP", "appended"),
                ("display_name", "kept"),
                ("email", "copied"),
            ]
        );
        assert!(report.surprises.is_empty(), "{:?}", report.surprises);
    }

    #[test]
    fn a_server_that_breaks_a_rule_is_reported() {
        let destination = contact("d", &[(ConversationChannel::Sms, "+1")]);
        let source = contact("s", &[(ConversationChannel::Whatsapp, "+2")]);
        let merged = contact("d", &[(ConversationChannel::Sms, "+1")]);
        let report = MergeReport::explain(&destination, &source, &merged);
        assert_eq!(report.surprises.len(), 1);
        assert!(report.surprises[0].contains("WHATSAPP:+2 should have moved"));
    }
}
