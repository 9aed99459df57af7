//! Choosing which component schemas to generate: all of them, named roots, or the
//! contact-related ones, always closed over everything they reference.

use std::collections::{BTreeSet, VecDeque};

use serde_yaml::Value;

use super::Selection;
use super::error::Problem;
use super::spec::{Spec, schema_ref_owner};

/// The names of the component schemas to generate, sorted.
pub(crate) fn select(spec: &Spec, selection: &Selection) -> Result<BTreeSet<String>, Vec<Problem>> {
    let mut problems = Vec::new();
    let roots: BTreeSet<String> = match selection {
        Selection::All => spec
            .schemas()
            .into_iter()
            .map(|(name, _)| name.to_owned())
            .collect(),
        Selection::Named(names) => {
            for name in names {
                if spec.schema(name).is_none() {
                    problems.push(Problem::document(format!(
                        "--schemas names `{name}`, which is not in components.schemas"
                    )));
                }
            }
            names.iter().cloned().collect()
        }
        Selection::ContactRelated => contact_roots(spec),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(close_over_references(spec, roots))
}

/// Schemas whose name mentions contacts, plus every schema the contacts operations use
/// (through parameters, request bodies and responses, followed wherever they are declared).
fn contact_roots(spec: &Spec) -> BTreeSet<String> {
    let mut roots: BTreeSet<String> = spec
        .schemas()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.to_ascii_lowercase().contains("contact"))
        .map(str::to_owned)
        .collect();
    if let Some(paths) = spec.root().get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let path = path.as_str().unwrap_or_default();
            let path_is_contacts = path
                .split('/')
                .any(|segment| segment == "contacts" || segment.starts_with("contacts:"));
            let Some(item) = item.as_mapping() else {
                continue;
            };
            for operation in item.values() {
                if path_is_contacts || operation_is_tagged_contact(operation) {
                    let mut visited = BTreeSet::new();
                    collect_schema_refs(spec, operation, &mut roots, &mut visited);
                }
            }
            if path_is_contacts {
                // Path-level parameters.
                if let Some(parameters) = item.get("parameters") {
                    let mut visited = BTreeSet::new();
                    collect_schema_refs(spec, parameters, &mut roots, &mut visited);
                }
            }
        }
    }
    roots
}

fn operation_is_tagged_contact(operation: &Value) -> bool {
    operation
        .get("tags")
        .and_then(Value::as_sequence)
        .is_some_and(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .any(|tag| matches!(tag.to_ascii_lowercase().as_str(), "contact" | "contacts"))
        })
}

/// Adds every schema reachable from `roots` through `$ref`s.
fn close_over_references(spec: &Spec, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut selected = BTreeSet::new();
    let mut queue: VecDeque<String> = roots.into_iter().collect();
    while let Some(name) = queue.pop_front() {
        if !selected.insert(name.clone()) {
            continue;
        }
        let Some(schema) = spec.schema(&name) else {
            continue;
        };
        let mut found = BTreeSet::new();
        let mut visited = BTreeSet::new();
        collect_schema_refs(spec, schema, &mut found, &mut visited);
        queue.extend(found.into_iter().filter(|found| !selected.contains(found)));
    }
    selected
}

/// Collects the component schemas referenced anywhere under `value`. References to other
/// components (parameters, request bodies, responses...) are followed; unresolvable ones are
/// left for the lowering step to report with their location.
pub(crate) fn collect_schema_refs(
    spec: &Spec,
    value: &Value,
    found: &mut BTreeSet<String>,
    visited: &mut BTreeSet<String>,
) {
    match value {
        Value::Mapping(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(owner) = schema_ref_owner(reference) {
                    if spec.schema(&owner).is_some() {
                        found.insert(owner);
                    }
                } else if visited.insert(reference.clone())
                    && let Ok(target) = spec.resolve(reference)
                {
                    collect_schema_refs(spec, target, found, visited);
                }
            }
            if let Some(Value::Mapping(discriminator)) = map.get("discriminator")
                && let Some(Value::Mapping(mapping)) = discriminator.get("mapping")
            {
                for target in mapping.values().filter_map(Value::as_str) {
                    if let Some(owner) = schema_ref_owner(target) {
                        found.insert(owner);
                    } else if spec.schema(target).is_some() {
                        found.insert(target.to_owned());
                    }
                }
            }
            for (key, child) in map {
                match (key.as_str().unwrap_or_default(), child) {
                    // Member names of `properties` are data, not keywords: visit every schema.
                    ("properties", Value::Mapping(properties)) => {
                        for property in properties.values() {
                            collect_schema_refs(spec, property, found, visited);
                        }
                    }
                    // Examples are sample documents: a `$ref` key in them is data.
                    ("$ref" | "example" | "examples", _) => {}
                    _ => collect_schema_refs(spec, child, found, visited),
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                collect_schema_refs(spec, item, found, visited);
            }
        }
        _ => {}
    }
}
