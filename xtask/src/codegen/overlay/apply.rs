//! What an action does to the nodes it matches: merge an update into them, or remove them.

use serde_yaml::{Mapping, Value};

use super::jsonpath::{Location, Step, display_location, node_at_mut};

pub(super) fn update_at(
    document: &mut Value,
    location: &Location,
    update: &Value,
) -> Result<(), String> {
    let Some(node) = node_at_mut(document, location) else {
        return Err(format!(
            "{} disappeared while the action ran",
            display_location(location)
        ));
    };
    match (node, update) {
        (Value::Mapping(target), Value::Mapping(update)) => {
            merge(target, update);
            Ok(())
        }
        (Value::Mapping(_), other) => Err(format!(
            "{} is an object, so `update` must be an object, not {}",
            display_location(location),
            kind(other)
        )),
        (Value::Sequence(items), update) => {
            items.push(update.clone());
            Ok(())
        }
        (other, _) => Err(format!(
            "{} is {}; Overlay 1.0 updates only objects and arrays (update its parent instead)",
            display_location(location),
            kind(other)
        )),
    }
}

/// Recursive merge: objects into objects, arrays appended, everything else replaced.
fn merge(target: &mut Mapping, update: &Mapping) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(update)) => merge(inner, update),
            (Some(Value::Sequence(items)), Value::Sequence(more)) => {
                items.extend(more.iter().cloned());
            }
            (Some(slot), value) => *slot = value.clone(),
            (None, value) => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

pub(super) fn remove_at(document: &mut Value, location: &Location) -> Result<(), String> {
    let Some((last, parent_location)) = location.split_last() else {
        return Err("`$` (the whole description) cannot be removed".to_owned());
    };
    // A node already removed with an ancestor matched by the same action is simply gone.
    let Some(parent) = node_at_mut(document, parent_location) else {
        return Ok(());
    };
    match (parent, last) {
        (Value::Mapping(map), Step::Key(key)) => {
            map.shift_remove(key);
        }
        (Value::Sequence(items), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "an array",
        Value::Mapping(_) => "an object",
        Value::Tagged(_) => "a tagged value",
    }
}
