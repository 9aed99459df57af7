//! Runs the real `sinch-contacts` binary: exit codes, output, and every command against a live
//! emulator or receiver on 127.0.0.1.

mod callbacks;
mod contacts;
mod import_safety;
mod ingest;
mod listen_service;
mod listen_state;
mod live;
mod rate_limit;
mod servers;
mod support;
mod tour;
mod transfer;
mod usage;
