//! Bookkeeping of the members a struct reader has read, so that a member named twice (or a
//! field given under two of its names) ends the single pass.

use crate::fast::cursor::{Fast, GiveUp};

/// The members of one struct read so far, one bit each (at most 64 members).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Seen(u64);

impl Seen {
    /// Marks member `index` read; gives up when it was already.
    #[inline(always)]
    pub(crate) fn first(&mut self, index: u32) -> Fast<()> {
        let bit = 1 << index;
        if self.0 & bit != 0 {
            return Err(GiveUp);
        }
        self.0 |= bit;
        Ok(())
    }

    /// Whether every member of `indices` was read.
    #[inline(always)]
    pub(crate) fn all(self, indices: &[u32]) -> bool {
        indices.iter().all(|index| self.0 & (1 << index) != 0)
    }
}

/// Sets `slot` once; a second time gives up (the member was named twice).
#[inline(always)]
pub(crate) fn set_once<T>(slot: &mut Option<T>, value: T) -> Fast<()> {
    if slot.is_some() {
        return Err(GiveUp);
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Seen, set_once};
    use crate::fast::cursor::GiveUp;

    #[test]
    fn a_member_counts_once() {
        let mut seen = Seen::default();
        assert_eq!(seen.first(0), Ok(()));
        assert_eq!(seen.first(63), Ok(()));
        assert_eq!(seen.first(0), Err(GiveUp));
        assert_eq!(seen.first(63), Err(GiveUp));
        assert!(seen.all(&[0, 63]));
        assert!(!seen.all(&[0, 1]));
        let mut slot = None;
        assert_eq!(set_once(&mut slot, 1), Ok(()));
        assert_eq!(set_once(&mut slot, 2), Err(GiveUp));
        assert_eq!(slot, Some(1));
    }
}
