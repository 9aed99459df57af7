//! [`ReceivedText`]: the exact text a [`Timestamp`](super::Timestamp) was parsed from, kept inline
//! so that a timestamp stays `Copy` and parsing allocates nothing.

/// The longest text kept: room for a 22-digit fraction with a `+HH:MM` offset.
pub(crate) const CAPACITY: usize = 48;

/// Up to [`CAPACITY`] bytes of ASCII text; empty for a timestamp that was not parsed.
#[derive(Clone, Copy)]
pub(crate) struct ReceivedText {
    len: u8,
    bytes: [u8; CAPACITY],
}

impl ReceivedText {
    /// No text: the timestamp was built from an instant.
    pub(crate) const NONE: Self = Self {
        len: 0,
        bytes: [0; CAPACITY],
    };

    /// Keeps `text` when it is ASCII, not empty and at most [`CAPACITY`] bytes long.
    pub(crate) fn keep(text: &str) -> Option<Self> {
        let len = u8::try_from(text.len()).ok()?;
        if text.is_empty() || text.len() > CAPACITY || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0; CAPACITY];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Some(Self { len, bytes })
    }

    /// The kept text, `None` when there is none.
    pub(crate) fn as_str(&self) -> Option<&str> {
        let text = self.bytes.get(..usize::from(self.len))?;
        std::str::from_utf8(text).ok().filter(|text| !text.is_empty())
    }
}
