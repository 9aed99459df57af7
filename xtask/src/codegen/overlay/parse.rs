//! Reading an overlay document: version, info, extends and actions, every problem listed with
//! its place.

use serde_yaml::{Mapping, Value};

use super::{Action, Change, JsonPath, Overlay, OverlayError};

impl Overlay {
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
