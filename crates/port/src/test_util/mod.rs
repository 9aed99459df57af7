//! Test helpers (feature `test-util`): a scriptable in-memory transport, a
//! manual clock, a recording sleeper and a request renderer for snapshots.

mod fake_transport;
mod render;
pub mod server_input;
mod time;

pub use fake_transport::{FakeTransport, json_response};
pub use render::{render_request, render_response_body};
pub use time::{ManualClock, RecordingSleep};
