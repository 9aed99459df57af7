//! [`ApiRequestCounts`]: how many API requests the emulator received, by method, so a test can
//! tell that a run sent no write (no `POST`, `PATCH` or `DELETE`) without wrapping its client.

use std::sync::atomic::{AtomicU64, Ordering};

use http::Method;
use serde::Serialize;

/// API requests received (every request under `/v1/`, whatever the answer: refused by the rate
/// limit, faulted, or served), by method. Token requests and emulator-only routes are not
/// counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct ApiRequestCounts {
    /// `GET` requests (gets, listings, look-ups by external id).
    #[serde(rename = "GET")]
    pub get: u64,
    /// `POST` requests (creates, merges, capability queries).
    #[serde(rename = "POST")]
    pub post: u64,
    /// `PATCH` requests (updates).
    #[serde(rename = "PATCH")]
    pub patch: u64,
    /// `DELETE` requests.
    #[serde(rename = "DELETE")]
    pub delete: u64,
    /// Any other method.
    pub other: u64,
}

impl ApiRequestCounts {
    /// The requests that may change something: every method but `GET`.
    pub fn writes(&self) -> u64 {
        self.post + self.patch + self.delete + self.other
    }
}

/// The counters behind [`ApiRequestCounts`], updated without a lock.
#[derive(Debug, Default)]
pub(crate) struct RequestCounter {
    get: AtomicU64,
    post: AtomicU64,
    patch: AtomicU64,
    delete: AtomicU64,
    other: AtomicU64,
}

impl RequestCounter {
    /// Counts one request of `method`.
    pub(crate) fn count(&self, method: &Method) {
        let counter = match *method {
            Method::GET => &self.get,
            Method::POST => &self.post,
            Method::PATCH => &self.patch,
            Method::DELETE => &self.delete,
            _ => &self.other,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub(crate) fn counts(&self) -> ApiRequestCounts {
        ApiRequestCounts {
            get: self.get.load(Ordering::Relaxed),
            post: self.post.load(Ordering::Relaxed),
            patch: self.patch.load(Ordering::Relaxed),
            delete: self.delete.load(Ordering::Relaxed),
            other: self.other.load(Ordering::Relaxed),
        }
    }

    /// Back to zero.
    pub(crate) fn reset(&self) {
        for counter in [
            &self.get,
            &self.post,
            &self.patch,
            &self.delete,
            &self.other,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_has_its_count_and_writes_are_all_but_get() {
        let counter = RequestCounter::default();
        for method in [
            Method::GET,
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PATCH,
            Method::PATCH,
            Method::DELETE,
            Method::PUT,
        ] {
            counter.count(&method);
        }
        let counts = counter.counts();
        assert_eq!(
            counts,
            ApiRequestCounts {
                get: 2,
                post: 1,
                patch: 3,
                delete: 1,
                other: 1
            }
        );
        assert_eq!(counts.writes(), 6);
        assert_eq!(
            serde_json::to_value(counts).unwrap(),
            serde_json::json!({"GET": 2, "POST": 1, "PATCH": 3, "DELETE": 1, "other": 1})
        );
        counter.reset();
        assert_eq!(counter.counts(), ApiRequestCounts::default());
    }
}
