//! Comparison ignoring ASCII case, for header names and the algorithm header.
//!
//! The signature headers are looked up by name four times per verify, in every pair of the
//! request's headers; the standard library's byte-by-byte `eq_ignore_ascii_case`, called
//! through the lookup's closure, made that lookup a third of verify's cost beside the HMAC.
//! Here names of different lengths are told apart inline, equal bytes (names usually arrive in
//! lower case) by one `memcmp`, and only the rest is folded, eight bytes at a time with a few
//! integer operations, from the end, where the four signature header names (which share the
//! prefix `x-sinch-webhook-signature`) differ.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether `a` and `b` are equal ignoring ASCII case: the same result as
/// `a.eq_ignore_ascii_case(b)`.
#[inline]
pub(crate) fn equal_ignoring_ascii_case(a: &[u8], b: &[u8]) -> bool {
    // Names of the same length usually differ at the end (`-timestamp`, `-algorithm`): the
    // last bytes first. Then, as names usually arrive in lower case, an exact comparison.
    a.len() == b.len()
        && match (a.last(), b.last()) {
            (Some(x), Some(y)) => x == y || x.eq_ignore_ascii_case(y),
            _ => true,
        }
        && (a == b || folded_words_equal(a, b))
}

fn folded_words_equal(a: &[u8], b: &[u8]) -> bool {
    let (whole_a, whole_b) = (a, b);
    let (mut a, mut b) = (a, b);
    while let (Some((rest_a, word_a)), Some((rest_b, word_b))) =
        (a.split_last_chunk::<8>(), b.split_last_chunk::<8>())
    {
        if !words_match(*word_a, *word_b) {
            return false;
        }
        (a, b) = (rest_a, rest_b);
    }
    if a.is_empty() {
        return true;
    }
    // Fewer than eight bytes are left at the front: compare the first word again (it overlaps
    // the words already compared) when there is one, else byte by byte.
    match (whole_a.first_chunk::<8>(), whole_b.first_chunk::<8>()) {
        (Some(word_a), Some(word_b)) => words_match(*word_a, *word_b),
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// Whether two 8-byte words are equal ignoring ASCII case.
fn words_match(a: [u8; 8], b: [u8; 8]) -> bool {
    lower_word(a) == lower_word(b)
}

/// The eight bytes with each ASCII upper-case letter lower-cased (other bytes unchanged), as
/// one integer.
fn lower_word(bytes: [u8; 8]) -> u64 {
    let word = u64::from_le_bytes(bytes);
    // Each byte's low seven bits, plus a constant that sets the byte's high bit exactly when
    // those bits are at least `A` (respectively more than `Z`); no sum carries into the next
    // byte, since 0x7f + 0x3f < 0x100.
    let low_bits = word & !HIGH_BITS;
    let from_a = low_bits + u64::from(0x80 - b'A') * ONES;
    let after_z = low_bits + u64::from(0x80 - b'Z' - 1) * ONES;
    // ASCII (high bit clear), at least `A` and not after `Z`: an upper-case letter.
    let upper = from_a & !after_z & !word & HIGH_BITS;
    // 0x80 >> 2 is 0x20, the bit that separates `A` from `a`.
    word | (upper >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_pair_of_bytes_in_every_position_matches_the_standard_rule() {
        // Each byte value against each other, at each position of a 9-byte name (so both the
        // word loop and the overlapping first word see it), checked against the standard
        // library's byte-by-byte comparison.
        for position in 0..9 {
            for x in 0..=255u8 {
                for y in 0..=255u8 {
                    let mut a = *b"x-sinch-w";
                    let mut b = a;
                    a[position] = x;
                    b[position] = y;
                    assert_eq!(
                        equal_ignoring_ascii_case(&a, &b),
                        a.eq_ignore_ascii_case(&b),
                        "{x:#04x} {y:#04x} at {position}"
                    );
                }
            }
        }
    }

    #[test]
    fn signature_header_names_in_any_case() {
        let names = [
            "x-sinch-webhook-signature",
            "x-sinch-webhook-signature-nonce",
            "x-sinch-webhook-signature-timestamp",
            "x-sinch-webhook-signature-algorithm",
        ];
        for name in names {
            for other in names {
                assert_eq!(
                    equal_ignoring_ascii_case(name.as_bytes(), other.as_bytes()),
                    name == other
                );
                assert_eq!(
                    equal_ignoring_ascii_case(other.to_uppercase().as_bytes(), name.as_bytes()),
                    name == other
                );
            }
            assert!(equal_ignoring_ascii_case(
                b"X-Sinch-Webhook-Signature",
                b"x-sinch-webhook-signature"
            ));
            assert!(!equal_ignoring_ascii_case(
                b"x-sinch-webhook-signaturf",
                b"x-sinch-webhook-signature"
            ));
            // `@` and `[` sit just outside `A`..=`Z`; they are not letters.
            assert!(!equal_ignoring_ascii_case(
                b"x-sinch-webhook-signatur@",
                b"x-sinch-webhook-signatur`"
            ));
            assert!(!equal_ignoring_ascii_case(
                b"x-sinch-webhook-signatur[",
                b"x-sinch-webhook-signatur{"
            ));
        }
    }

    #[test]
    fn short_and_empty_names() {
        assert!(equal_ignoring_ascii_case(b"", b""));
        assert!(equal_ignoring_ascii_case(b"Ab", b"aB"));
        assert!(!equal_ignoring_ascii_case(b"ab", b"abc"));
        assert!(!equal_ignoring_ascii_case(b"a", b"b"));
    }

    proptest! {
        #[test]
        fn agrees_with_the_standard_library(a in proptest::collection::vec(any::<u8>(), 0..48),
                                            flips in proptest::collection::vec(any::<bool>(), 48),
                                            change in any::<Option<(usize, u8)>>()) {
            // `b` is `a` with the case of some ASCII letters swapped and maybe one byte changed,
            // so that matches are common.
            let mut b: Vec<u8> = a.iter().zip(&flips).map(|(byte, flip)| {
                if *flip && byte.is_ascii_alphabetic() { byte ^ 0x20 } else { *byte }
            }).collect();
            if let Some((index, byte)) = change
                && !b.is_empty()
            {
                let index = index % b.len();
                b[index] = byte;
            }
            prop_assert_eq!(equal_ignoring_ascii_case(&a, &b), a.eq_ignore_ascii_case(&b));
        }

        #[test]
        fn agrees_on_unrelated_strings(a in proptest::collection::vec(any::<u8>(), 0..20),
                                       b in proptest::collection::vec(any::<u8>(), 0..20)) {
            prop_assert_eq!(equal_ignoring_ascii_case(&a, &b), a.eq_ignore_ascii_case(&b));
        }
    }
}
