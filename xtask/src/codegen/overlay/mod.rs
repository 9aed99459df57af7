//! OpenAPI Overlay 1.0: a document of `actions`, each a JSONPath `target` with an `update` to
//! merge into the matched nodes or `remove: true` to delete them, applied to a description
//! before schemas are selected.
//!
//! Rules (Overlay 1.0.0, with this generator's choices where the specification leaves room):
//! - actions run in order, each on the result of the previous one; overlays run in the order given;
//! - `update` on an object merges recursively: objects into objects, arrays appended to arrays,
//!   anything else replaced; `update` on an array appends the value as one element;
//!   `update` on a string, number, boolean or null is an error (Overlay 1.0 does not define it);
//! - `remove: true` deletes the matched nodes from their parent; removing `$` is an error;
//! - a target that matches nothing is an error naming the action, so a description that moved
//!   under an overlay is noticed rather than silently left unfixed;
//! - an action with both `update` and `remove: true`, or with neither, is refused, and so are
//!   unknown fields (other than `x-` extensions), which are usually typos;
//! - `extends` is read and kept for the reader; the description is the one given to `--spec`.

mod jsonpath;

use std::fmt;
use std::path::Path;

use serde_yaml::{Mapping, Value};

pub(crate) use jsonpath::JsonPath;
use jsonpath::{Location, Step, display_location, node_at_mut};

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub(crate) struct Overlay {
    /// Where the overlay came from (its file name), for messages.
    pub(crate) label: String,
    /// `info.title`.
    pub(crate) title: String,
    /// `extends`: the description the overlay was written for, when it says.
    pub(crate) extends: Option<String>,
    actions: Vec<Action>,
}

#[derive(Debug, Clone)]
struct Action {
    index: usize,
    target_text: String,
    target: JsonPath,
    description: Option<String>,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
}

/// Why an overlay could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OverlayError {
    /// The overlay document is not a valid Overlay 1.0 document; every problem found is listed,
    /// each with where it is (`actions[2].target`).
    Malformed {
        overlay: String,
        problems: Vec<String>,
    },
    /// An action's target matched no node of the description.
    NoMatch { overlay: String, action: String },
    /// An action matched nodes it cannot change.
    CannotApply {
        overlay: String,
        action: String,
        message: String,
    },
}

impl fmt::Display for OverlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { overlay, problems } => {
                write!(f, "overlay {overlay} is not a valid Overlay 1.0 document:")?;
                for problem in problems {
                    write!(f, "\n      {problem}")?;
                }
                Ok(())
            }
            Self::NoMatch { overlay, action } => write!(
                f,
                "overlay {overlay}: {action} matches nothing in the description"
            ),
            Self::CannotApply {
                overlay,
                action,
                message,
            } => write!(f, "overlay {overlay}: {action}: {message}"),
        }
    }
}

impl std::error::Error for OverlayError {}

impl Action {
    /// How messages name the action: index, description and target.
    fn name(&self) -> String {
        match &self.description {
            Some(description) => format!(
                "action actions[{}] (\"{description}\", target `{}`)",
                self.index, self.target_text
            ),
            None => format!(
                "action actions[{}] (target `{}`)",
                self.index, self.target_text
            ),
        }
    }
}

impl Overlay {
    /// The overlay in one line: file, title, and what it extends when it says.
    pub(crate) fn summary(&self) -> String {
        match &self.extends {
            Some(extends) => format!("{} \"{}\" (extends {extends})", self.label, self.title),
            None => format!("{} \"{}\"", self.label, self.title),
        }
    }

    /// Reads an overlay file (YAML or JSON).
    pub(crate) fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read overlay {}: {error}", path.display()))?;
        let label = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Self::parse(&text, &label).map_err(|error| error.to_string())
    }

    /// Parses the text of an overlay document; `label` names it in messages.
    pub(crate) fn parse(text: &str, label: &str) -> Result<Self, OverlayError> {
        let malformed = |problems: Vec<String>| OverlayError::Malformed {
            overlay: label.to_owned(),
            problems,
        };
        let mut root: Value = serde_yaml::from_str(text)
            .map_err(|error| malformed(vec![format!("not valid YAML/JSON: {error}")]))?;
        root.apply_merge()
            .map_err(|error| malformed(vec![format!("cannot apply YAML merge keys: {error}")]))?;
        let Value::Mapping(root) = root else {
            return Err(malformed(vec!["the document is not an object".to_owned()]));
        };
        let mut problems = Vec::new();
        unknown_fields(
            &root,
            &["overlay", "info", "extends", "actions"],
            "",
            &mut problems,
        );
        match root.get("overlay") {
            Some(Value::String(version)) if version == "1.0" || version.starts_with("1.0.") => {}
            Some(Value::String(version)) => problems.push(format!(
                "`overlay`: version {version} is not supported (1.0.x only)"
            )),
            Some(_) => problems.push("`overlay` must be a version string such as 1.0.0".to_owned()),
            None => problems.push("`overlay` (the version, 1.0.0) is missing".to_owned()),
        }
        let title = match root.get("info") {
            Some(Value::Mapping(info)) => {
                if !matches!(info.get("version"), Some(Value::String(_))) {
                    problems.push("`info.version` (a string) is missing".to_owned());
                }
                match info.get("title") {
                    Some(Value::String(title)) => title.clone(),
                    _ => {
                        problems.push("`info.title` (a string) is missing".to_owned());
                        String::new()
                    }
                }
            }
            _ => {
                problems
                    .push("`info` (an object with `title` and `version`) is missing".to_owned());
                String::new()
            }
        };
        let extends = match root.get("extends") {
            None => None,
            Some(Value::String(extends)) => Some(extends.clone()),
            Some(_) => {
                problems.push("`extends` must be a string (a URI)".to_owned());
                None
            }
        };
        let actions = match root.get("actions") {
            Some(Value::Sequence(items)) if !items.is_empty() => items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| parse_action(index, item, &mut problems))
                .collect(),
            Some(Value::Sequence(_)) => {
                problems.push("`actions` is empty; an overlay needs at least one".to_owned());
                Vec::new()
            }
            Some(_) => {
                problems.push("`actions` must be a list".to_owned());
                Vec::new()
            }
            None => {
                problems.push("`actions` is missing".to_owned());
                Vec::new()
            }
        };
        if !problems.is_empty() {
            return Err(malformed(problems));
        }
        Ok(Self {
            label: label.to_owned(),
            title,
            extends,
            actions,
        })
    }

    /// Applies every action in order to `document`. On error the document may be partly changed;
    /// callers discard it (the generator never writes anything after a failed overlay).
    pub(crate) fn apply(&self, document: &mut Value) -> Result<(), OverlayError> {
        for action in &self.actions {
            let matched = action.target.select(document);
            if matched.is_empty() {
                return Err(OverlayError::NoMatch {
                    overlay: self.label.clone(),
                    action: action.name(),
                });
            }
            let result = match &action.change {
                Change::Update(update) => matched
                    .iter()
                    .try_for_each(|location| update_at(document, location, update)),
                // Later nodes first: removing an array element then leaves the indexes of
                // earlier matches intact, and a node inside another matched node goes first.
                Change::Remove => matched
                    .iter()
                    .rev()
                    .try_for_each(|location| remove_at(document, location)),
            };
            result.map_err(|message| OverlayError::CannotApply {
                overlay: self.label.clone(),
                action: action.name(),
                message,
            })?;
        }
        Ok(())
    }
}

fn unknown_fields(map: &Mapping, known: &[&str], prefix: &str, problems: &mut Vec<String>) {
    for key in map.keys() {
        match key.as_str() {
            Some(name) if known.contains(&name) || name.starts_with("x-") => {}
            Some(name) => problems.push(format!(
                "{prefix}`{name}` is not an Overlay 1.0 field (expected one of {})",
                known.join(", ")
            )),
            None => problems.push(format!("{prefix}a field name is not a string")),
        }
    }
}

fn parse_action(index: usize, item: &Value, problems: &mut Vec<String>) -> Option<Action> {
    let at = format!("actions[{index}]");
    let Value::Mapping(map) = item else {
        problems.push(format!("{at} is not an object"));
        return None;
    };
    let before = problems.len();
    unknown_fields(
        map,
        &["target", "description", "update", "remove"],
        &format!("{at}: "),
        problems,
    );
    let description = match map.get("description") {
        None => None,
        Some(Value::String(text)) => Some(text.trim().to_owned()),
        Some(_) => {
            problems.push(format!("{at}.description must be a string"));
            None
        }
    };
    let target = match map.get("target") {
        Some(Value::String(text)) => match JsonPath::parse(text) {
            Ok(path) => Some((text.clone(), path)),
            Err(error) => {
                problems.push(format!(
                    "{at}.target `{text}` is not a valid JSONPath: {error}"
                ));
                None
            }
        },
        Some(_) => {
            problems.push(format!("{at}.target must be a JSONPath string"));
            None
        }
        None => {
            problems.push(format!("{at}.target is missing"));
            None
        }
    };
    let remove = match map.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(_) => {
            problems.push(format!("{at}.remove must be true or false"));
            false
        }
    };
    let change = match (map.get("update"), remove) {
        (Some(_), true) => {
            problems.push(format!(
                "{at} has both `update` and `remove: true`; an action does one or the other"
            ));
            None
        }
        (Some(update), false) => Some(Change::Update(update.clone())),
        (None, true) => Some(Change::Remove),
        (None, false) => {
            problems.push(format!(
                "{at} has neither `update` nor `remove: true`, so it would do nothing"
            ));
            None
        }
    };
    let (target_text, target) = target?;
    if problems.len() > before {
        return None;
    }
    Some(Action {
        index,
        target_text,
        target,
        description,
        change: change?,
    })
}

fn update_at(document: &mut Value, location: &Location, update: &Value) -> Result<(), String> {
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

fn remove_at(document: &mut Value, location: &Location) -> Result<(), String> {
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

/// Applies overlays in order to a parsed description.
pub(crate) fn apply_all(document: &mut Value, overlays: &[Overlay]) -> Result<(), OverlayError> {
    overlays
        .iter()
        .try_for_each(|overlay| overlay.apply(document))
}

#[cfg(test)]
mod tests;
