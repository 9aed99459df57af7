//! Reading the `x-sinch-webhook-signature` header: the standard Base64 of a 32-byte MAC,
//! decoded into a stack array.
//!
//! Accepts exactly what `base64::engine::general_purpose::STANDARD.decode_slice` accepts as
//! 32 bytes (the canonical, padded encoding: 43 characters of the standard alphabet whose last
//! one carries no stray bits, then one `=`), in a fixed 44-byte loop: the general decoder's
//! length estimate and suffix handling cost as much as a fifth of a verify of a small body.
//! The header is the sender's text, not a secret, so looking its bytes up in a table leaks
//! nothing about the expected MAC.

/// The length of the standard Base64 of 32 bytes, padding included.
const ENCODED_LEN: usize = 44;

/// For each of the four places in a group of four characters, a byte's 6-bit value already
/// shifted to its place in the group's 24 bits (18, 12, 6, 0), or [`NOT_BASE64`]. With one
/// table per place, a group is four loads and three ORs.
static PLACED_SEXTETS: [[u32; 256]; 4] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut tables = [[NOT_BASE64; 256]; 4];
    let mut place = 0;
    while place < 4 {
        let mut value = 0;
        while value < 64 {
            tables[place][alphabet[value] as usize] = (value as u32) << (18 - 6 * place);
            value += 1;
        }
        place += 1;
    }
    tables
};

/// Marks a byte outside the alphabet: a bit above the 24 that a group's values fill, so it
/// survives the ORs of a group.
const NOT_BASE64: u32 = 1 << 31;

/// The 24 bits of a group of four characters (the last of which may be ignored), with
/// [`NOT_BASE64`] set if any of them is outside the alphabet.
fn group_bits([a, b, c, d]: [u8; 4]) -> u32 {
    let [at_18, at_12, at_6, at_0] = &PLACED_SEXTETS;
    at_18[usize::from(a)] | at_12[usize::from(b)] | at_6[usize::from(c)] | at_0[usize::from(d)]
}

/// Decodes `text` into `mac` and returns `true` when `text` is the canonical standard Base64
/// of 32 bytes; returns `false` (with `mac` unspecified) otherwise. (Written in place: moving
/// a freshly written array out of a function cost as much as the decoding.)
pub(crate) fn decode_mac(text: &[u8], mac: &mut [u8; 32]) -> bool {
    let Ok(text) = <&[u8; ENCODED_LEN]>::try_from(text) else {
        return false;
    };
    let (quads, []) = text.as_chunks::<4>() else {
        return false;
    };
    let Some((&[a, b, c, padding], full)) = quads.split_last() else {
        return false;
    };
    // Every group's bits are ORed in, so one test at the end catches any byte outside the
    // alphabet.
    let mut seen = 0;
    for (index, quad) in full.iter().enumerate() {
        let bits = group_bits(*quad);
        seen |= bits;
        // The group's three bytes and a zero, written as one word over the next group's first
        // byte (which that group writes next; the last full group's zero lands on byte 30,
        // which the final group writes).
        let offset = 3 * index;
        if let Some(word) = mac.get_mut(offset..offset + 4) {
            word.copy_from_slice(&(bits << 8).to_be_bytes());
        }
    }
    // The final group holds two bytes: three characters (16 bits, then two that must be zero)
    // and the padding. Its fourth place is read as `A` (value 0) instead of the `=`.
    let bits = group_bits([a, b, c, b'A']);
    seen |= bits;
    if padding != b'=' || seen & NOT_BASE64 != 0 || bits & 0b11 << 6 != 0 {
        return false;
    }
    let [_, x, y, _] = bits.to_be_bytes();
    mac[30..].copy_from_slice(&[x, y]);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use proptest::prelude::*;

    /// What the general-purpose decoder makes of `text`, as 32 bytes or nothing.
    fn reference(text: &[u8]) -> Option<[u8; 32]> {
        let mut out = [0u8; 32];
        match base64::engine::general_purpose::STANDARD.decode_slice(text, &mut out) {
            Ok(32) => Some(out),
            _ => None,
        }
    }

    /// [`decode_mac`] as a value.
    fn decoded(text: &[u8]) -> Option<[u8; 32]> {
        let mut mac = [0; 32];
        decode_mac(text, &mut mac).then_some(mac)
    }

    #[test]
    fn hand_worked_values() {
        // 32 zero bytes: 43 `A`s (sextet 0) and the padding.
        let zeros = format!("{}=", "A".repeat(43));
        assert_eq!(decoded(zeros.as_bytes()), Some([0; 32]));
        // 32 bytes of 0xff: ten `////` groups, then `//8=` (the last sextet 111100).
        let ones = format!("{}//8=", "////".repeat(10));
        assert_eq!(decoded(ones.as_bytes()), Some([0xff; 32]));
        // Bytes 0, 1, ... 31: `AAEC` encodes 00 01 02.
        let counting: [u8; 32] = std::array::from_fn(|i| i as u8);
        let text = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        assert_eq!(decoded(text.as_bytes()), Some(counting));
    }

    #[test]
    fn the_conformance_vector_signature() {
        // From the signature vectors; the bytes as Python's `base64.b64decode` gives them.
        let text = b"wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=";
        let expected = [
            0xc0, 0xa9, 0x99, 0x04, 0x6a, 0x38, 0x09, 0xff, 0xb2, 0xf5, 0xc6, 0x68, 0x3c, 0x78,
            0x62, 0x57, 0x0e, 0xb3, 0x88, 0xa7, 0xae, 0x6c, 0xb1, 0xaa, 0x37, 0x83, 0x9d, 0x1b,
            0xc8, 0xe5, 0x68, 0xfa,
        ];
        assert_eq!(decoded(text), Some(expected));
    }

    #[test]
    fn refuses_what_is_not_the_canonical_encoding_of_32_bytes() {
        let valid = "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=";
        for text in [
            "",
            // No padding, double padding, one byte short or long.
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo",
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaP==",
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo==",
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPoA",
            // Stray bits in the last sextet (`p` is 101001, the last two bits must be 0).
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPp=",
            // URL-safe alphabet, a space, padding in the middle, a non-ASCII byte.
            "wKmZBGo4Cf-y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=",
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKe bLGqN4OdG8jlaPo=",
            "wKmZ=Go4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=",
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jla\u{e9}=",
            // 30 bytes (40 characters) and 33 bytes (44 characters, no padding).
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jl",
            "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPoA",
        ] {
            assert_eq!(decoded(text.as_bytes()), None, "{text:?}");
            assert_eq!(reference(text.as_bytes()), None, "reference: {text:?}");
        }
        assert!(decoded(valid.as_bytes()).is_some());
    }

    #[test]
    fn each_byte_value_in_each_position_agrees_with_the_general_decoder() {
        let valid = *b"wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=";
        for position in 0..valid.len() {
            for byte in 0..=255u8 {
                let mut text = valid;
                text[position] = byte;
                assert_eq!(
                    decoded(&text),
                    reference(&text),
                    "{byte:#04x} at {position}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn decodes_what_the_general_encoder_writes(mac in any::<[u8; 32]>()) {
            let text = base64::engine::general_purpose::STANDARD.encode(mac);
            prop_assert_eq!(decoded(text.as_bytes()), Some(mac));
        }

        #[test]
        fn agrees_with_the_general_decoder_on_any_text(
            text in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".to_vec()
                    ),
                    any::<u8>(),
                ],
                40..48,
            )
        ) {
            prop_assert_eq!(decoded(&text), reference(&text));
        }
    }
}
