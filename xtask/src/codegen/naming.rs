//! Turning schema, property and enum value names into Rust identifiers.

use std::collections::BTreeSet;

/// Rust keywords that cannot be used as identifiers even as raw identifiers get a trailing `_`;
/// the others are written as raw identifiers (`r#type`).
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Type names the generated code itself uses unqualified; a schema with one of these names is
/// renamed with a `Schema` suffix so it cannot shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "BTreeMap",
    "Value",
    "Map",
    "Default",
    "Self",
    "UnrecognizedValue",
    "RawJson",
    "Infallible",
    "FromStr",
];

/// Splits a name into words at separators, lower-to-upper transitions and acronym ends
/// (`HTTPServer` gives `HTTP`, `Server`; `contact_id` gives `contact`, `id`).
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (index, &ch) in chars.iter().enumerate() {
        if !ch.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&previous) = current.chars().last().as_ref() {
            let next = chars.get(index + 1).copied();
            let boundary = (previous.is_ascii_lowercase() && ch.is_ascii_uppercase())
                || (previous.is_ascii_digit()
                    && ch.is_ascii_alphabetic()
                    && ch.is_ascii_uppercase())
                || (previous.is_ascii_uppercase()
                    && ch.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(ch);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `runtimeError` gives `RuntimeError`, `EN_US` gives `EnUs`, `1` gives `V1`, `` gives `Empty`.
pub(crate) fn pascal_case(name: &str) -> String {
    let joined: String = words(name).iter().map(|word| capitalize(word)).collect();
    if joined.is_empty() {
        "Empty".to_owned()
    } else if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{joined}")
    } else {
        usable(&joined)
    }
}

/// `displayName` gives `display_name`, `@type` gives `type`, `1st` gives `field_1st`.
pub(crate) fn snake_case(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|word| word.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if joined.is_empty() {
        "field".to_owned()
    } else if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("field_{joined}")
    } else {
        joined
    }
}

/// A type name for a schema key, steering clear of names the generated code relies on.
pub(crate) fn type_name(schema_key: &str) -> String {
    let name = pascal_case(schema_key);
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Schema")
    } else {
        name
    }
}

/// `name`, or `name_` when it is a keyword that cannot be a raw identifier (`self`, `Self`,
/// `super`, `crate`, `_`). Every name the generator prints goes through this.
pub(crate) fn usable(name: &str) -> String {
    if NON_RAW_KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// Whether `name` must be written `r#name`.
pub(crate) fn is_raw_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A field name that is a valid Rust identifier once `r#` is added where [`is_raw_keyword`].
pub(crate) fn field_name(json_name: &str) -> String {
    usable(&snake_case(json_name))
}

/// Hands out names unique within one namespace by appending a number on collision.
#[derive(Debug, Default)]
pub(crate) struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    pub(crate) fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Returns `wanted`, or `wanted2`, `wanted3`, ... if taken, and marks the result as taken.
    pub(crate) fn claim(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_owned();
        let mut counter = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{wanted}{counter}");
            counter += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_case_acronyms_and_separators() {
        assert_eq!(words("HTTPServer"), ["HTTP", "Server"]);
        assert_eq!(words("runtimeError"), ["runtime", "Error"]);
        assert_eq!(words("contact_id"), ["contact", "id"]);
        assert_eq!(words("x-ms-foo.bar"), ["x", "ms", "foo", "bar"]);
        assert_eq!(words("ContactID"), ["Contact", "ID"]);
    }

    #[test]
    fn pascal_case_handles_values_of_every_shape() {
        assert_eq!(pascal_case("EN_US"), "EnUs");
        assert_eq!(pascal_case("CHANNEL_UNSPECIFIED"), "ChannelUnspecified");
        assert_eq!(pascal_case("1"), "V1");
        assert_eq!(pascal_case(""), "Empty");
        assert_eq!(pascal_case("type.Recipient"), "TypeRecipient");
    }

    #[test]
    fn field_names_avoid_keywords_that_cannot_be_raw() {
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("type"), "type");
        assert!(is_raw_keyword("type"));
        assert_eq!(field_name("@type"), "type");
        assert_eq!(field_name("2fa"), "field_2fa");
    }

    #[test]
    fn keywords_that_cannot_be_raw_get_a_suffix_everywhere() {
        assert_eq!(pascal_case("self"), "Self_");
        assert_eq!(usable("crate"), "crate_");
        assert_eq!(usable("contact"), "contact");
    }

    #[test]
    fn reserved_type_names_get_a_suffix() {
        assert_eq!(type_name("Value"), "ValueSchema");
        assert_eq!(type_name("result"), "ResultSchema");
        assert_eq!(type_name("Contact"), "Contact");
    }

    #[test]
    fn unique_names_number_collisions() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("A"), "A");
        assert_eq!(names.claim("A"), "A2");
        assert_eq!(names.claim("A"), "A3");
    }
}
