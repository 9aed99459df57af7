//! Serving HTTP/1.1 connections with limits: a header timeout, an idle timeout and a cap on
//! connections open at once ([`ConnectionLimits`]), so that clients sending a request a byte at
//! a time (slow-loris) or opening connections and sending nothing cannot hold a server's
//! connections for ever. The emulator's server uses it, and so does the command line's webhook
//! receiver (`callbacks listen`).
//!
//! Each connection is hyper's HTTP/1 connection over a stream that reports arriving bytes, and
//! a watchdog in the same task that knows its phase: a connection is idle (no request in progress, no byte of the next
//! one), receiving a request's head (from its first byte until the head is complete), or busy
//! (a request is being answered: no limit, the handler decides). Idle longer than the idle
//! timeout, it is closed; receiving a head longer than the header timeout, it is dropped
//! without an answer. A request's body must arrive within the header timeout after its head
//! ([`RequestBody`]).

mod accept;
mod activity;
mod body;
mod connection;
mod io;
mod limits;
mod service;

pub use accept::serve_connections;
pub use body::{BodyError, RequestBody};
pub use limits::{
    ConnectionLimits, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
};
