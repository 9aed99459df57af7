//! [`Attempt`]: what an operation of a bulk run is given for one try.

use crate::client::ContactsClient;

/// One try of a job: the client to call, and which try it is.
///
/// The client makes exactly one request per call (its retry policy is
/// [`RetryPolicy::disabled`](crate::RetryPolicy::disabled)): the run, not
/// the call, waits and tries again, so a job waiting for its retry holds no
/// place in flight. It shares the transport and the token cache of the
/// client the [`Bulk`](crate::Bulk) was made from, and records what each
/// of its requests may have done, so the run knows whether repeating the
/// attempt is safe.
#[derive(Debug)]
pub struct Attempt {
    client: ContactsClient,
    number: u32,
    in_doubt: bool,
}

impl Attempt {
    pub(crate) fn new(client: ContactsClient, number: u32, in_doubt: bool) -> Self {
        Self {
            client,
            number,
            in_doubt,
        }
    }

    /// The client to make this attempt's requests with.
    pub fn client(&self) -> &ContactsClient {
        &self.client
    }

    /// Which attempt of the job this is (1 for the first).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// Whether an earlier attempt of the job may have created what this one
    /// is about to create (only in [`Bulk::create_safe`](crate::Bulk::create_safe)
    /// runs, whose attempts then look the contact up first).
    pub(crate) fn in_doubt(&self) -> bool {
        self.in_doubt
    }
}
