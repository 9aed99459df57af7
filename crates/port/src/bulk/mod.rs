//! Bulk runs: many independent operations, as fast as the server accepts
//! them and no faster.
//!
//! [`Bulk::run`] takes jobs from a stream of `(key, input)` and runs an
//! `async` operation over the client for each; [`Bulk::create_safe`] does
//! the same for contact creates that are safe to repeat. Results come back
//! as a stream of [`JobResult`]s, in completion order, each with its key.
//!
//! # How a run paces itself
//!
//! - **Concurrency** is bounded by a limit learnt by AIMD: every answer
//!   served in normal time while the limit is in use raises it by
//!   `1 / limit` (by 1 after the first 16 such answers, until the first
//!   overload: the limit doubles per round); a retryable 5xx, a timeout or
//!   an answer slower than twice the baseline latency multiplies it by 0.9,
//!   at most once per round (answers to requests started before the last
//!   decrease are ignored). A 429 is left to the pacer. The limit stays
//!   within [`BulkOptions::min_concurrency`] and
//!   [`BulkOptions::max_concurrency`], from
//!   [`BulkOptions::initial_concurrency`].
//! - **Pacing**: a run sends unpaced (as fast as the limit allows) until
//!   429s show a quota, or at [`BulkOptions::max_rate`] from the start, a
//!   quota the caller knows. After the first 429 the answers that follow
//!   are weighed: about half refused means a quota; about one in ten (a
//!   server or proxy refusing some requests whatever the rate) means none,
//!   and then single 429s are ignored. Under a quota requests start at
//!   least `1 / rate` apart: the rate searches upwards from what was served
//!   in the last second (about ×2 every 140 ms) until a 429, then follows
//!   the quota by additive increase (about +2 % a second) and
//!   multiplicative decrease (×0.9 on a 429, once per round). Intervals of
//!   at least 100 ms and 20 requests check the rate: one with over 20 % of
//!   429s brings it down to what was served; 429s that go on while the run
//!   sends and serves a quarter less are not a quota after all.
//!   [`BulkOptions::initial_rate`] paces from the start, searching upwards
//!   from it.
//! - **Retries are scheduled by the run**, not slept through inside a
//!   call: the [`Attempt`]'s client makes one request per call, and a job
//!   waiting for its retry holds no place in flight. The wait is the
//!   server's `Retry-After` (never less) plus a jittered share of the
//!   retry policy's exponential back-off, so jobs refused together do not
//!   come back together; without `Retry-After` it is the back-off alone
//!   (full jitter). Each job has [`RetryPolicy::max_attempts`](crate::RetryPolicy::max_attempts)
//!   attempts ([`BulkOptions::retry`]).
//! - **Only what is safe is repeated**: an attempt is tried again when it
//!   failed for a passing reason and no `POST` or `PATCH` it sent may have
//!   been applied (the safety table of the crate docs, applied to every
//!   request of the attempt). Creates are repeated through
//!   [`Bulk::create_safe`], which looks a contact up by external id before
//!   creating it again after an unclear answer; operations whose repetition
//!   has the effect of one (an update setting fields to values, a delete)
//!   through [`Bulk::run_repeatable`], which repeats them after any passing
//!   failure.
//! - **Systemic failures stop the run**: a 401 (after the client renewed
//!   its token) or 403, a token endpoint refusing the key, too many connect
//!   errors in a row ([`BulkOptions::connect_failures_to_stop`]: refused,
//!   DNS, TLS), or a `Retry-After` beyond the policy's `max_retry_after`.
//!   The run takes no new job, lets the attempts in flight end, reports
//!   every held job (those not done as [`JobErrorKind::Abandoned`]), and
//!   ends with one [`Stopped`]. A 4xx of one job (400, 404, 409) is that
//!   job's result.
//!
//! # Example
//!
//! ```
//! use futures_util::{StreamExt, stream};
//! use sinch_contacts_port::test_util::{FakeTransport, json_response};
//! use sinch_contacts_port::{Auth, Bulk, BulkOptions, ContactsClient, Region};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap().block_on(async {
//! let transport = FakeTransport::new();
//! transport.set_handler(|request| async move {
//!     let id = request.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
//!     let status = if id == "gone" { 404 } else { 200 };
//!     Ok(json_response(status, &format!(r#"{{"id":"{id}"}}"#)))
//! });
//! let client = ContactsClient::builder(transport, "my-project")
//!     .region(Region::Eu)
//!     .auth(Auth::basic("key-id", "key-secret"))
//!     .build()?;
//!
//! let bulk = Bulk::new(&client, BulkOptions::default().with_max_rate(100.0))?;
//! let ids = ["a", "b", "gone"].map(|id| (id, id.to_owned()));
//! let mut run = bulk.run(stream::iter(ids), |attempt, id: String| async move {
//!     attempt.client().get(&id).await
//! });
//! let mut found = 0;
//! while let Some(result) = run.next().await {
//!     let result = result?; // `Err` only when a systemic failure stopped the run
//!     match result.outcome {
//!         Ok(contact) => {
//!             assert_eq!(contact.id.as_deref(), Some(result.key));
//!             found += 1;
//!         }
//!         Err(error) => assert_eq!(error.error().and_then(|e| e.status()).map(|s| s.as_u16()), Some(404)),
//!     }
//! }
//! assert_eq!(found, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod attempt;
mod backoff;
mod limiter;
mod listing;
mod options;
mod outcome;
mod pacer;
mod runner;
mod safe_create;
mod scheduler;
mod verdict;

pub use attempt::Attempt;
pub use listing::{LIST_PAGE_SIZE, ListingError};
pub use options::{BulkOptions, MIN_RATE};
pub use outcome::{JobError, JobErrorKind, JobResult, StopReason, Stopped};
pub use runner::{Bulk, BulkRun};
pub use safe_create::CreateJob;
