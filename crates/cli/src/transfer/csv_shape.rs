//! The CSV shape of a contact: one column per field, identities and priority in the command
//! line's text form joined with `;` (`SMS:+46700000001;WHATSAPP:+46700000001`).

use sinch_contacts_model::Contact;

use crate::identity::format_identity;

/// Every column, in the order `export` writes them. `id` is informational: `import` ignores it.
pub const COLUMNS: [&str; 8] = [
    "id",
    "external_id",
    "display_name",
    "email",
    "language",
    "channel_identities",
    "channel_priority",
    "metadata",
];

/// The cells of a contact, in [`COLUMNS`] order.
pub fn contact_record(contact: &Contact) -> [String; 8] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        text(&contact.id),
        text(&contact.external_id),
        text(&contact.display_name),
        text(&contact.email),
        contact
            .language
            .as_ref()
            .map(|language| language.as_str().to_owned())
            .unwrap_or_default(),
        contact
            .channel_identities
            .iter()
            .map(format_identity)
            .collect::<Vec<_>>()
            .join(";"),
        contact
            .channel_priority
            .iter()
            .map(|channel| channel.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        text(&contact.metadata),
    ]
}
