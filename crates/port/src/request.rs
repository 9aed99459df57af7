//! Assembling JSON requests; pure.

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use serde::Serialize;

use crate::error::{BuildError, Error};
use crate::transport::HttpRequest;

/// The `user-agent` sent with every request.
pub const USER_AGENT_VALUE: &str = concat!("sinch-contacts-rs/", env!("CARGO_PKG_VERSION"));

/// Serializes `body` to JSON bytes.
pub(crate) fn json_body<T: Serialize + ?Sized>(body: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|error| BuildError::new("the JSON body", error).into())
}

/// A request to `url` with JSON `accept`, `user-agent` and, when there is a
/// body, JSON `content-type`. No credentials: the client adds them.
pub(crate) fn json_request(
    method: Method,
    url: String,
    body: Option<Bytes>,
) -> Result<HttpRequest, Error> {
    let mut builder = http::Request::builder()
        .method(method)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    if body.is_some() {
        builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    builder
        .uri(url.as_str())
        .body(body.unwrap_or_default())
        .map_err(|error| BuildError::new(format!("URL {url:?}"), error).into())
}

/// A copy of `request` for another attempt (`http::Request` is not `Clone`
/// because of its extensions, which are not carried over).
pub(crate) fn copy_request(request: &HttpRequest) -> HttpRequest {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unusable_url_is_a_build_error() {
        let Err(Error::Build(error)) = json_request(Method::GET, "http://a b/".to_owned(), None)
        else {
            panic!("expected a build error");
        };
        assert_eq!(error.what(), "URL \"http://a b/\"");
        assert_eq!(
            error.to_string(),
            "could not build the request: URL \"http://a b/\""
        );
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn copies_keep_everything_but_extensions() {
        let mut original = json_request(
            Method::POST,
            "https://h/p?q=1".to_owned(),
            Some(Bytes::from_static(b"{}")),
        )
        .unwrap();
        original.extensions_mut().insert(5_u8);
        let copy = copy_request(&original);
        assert_eq!(copy.method(), original.method());
        assert_eq!(copy.uri(), original.uri());
        assert_eq!(copy.headers(), original.headers());
        assert_eq!(copy.body(), original.body());
        assert!(copy.extensions().get::<u8>().is_none());
    }
}
