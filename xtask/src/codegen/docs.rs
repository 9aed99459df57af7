//! Doc comments for generated items, from the description's text and facts about the schema.

use serde_yaml::Value;

/// Turns a markdown description into doc lines that rustdoc renders as prose: fenced blocks are
/// marked `text` (never compiled as doctests) and indentation is dropped outside fences (an
/// indented block would otherwise be compiled as Rust).
pub(crate) fn markdown_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    // The paragraph or list item being gathered, with the indentation of its continuation lines.
    let mut block: Option<(String, usize)> = None;
    let flush = |block: &mut Option<(String, usize)>, lines: &mut Vec<String>| {
        if let Some((text, hang)) = block.take() {
            lines.extend(wrap(&text, hang));
        }
    };
    for raw in text.replace('\t', "    ").lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") {
            flush(&mut block, &mut lines);
            lines.push(if in_fence { "```" } else { "```text" }.to_owned());
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(raw.trim_end().to_owned());
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut block, &mut lines);
            lines.push(String::new());
        } else if trimmed.starts_with('|') || trimmed.starts_with('#') {
            flush(&mut block, &mut lines);
            lines.push(trimmed.to_owned());
        } else if let Some(marker) = list_marker(trimmed) {
            flush(&mut block, &mut lines);
            block = Some((trimmed.to_owned(), marker));
        } else if let Some((text, _)) = block.as_mut() {
            text.push(' ');
            text.push_str(trimmed);
        } else {
            block = Some((trimmed.to_owned(), 0));
        }
    }
    flush(&mut block, &mut lines);
    if in_fence {
        lines.push("```".to_owned());
    }
    trim_blank_edges(lines)
}

/// The width of a list item's marker (`- `, `* `, `1. `), if the line starts one.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

/// Wraps a paragraph at [`WIDTH`] columns; continuation lines are indented by `hang` spaces
/// (the width of a list item's marker).
fn wrap(text: &str, hang: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        if !current.trim_start().is_empty() && current.len() + 1 + word.len() > WIDTH {
            lines.push(std::mem::take(&mut current));
            current = " ".repeat(hang);
        }
        if !current.trim_start().is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.trim_start().is_empty() {
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
    if let Some(title) = title.filter(|title| !title.is_empty())
        && description.is_none_or(|description| !description.trim().starts_with(title))
    {
        lines.push(title.to_owned());
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
    if let Some(values) = schema.get("enum").and_then(Value::as_sequence)
        && values
            .iter()
            .any(|value| !value.is_string() && !value.is_null())
    {
        let listed: Vec<String> = values.iter().map(scalar_text).collect();
        notes.push(format!("Allowed values: {}.", listed.join(", ")));
    }
    if let Some(default) = schema.get("default")
        && !default.is_mapping()
        && !default.is_sequence()
        && !default.is_null()
    {
        notes.push(format!("Default: `{}`.", scalar_text(default)));
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
    fn paragraphs_are_reflowed_and_list_items_hang() {
        let text = "A sentence broken\nacross lines.\n\n- an item that\n  continues\n- another";
        assert_eq!(
            markdown_lines(text),
            [
                "A sentence broken across lines.",
                "",
                "- an item that continues",
                "- another"
            ]
        );
        let long = format!("- {}", "word ".repeat(30));
        let wrapped = markdown_lines(&long);
        assert!(wrapped.len() > 1);
        assert!(wrapped[1].starts_with("  word"), "{wrapped:?}");
    }

    #[test]
    fn an_unclosed_fence_is_closed() {
        assert_eq!(markdown_lines("```\ncode"), ["```text", "code", "```"]);
    }
}
