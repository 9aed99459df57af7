//! Fuzzes the port's reading of OAuth2 token answers through the real client:
//! two status bytes, then the body. Never a panic, a 2xx non-token keeps no
//! body, no token outlives `MAX_TOKEN_LIFETIME`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_contacts_port::test_util::server_input;

fuzz_target!(|data: &[u8]| {
    let (code, body) = match data {
        [high, low, body @ ..] => (u16::from_be_bytes([*high, *low]) % 1000, body),
        _ => (200, data),
    };
    server_input::token_response(code, body);
});
