//! Retries: the tunable [`RetryPolicy`] and the safety rules deciding what may
//! be retried at all.

mod policy;
mod retry_after;
mod safety;

pub use policy::RetryPolicy;
pub(crate) use retry_after::{RetryAfter, parse_retry_after};
pub(crate) use safety::{Failure, is_idempotent, is_retryable_status, may_retry};
