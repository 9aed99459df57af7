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
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Checks a (trimmed) nonce header value and returns it as text.
pub(crate) fn check_nonce(nonce: &[u8]) -> Result<&str, NonceProblem> {
    if nonce.is_empty() {
        return Err(NonceProblem::Empty);
    }
    if nonce.len() > NONCE_MAX_LEN {
        return Err(NonceProblem::TooLong {
            length: nonce.len(),
            max: NONCE_MAX_LEN,
        });
    }
    if let Some(offset) = nonce.iter().position(|byte| !is_nonce_byte(*byte)) {
        return Err(NonceProblem::ForbiddenByte {
            byte: nonce[offset],
            offset,
        });
    }
    // Only ASCII bytes remain.
    std::str::from_utf8(nonce).map_err(|error| NonceProblem::ForbiddenByte {
        byte: nonce[error.valid_up_to()],
        offset: error.valid_up_to(),
    })
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
            assert_eq!(check_nonce(nonce.as_bytes()), Ok(nonce));
        }
        let longest = "a".repeat(128);
        assert_eq!(check_nonce(longest.as_bytes()), Ok(longest.as_str()));
    }

    #[test]
    fn refuses_dots_other_bytes_empty_and_long() {
        assert_eq!(
            check_nonce(b"abc.def"),
            Err(NonceProblem::ForbiddenByte {
                byte: b'.',
                offset: 3
            })
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
        assert_eq!(check_nonce(b""), Err(NonceProblem::Empty));
        assert_eq!(
            check_nonce("a".repeat(129).as_bytes()),
            Err(NonceProblem::TooLong {
                length: 129,
                max: 128
            })
        );
    }

    #[test]
    fn messages_name_the_byte() {
        let dot = check_nonce(b"a.b").unwrap_err().to_string();
        assert!(dot.contains("`.` at offset 1"), "{dot}");
        let high = check_nonce(b"\xff").unwrap_err().to_string();
        assert!(high.contains("byte 0xff at offset 0"), "{high}");
    }
}
