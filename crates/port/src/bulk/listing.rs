//! [`Bulk::list_contacts`]: every contact, page by page, through a bulk
//! run, so the listing is paced like the run's other requests.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};

use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use sinch_contacts_model::{Contact, ListContactsQuery, ListContactsResponse};

use super::outcome::{JobError, JobErrorKind, Stopped};
use super::runner::{Bulk, BulkRun};
use crate::client::{PageGuard, PaginationError};

/// Contacts per page in [`Bulk::list_contacts`]: the API's maximum.
pub const LIST_PAGE_SIZE: u32 = 20;

/// Why [`Bulk::list_contacts`] ended before the last page. The contacts
/// already yielded are valid; the listing is incomplete.
#[derive(Debug)]
#[non_exhaustive]
pub enum ListingError {
    /// A page could not be fetched (its last error, after the run's retries).
    Page(JobError),
    /// A systemic failure stopped the run.
    Stopped(Stopped),
    /// The server's page tokens would never end (see [`PaginationError`]).
    Pagination(PaginationError),
}

impl fmt::Display for ListingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Page(error) => write!(f, "a page of the listing {error}"),
            Self::Stopped(stopped) => stopped.fmt(f),
            Self::Pagination(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ListingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Page(error) => Some(error),
            Self::Stopped(stopped) => Some(stopped),
            Self::Pagination(error) => Some(error),
        }
    }
}

/// The next page's token, handed from the listing to the run's job stream:
/// one slot, since a page needs the token of the page before it.
#[derive(Default)]
struct Slot {
    token: Option<String>,
    closed: bool,
    waker: Option<Waker>,
}

#[derive(Clone, Default)]
struct Tokens(Arc<Mutex<Slot>>);

impl Tokens {
    fn with<T>(&self, change: impl FnOnce(&mut Slot) -> T) -> T {
        change(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Hands `token` to the job stream (or ends it with `None`).
    fn send(&self, token: Option<String>) {
        let waker = self.with(|slot| {
            match token {
                Some(token) => slot.token = Some(token),
                None => slot.closed = true,
            }
            slot.waker.take()
        });
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The jobs of the run: one per token sent, ending when the slot is
    /// closed.
    fn jobs(self) -> impl futures_core::Stream<Item = ((), String)> + Send + 'static {
        stream::poll_fn(move |cx| {
            self.with(|slot| match slot.token.take() {
                Some(token) => Poll::Ready(Some(((), token))),
                None if slot.closed => Poll::Ready(None),
                None => {
                    slot.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            })
        })
    }
}

/// The state between two contacts of a listing.
struct Listing {
    run: BulkRun<(), ListContactsResponse>,
    tokens: Tokens,
    guard: PageGuard,
    contacts: VecDeque<Contact>,
    error: Option<ListingError>,
    ended: bool,
}

impl Bulk {
    /// Every contact of the project, in the server's order, page by page
    /// ([`LIST_PAGE_SIZE`] a page), each page fetched as a job of one run of
    /// this runner: a 429 waits its jittered `Retry-After` and slows the
    /// pace, [`BulkOptions::max_rate`](crate::BulkOptions::max_rate) caps
    /// it, a page fetch is repeated after any passing failure (a `GET` is
    /// idempotent), and an unreachable server or refused credentials stop
    /// it. Pages come one at a time (each needs the token of the one
    /// before), and at most one page of contacts is held.
    ///
    /// The stream ends after the last page, or with one [`ListingError`]
    /// (a page given up, the run stopped, or page tokens that loop or go on
    /// empty, as in [`ContactsClient::list_all`](crate::ContactsClient::list_all)).
    pub fn list_contacts(&self) -> BoxStream<'static, Result<Contact, ListingError>> {
        let tokens = Tokens::default();
        // The first page: no token.
        tokens.send(Some(String::new()));
        let run = self.run(tokens.clone().jobs(), |attempt, token: String| async move {
            let mut query = ListContactsQuery::new().page_size(LIST_PAGE_SIZE);
            if !token.is_empty() {
                query = query.page_token(token);
            }
            attempt.client().list(query).await
        });
        let listing = Listing {
            run,
            tokens,
            guard: PageGuard::new("", self.client().max_empty_pages()),
            contacts: VecDeque::new(),
            error: None,
            ended: false,
        };
        stream::unfold(listing, |mut listing| async move {
            loop {
                if let Some(contact) = listing.contacts.pop_front() {
                    return Some((Ok(contact), listing));
                }
                // The contacts of the page that tripped a guard come before its error.
                if let Some(error) = listing.error.take() {
                    return Some((Err(error), listing));
                }
                if listing.ended {
                    return None;
                }
                let error = match listing.run.next().await? {
                    Ok(result) => match result.outcome {
                        Ok(page) => {
                            let next = listing
                                .guard
                                .next_page(page.contacts.len(), page.next_page_token);
                            listing.contacts.extend(page.contacts);
                            match next {
                                // `None` on the last page: no more jobs, so the run ends.
                                Ok(token) => {
                                    listing.tokens.send(token);
                                    continue;
                                }
                                Err(error) => ListingError::Pagination(error),
                            }
                        }
                        // The run stopped: its reason comes next.
                        Err(error) if error.kind() == JobErrorKind::Abandoned => continue,
                        Err(error) => ListingError::Page(error),
                    },
                    Err(stopped) => ListingError::Stopped(stopped),
                };
                listing.ended = true;
                listing.tokens.send(None);
                listing.error = Some(error);
            }
        })
        .boxed()
    }
}
