//! Which nonces are accepted: the signed text `body.nonce.timestamp` is unambiguous only when
//! the nonce cannot contain the `.` separator.

/// The longest nonce accepted, in bytes. The API's nonces are 26-character ULIDs
/// (`01FJA8B4A7BM43YGWSG9GBV067`); 128 leaves room for UUIDs and longer random tokens.
pub const NONCE_MAX_LEN: usize = 128;

/// Why a nonce header was refused (see [`crate::VerifyError::UnacceptableNonce`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NonceProblem {
    /// The header is empty (or only whitespace).
    #[error("the nonce is empty")]
    Empty,
    /// The nonce is longer than [`NONCE_MAX_LEN`].
    #[error("the nonce has {length} bytes, at most {max} are accepted")]
    TooLong {
        /// Its length in bytes.
        length: usize,
        /// [`NONCE_MAX_LEN`].
        max: usize,
    },
    /// The nonce holds a byte outside ASCII letters, digits, `-` and `_`. A `.` in particular
    /// would let a signed request be replayed with part of its body moved into the nonce.
    #[error("the nonce holds {} at offset {offset}; only ASCII letters, digits, `-` and `_` are accepted", ShowByte(*byte))]
    ForbiddenByte {
        /// The first refused byte.
        byte: u8,
        /// Its offset in the nonce.
        offset: usize,
    },
}

struct ShowByte(u8);

impl std::fmt::Display for ShowByte {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_ascii_graphic() || self.0 == b' ' {
            write!(f, "`{}`", char::from(self.0))
        } else {
            write!(f, "byte 0x{:02x}", self.0)
        }
    }
}

/// Whether a byte may appear in a nonce.
pub(crate) fn is_nonce_byte(byte: u8) -> bool {
    NONCE_BYTES[usize::from(byte)]
}

/// [`is_nonce_byte`] as a table: one load per byte instead of three range tests.
static NONCE_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        byte += 1;
    }
    table
};

/// A nonce header value that passed [`check_nonce`], still borrowed from the headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedNonce<'h>(&'h [u8]);

impl<'h> CheckedNonce<'h> {
    /// The nonce's bytes.
    pub(crate) fn as_bytes(self) -> &'h [u8] {
        self.0
    }

    /// The nonce as text (it holds only ASCII bytes, so this is always the whole nonce).
    pub(crate) fn as_str(self) -> &'h str {
        std::str::from_utf8(self.0).unwrap_or_default()
    }

    /// A copy to keep beyond the headers, without allocating.
    #[inline(always)]
    pub(crate) fn keep(self) -> AcceptedNonce {
        let mut bytes = [0; NONCE_MAX_LEN];
        // At most NONCE_MAX_LEN bytes, as checked.
        if let Some(kept) = bytes.get_mut(..self.0.len()) {
            kept.copy_from_slice(self.0);
        }
        AcceptedNonce {
            len: self.0.len(),
            bytes,
        }
    }
}

/// A nonce that passed [`check_nonce`], kept inline: at most [`NONCE_MAX_LEN`] ASCII bytes,
/// so keeping it in a [`crate::VerifiedPayload`] allocates nothing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct AcceptedNonce {
    len: usize,
    bytes: [u8; NONCE_MAX_LEN],
}

impl AcceptedNonce {
    /// The nonce as text (only ASCII bytes are ever kept, so this is always the whole nonce).
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl std::fmt::Debug for AcceptedNonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Checks a (trimmed) nonce header value.
pub(crate) fn check_nonce(nonce: &[u8]) -> Result<CheckedNonce<'_>, NonceProblem> {
    if nonce.is_empty() {
        return Err(NonceProblem::Empty);
    }
    if nonce.len() > NONCE_MAX_LEN {
        return Err(NonceProblem::TooLong {
            length: nonce.len(),
            max: NONCE_MAX_LEN,
        });
    }
    // No early exit while checking: one table load per byte. The first refused byte is looked
    // for only when there is one.
    let accepted = nonce
        .iter()
        .fold(true, |accepted, byte| accepted & is_nonce_byte(*byte));
    if !accepted {
        let offset = nonce
            .iter()
            .position(|byte| !is_nonce_byte(*byte))
            .unwrap_or_default();
        return Err(NonceProblem::ForbiddenByte {
            byte: nonce[offset],
            offset,
        });
    }
    Ok(CheckedNonce(nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ulids_uuids_and_tokens() {
        for nonce in [
            "01FJA8B4A7BM43YGWSG9GBV067",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "n",
            "a_b-C9",
        ] {
            let checked = check_nonce(nonce.as_bytes()).unwrap();
            assert_eq!(checked.as_str(), nonce);
            assert_eq!(checked.as_bytes(), nonce.as_bytes());
            let kept = checked.keep();
            assert_eq!(kept.as_str(), nonce);
            assert_eq!(format!("{kept:?}"), format!("{nonce:?}"));
        }
        let longest = "a".repeat(128);
        assert_eq!(
            check_nonce(longest.as_bytes()).unwrap().keep().as_str(),
            longest
        );
    }

    #[test]
    fn refuses_dots_other_bytes_empty_and_long() {
        assert_eq!(
            check_nonce(b"abc.def").unwrap_err(),
            NonceProblem::ForbiddenByte {
                byte: b'.',
                offset: 3
            }
        );
        for (nonce, offset) in [
            (&b"a b"[..], 1),
            (b"a+b", 1),
            (b"a/b", 1),
            (b"=", 0),
            (b"\xff", 0),
            (b"ab\xc3\xa9", 2),
        ] {
            assert!(
                matches!(check_nonce(nonce), Err(NonceProblem::ForbiddenByte { offset: o, .. }) if o == offset),
                "{nonce:?}"
            );
        }
        assert_eq!(check_nonce(b"").unwrap_err(), NonceProblem::Empty);
        assert_eq!(
            check_nonce("a".repeat(129).as_bytes()).unwrap_err(),
            NonceProblem::TooLong {
                length: 129,
                max: 128
            }
        );
    }

    #[test]
    fn kept_nonces_are_the_header_bytes_at_every_length() {
        let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
        for length in 1..=NONCE_MAX_LEN {
            for shift in [0, 7, 31] {
                let nonce: String = (0..length)
                    .map(|i| char::from(alphabet[(i * 5 + shift) % alphabet.len()]))
                    .collect();
                let kept = check_nonce(nonce.as_bytes()).unwrap().keep();
                assert_eq!(kept.as_str(), nonce, "length {length}");
                // Nothing beyond the nonce: equal nonces compare equal however they were made.
                assert_eq!(kept, check_nonce(nonce.as_bytes()).unwrap().keep());
                assert!(kept.bytes[length..].iter().all(|byte| *byte == 0));
            }
        }
    }

    #[test]
    fn the_byte_table_is_the_documented_set() {
        for byte in 0..=255u8 {
            let documented = matches!(byte, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_');
            assert_eq!(is_nonce_byte(byte), documented, "{byte:#04x}");
        }
    }

    #[test]
    fn messages_name_the_byte() {
        let dot = check_nonce(b"a.b").unwrap_err().to_string();
        assert!(dot.contains("`.` at offset 1"), "{dot}");
        let high = check_nonce(b"\xff").unwrap_err().to_string();
        assert!(high.contains("byte 0xff at offset 0"), "{high}");
    }
}
