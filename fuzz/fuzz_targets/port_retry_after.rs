//! Fuzzes the port's reading of `Retry-After` (seconds and HTTP-dates) on a
//! 429 and a 503: never a panic, never a wait longer than the policy allows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_contacts_port::test_util::server_input;

fuzz_target!(|data: &[u8]| {
    server_input::retry_after(data);
});
