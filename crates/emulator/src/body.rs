//! Reading request bodies and query strings, with errors that name the field (the API and the
//! emulator-only routes read them alike).

use bytes::Bytes;
use http::Request;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::failure::Failure;

/// The body as `T`; a 400 naming the member that does not fit (or `body` when it is not JSON).
pub(crate) fn json<T: DeserializeOwned>(request: &Request<Bytes>) -> Result<T, Failure> {
    let mut deserializer = serde_json::Deserializer::from_slice(request.body());
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        let field = match missing_field(&message) {
            Some(missing) if path == "." || path == "?" => missing.to_owned(),
            Some(missing) => format!("{path}.{missing}"),
            None if path == "." || path == "?" => "body".to_owned(),
            None => path,
        };
        Failure::invalid(field, message)
    })
}

/// The body as a JSON object.
pub(crate) fn json_object(request: &Request<Bytes>) -> Result<Map<String, Value>, Failure> {
    match json::<Value>(request)? {
        Value::Object(map) => Ok(map),
        _ => Err(Failure::invalid("body", "expected a JSON object")),
    }
}

/// The member a serde "missing field" message names.
pub(crate) fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The decoded query parameters, in order (repeated names kept).
pub(crate) fn query_pairs(request: &Request<Bytes>) -> Vec<(String, String)> {
    request
        .uri()
        .query()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The last value of the parameter `name`.
pub(crate) fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `page_size` as a number; 400 when it is not one.
pub(crate) fn page_size(pairs: &[(String, String)]) -> Result<Option<u32>, Failure> {
    match query_value(pairs, "page_size").filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse::<u32>()
            .map(Some)
            .map_err(|_| Failure::invalid("page_size", format!("`{text}` is not a whole number"))),
    }
}
