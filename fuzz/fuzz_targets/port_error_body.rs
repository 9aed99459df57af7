//! Fuzzes the port's reading of error responses: two status bytes, then the
//! body. Never a panic, the body kept byte for byte, the same error through
//! the client.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_contacts_port::test_util::server_input;

fuzz_target!(|data: &[u8]| {
    let (code, body) = match data {
        [high, low, body @ ..] => (u16::from_be_bytes([*high, *low]), body),
        _ => (500, data),
    };
    server_input::error_body(code, body);
});
