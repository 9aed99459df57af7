//! Fault injection: a share of 503s, of 429s with `Retry-After`, of connections dropped before or
//! after the request is applied, and added latency, drawn from a seeded generator so that the
//! same seed and the same requests give the same faults.
//!
//! ```
//! use sinch_contacts_emulator::FaultSpec;
//!
//! let spec: FaultSpec = "5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01,latency=5ms".parse()?;
//! assert_eq!(spec.server_error, 0.10);
//! assert_eq!(spec.to_string(), "5xx=0.1,429=0.05,drop-before=0.01,drop-after=0.01,latency=5ms");
//! assert!("5xx=2".parse::<FaultSpec>().is_err());
//! # Ok::<(), sinch_contacts_emulator::FaultSpecError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;

use crate::rng::SplitMix64;

/// Which faults to inject, as shares of the API requests (each in `0..=1`, summing to at most 1)
/// plus a latency added to every API request. Faults apply to `/v1/` routes only: never to the
/// token endpoint nor to `/_emulator/` routes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultSpec {
    /// Share answered `503 UNAVAILABLE` without being applied (`5xx=`).
    pub server_error: f64,
    /// Share answered `429 RESOURCE_EXHAUSTED` with `Retry-After: 0` or `1`, not applied (`429=`).
    pub too_many_requests: f64,
    /// Share whose connection is dropped before the request is applied (`drop-before=`).
    pub drop_before: f64,
    /// Share applied, then dropped before the answer is sent (`drop-after=`).
    pub drop_after: f64,
    /// Latency added to every API request (`latency=`, in `ms` or `s`).
    pub latency: Duration,
}

impl FaultSpec {
    /// No faults at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether this injects nothing.
    pub fn is_none(&self) -> bool {
        self.total_share() == 0.0 && self.latency.is_zero()
    }

    fn total_share(&self) -> f64 {
        self.server_error + self.too_many_requests + self.drop_before + self.drop_after
    }

    fn shares(&self) -> [(&'static str, f64); 4] {
        [
            ("5xx", self.server_error),
            ("429", self.too_many_requests),
            ("drop-before", self.drop_before),
            ("drop-after", self.drop_after),
        ]
    }

    /// Checks every share is in `0..=1` and that they sum to at most 1.
    ///
    /// # Errors
    ///
    /// [`FaultSpecError`] naming the first bad share.
    pub fn validate(&self) -> Result<(), FaultSpecError> {
        for (name, share) in self.shares() {
            if !(0.0..=1.0).contains(&share) {
                return Err(FaultSpecError::new(format!(
                    "`{name}`: share {share} is outside 0..=1"
                )));
            }
        }
        if self.total_share() > 1.0 + 1e-9 {
            return Err(FaultSpecError::new(format!(
                "the shares sum to {}, more than 1",
                self.total_share()
            )));
        }
        Ok(())
    }
}

impl fmt::Display for FaultSpec {
    /// The text form read by [`FromStr`]: only non-zero entries, `none` when there are none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .shares()
            .into_iter()
            .filter(|(_, share)| *share != 0.0)
            .map(|(name, share)| format!("{name}={share}"))
            .collect();
        if !self.latency.is_zero() {
            parts.push(format!("latency={}", format_duration(self.latency)));
        }
        if parts.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

fn format_duration(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{}us", duration.as_micros())
    }
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    /// Reads `key=value` pairs separated by commas: `5xx`, `429`, `drop-before`, `drop-after`
    /// (shares in `0..=1`) and `latency` (`250ms`, `1s`, `500us`). An empty text or `none` means
    /// no faults. Unknown keys, repeated keys and bad values are errors.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let mut spec = Self::none();
        if text.is_empty() || text == "none" {
            return Ok(spec);
        }
        let mut seen: Vec<&str> = Vec::new();
        for entry in text.split(',').map(str::trim) {
            let (key, value) = entry
                .split_once('=')
                .ok_or_else(|| FaultSpecError::new(format!("`{entry}`: expected key=value")))?;
            let (key, value) = (key.trim(), value.trim());
            if seen.contains(&key) {
                return Err(FaultSpecError::new(format!("`{key}` is given twice")));
            }
            seen.push(key);
            match key {
                "5xx" => spec.server_error = parse_share(key, value)?,
                "429" => spec.too_many_requests = parse_share(key, value)?,
                "drop-before" => spec.drop_before = parse_share(key, value)?,
                "drop-after" => spec.drop_after = parse_share(key, value)?,
                "latency" => spec.latency = parse_duration(value)?,
                _ => {
                    return Err(FaultSpecError::new(format!(
                        "unknown fault `{key}` (expected 5xx, 429, drop-before, drop-after or latency)"
                    )));
                }
            }
        }
        spec.validate()?;
        Ok(spec)
    }
}

fn parse_share(key: &str, value: &str) -> Result<f64, FaultSpecError> {
    let share: f64 = value
        .parse()
        .map_err(|_| FaultSpecError::new(format!("`{key}`: `{value}` is not a number")))?;
    if share.is_finite() && (0.0..=1.0).contains(&share) {
        Ok(share)
    } else {
        Err(FaultSpecError::new(format!(
            "`{key}`: share {value} is outside 0..=1"
        )))
    }
}

fn parse_duration(value: &str) -> Result<Duration, FaultSpecError> {
    let bad = || {
        FaultSpecError::new(format!(
            "`latency`: `{value}` is not a duration such as 5ms, 1s or 500us"
        ))
    };
    let split = value
        .find(|character: char| !character.is_ascii_digit())
        .ok_or_else(bad)?;
    let (number, unit) = value.split_at(split);
    let amount: u64 = number.parse().map_err(|_| bad())?;
    match unit {
        "us" => Ok(Duration::from_micros(amount)),
        "ms" => Ok(Duration::from_millis(amount)),
        "s" => Ok(Duration::from_secs(amount)),
        _ => Err(bad()),
    }
}

/// A fault text that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpecError {
    message: String,
}

impl FaultSpecError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid fault spec: {}", self.message)
    }
}

impl std::error::Error for FaultSpecError {}

/// The fault drawn for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answered 503, not applied.
    ServerError,
    /// Answered 429 with `Retry-After` of this many seconds, not applied.
    TooManyRequests {
        /// The `Retry-After` seconds sent (0 or 1).
        retry_after: u8,
    },
    /// Connection dropped before the request was applied.
    DropBefore,
    /// Request applied, connection dropped before the answer.
    DropAfter,
}

/// How many faults of each kind were applied since the emulator was built or reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct FaultCounts {
    /// 503 answers.
    pub server_error: u64,
    /// 429 answers.
    pub too_many_requests: u64,
    /// Connections dropped before applying.
    pub drop_before: u64,
    /// Connections dropped after applying.
    pub drop_after: u64,
    /// Requests delayed by the configured latency.
    pub delayed: u64,
}

impl FaultCounts {
    /// All faults that changed an answer (latency not counted).
    pub fn total(&self) -> u64 {
        self.server_error + self.too_many_requests + self.drop_before + self.drop_after
    }
}

/// Draws faults from a seeded generator and counts them.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    spec: FaultSpec,
    seed: u64,
    rng: SplitMix64,
    counts: FaultCounts,
}

impl FaultInjector {
    pub(crate) fn new(spec: FaultSpec, seed: u64) -> Self {
        Self {
            spec,
            seed,
            rng: SplitMix64::new(seed),
            counts: FaultCounts::default(),
        }
    }

    pub(crate) fn spec(&self) -> FaultSpec {
        self.spec
    }

    pub(crate) fn counts(&self) -> FaultCounts {
        self.counts
    }

    /// Replaces the spec and restarts the sequence from the seed, so a spec set at run time
    /// gives the same faults as the same spec set at build time.
    pub(crate) fn set_spec(&mut self, spec: FaultSpec) {
        self.spec = spec;
        self.rng = SplitMix64::new(self.seed);
    }

    /// Back to the seed's start with zero counts.
    pub(crate) fn reset(&mut self) {
        self.rng = SplitMix64::new(self.seed);
        self.counts = FaultCounts::default();
    }

    /// The fault for the next API request (one draw per request, plus one for `Retry-After`
    /// when the fault is a 429) and the latency to add.
    pub(crate) fn draw(&mut self) -> (Option<FaultKind>, Duration) {
        let latency = self.spec.latency;
        if !latency.is_zero() {
            self.counts.delayed += 1;
        }
        if self.spec.total_share() == 0.0 {
            return (None, latency);
        }
        let draw = self.rng.next_unit();
        let bands = [
            (self.spec.drop_before, FaultKind::DropBefore),
            (self.spec.server_error, FaultKind::ServerError),
            (
                self.spec.too_many_requests,
                FaultKind::TooManyRequests { retry_after: 0 },
            ),
            (self.spec.drop_after, FaultKind::DropAfter),
        ];
        let mut upper = 0.0;
        let mut fault = None;
        for (share, kind) in bands {
            upper += share;
            if draw < upper {
                fault = Some(kind);
                break;
            }
        }
        let fault = fault.map(|kind| match kind {
            FaultKind::DropBefore => {
                self.counts.drop_before += 1;
                kind
            }
            FaultKind::ServerError => {
                self.counts.server_error += 1;
                kind
            }
            FaultKind::TooManyRequests { .. } => {
                self.counts.too_many_requests += 1;
                FaultKind::TooManyRequests {
                    retry_after: u8::from(self.rng.next_u64() & 1 == 1),
                }
            }
            FaultKind::DropAfter => {
                self.counts.drop_after += 1;
                kind
            }
        });
        (fault, latency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for text in [
            "none",
            "5xx=0.25",
            "429=0.5,latency=1s",
            "drop-after=1",
            "latency=250us",
        ] {
            let spec: FaultSpec = text.parse().unwrap();
            assert_eq!(spec.to_string(), text);
        }
    }

    #[test]
    fn bad_texts_say_what_is_wrong() {
        let error = |text: &str| text.parse::<FaultSpec>().unwrap_err().to_string();
        assert!(error("5xx").contains("expected key=value"));
        assert!(error("teapot=0.1").contains("unknown fault `teapot`"));
        assert!(error("5xx=-0.1").contains("outside 0..=1"));
        assert!(error("5xx=0.6,429=0.6").contains("more than 1"));
        assert!(error("latency=5 minutes").contains("latency"));
        assert!(error("5xx=0.1,5xx=0.2").contains("twice"));
    }

    #[test]
    fn share_one_always_faults_and_counts() {
        let mut injector = FaultInjector::new("5xx=1".parse().unwrap(), 3);
        for _ in 0..10 {
            assert_eq!(injector.draw().0, Some(FaultKind::ServerError));
        }
        assert_eq!(injector.counts().server_error, 10);
    }
}
