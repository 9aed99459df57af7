//! Text the command line did not write (a contact's name, a server's message) reaches the
//! terminal with its control characters escaped; JSON stays valid JSON with the same value.

use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel,
};

use crate::live::LiveEmulator;
use crate::stub::{Stub, response};
use crate::support::bin;

/// Red text, a screen clear, DEL, a C1 CSI (U+009B) and a line break.
const HOSTILE_NAME: &str = "Eve\u{1b}[31mRED\u{1b}[2J\u{7f}\u{9b}6n\nforged line";

/// Control characters found in `text` other than the line breaks.
fn controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

fn hostile_contact(live: &LiveEmulator) -> String {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46700000009",
        )],
        ContactLanguage::EnUs,
    );
    request.display_name = Some(HOSTILE_NAME.to_owned());
    live.seed(vec![request])[0].id.clone().unwrap()
}

#[test]
fn a_name_with_terminal_escapes_is_printed_escaped_by_get_and_list() {
    let live = LiveEmulator::start();
    let id = hostile_contact(&live);
    for args in [&["get", id.as_str()][..], &["list"], &["list", "--all"]] {
        let output = bin().args(live.base()).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(!output.stdout.contains(&0x1b), "{args:?}: an ESC byte");
        let text = String::from_utf8(output.stdout).unwrap();
        assert_eq!(controls(&text), Vec::<char>::new(), "{args:?}: {text}");
        // Written as Rust writes them in a literal, the line break turned into a space (the
        // cell is then cut at 48 characters).
        assert!(
            text.contains(r"Eve\u{1b}[31mRED\u{1b}[2J\u{7f}\u{9b}6n forged"),
            "{args:?}: {text}"
        );
        assert!(!text.lines().any(|line| line.starts_with("forged line")));
    }
}

#[test]
fn json_output_keeps_the_name_and_holds_no_raw_control_character() {
    let live = LiveEmulator::start();
    let id = hostile_contact(&live);
    let output = bin()
        .args(live.base())
        .args(["--json", "get", &id])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(controls(&text), Vec::<char>::new(), "{text}");
    assert!(
        text.contains(r#""display_name":"Eve\u001b[31mRED\u001b[2J\u007f\u009b6n\nforged line""#),
        "{text}"
    );
    let contact: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(contact["display_name"], HOSTILE_NAME);
}

#[test]
fn an_error_message_from_the_server_is_one_line_with_its_escapes_escaped() {
    let body = r#"{"error":{"code":400,"message":"bad \u001b]0;owned\u0007 title\u001b[2J\nerror: forged","status":"INVALID_ARGUMENT"}}"#;
    let stub = Stub::start(vec![response(400, &[], body)]);
    let output = bin()
        .args(["contacts", "--base-url", &stub.url, "--auth", "basic"])
        .args(["get", "some-id"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let heads = stub.heads();
    assert!(
        heads[0].starts_with("GET /v1/projects/emulator-project/contacts/some-id "),
        "{heads:?}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(controls(&stderr), Vec::<char>::new(), "{stderr}");
    assert!(
        stderr.contains(r"bad \u{1b}]0;owned\u{7} title\u{1b}[2J error: forged"),
        "{stderr}"
    );
}
