//! Issued bearer tokens and when each expires.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::rng::SplitMix64;

/// Issued bearer tokens and when each expires.
#[derive(Debug)]
pub(crate) struct Tokens {
    expiry: HashMap<String, Instant>,
    rng: SplitMix64,
    issued: u64,
}

impl Tokens {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            expiry: HashMap::new(),
            rng: SplitMix64::new(seed ^ 0x746F_6B65_6E73),
            issued: 0,
        }
    }

    /// Forgets every token.
    pub(crate) fn clear(&mut self) {
        self.expiry.clear();
    }

    /// Makes every issued token expired from now on.
    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for expiry in self.expiry.values_mut() {
            *expiry = now;
        }
    }

    /// How many tokens were issued since the emulator was built.
    pub(crate) fn issued(&self) -> u64 {
        self.issued
    }

    /// A new token valid for `lifetime`.
    pub(crate) fn issue(&mut self, lifetime: Duration) -> String {
        let token = format!(
            "emu-{:016x}{:016x}",
            self.rng.next_u64(),
            self.rng.next_u64()
        );
        // A lifetime too long to represent never expires in practice: a century.
        let now = Instant::now();
        let expiry = now
            .checked_add(lifetime)
            .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
            .unwrap_or(now);
        self.expiry.insert(token.clone(), expiry);
        self.issued += 1;
        // Drop tokens that expired long ago so the map does not grow without bound.
        let now = Instant::now();
        self.expiry
            .retain(|_, expiry| now.saturating_duration_since(*expiry) < Duration::from_secs(3600));
        token
    }

    /// When `token` expires; `None` for a token never issued (or forgotten).
    pub(crate) fn expiry_of(&self, token: &str) -> Option<Instant> {
        self.expiry.get(token).copied()
    }
}
