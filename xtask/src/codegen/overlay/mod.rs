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

mod apply;
mod error;
mod jsonpath;
mod parse;

use std::path::Path;

use serde_yaml::Value;

use apply::{remove_at, update_at};
pub(crate) use error::OverlayError;
use jsonpath::JsonPath;

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

/// Applies overlays in order to a parsed description.
pub(crate) fn apply_all(document: &mut Value, overlays: &[Overlay]) -> Result<(), OverlayError> {
    overlays
        .iter()
        .try_for_each(|overlay| overlay.apply(document))
}

#[cfg(test)]
mod tests;
