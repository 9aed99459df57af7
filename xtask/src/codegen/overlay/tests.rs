//! Overlay parsing and application, each expected document written out by hand.

use serde_yaml::Value;

use super::{Overlay, OverlayError, apply_all};

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

fn overlay(actions: &str) -> Overlay {
    let text = format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}");
    Overlay::parse(&text, "test.yaml").unwrap_or_else(|error| panic!("{error}"))
}

fn applied(document: &str, actions: &str) -> Result<Value, OverlayError> {
    let mut document = yaml(document);
    overlay(actions).apply(&mut document)?;
    Ok(document)
}

const DOC: &str = "
schemas:
  Contact:
    type: object
    required: [id, language]
    properties:
      id: {type: string}
  Tags:
    enum: [A, B, C]
";

#[test]
fn update_merges_objects_appends_arrays_and_replaces_the_rest() {
    let result = applied(
        DOC,
        "
  - target: $.schemas.Contact
    update:
      type: string
      required: [email]
      description: added
      properties:
        id: {readOnly: true}
        email: {type: string}
",
    )
    .unwrap();
    let expected = yaml(
        "
schemas:
  Contact:
    type: string
    required: [id, language, email]
    properties:
      id: {type: string, readOnly: true}
      email: {type: string}
    description: added
  Tags:
    enum: [A, B, C]
",
    );
    assert_eq!(result, expected);
}

#[test]
fn update_on_an_array_appends_one_element() {
    let result = applied(DOC, "  - target: $.schemas.Tags.enum\n    update: D\n").unwrap();
    assert_eq!(result["schemas"]["Tags"]["enum"], yaml("[A, B, C, D]"));
    let result = applied(DOC, "  - target: $.schemas.Tags.enum\n    update: [D]\n").unwrap();
    assert_eq!(result["schemas"]["Tags"]["enum"], yaml("[A, B, C, [D]]"));
}

#[test]
fn remove_deletes_every_matched_member_and_element() {
    let result = applied(
        DOC,
        "  - target: $.schemas.Contact.required\n    remove: true\n",
    )
    .unwrap();
    assert_eq!(
        result["schemas"]["Contact"],
        yaml("{type: object, properties: {id: {type: string}}}")
    );
    let result = applied(
        DOC,
        "  - target: $.schemas.Tags.enum[0,2]\n    remove: true\n",
    )
    .unwrap();
    assert_eq!(result["schemas"]["Tags"]["enum"], yaml("[B]"));
    // A matched node inside another matched node: both go, nothing fails.
    let result = applied(DOC, "  - target: $.schemas.Contact..*\n    remove: true\n").unwrap();
    assert_eq!(result["schemas"]["Contact"], yaml("{}"));
}

#[test]
fn actions_run_in_order_on_the_result_of_the_previous_ones() {
    let actions = "
  - target: $.schemas.Contact
    remove: true
  - target: $.schemas
    update:
      Contact: {oneOf: [{type: string}]}
  - target: $.schemas.Contact.oneOf
    update: {type: integer}
";
    let result = applied(DOC, actions).unwrap();
    assert_eq!(
        result["schemas"]["Contact"],
        yaml("{oneOf: [{type: string}, {type: integer}]}")
    );
    // Overlays, too, run in the order given.
    let first = overlay("  - target: $.schemas.Tags\n    update: {enum: [X]}\n");
    let second = overlay("  - target: $.schemas.Tags.enum[-1]\n    remove: true\n");
    let mut document = yaml(DOC);
    apply_all(&mut document, &[first.clone(), second.clone()]).unwrap();
    assert_eq!(document["schemas"]["Tags"]["enum"], yaml("[A, B, C]"));
    let mut document = yaml(DOC);
    apply_all(&mut document, &[second, first]).unwrap();
    assert_eq!(document["schemas"]["Tags"]["enum"], yaml("[A, B, X]"));
}

#[test]
fn a_target_matching_nothing_names_the_action() {
    let error = applied(
        DOC,
        "
  - target: $.schemas.Tags
    update: {description: fine}
  - target: $.schemas.Recipient.required
    description: Recipient is a one-of
    remove: true
",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "overlay test.yaml: action actions[1] (\"Recipient is a one-of\", target \
         `$.schemas.Recipient.required`) matches nothing in the description"
    );
    let error = applied(DOC, "  - target: $.nothing\n    remove: true\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "overlay test.yaml: action actions[0] (target `$.nothing`) matches nothing in the description"
    );
}

#[test]
fn updates_that_overlay_1_0_does_not_define_are_refused() {
    let error = applied(
        DOC,
        "  - target: $.schemas.Contact.type\n    update: string\n",
    )
    .unwrap_err();
    assert!(
        matches!(&error, OverlayError::CannotApply { message, .. }
            if message == "$['schemas']['Contact']['type'] is a string; Overlay 1.0 updates only objects and arrays (update its parent instead)"),
        "{error}"
    );
    let error = applied(DOC, "  - target: $.schemas\n    update: [1]\n").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("must be an object, not an array"),
        "{error}"
    );
    let error = applied(DOC, "  - target: $\n    remove: true\n").unwrap_err();
    assert!(error.to_string().contains("cannot be removed"), "{error}");
}

fn problems(text: &str) -> Vec<String> {
    match Overlay::parse(text, "bad.yaml") {
        Err(OverlayError::Malformed { overlay, problems }) => {
            assert_eq!(overlay, "bad.yaml");
            problems
        }
        other => panic!("expected a malformed overlay, got {other:?}"),
    }
}

#[test]
fn malformed_overlays_list_every_problem_with_its_place() {
    assert_eq!(
        problems("overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"),
        ["`actions` is missing"]
    );
    assert_eq!(
        problems("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n"),
        ["`actions` is empty; an overlay needs at least one"]
    );
    assert_eq!(
        problems(
            "overlay: 2.0.0\nactions:\n\
             - target: $.a[\n  remove: true\n\
             - target: $.a\n  update: {}\n  remove: true\n\
             - target: $.a\n\
             - update: {}\n\
             - target: $.a\n  remove: 'yes'\n\
             - target: $.a\n  updates: {}\n"
        ),
        [
            "`overlay`: version 2.0.0 is not supported (1.0.x only)",
            "`info` (an object with `title` and `version`) is missing",
            "actions[0].target `$.a[` is not a valid JSONPath: unterminated `[` (at character 4)",
            "actions[1] has both `update` and `remove: true`; an action does one or the other",
            "actions[2] has neither `update` nor `remove: true`, so it would do nothing",
            "actions[3].target is missing",
            "actions[4].remove must be true or false",
            "actions[4] has neither `update` nor `remove: true`, so it would do nothing",
            "actions[5]: `updates` is not an Overlay 1.0 field (expected one of target, description, update, remove)",
            "actions[5] has neither `update` nor `remove: true`, so it would do nothing",
        ]
    );
    assert_eq!(problems("- a\n- b\n"), ["the document is not an object"]);
    assert!(problems("overlay: [\n")[0].starts_with("not valid YAML/JSON"));
}

#[test]
fn extension_fields_and_extends_are_accepted() {
    let parsed = Overlay::parse(
        "overlay: 1.0.0\nx-note: n\nextends: https://example.invalid/openapi.yaml\n\
         info: {title: Fixes, version: '2'}\n\
         actions:\n- target: $\n  x-why: because\n  update: {a: 1}\n",
        "ok.yaml",
    )
    .unwrap();
    assert_eq!(parsed.title, "Fixes");
    assert_eq!(
        parsed.extends.as_deref(),
        Some("https://example.invalid/openapi.yaml")
    );
}
