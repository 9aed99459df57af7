//! Contacts as table rows.

use sinch_contacts_model::{ChannelIdentity, Contact, ConversationChannel};

use super::Table;

/// `SMS:+46700000001, MESSENGER@app:psid`: the identities as the command line writes them.
pub fn identities_text(identities: &[ChannelIdentity]) -> String {
    identities
        .iter()
        .map(crate::identity::format_identity)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SMS > WHATSAPP`.
pub fn priority_text(priority: &[ConversationChannel]) -> String {
    priority
        .iter()
        .map(ConversationChannel::as_str)
        .collect::<Vec<_>>()
        .join(" > ")
}

/// One row per contact: id, display name, external id, language, identities.
pub fn contact_table<'a>(contacts: impl IntoIterator<Item = &'a Contact>) -> Table {
    let mut table = Table::new([
        "ID",
        "DISPLAY NAME",
        "EXTERNAL ID",
        "LANGUAGE",
        "IDENTITIES",
    ]);
    for contact in contacts {
        table.row([
            contact.id.clone().unwrap_or_default(),
            contact.display_name.clone().unwrap_or_default(),
            contact.external_id.clone().unwrap_or_default(),
            contact
                .language
                .as_ref()
                .map(|language| language.as_str().to_owned())
                .unwrap_or_default(),
            identities_text(&contact.channel_identities),
        ]);
    }
    table
}
