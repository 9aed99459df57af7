//! The generator with overlays: the repository's overlay on the published-shape fixture, its
//! relation to `openapi/contacts.yaml`, determinism, and the errors a user sees.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_yaml::Value;

use super::spec::Spec;
use super::*;

fn fixture(name: &str) -> PathBuf {
    workspace_root().join("xtask/tests/fixtures").join(name)
}

fn published() -> PathBuf {
    fixture("conversation-published.yaml")
}

fn fixes() -> PathBuf {
    workspace_root().join("openapi/overlays/published-fixes.yaml")
}

/// The text of one generated file.
fn file<'a>(generated: &'a Generated, name: &str) -> &'a str {
    generated
        .files
        .iter()
        .find(|file| file.name == name)
        .map(|file| file.contents.as_str())
        .unwrap_or_else(|| panic!("no generated file {name}"))
}

/// An overlay file with this text, removed on drop.
struct OverlayFile(PathBuf);

impl OverlayFile {
    fn new(text: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "xtask-overlay-test-{}-{}.yaml",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, text).unwrap();
        Self(path)
    }
}

impl Drop for OverlayFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn the_published_shape_alone_gives_types_that_refuse_real_bodies() {
    // Without the overlay the fixture keeps the published defects, which is what the overlay
    // exists for: `id` and `language` required, a recipient that needs both members, no
    // create request or channel-profile types.
    let raw = generate(&published(), &Selection::ContactRelated, false).unwrap();
    let contact = file(&raw, "contact.rs");
    assert!(contact.contains("pub id: String,"), "{contact}");
    let raw = generate(
        &published(),
        &Selection::Named(vec!["Contact".to_owned(), "Recipient".to_owned()]),
        false,
    )
    .unwrap();
    let contact = file(&raw, "contact.rs");
    assert!(contact.contains("pub id: String,"), "{contact}");
    assert!(
        contact.contains("pub language: ContactLanguage,"),
        "{contact}"
    );
    let recipient = file(&raw, "recipient.rs");
    assert!(recipient.contains("pub contact_id: String,"), "{recipient}");
    assert!(
        recipient.contains("pub identified_by: TypeIdentifiedBy,"),
        "{recipient}"
    );
    let raw = generate(&published(), &Selection::ContactRelated, false).unwrap();
    for missing in [
        "contact_create_request.rs",
        "get_channel_profile_request.rs",
        "identity_conflict.rs",
    ] {
        assert!(
            raw.files.iter().all(|file| file.name != missing),
            "{missing} generated without the overlay"
        );
    }

    let fixed = generate_with_overlays(&published(), &[fixes()], &Selection::ContactRelated, false)
        .unwrap();
    let contact = file(&fixed, "contact.rs");
    assert!(contact.contains("pub id: Option<String>,"), "{contact}");
    assert!(
        contact.contains("pub language: Option<ContactLanguage>,"),
        "{contact}"
    );
    let recipient = file(&fixed, "recipient.rs");
    assert!(recipient.contains("pub enum Recipient {"), "{recipient}");
    assert!(file(&fixed, "contact_create_request.rs").contains("pub language: ContactLanguage,"));
    assert!(file(&fixed, "mod.rs").contains("+ overlay published-fixes.yaml"));
}

#[test]
fn generating_with_overlays_twice_gives_the_same_bytes() {
    let once = generate_with_overlays(&published(), &[fixes()], &Selection::ContactRelated, false)
        .unwrap();
    let twice = generate_with_overlays(&published(), &[fixes()], &Selection::ContactRelated, false)
        .unwrap();
    assert_eq!(once.files, twice.files);
}

/// A schema without what only documents it, with `required` sorted.
fn shape(value: &Value) -> Value {
    const DOCS: [&str; 7] = [
        "description",
        "example",
        "examples",
        "title",
        "readOnly",
        "deprecated",
        "default",
    ];
    match value {
        Value::Mapping(map) => Value::Mapping(
            map.iter()
                .filter(|(key, _)| {
                    key.as_str()
                        .is_none_or(|key| !DOCS.contains(&key) && !key.starts_with("x-"))
                })
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        (Some("required"), Value::Sequence(items)) => {
                            let mut names: Vec<String> = items
                                .iter()
                                .filter_map(|item| item.as_str().map(str::to_owned))
                                .collect();
                            names.sort();
                            Value::Sequence(names.into_iter().map(Value::String).collect())
                        }
                        (_, value) => shape(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.iter().map(shape).collect()),
        other => other.clone(),
    }
}

/// `(path, method)` of every operation on a `/contacts` path, with the `$ref` of its JSON
/// request body schema (through `#/components/requestBodies`).
fn contact_operations(spec: &Spec) -> Vec<(String, String, Option<String>)> {
    let mut operations = Vec::new();
    let paths = spec
        .root()
        .get("paths")
        .and_then(Value::as_mapping)
        .unwrap();
    for (path, item) in paths {
        let path = path.as_str().unwrap();
        if !path.contains("/contacts") {
            continue;
        }
        for (method, operation) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if method == "parameters" {
                continue;
            }
            let body = operation
                .get("requestBody")
                .map(|body| match body.get("$ref") {
                    Some(Value::String(reference)) => spec.resolve(reference).unwrap(),
                    _ => body,
                });
            let schema = body
                .and_then(|body| {
                    body.get("content")?
                        .get("application/json")?
                        .get("schema")?
                        .get("$ref")
                })
                .and_then(Value::as_str)
                .map(str::to_owned);
            operations.push((path.to_owned(), method.to_owned(), schema));
        }
    }
    operations.sort();
    operations
}

#[test]
fn the_published_shape_with_the_overlay_states_the_in_repo_contract() {
    // docs/codegen.md: for the contacts operations and the schemas the overlay restores, the
    // published description plus the overlay and `openapi/contacts.yaml` say the same thing
    // (documentation aside).
    let overlay = overlay::Overlay::load(&fixes()).unwrap();
    let fixed = Spec::load_with_overlays(&published(), std::slice::from_ref(&overlay)).unwrap();
    let in_repo = Spec::load(&workspace_root().join("openapi/contacts.yaml")).unwrap();
    for name in [
        "Contact",
        "ContactCreateRequest",
        "ChannelIdentity",
        "ChannelRecipientIdentity",
        "IdentifiedBy",
        "RecipientContactId",
        "RecipientIdentifiedBy",
        "Recipient",
        "MergeContactRequest",
        "GetChannelProfileConversationChannel",
        "GetChannelProfileRequest",
        "GetChannelProfileResponse",
        "IdentityConflict",
        "ListIdentityConflictsResponse",
    ] {
        let (Some(fixed_schema), Some(in_repo_schema)) = (fixed.schema(name), in_repo.schema(name))
        else {
            panic!("{name} is missing from one of the descriptions");
        };
        assert_eq!(shape(fixed_schema), shape(in_repo_schema), "schema {name}");
    }
    assert_eq!(contact_operations(&fixed), contact_operations(&in_repo));
}

#[test]
fn the_overlay_on_a_description_that_is_already_fixed_names_the_first_action_that_misses() {
    // conversation-full.yaml already states the contract: its Contact has no `required`.
    let error = generate_with_overlays(
        &fixture("conversation-full.yaml"),
        &[fixes()],
        &Selection::ContactRelated,
        false,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        error,
        "cannot generate code: 1 problem(s)\n  - overlay published-fixes.yaml: action actions[0] \
         (\"Contact: no field is required (api-facts 2.1)\", target \
         `$.components.schemas.Contact.required`) matches nothing in the description"
    );
}

#[test]
fn a_malformed_overlay_file_is_reported_before_anything_is_generated() {
    let bad = OverlayFile::new(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n\
         - target: $.components..[?(@.type = 'object')]\n  remove: true\n",
    );
    let error = generate_with_overlays(
        &published(),
        std::slice::from_ref(&bad.0),
        &Selection::All,
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("is not a valid Overlay 1.0 document:")
            && error.contains(
                "actions[0].target `$.components..[?(@.type = 'object')]` is not a valid JSONPath: expected `==` (at character 25)"
            ),
        "{error}"
    );
    let missing = generate_with_overlays(
        &published(),
        &[PathBuf::from("/nonexistent/overlay.yaml")],
        &Selection::All,
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        missing.contains("cannot read overlay /nonexistent/overlay.yaml"),
        "{missing}"
    );
}

#[test]
fn an_overlay_that_breaks_the_description_is_reported_as_the_description() {
    let bad = OverlayFile::new(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n\
         - target: $\n  update: {openapi: '2.0'}\n",
    );
    let error = generate_with_overlays(
        &published(),
        std::slice::from_ref(&bad.0),
        &Selection::All,
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("OpenAPI version 2.0 is not supported"),
        "{error}"
    );
}
