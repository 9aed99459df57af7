//! Percent-encoding of path segments and query strings.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 unreserved characters is encoded in a path
/// segment, so an id can never add a `/`, a `:verb` suffix or a query.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// In query values `,` is left as is so `update_mask=a,b` stays readable
/// (the list separator the API expects); `+`, `&`, `=`, `%`, space and the
/// rest are encoded.
const QUERY_VALUE: &AsciiSet = &SEGMENT.remove(b',');

/// Percent-encodes one path segment.
pub(crate) fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Builds `?name=value&...` from pairs, encoding every value.
#[derive(Debug, Default)]
pub(crate) struct QueryString {
    text: String,
}

impl QueryString {
    /// Appends `name=value`; `name` must be a plain ASCII identifier.
    pub(crate) fn push(&mut self, name: &str, value: &str) -> &mut Self {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        self.text.push_str(name);
        self.text.push('=');
        self.text.extend(utf8_percent_encode(value, QUERY_VALUE));
        self
    }

    /// A query string from unencoded pairs, in order.
    pub(crate) fn from_pairs(pairs: &[(&str, String)]) -> Self {
        let mut query = Self::default();
        for (name, value) in pairs {
            query.push(name, value);
        }
        query
    }

    /// The query string, starting with `?`, or empty.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_escape() {
        assert_eq!(encode_segment("abc-._~09"), "abc-._~09");
        assert_eq!(encode_segment("a/b:merge?x#y"), "a%2Fb%3Amerge%3Fx%23y");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    #[test]
    fn query_values_survive() {
        let query = QueryString::from_pairs(&[
            ("identity", "+46 70&x=1%".to_owned()),
            ("update_mask", "display_name,metadata".to_owned()),
        ]);
        assert_eq!(
            query.as_str(),
            "?identity=%2B46%2070%26x%3D1%25&update_mask=display_name,metadata"
        );
    }
}
