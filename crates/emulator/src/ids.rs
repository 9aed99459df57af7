//! ULID-like identifiers: 26 Crockford base-32 characters, 48 bits of milliseconds followed by
//! 80 bits that count up within a millisecond, so ids sort in the order they were issued
//! (monotonic even when the clock stands still or steps back).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::rng::SplitMix64;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_MASK: u128 = (1u128 << 80) - 1;

/// Issues increasing ULID-like ids.
#[derive(Debug)]
pub(crate) struct IdGenerator {
    rng: SplitMix64,
    last: u128,
}

impl IdGenerator {
    /// A generator whose random part is drawn from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::new(seed),
            last: 0,
        }
    }

    /// The next id: greater than every id issued before.
    pub(crate) fn next_id(&mut self) -> String {
        let millis = u128::from(now_millis()) & ((1u128 << 48) - 1);
        let random = ((u128::from(self.rng.next_u64()) << 16)
            | u128::from(self.rng.next_u64() >> 48))
            & RANDOM_MASK;
        // Keep a little headroom so counting up within one millisecond never overflows.
        let candidate = (millis << 80) | (random >> 1);
        self.last = if candidate > self.last {
            candidate
        } else {
            self.last + 1
        };
        encode(self.last)
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// 128 bits as 26 Crockford base-32 characters (the first carries only 3 bits).
fn encode(value: u128) -> String {
    (0..26)
        .rev()
        .map(|index| ALPHABET[((value >> (index * 5)) & 0x1F) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_26_crockford_characters_and_strictly_increasing() {
        let mut ids = IdGenerator::new(1);
        let issued: Vec<String> = (0..1000).map(|_| ids.next_id()).collect();
        for id in &issued {
            assert_eq!(id.len(), 26);
            assert!(id.bytes().all(|byte| ALPHABET.contains(&byte)), "{id}");
        }
        assert!(issued.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn encoding_matches_a_hand_worked_value() {
        // 32 is "10" in base 32; the other 24 leading characters are zeros.
        assert_eq!(encode(32), format!("{}10", "0".repeat(24)));
        assert_eq!(encode(u128::MAX), format!("7{}", "Z".repeat(25)));
    }
}
