//! The fault run's seed: from `SINCH_E2E_SEED` to replay a run, else drawn at random.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;

/// The variable that fixes the fault run's seed.
pub const SEED_VARIABLE: &str = "SINCH_E2E_SEED";

/// Where a run's seed came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedSource {
    /// Read from [`SEED_VARIABLE`].
    Environment,
    /// Drawn at random for this run.
    Random,
}

/// `SINCH_E2E_SEED` is set but is not an unsigned 64-bit integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    value: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SEED_VARIABLE}=`{}` is not an unsigned 64-bit integer (e.g. {SEED_VARIABLE}=42)",
            self.value
        )
    }
}

impl std::error::Error for SeedError {}

/// The seed given by `lookup(SEED_VARIABLE)` (decimal, surrounding spaces ignored), or a random
/// one when it is absent or empty.
///
/// # Errors
///
/// [`SeedError`] when the variable is set to something that is not a `u64`.
///
/// ```
/// use sinch_contacts_e2e::seed::{SeedSource, seed_from};
///
/// assert_eq!(seed_from(|_| Some(" 42 ".to_owned())).unwrap(), (42, SeedSource::Environment));
/// assert_eq!(seed_from(|_| None).unwrap().1, SeedSource::Random);
/// assert!(seed_from(|_| Some("forty-two".to_owned())).is_err());
/// ```
pub fn seed_from(lookup: impl Fn(&str) -> Option<String>) -> Result<(u64, SeedSource), SeedError> {
    match lookup(SEED_VARIABLE) {
        Some(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .map(|seed| (seed, SeedSource::Environment))
            .map_err(|_| SeedError { value }),
        _ => Ok((
            RandomState::new().hash_one(std::time::SystemTime::now()),
            SeedSource::Random,
        )),
    }
}

/// [`seed_from`] the process environment.
///
/// # Errors
///
/// [`SeedError`] when `SINCH_E2E_SEED` is not a `u64`.
pub fn seed_from_env() -> Result<(u64, SeedSource), SeedError> {
    seed_from(|name| std::env::var(name).ok())
}
