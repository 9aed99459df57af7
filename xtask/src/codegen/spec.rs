//! Loading an OpenAPI description and following its local `$ref`s.

use std::path::Path;

use serde_yaml::Value;

use super::error::{CodegenError, Problem};
use super::overlay::{Overlay, apply_all};

const SCHEMAS_PREFIX: &str = "#/components/schemas/";

/// A parsed OpenAPI description.
#[derive(Debug)]
pub(crate) struct Spec {
    root: Value,
}

impl Spec {
    /// Reads a YAML or JSON file (JSON is valid YAML, so one parser serves both).
    #[cfg(test)]
    pub(crate) fn load(path: &Path) -> Result<Self, CodegenError> {
        Self::load_with_overlays(path, &[])
    }

    /// Reads a YAML or JSON file and applies the overlays to it, in order, before checking it.
    pub(crate) fn load_with_overlays(
        path: &Path,
        overlays: &[Overlay],
    ) -> Result<Self, CodegenError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| CodegenError::io(format!("cannot read {}", path.display()), error))?;
        let document_problem = |message: String| {
            CodegenError::single(Problem::document(format!("{}: {message}", path.display())))
        };
        let mut root = Self::parse_tree(&text).map_err(document_problem)?;
        apply_all(&mut root, overlays)
            .map_err(|error| CodegenError::single(Problem::document(error.to_string())))?;
        Self::from_value(root).map_err(document_problem)
    }

    /// Parses the text of a description.
    #[cfg(test)]
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        Self::from_value(Self::parse_tree(text)?)
    }

    /// Parses the text of a description into its value tree (YAML merge keys applied), before
    /// overlays and before it is checked to be an OpenAPI 3.x description.
    pub(crate) fn parse_tree(text: &str) -> Result<Value, String> {
        let mut root: Value =
            serde_yaml::from_str(text).map_err(|error| format!("not valid YAML/JSON: {error}"))?;
        root.apply_merge()
            .map_err(|error| format!("cannot apply YAML merge keys: {error}"))?;
        Ok(root)
    }

    /// Checks a value tree is an OpenAPI 3.x description.
    pub(crate) fn from_value(root: Value) -> Result<Self, String> {
        if !root.is_mapping() {
            return Err("the document is not an object".to_owned());
        }
        if let Some(version) = root.get("openapi").and_then(Value::as_str) {
            if !version.starts_with("3.") {
                return Err(format!(
                    "OpenAPI version {version} is not supported (3.x only)"
                ));
            }
        } else if root.get("swagger").is_some() {
            return Err("Swagger 2.0 documents are not supported (OpenAPI 3.x only)".to_owned());
        }
        Ok(Self { root })
    }

    /// The whole document.
    pub(crate) fn root(&self) -> &Value {
        &self.root
    }

    /// `components.schemas`, sorted by name.
    pub(crate) fn schemas(&self) -> Vec<(&str, &Value)> {
        let mut schemas: Vec<(&str, &Value)> = self
            .root
            .get("components")
            .and_then(|components| components.get("schemas"))
            .and_then(Value::as_mapping)
            .map(|map| {
                map.iter()
                    .filter_map(|(key, value)| Some((key.as_str()?, value)))
                    .collect()
            })
            .unwrap_or_default();
        schemas.sort_by(|a, b| a.0.cmp(b.0));
        schemas
    }

    /// The schema `components.schemas[name]`.
    pub(crate) fn schema(&self, name: &str) -> Option<&Value> {
        self.root.get("components")?.get("schemas")?.get(name)
    }

    /// Resolves a local reference (`#/a/b`) to the value it points at.
    pub(crate) fn resolve(&self, reference: &str) -> Result<&Value, RefError> {
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| RefError::External(reference.to_owned()))?;
        let mut current = &self.root;
        for segment in pointer.split('/').skip(1) {
            let segment = decode_segment(segment);
            let next = match current {
                Value::Mapping(map) => map.get(segment.as_str()),
                Value::Sequence(items) => segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|index| items.get(index)),
                _ => None,
            };
            current = next.ok_or_else(|| RefError::Dangling(reference.to_owned()))?;
        }
        Ok(current)
    }
}

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefError {
    /// Points into another document.
    External(String),
    /// Points at nothing in this document.
    Dangling(String),
}

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::External(reference) => write!(
                f,
                "`$ref: {reference}` points into another document; only local references (`#/...`) are supported"
            ),
            Self::Dangling(reference) => {
                write!(f, "`$ref: {reference}` points at nothing in this document")
            }
        }
    }
}

/// The component schema name a reference names directly (`#/components/schemas/Name`), if any.
pub(crate) fn schema_ref_name(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix(SCHEMAS_PREFIX)?;
    (!rest.contains('/')).then(|| decode_segment(rest))
}

/// The component schema a reference points into (`#/components/schemas/Name/...`), if any.
pub(crate) fn schema_ref_owner(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix(SCHEMAS_PREFIX)?;
    let first = rest.split('/').next()?;
    Some(decode_segment(first))
}

fn decode_segment(segment: &str) -> String {
    percent_decode(segment)
        .replace("~1", "/")
        .replace("~0", "~")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let (Some(high), Some(low)) =
                (hex_value(bytes[index + 1]), hex_value(bytes[index + 2]))
        {
            out.push(high * 16 + low);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_ref_names_are_decoded() {
        assert_eq!(
            schema_ref_name("#/components/schemas/Contact").as_deref(),
            Some("Contact")
        );
        assert_eq!(
            schema_ref_name("#/components/schemas/a~1b").as_deref(),
            Some("a/b")
        );
        assert_eq!(
            schema_ref_name("#/components/schemas/Contact/properties/id"),
            None
        );
        assert_eq!(
            schema_ref_owner("#/components/schemas/Contact/properties/id").as_deref(),
            Some("Contact")
        );
        assert_eq!(schema_ref_name("#/components/parameters/X"), None);
    }

    #[test]
    fn references_resolve_or_say_why_not() {
        let spec =
            Spec::parse("openapi: 3.0.0\ncomponents:\n  schemas:\n    A:\n      type: string\n")
                .unwrap();
        assert!(spec.resolve("#/components/schemas/A").is_ok());
        assert_eq!(
            spec.resolve("#/components/schemas/B"),
            Err(RefError::Dangling("#/components/schemas/B".to_owned()))
        );
        assert_eq!(
            spec.resolve("other.yaml#/A"),
            Err(RefError::External("other.yaml#/A".to_owned()))
        );
    }

    #[test]
    fn swagger_two_is_refused_with_a_reason() {
        let error = Spec::parse("swagger: '2.0'\n").unwrap_err();
        assert!(error.contains("Swagger 2.0"), "{error}");
    }
}
