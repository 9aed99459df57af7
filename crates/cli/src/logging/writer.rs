//! Log lines go to standard error through the same escaping as every other line the command
//! line prints: a field from another crate (with `RUST_LOG`) cannot send a terminal escape.

use std::io;

use tracing_subscriber::fmt::MakeWriter;

/// Makes one [`EventWriter`] per log line.
#[derive(Debug, Clone, Copy)]
pub struct SanitizedStderr;

/// Collects one formatted line and writes it, escaped, when dropped.
#[derive(Debug, Default)]
pub struct EventWriter {
    buffer: Vec<u8>,
}

impl io::Write for EventWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buffer);
        crate::output::eprint_line(text.trim_end_matches('\n'));
    }
}

impl<'a> MakeWriter<'a> for SanitizedStderr {
    type Writer = EventWriter;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter::default()
    }
}
