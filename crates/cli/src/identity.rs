//! The command line's text forms of channels, languages and channel identities:
//! `CHANNEL:IDENTITY`, or `CHANNEL@APP_ID:IDENTITY` for app-scoped channels.
//!
//! The same forms are used by flags (`--identity SMS:+46700000001`) and by the CSV columns of
//! `import` and `export`, where several are joined with `;`.

use sinch_contacts_model::{ChannelIdentity, ContactLanguage, ConversationChannel};

/// A channel name, case-insensitive; only names this version knows.
pub fn parse_channel(text: &str) -> Result<ConversationChannel, String> {
    let upper = text.trim().to_ascii_uppercase();
    if ConversationChannel::VALUES.contains(&upper.as_str()) {
        Ok(ConversationChannel::from(upper.as_str()))
    } else {
        Err(format!(
            "unknown channel `{text}` (one of {})",
            ConversationChannel::VALUES[1..].join(", ")
        ))
    }
}

/// A language name such as `EN_US`, case-insensitive; only names this version knows.
pub fn parse_language(text: &str) -> Result<ContactLanguage, String> {
    let upper = text.trim().to_ascii_uppercase().replace('-', "_");
    if ContactLanguage::VALUES.contains(&upper.as_str()) {
        Ok(ContactLanguage::from(upper.as_str()))
    } else {
        Err(format!(
            "unknown language `{text}` (for example EN_US, EN_GB, FR, DE, SV, PT_BR)"
        ))
    }
}

/// `CHANNEL:IDENTITY` or `CHANNEL@APP_ID:IDENTITY`.
pub fn parse_identity(text: &str) -> Result<ChannelIdentity, String> {
    let Some((channel_part, identity)) = text.split_once(':') else {
        return Err(format!(
            "identity `{text}` is not CHANNEL:IDENTITY (for example SMS:+46700000001 or MESSENGER@my-app:1234)"
        ));
    };
    let identity = identity.trim();
    if identity.is_empty() {
        return Err(format!("identity `{text}` has nothing after the `:`"));
    }
    let (channel, app_id) = match channel_part.split_once('@') {
        Some((channel, app_id)) if !app_id.trim().is_empty() => (channel, Some(app_id.trim())),
        Some(_) => return Err(format!("identity `{text}` has an empty app id after `@`")),
        None => (channel_part, None),
    };
    let mut parsed = ChannelIdentity::new(parse_channel(channel)?, identity);
    parsed.app_id = app_id.map(str::to_owned);
    Ok(parsed)
}

/// Several identities joined with `;` (blank entries are skipped).
pub fn parse_identity_list(text: &str) -> Result<Vec<ChannelIdentity>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(parse_identity)
        .collect()
}

/// Several channels joined with `;` (blank entries are skipped).
pub fn parse_channel_list(text: &str) -> Result<Vec<ConversationChannel>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(parse_channel)
        .collect()
}

/// The text form of an identity, which [`parse_identity`] reads back.
pub fn format_identity(identity: &ChannelIdentity) -> String {
    match identity.app_id.as_deref().filter(|app| !app.is_empty()) {
        Some(app_id) => format!(
            "{}@{app_id}:{}",
            identity.channel.as_str(),
            identity.identity
        ),
        None => format!("{}:{}", identity.channel.as_str(), identity.identity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_parse_with_and_without_app_id() {
        let sms = parse_identity("sms:+46700000001").unwrap();
        assert_eq!(sms.channel, ConversationChannel::Sms);
        assert_eq!(sms.identity, "+46700000001");
        assert_eq!(sms.app_id, None);
        let messenger = parse_identity("MESSENGER@app-1:psid:with:colons").unwrap();
        assert_eq!(messenger.channel, ConversationChannel::Messenger);
        assert_eq!(messenger.app_id.as_deref(), Some("app-1"));
        assert_eq!(messenger.identity, "psid:with:colons");
    }

    #[test]
    fn the_text_form_reads_back() {
        for text in ["SMS:+46700000001", "LINE@app:U123"] {
            assert_eq!(format_identity(&parse_identity(text).unwrap()), text);
        }
    }

    #[test]
    fn bad_identities_say_what_is_wrong() {
        assert!(
            parse_identity("+46700000001")
                .unwrap_err()
                .contains("CHANNEL:IDENTITY")
        );
        assert!(
            parse_identity("PIGEON:1")
                .unwrap_err()
                .contains("unknown channel `PIGEON`")
        );
        assert!(
            parse_identity("SMS:")
                .unwrap_err()
                .contains("nothing after")
        );
        assert!(
            parse_identity("MESSENGER@:1")
                .unwrap_err()
                .contains("empty app id")
        );
    }

    #[test]
    fn lists_skip_blanks() {
        let list = parse_identity_list("SMS:1; ;WHATSAPP:1;").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            parse_channel_list("sms;whatsapp").unwrap(),
            [ConversationChannel::Sms, ConversationChannel::Whatsapp]
        );
    }

    #[test]
    fn languages_accept_dashes_and_lower_case() {
        assert_eq!(parse_language("en-us").unwrap(), ContactLanguage::EnUs);
        assert!(parse_language("klingon").is_err());
    }
}
