//! Descriptions whose `allOf` copies members that hold the same `allOf` again: the generator
//! reports them by schema name (or, lenient, maps them to `serde_json::Value`), and it still
//! generates an `allOf` that merges one schema several times without containing itself.

use super::{Selection, generate_from_text};

fn description(schemas: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
    )
}

/// Generates strictly (expecting a report) and leniently (expecting files that parse and a
/// warning), and returns the strict report.
fn refused_strictly_mapped_leniently(text: &str) -> String {
    let report = generate_from_text(text, "cycle.yaml", &Selection::All, false)
        .expect_err("an allOf that contains itself must be reported")
        .to_string();
    let generated = generate_from_text(text, "cycle.yaml", &Selection::All, true)
        .unwrap_or_else(|error| panic!("--lenient must map it to serde_json::Value: {error}"));
    assert!(
        generated
            .warnings
            .iter()
            .any(|warning| warning.contains("contains itself")),
        "{:?}",
        generated.warnings
    );
    for file in &generated.files {
        assert!(syn::parse_file(&file.contents).is_ok(), "{}", file.contents);
    }
    report
}

/// The case a random description once found (reduced by hand): an alternative of `Node` merges
/// `Node` itself, whose `oneOf` becomes a flattened member holding that same alternative again.
#[test]
fn an_alternative_merging_its_own_union_is_reported() {
    let text = description(
        "    Node:
      oneOf:
        - type: string
        - allOf:
            - type: object
            - $ref: '#/components/schemas/Node'
",
    );
    let report = refused_strictly_mapped_leniently(&text);
    assert!(report.contains("schema `Node`"), "{report}");
    assert!(report.contains("contains itself"), "{report}");
    assert!(
        report.contains("(at #/components/schemas/Node/oneOf/1)"),
        "{report}"
    );
}

/// The same through `properties`: `child` copies `Tree`'s members, `child` among them.
#[test]
fn a_member_merging_the_schema_that_holds_it_is_reported() {
    let text = description(
        "    Tree:
      type: object
      properties:
        label: {type: string}
        child:
          allOf:
            - $ref: '#/components/schemas/Tree'
            - properties:
                depth: {type: integer}
",
    );
    let report = refused_strictly_mapped_leniently(&text);
    assert!(report.contains("schema `Tree`"), "{report}");
    assert!(
        report.contains("(at #/components/schemas/Tree/properties/child)"),
        "{report}"
    );
}

/// The remedy the report gives: the `allOf` as a component schema of its own is a named type,
/// and the union refers to it.
#[test]
fn the_same_union_with_the_merge_named_generates() {
    let text = description(
        "    Node:
      oneOf:
        - type: string
        - $ref: '#/components/schemas/NodeObject'
    NodeObject:
      allOf:
        - type: object
        - $ref: '#/components/schemas/Node'
",
    );
    let generated = generate_from_text(&text, "named.yaml", &Selection::All, false)
        .unwrap_or_else(|error| panic!("{error}"));
    let node_object = generated
        .files
        .iter()
        .find(|file| file.name == "node_object.rs")
        .expect("a file for NodeObject");
    assert!(
        node_object.contents.contains("pub struct NodeObject"),
        "{}",
        node_object.contents
    );
}

/// Merging one schema twice, once inside the other's member, contains nothing in itself.
#[test]
fn merging_one_schema_twice_without_a_cycle_generates() {
    let text = description(
        "    Base:
      type: object
      properties:
        id: {type: string}
    Pair:
      allOf:
        - $ref: '#/components/schemas/Base'
        - properties:
            other:
              allOf:
                - $ref: '#/components/schemas/Base'
                - properties:
                    note: {type: string}
",
    );
    let generated = generate_from_text(&text, "pair.yaml", &Selection::All, false)
        .unwrap_or_else(|error| panic!("{error}"));
    let pair = generated
        .files
        .iter()
        .find(|file| file.name == "pair.rs")
        .expect("a file for Pair");
    for wanted in ["pub struct Pair ", "pub struct PairOther ", "pub note:"] {
        assert!(
            pair.contents.contains(wanted),
            "{wanted}\n{}",
            pair.contents
        );
    }
}
