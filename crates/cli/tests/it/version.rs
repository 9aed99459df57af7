//! `--version` names the crates and the OpenAPI description the model is generated from.

use sha2::Digest;

use crate::support::bin;

#[test]
fn version_names_the_crates_and_the_openapi_description() {
    let output = bin().arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(lines[0], format!("sinch-contacts {version}"));
    for name in ["model", "port", "callbacks", "reqwest", "emulator", "store"] {
        assert!(
            lines[1].contains(&format!("sinch-contacts-{name} {version}")),
            "{text}"
        );
    }
    // Title and version as written in openapi/contacts.yaml's `info`; the digest of the file
    // computed here.
    let description = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/contacts.yaml"
    ))
    .unwrap();
    let digest: String = sha2::Sha256::digest(&description)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(
        lines[2],
        format!(
            "OpenAPI description: Sinch Conversation API - Contacts, version 1.0 (openapi/contacts.yaml, sha256 {digest})"
        )
    );
    // -V stays one line.
    let short = bin().arg("-V").output().unwrap();
    assert_eq!(
        String::from_utf8(short.stdout).unwrap(),
        format!("sinch-contacts {version}\n")
    );
}
