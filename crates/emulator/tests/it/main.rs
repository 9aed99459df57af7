//! Integration tests of the emulator: driven through the port's `ContactsClient` over the
//! in-process transport, and over HTTP on 127.0.0.1 for wire details.

mod accepted_time;
mod auth;
mod contacts;
mod delivery_limits;
mod delivery_priority;
mod errors;
mod faults;
mod held_receiver;
mod http_wire;
mod injected_callbacks;
mod listing;
mod merge;
mod opt_outs;
mod rate_limit;
mod refusals;
mod request_counts;
mod slow_clients;
mod support;
mod webhooks;
