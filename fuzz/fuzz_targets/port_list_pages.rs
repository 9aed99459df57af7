//! Fuzzes the port's paginated walks: the input is split on `0xFF` into at
//! most 8 page bodies that the server serves in a loop. Never a panic, every
//! walk ends after at most one request more than there are pages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_contacts_port::test_util::server_input;

fuzz_target!(|data: &[u8]| {
    let pages: Vec<&[u8]> = data.split(|byte| *byte == 0xFF).take(8).collect();
    server_input::list_pages(&pages);
});
