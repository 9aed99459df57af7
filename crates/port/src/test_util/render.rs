//! Rendering requests as stable text for snapshots, credentials redacted.

use http::header::AUTHORIZATION;

use crate::transport::HttpRequest;

/// Renders method, path and query, headers (sorted, credentials replaced by
/// their scheme and `[REDACTED]`) and the body (pretty-printed when JSON).
///
/// ```
/// use sinch_contacts_port::test_util::render_request;
///
/// let request = http::Request::builder()
///     .method("GET")
///     .uri("https://eu.conversation.api.sinch.com/v1/projects/p/contacts?page_size=2")
///     .header("authorization", "Basic c2VjcmV0")
///     .body(bytes::Bytes::new())
///     .unwrap();
/// let text = render_request(&request);
/// assert!(text.starts_with("GET https://eu.conversation.api.sinch.com/v1/projects/p/contacts?page_size=2"));
/// assert!(text.contains("authorization: Basic [REDACTED]"));
/// assert!(!text.contains("c2VjcmV0"));
/// ```
pub fn render_request(request: &HttpRequest) -> String {
    let mut text = format!("{} {}\n", request.method(), request.uri());
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let shown = if name == AUTHORIZATION || value.is_sensitive() {
                let scheme = value
                    .to_str()
                    .ok()
                    .and_then(|text| text.split_whitespace().next())
                    .unwrap_or("");
                format!("{scheme} [REDACTED]").trim_start().to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), shown)
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text.push_str(&render_response_body(request.body()));
    text
}

/// A body as text: pretty-printed JSON, or the raw text, or `<empty>`.
pub fn render_response_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "<empty>\n".to_owned();
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => {
            let mut pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
            pretty.push('\n');
            pretty
        }
        Err(_) => format!("{}\n", String::from_utf8_lossy(body)),
    }
}
