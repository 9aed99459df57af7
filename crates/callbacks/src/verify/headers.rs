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
impl HeaderSource for http::HeaderMap {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.get_all(name)
            .into_iter()
            .map(http::HeaderValue::as_bytes)
    }
}
