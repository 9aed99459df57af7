//! Where signature headers come from: [`HeaderSource`], implemented for plain pairs, maps and
//! (with the `http` feature) `http::HeaderMap`.

use std::collections::{BTreeMap, HashMap};

use crate::verify::ascii_case::equal_ignoring_ascii_case;

/// The four signature headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureHeader {
    /// `x-sinch-webhook-signature`: Base64 HMAC-SHA256.
    Signature,
    /// `x-sinch-webhook-signature-nonce`: a random string.
    Nonce,
    /// `x-sinch-webhook-signature-timestamp`: Unix seconds.
    Timestamp,
    /// `x-sinch-webhook-signature-algorithm`: `HmacSHA256`.
    Algorithm,
}

impl SignatureHeader {
    /// The header name, lower case.
    pub fn name(self) -> &'static str {
        match self {
            Self::Signature => "x-sinch-webhook-signature",
            Self::Nonce => "x-sinch-webhook-signature-nonce",
            Self::Timestamp => "x-sinch-webhook-signature-timestamp",
            Self::Algorithm => "x-sinch-webhook-signature-algorithm",
        }
    }
}

impl std::fmt::Display for SignatureHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Request headers, looked up by name without regard to ASCII case.
///
/// Implemented for slices, arrays and `Vec`s of `(name, value)` pairs, for `HashMap` and
/// `BTreeMap` (names as keys), for references to any of these and, with the `http` feature,
/// for `http::HeaderMap`. Implement it for another header type with one method.
///
/// ```
/// use sinch_contacts_callbacks::HeaderSource;
///
/// let headers = [("X-Sinch-Webhook-Signature-Nonce", "n1")];
/// let values: Vec<&[u8]> = headers.header_values("x-sinch-webhook-signature-nonce").collect();
/// assert_eq!(values, [b"n1".as_slice()]);
/// ```
pub trait HeaderSource {
    /// Every value of the header `name` (given in lower case), in order.
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a;
}

impl<T: HeaderSource + ?Sized> HeaderSource for &T {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        (**self).header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(K, V)] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(key, _)| {
                equal_ignoring_ascii_case(key.as_ref().as_bytes(), name.as_bytes())
            })
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> HeaderSource for [(K, V); N] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.as_slice().header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for Vec<(K, V)> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.as_slice().header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S> HeaderSource for HashMap<K, V, S> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(key, _)| {
                equal_ignoring_ascii_case(key.as_ref().as_bytes(), name.as_bytes())
            })
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for BTreeMap<K, V> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(key, _)| {
                equal_ignoring_ascii_case(key.as_ref().as_bytes(), name.as_bytes())
            })
            .map(|(_, value)| value.as_ref())
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl HeaderSource for http::HeaderMap {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        // The signature headers' names are built once: looking up by `&str` parses and
        // validates the name on every call, which cost about 25 ns per header (a third of
        // verify's cost beside the HMAC, with a `HeaderMap`).
        static SIGNATURE_HEADER_NAMES: [http::HeaderName; 4] = [
            http::HeaderName::from_static("x-sinch-webhook-signature"),
            http::HeaderName::from_static("x-sinch-webhook-signature-nonce"),
            http::HeaderName::from_static("x-sinch-webhook-signature-timestamp"),
            http::HeaderName::from_static("x-sinch-webhook-signature-algorithm"),
        ];
        match SIGNATURE_HEADER_NAMES
            .iter()
            .find(|known| known.as_str() == name)
        {
            Some(known) => self.get_all(known),
            None => self.get_all(name),
        }
        .into_iter()
        .map(http::HeaderValue::as_bytes)
    }
}

#[cfg(all(test, feature = "http"))]
mod tests {
    use super::*;

    #[test]
    fn header_map_lookups_agree_with_the_map_s_own() {
        let mut map = http::HeaderMap::new();
        map.append("X-Sinch-Webhook-Signature", "sig".parse().unwrap());
        map.append("x-sinch-webhook-signature-nonce", "n1".parse().unwrap());
        map.append("x-sinch-webhook-signature-nonce", "n2".parse().unwrap());
        map.append("content-type", "application/json".parse().unwrap());
        let mut names: Vec<String> = [
            SignatureHeader::Signature,
            SignatureHeader::Nonce,
            SignatureHeader::Timestamp,
            SignatureHeader::Algorithm,
        ]
        .iter()
        .map(|header| header.name().to_owned())
        .collect();
        names.extend(
            [
                "X-SINCH-WEBHOOK-SIGNATURE",
                "x-sinch-webhook-signature-nonce",
                "content-type",
                "absent",
                "not a header name",
            ]
            .map(str::to_owned),
        );
        for name in &names {
            let ours: Vec<&[u8]> = map.header_values(name).collect();
            let theirs: Vec<&[u8]> = map
                .get_all(name.as_str())
                .iter()
                .map(http::HeaderValue::as_bytes)
                .collect();
            assert_eq!(ours, theirs, "{name}");
        }
        assert_eq!(
            map.header_values(SignatureHeader::Nonce.name())
                .collect::<Vec<_>>(),
            [b"n1".as_slice(), b"n2"]
        );
        assert_eq!(
            map.header_values(SignatureHeader::Timestamp.name()).count(),
            0
        );
    }
}
