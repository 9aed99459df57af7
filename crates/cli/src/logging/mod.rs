//! `-v`/`--verbose` and `RUST_LOG`: one line on standard error per HTTP request (method, path,
//! status, attempt, latency) from [`LoggedTransport`], and the port's `tracing` spans
//! (`sinch_contacts.operation` when it ends: attempts, final status, retry reasons). Nothing
//! logged holds a header, a credential, a token, a query string or a body.
//!
//! Without `-v` and without `RUST_LOG` no subscriber is installed and nothing is logged.

mod attempts;
mod transport;
mod writer;

pub use transport::LoggedTransport;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The prefix of every target of this workspace (`sinch_contacts::http`,
/// `sinch_contacts_port::client`, ...).
const WORKSPACE_TARGETS: &str = "sinch_contacts";

/// Installs the subscriber that `verbose` (`-v` once per level) and `RUST_LOG` (`target=level`
/// directives, as `tracing_subscriber`'s `Targets` reads them) ask for.
pub fn init(verbose: u8) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|spec| !spec.trim().is_empty());
    if verbose == 0 && from_env.is_none() {
        return;
    }
    let mut targets = match from_env.as_deref().map(str::parse::<Targets>) {
        Some(Ok(targets)) => targets,
        Some(Err(error)) => {
            crate::output::eprint_line(&format!(
                "warning: RUST_LOG is not a list of target=level directives ({error}); ignored"
            ));
            Targets::new()
        }
        None => Targets::new(),
    };
    if verbose > 0 {
        let level = if verbose == 1 {
            LevelFilter::INFO
        } else {
            LevelFilter::DEBUG
        };
        targets = targets.with_target(WORKSPACE_TARGETS, level);
    }
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer::SanitizedStderr)
        .with_span_events(FmtSpan::CLOSE)
        .with_filter(targets);
    // Only fails when a subscriber is installed already: then that one logs.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
