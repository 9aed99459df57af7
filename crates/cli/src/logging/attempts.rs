//! Which attempt a request is: within one `tracing` span (a client operation, or the token
//! request inside one), the requests with the same method and path are numbered from 1. The
//! counts are kept in the span's extensions and freed with it. Counting by method and path
//! keeps a token request (logged inside the operation's span when the token span is not
//! enabled) from counting as an attempt of the operation's own request.

use std::collections::HashMap;

use tracing_subscriber::Registry;
use tracing_subscriber::registry::LookupSpan;

/// The requests sent so far in a span, by `METHOD path`.
#[derive(Default)]
struct Sent(HashMap<String, u32>);

/// Counts one more `request` (`METHOD path`) in the current span and returns its number;
/// `None` outside a span or when the subscriber keeps no span data.
pub fn next(request: &str) -> Option<u32> {
    let id = tracing::Span::current().id()?;
    tracing::dispatcher::get_default(|dispatch| {
        let registry = dispatch.downcast_ref::<Registry>()?;
        let span = registry.span(&id)?;
        let mut extensions = span.extensions_mut();
        if extensions.get_mut::<Sent>().is_none() {
            extensions.insert(Sent::default());
        }
        let sent = extensions.get_mut::<Sent>()?;
        let count = sent.0.entry(request.to_owned()).or_insert(0);
        *count += 1;
        Some(*count)
    })
}
