//! Doc comments for generated items, from the description's text and facts about the schema.

use serde_yaml::Value;

/// Turns a markdown description into doc lines that rustdoc renders as prose: fenced blocks are
/// marked `text` (never compiled as doctests) and indentation is dropped outside fences (an
/// indented block would otherwise be compiled as Rust).
pub(crate) fn markdown_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for raw in text.replace('\t', "    ").lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") {
            lines.push(if in_fence { "```" } else { "```text" }.to_owned());
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(raw.trim_end().to_owned());
        } else {
            lines.extend(wrap(trimmed));
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    trim_blank_edges(lines)
}

/// Wraps prose at [`WIDTH`] columns; tables and headings are left alone.
fn wrap(line: &str) -> Vec<String> {
    if line.len() <= WIDTH || line.starts_with('|') || line.starts_with('#') {
        return vec![line.to_owned()];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ').filter(|word| !word.is_empty()) {
        if !current.is_empty() && current.len() + 1 + word.len() > WIDTH {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The width doc text is wrapped at (the `///` and indentation come on top).
const WIDTH: usize = 92;

fn trim_blank_edges(mut lines: Vec<String>) -> Vec<String> {
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let leading = lines.iter().take_while(|line| line.is_empty()).count();
    lines.drain(..leading);
    lines
}

/// The doc lines of a schema: title, description, then notes on format, default, allowed
/// values, read-only and deprecation.
pub(crate) fn schema_docs(schema: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let title = schema.get("title").and_then(Value::as_str).map(str::trim);
    let description = schema.get("description").and_then(Value::as_str);
    if let Some(title) = title.filter(|title| !title.is_empty()) {
        if description.is_none_or(|description| !description.trim().starts_with(title)) {
            lines.push(title.to_owned());
        }
    }
    if let Some(description) = description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(markdown_lines(description));
    }
    let mut notes = Vec::new();
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        notes.push(match format {
            "date-time" => "Format: `date-time` (an RFC 3339 timestamp).".to_owned(),
            "byte" => "Format: `byte` (Base64-encoded bytes).".to_owned(),
            other => format!("Format: `{other}`."),
        });
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_sequence) {
        if values
            .iter()
            .any(|value| !value.is_string() && !value.is_null())
        {
            let listed: Vec<String> = values.iter().map(scalar_text).collect();
            notes.push(format!("Allowed values: {}.", listed.join(", ")));
        }
    }
    if let Some(default) = schema.get("default") {
        if !default.is_mapping() && !default.is_sequence() && !default.is_null() {
            notes.push(format!("Default: `{}`.", scalar_text(default)));
        }
    }
    if schema.get("readOnly").and_then(Value::as_bool) == Some(true) {
        notes.push("Read-only: set by the server, ignored in requests.".to_owned());
    }
    if schema.get("writeOnly").and_then(Value::as_bool) == Some(true) {
        notes.push("Write-only: sent in requests, never returned.".to_owned());
    }
    if schema.get("deprecated").and_then(Value::as_bool) == Some(true) {
        notes.push("Deprecated by the API.".to_owned());
    }
    if !notes.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(notes);
    }
    lines
}

/// A scalar YAML value as it would be written in JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Null => "null".to_owned(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_blocks_and_indentation_is_dropped() {
        let lines = markdown_lines("Intro\n\n    indented code\n```json\n{\"a\": 1}\n```\n");
        assert_eq!(
            lines,
            ["Intro", "", "indented code", "```text", "{\"a\": 1}", "```"]
        );
    }

    #[test]
    fn an_unclosed_fence_is_closed() {
        assert_eq!(markdown_lines("```\ncode"), ["```text", "code", "```"]);
    }
}
