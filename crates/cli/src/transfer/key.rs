//! External ids as 64-bit keys: what an import keeps in memory of the rows it has seen and of
//! the contacts a server holds, instead of the ids themselves.
//!
//! Two different ids share a key with probability 2⁻⁶⁴ per pair: across a file of a million rows
//! and a server of a million contacts, about 5 × 10⁻⁸ for the whole import.

use std::hash::{Hash, Hasher};

/// The key of an external id; never 0 (0 marks "nothing" in tables of keys).
pub fn external_id_key(external_id: &str) -> u64 {
    // SipHash with fixed keys. Keys are never written down: journals hold the ids themselves.
    let mut hasher = std::hash::DefaultHasher::new();
    external_id.hash(&mut hasher);
    match hasher.finish() {
        0 => 1,
        key => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_depends_on_the_id_alone_and_is_never_zero() {
        assert_eq!(external_id_key("crm-1"), external_id_key("crm-1"));
        assert_ne!(external_id_key("crm-1"), external_id_key("crm-2"));
        assert_ne!(external_id_key("crm-1"), external_id_key("crm-1 "));
        assert_ne!(external_id_key(""), 0);
    }
}
