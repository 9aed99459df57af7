//! A member given twice in one JSON object is refused, never "last wins": the two values may
//! disagree (an identity `+111` then `+222`), and picking one silently acts on a value the
//! sender may not have meant.

use proptest::prelude::*;
use sinch_contacts_model::{ChannelIdentity, Contact, ContactCreateRequest};

use crate::strategies::{CONTACT_MEMBERS, IDENTITY_MEMBERS};

/// A JSON value for a contact member of that name (the name decides the type).
fn contact_member_value(name: &str, variant: u8) -> String {
    match name {
        "channel_identities" => format!(r#"[{{"channel":"SMS","identity":"+{variant}"}}]"#),
        "channel_priority" => r#"["SMS"]"#.to_owned(),
        "language" => r#""EN""#.to_owned(),
        _ => format!(r#""v{variant}""#),
    }
}

fn identity_member_value(name: &str, variant: u8) -> String {
    match name {
        "channel" => r#""SMS""#.to_owned(),
        _ => format!(r#""v{variant}""#),
    }
}

fn refused<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
    serde_json::from_str::<T>(json)
        .expect_err("a duplicated member must be refused")
        .to_string()
}

#[test]
fn an_identity_named_twice_is_refused_naming_the_member() {
    let json = r#"{"channel":"SMS","identity":"+111","identity":"+222"}"#;
    let message = refused::<ChannelIdentity>(json);
    assert!(
        message.starts_with("duplicate field `identity`"),
        "{message}"
    );
}

#[test]
fn a_duplicate_inside_a_contact_is_refused_with_its_location() {
    let json = r#"{"channel_identities":[{"channel":"SMS","identity":"+111","identity":"+222"}]}"#;
    let mut reader = serde_json::Deserializer::from_str(json);
    let error = serde_path_to_error::deserialize::<_, Contact>(&mut reader).unwrap_err();
    // The path names the object holding the member; the message names the member.
    assert_eq!(error.path().to_string(), "channel_identities[0]");
    assert!(
        error
            .inner()
            .to_string()
            .starts_with("duplicate field `identity`"),
        "{error}"
    );
}

#[test]
fn a_duplicated_unknown_member_is_refused_naming_it() {
    let message = refused::<Contact>(r#"{"nickname":"a","id":"1","nickname":"b"}"#);
    assert!(
        message.starts_with("duplicate field `nickname`"),
        "{message}"
    );
    let message =
        refused::<ChannelIdentity>(r#"{"channel":"SMS","identity":"+1","tier":1,"tier":1}"#);
    assert!(message.starts_with("duplicate field `tier`"), "{message}");
}

#[test]
fn a_member_given_twice_with_null_is_still_a_duplicate() {
    // `null` then a value is two answers for one member too.
    let message = refused::<Contact>(r#"{"email":null,"email":"a@example.com"}"#);
    assert!(message.starts_with("duplicate field `email`"), "{message}");
    let message = refused::<Contact>(r#"{"channel_identities":null,"channel_identities":[]}"#);
    assert!(
        message.starts_with("duplicate field `channel_identities`"),
        "{message}"
    );
}

#[test]
fn a_create_request_refuses_a_duplicated_member() {
    // Structs without unknown members use serde's derive, which refuses duplicates as well.
    let message = refused::<ContactCreateRequest>(
        r#"{"channel_identities":[],"language":"EN","language":"FR"}"#,
    );
    assert!(
        message.starts_with("duplicate field `language`"),
        "{message}"
    );
}

#[test]
fn members_that_differ_only_in_escapes_are_the_same_member() {
    // `"identit\u0079"` is the name `identity` written with an escape.
    let json = r#"{"channel":"SMS","identity":"+111","identit\u0079":"+222"}"#;
    let message = refused::<ChannelIdentity>(json);
    assert!(
        message.starts_with("duplicate field `identity`"),
        "{message}"
    );
}

proptest! {
    #[test]
    fn any_contact_member_given_twice_is_refused(
        name in prop::sample::select(
            CONTACT_MEMBERS.iter().copied().chain(["nickname", "x_future"]).collect::<Vec<_>>()
        ),
        other in prop::sample::select(CONTACT_MEMBERS.to_vec()),
        between in any::<bool>(),
    ) {
        let first = format!(r#""{name}":{}"#, contact_member_value(name, 1));
        let second = format!(r#""{name}":{}"#, contact_member_value(name, 2));
        let middle = if between && other != name {
            format!(r#""{other}":{},"#, contact_member_value(other, 3))
        } else {
            String::new()
        };
        let json = format!("{{{first},{middle}{second}}}");
        let message = refused::<Contact>(&json);
        let expected = format!("duplicate field `{name}`");
        prop_assert!(message.starts_with(&expected), "{} for {}", message, json);
    }

    #[test]
    fn any_identity_member_given_twice_is_refused(
        name in prop::sample::select(
            IDENTITY_MEMBERS.iter().copied().chain(["tier"]).collect::<Vec<_>>()
        ),
    ) {
        let mut members = vec![
            r#""channel":"SMS""#.to_owned(),
            r#""identity":"+1""#.to_owned(),
        ];
        members.retain(|member| !member.starts_with(&format!(r#""{name}""#)));
        members.push(format!(r#""{name}":{}"#, identity_member_value(name, 1)));
        members.push(format!(r#""{name}":{}"#, identity_member_value(name, 2)));
        let json = format!("{{{}}}", members.join(","));
        let message = refused::<ChannelIdentity>(&json);
        let expected = format!("duplicate field `{name}`");
        prop_assert!(message.starts_with(&expected), "{} for {}", message, json);
    }
}
