//! [`TokenCache`]: one cached bearer token, refreshed by one caller at a time.
//!
//! Single flight: a caller that finds no fresh token takes an async mutex
//! (from `futures-util`, so no runtime is required) and checks again before
//! fetching; callers that queued behind it find the fresh token and return
//! without a request of their own.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::HeaderValue;

use super::token::IssuedToken;
use crate::error::Error;

struct Cached {
    header: HeaderValue,
    refresh_at: Instant,
}

/// A shared, lazily refreshed bearer token.
pub(crate) struct TokenCache {
    current: Mutex<Option<Cached>>,
    refresh_gate: futures_util::lock::Mutex<()>,
    refresh_margin: Duration,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.lock().is_some();
        f.debug_struct("TokenCache")
            .field("has_token", &cached)
            .field("refresh_margin", &self.refresh_margin)
            .finish()
    }
}

impl TokenCache {
    pub(crate) fn new(refresh_margin: Duration) -> Self {
        Self {
            current: Mutex::new(None),
            refresh_gate: futures_util::lock::Mutex::new(()),
            refresh_margin,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        // A panic while holding this lock cannot leave the value half
        // written, so a poisoned lock is still usable.
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fresh(&self, now: Instant) -> Option<HeaderValue> {
        self.lock()
            .as_ref()
            .filter(|cached| now < cached.refresh_at)
            .map(|cached| cached.header.clone())
    }

    /// The cached token if still fresh at `now()`, else one obtained from
    /// `fetch`, called by at most one caller at a time.
    pub(crate) async fn get<F, Fut>(
        &self,
        now: impl Fn() -> Instant,
        fetch: F,
    ) -> Result<HeaderValue, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<IssuedToken, Error>>,
    {
        if let Some(header) = self.fresh(now()) {
            return Ok(header);
        }
        let _gate = self.refresh_gate.lock().await;
        if let Some(header) = self.fresh(now()) {
            return Ok(header);
        }
        // Lifetime counts from the request, not the answer: conservative.
        let requested_at = now();
        let issued = fetch().await?;
        // A token whose refresh time cannot be represented is used for this
        // call only, never cached.
        if let Some(refresh_at) = refresh_time(requested_at, issued.expires_in, self.refresh_margin)
        {
            *self.lock() = Some(Cached {
                header: issued.header.clone(),
                refresh_at,
            });
        }
        Ok(issued.header)
    }

    /// Drops the cached token if it is still `used` (another caller may
    /// already have replaced it).
    pub(crate) fn invalidate(&self, used: &HeaderValue) {
        let mut current = self.lock();
        if current.as_ref().is_some_and(|cached| cached.header == used) {
            *current = None;
        }
    }
}

/// When a token obtained at `requested_at` and living `lifetime` is replaced:
/// `margin` before it expires, or at half its life when it lives less than
/// twice the margin. `None` when the instant cannot be represented; nothing
/// here can overflow or panic whatever the server sent.
fn refresh_time(requested_at: Instant, lifetime: Duration, margin: Duration) -> Option<Instant> {
    let margin = if lifetime >= margin.saturating_mul(2) {
        margin
    } else {
        lifetime / 2
    };
    requested_at.checked_add(lifetime.saturating_sub(margin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_is_a_margin_before_expiry_or_at_half_life() {
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        assert_eq!(
            refresh_time(start, Duration::from_secs(3600), minute),
            Some(start + Duration::from_secs(3540))
        );
        assert_eq!(
            refresh_time(start, Duration::from_secs(100), minute),
            Some(start + Duration::from_secs(50))
        );
    }

    #[test]
    fn extreme_values_never_panic() {
        let start = Instant::now();
        assert_eq!(refresh_time(start, Duration::MAX, Duration::ZERO), None);
        assert_eq!(
            refresh_time(start, Duration::from_secs(10), Duration::MAX),
            Some(start + Duration::from_secs(5))
        );
        assert!(refresh_time(start, Duration::MAX, Duration::MAX).is_some());
    }
}
