//! Byte-level scanning for the [`Cursor`](crate::fast::cursor::Cursor): whitespace runs,
//! digits, and the end of a string (eight bytes at a time where the body allows).

use crate::fast::cursor::{Fast, GiveUp};

/// The first index from `index` on that is not JSON whitespace (or the length). After a
/// space, the rest of a run of spaces (indentation) is taken eight bytes at a time; a lone
/// line break or space costs one step.
pub(crate) fn whitespace_end(bytes: &[u8], mut index: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    loop {
        match bytes.get(index) {
            Some(b' ') => {
                index += 1;
                while let Some(chunk) = bytes
                    .get(index..index + 8)
                    .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
                {
                    let differs = u64::from_le_bytes(chunk) ^ SPACES;
                    if differs != 0 {
                        index += (differs.trailing_zeros() / 8) as usize;
                        break;
                    }
                    index += 8;
                }
            }
            Some(b'\n' | b'\r' | b'\t') => index += 1,
            _ => return index,
        }
    }
}

/// The first index from `index` on that is not an ASCII digit (or the length).
pub(crate) fn digits_end(bytes: &[u8], mut index: usize) -> usize {
    while bytes.get(index).is_some_and(u8::is_ascii_digit) {
        index += 1;
    }
    index
}

/// Index of the closing quote of the string whose text starts at `index`, and whether the
/// string holds an escape. Gives up at a control character (which JSON forbids inside
/// strings), at an escape serde_json refuses, and at the end of the body.
#[inline]
pub(crate) fn string_end(bytes: &[u8], mut index: usize) -> Fast<(usize, bool)> {
    let mut escaped = false;
    loop {
        index = next_special(bytes, index);
        match bytes.get(index) {
            Some(b'"') => return Ok((index, escaped)),
            Some(b'\\') => {
                escaped = true;
                index = escape_end(bytes, index)?;
            }
            _ => return Err(GiveUp),
        }
    }
}

/// The first index from `index` on holding `"`, `\` or a control character (or the length).
#[inline]
fn next_special(bytes: &[u8], mut index: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    while let Some(chunk) = bytes
        .get(index..index + 8)
        .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
    {
        let chunk = u64::from_le_bytes(chunk);
        let control = chunk.wrapping_sub(ONES * 0x20) & !chunk;
        let quote = chunk ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = chunk ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let found = (control | quote | backslash) & (ONES << 7);
        if found != 0 {
            return index + (found.trailing_zeros() / 8) as usize;
        }
        index += 8;
    }
    while let Some(&byte) = bytes.get(index) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            return index;
        }
        index += 1;
    }
    index
}

/// Index just past the escape starting (with its `\`) at `index`.
fn escape_end(bytes: &[u8], index: usize) -> Fast<usize> {
    match bytes.get(index + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(index + 2),
        // Any four hex digits, surrogate or not, as serde_json's skipping reads them; a
        // string that is read as text is unescaped by serde_json, which checks the pairs.
        Some(b'u') => {
            let hex = bytes.get(index + 2..index + 6).ok_or(GiveUp)?;
            if hex.iter().all(u8::is_ascii_hexdigit) {
                Ok(index + 6)
            } else {
                Err(GiveUp)
            }
        }
        _ => Err(GiveUp),
    }
}
