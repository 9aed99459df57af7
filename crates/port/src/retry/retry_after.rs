//! Reading the `Retry-After` response header.

use std::time::Duration;

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// The delay asked for by a `Retry-After` header given in whole seconds.
///
/// The HTTP-date form is not interpreted (it would need the wall clock); such
/// a header is ignored and the policy's back-off applies instead.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, value.parse().unwrap());
        map
    }

    #[test]
    fn seconds_are_read() {
        assert_eq!(
            parse_retry_after(&headers(" 12 ")),
            Some(Duration::from_secs(12))
        );
        assert_eq!(parse_retry_after(&headers("0")), Some(Duration::ZERO));
    }

    #[test]
    fn dates_negative_and_garbage_are_ignored() {
        assert_eq!(
            parse_retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(&headers("-3")), None);
        assert_eq!(parse_retry_after(&headers("soon")), None);
        assert_eq!(parse_retry_after(&HeaderMap::new()), None);
    }
}
