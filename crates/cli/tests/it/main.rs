//! Runs the real `sinch-contacts` binary: exit codes, output, and every command against a live
//! emulator or receiver on 127.0.0.1.

mod callbacks;
mod completion_bash;
mod contacts;
mod escapes;
mod import_safety;
mod ingest;
mod listen_forward;
mod listen_refusals;
mod listen_service;
mod listen_state;
mod live;
mod logging;
mod man;
mod pipes;
mod profiles;
mod rate_limit;
mod secrets;
mod servers;
mod stub;
mod support;
mod sync;
mod sync_mirror;
mod sync_scale;
mod tour;
mod transfer;
mod trigger;
mod trigger_emulator;
mod usage;
mod version;
