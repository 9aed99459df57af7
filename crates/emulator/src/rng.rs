//! A small seeded random number generator (SplitMix64): the same seed gives the same sequence,
//! which is what makes fault injection and generated ids reproducible.

/// SplitMix64 (Steele, Lea and Flood), enough for fault draws and id entropy; not for secrets.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number uniformly drawn from `[0, 1)`, with 53 bits of precision.
    pub(crate) fn next_unit(&mut self) -> f64 {
        // The top 53 bits fit an f64 mantissa exactly.
        #[allow(clippy::cast_precision_loss)]
        let numerator = (self.next_u64() >> 11) as f64;
        numerator / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_first_values_of_seed_zero() {
        // Reference values of SplitMix64 from seed 0 (as published with the algorithm).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn unit_draws_stay_below_one() {
        let mut rng = SplitMix64::new(7);
        assert!(
            (0..10_000)
                .map(|_| rng.next_unit())
                .all(|x| (0.0..1.0).contains(&x))
        );
    }
}
