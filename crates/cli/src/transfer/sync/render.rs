//! A plan as text: the summary line, then one line per change, old → new. Every value is a
//! field of the source or of Sinch, so each line passes through the control-character escape.

use serde_json::Value;
use sinch_contacts_model::{
    ChannelIdentity, Conflict, ContactCreateRequest, ContactField, ConversationChannel, SyncPlan,
    Update,
};

use super::source::Source;
use crate::output::{escape_controls, identities_text, priority_text};

/// How many changes of each kind a plan holds (also what an apply did).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Contacts created (to create).
    pub create: usize,
    /// Contacts updated (to update).
    pub update: usize,
    /// Contacts deleted (to delete).
    pub delete: usize,
    /// Conflicts listed.
    pub conflicts: usize,
    /// Rows equal to their contact.
    pub unchanged: usize,
}

impl Counts {
    /// The counts of `plan`.
    pub fn of(plan: &SyncPlan) -> Self {
        Self {
            create: plan.creates.len(),
            update: plan.updates.len(),
            delete: plan.deletes.len(),
            conflicts: plan.conflicts.len(),
            unchanged: plan.unchanged,
        }
    }

    /// `+N to create, ~N to update, -N to delete, !N conflicts, N unchanged`.
    pub fn planned(&self) -> String {
        format!(
            "+{} to create, ~{} to update, -{} to delete, !{} conflicts, {} unchanged",
            self.create, self.update, self.delete, self.conflicts, self.unchanged
        )
    }

    /// `+N created, ~N updated, -N deleted, !N conflicts, N unchanged`.
    pub fn applied(&self) -> String {
        format!(
            "+{} created, ~{} updated, -{} deleted, !{} conflicts, {} unchanged",
            self.create, self.update, self.delete, self.conflicts, self.unchanged
        )
    }
}

/// The summary line and one line per change: creates, updates, deletes, then conflicts.
pub fn plan_lines(plan: &SyncPlan, source: &Source) -> Vec<String> {
    let mut lines = Vec::with_capacity(
        1 + plan.creates.len() + plan.updates.len() + plan.deletes.len() + plan.conflicts.len(),
    );
    lines.push(Counts::of(plan).planned());
    if plan.is_empty() {
        lines.push("nothing to change".to_owned());
    }
    lines.extend(plan.creates.iter().map(create_line));
    lines.extend(plan.updates.iter().map(update_line));
    lines.extend(plan.deletes.iter().map(|delete| {
        escape_controls(&format!("- {} ({})", delete.external_id, delete.contact_id)).into_owned()
    }));
    lines.extend(
        plan.conflicts
            .iter()
            .map(|conflict| conflict_line(conflict, source)),
    );
    lines
}

/// `+ KEY: field: value; ...` with the fields the create sets, in schema order.
pub fn create_line(create: &ContactCreateRequest) -> String {
    let mut fields = Vec::new();
    if !create.channel_identities.is_empty() {
        fields.push(format!(
            "channel_identities: [{}]",
            identities_text(&create.channel_identities)
        ));
    }
    if !create.channel_priority.is_empty() {
        fields.push(format!(
            "channel_priority: {}",
            priority_text(&create.channel_priority)
        ));
    }
    for (name, value) in [
        ("display_name", &create.display_name),
        ("email", &create.email),
    ] {
        if let Some(value) = value {
            fields.push(format!("{name}: {}", quoted(value)));
        }
    }
    fields.push(format!("language: {}", create.language.as_str()));
    if let Some(metadata) = &create.metadata {
        fields.push(format!("metadata: {}", quoted(metadata)));
    }
    escape_controls(&format!(
        "+ {}: {}",
        create.external_id.as_deref().unwrap_or_default(),
        fields.join("; ")
    ))
    .into_owned()
}

/// `~ KEY (ID): field: old → new; ...`.
pub fn update_line(update: &Update) -> String {
    let changes: Vec<String> = update
        .changes
        .iter()
        .map(|change| {
            format!(
                "{}: {} → {}",
                change.field.as_str(),
                value_text(change.field, &change.old),
                value_text(change.field, &change.new)
            )
        })
        .collect();
    escape_controls(&format!(
        "~ {} ({}): {}",
        update.external_id,
        update.contact_id,
        changes.join("; ")
    ))
    .into_owned()
}

/// `! KEY ...`: what the conflict is, and who holds what.
pub fn conflict_line(conflict: &Conflict, source: &Source) -> String {
    let text = match conflict {
        Conflict::SharedExternalId {
            external_id,
            contact_ids,
        } => format!(
            "! {external_id}: {} contacts share this external_id: {}",
            contact_ids.len(),
            contact_ids.join(", ")
        ),
        Conflict::IdentityHeld {
            row,
            external_id,
            identity,
            holder_id,
            holder_external_id,
        } => format!(
            "! {external_id} (line {}): {} is held by {holder_id} ({})",
            source.line(*row),
            crate::identity::format_identity(identity),
            holder_external_id
                .as_deref()
                .map_or("no external_id".to_owned(), |key| format!(
                    "external_id {key}"
                ))
        ),
        other => format!("! {other:?}"),
    };
    escape_controls(&text).into_owned()
}

/// A string as JSON writes it: quoted, so spaces and empty text show.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A field's value (as the plan's JSON) as text: `none` when empty, identities and the priority
/// in the command line's forms, the language bare, other text quoted.
pub fn value_text(field: ContactField, value: &Value) -> String {
    if value.is_null() {
        return "none".to_owned();
    }
    match field {
        ContactField::ChannelIdentities => {
            match serde_json::from_value::<Vec<ChannelIdentity>>(value.clone()) {
                Ok(identities) => format!("[{}]", identities_text(&identities)),
                Err(_) => value.to_string(),
            }
        }
        ContactField::ChannelPriority => {
            match serde_json::from_value::<Vec<ConversationChannel>>(value.clone()) {
                Ok(channels) if channels.is_empty() => "none".to_owned(),
                Ok(channels) => priority_text(&channels),
                Err(_) => value.to_string(),
            }
        }
        _ => match value {
            Value::String(text) if field == ContactField::Language => text.clone(),
            other => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use sinch_contacts_model::{ContactLanguage, SyncPlan};

    use super::*;

    #[test]
    fn values_read_as_the_command_line_writes_them() {
        let identities = json!([
            {"channel": "SMS", "identity": "+1"},
            {"channel": "MESSENGER", "identity": "psid", "app_id": "app"}
        ]);
        assert_eq!(
            value_text(ContactField::ChannelIdentities, &identities),
            "[SMS:+1, MESSENGER@app:psid]"
        );
        assert_eq!(
            value_text(ContactField::ChannelPriority, &json!(["SMS", "WHATSAPP"])),
            "SMS > WHATSAPP"
        );
        assert_eq!(
            value_text(ContactField::ChannelPriority, &json!([])),
            "none"
        );
        assert_eq!(value_text(ContactField::Language, &json!("EN_US")), "EN_US");
        assert_eq!(value_text(ContactField::Email, &json!("a@b")), "\"a@b\"");
        assert_eq!(value_text(ContactField::DisplayName, &Value::Null), "none");
        // Something that is not the field's shape is shown as JSON rather than lost.
        assert_eq!(
            value_text(ContactField::ChannelIdentities, &json!("odd")),
            "\"odd\""
        );
        assert_eq!(value_text(ContactField::ChannelPriority, &json!(7)), "7");
    }

    #[test]
    fn a_create_line_names_the_fields_it_sets_in_schema_order() {
        let mut create = ContactCreateRequest::new(
            vec![ChannelIdentity::new(ConversationChannel::Sms, "+1")],
            ContactLanguage::De,
        );
        create.external_id = Some("k".to_owned());
        create.channel_priority = vec![ConversationChannel::Sms];
        create.display_name = Some("Kay".to_owned());
        create.email = Some("k@example.com".to_owned());
        create.metadata = Some("m".to_owned());
        assert_eq!(
            create_line(&create),
            "+ k: channel_identities: [SMS:+1]; channel_priority: SMS; display_name: \"Kay\"; \
             email: \"k@example.com\"; language: DE; metadata: \"m\""
        );
        let bare = ContactCreateRequest::new(
            vec![ChannelIdentity::new(ConversationChannel::Sms, "+2")],
            ContactLanguage::EnUs,
        );
        assert_eq!(
            create_line(&bare),
            "+ : channel_identities: [SMS:+2]; language: EN_US"
        );
    }

    #[test]
    fn counts_read_as_planned_and_as_applied() {
        let counts = Counts {
            create: 1,
            update: 2,
            delete: 3,
            conflicts: 4,
            unchanged: 5,
        };
        assert_eq!(
            counts.planned(),
            "+1 to create, ~2 to update, -3 to delete, !4 conflicts, 5 unchanged"
        );
        assert_eq!(
            counts.applied(),
            "+1 created, ~2 updated, -3 deleted, !4 conflicts, 5 unchanged"
        );
        let mut plan = SyncPlan::default();
        plan.unchanged = 2;
        assert_eq!(
            plan_lines(&plan, &Source::default()),
            [
                "+0 to create, ~0 to update, -0 to delete, !0 conflicts, 2 unchanged",
                "nothing to change"
            ]
        );
        assert_eq!(
            Counts::of(&plan),
            Counts {
                unchanged: 2,
                ..Counts::default()
            }
        );
    }
}
