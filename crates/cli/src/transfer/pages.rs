//! Every contact, page by page, through a bulk run: the listing is paced like the creates of an
//! import (429s wait their jittered `Retry-After` and slow the pace; an unreachable server or
//! refused credentials stop it), and a page fetch is retried freely, as a `GET` may be.

use std::collections::VecDeque;

use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use sinch_contacts_model::{Contact, ListContactsQuery};
use sinch_contacts_port::{Bulk, BulkRun, JobError, JobErrorKind, Stopped};
use tokio::sync::mpsc;

/// Contacts per page: the API's maximum.
pub const PAGE_SIZE: u32 = 20;

/// Why a listing ended early.
#[derive(Debug)]
pub enum ListingError {
    /// A page could not be fetched (its last error, after the run's retries).
    Page(JobError),
    /// A systemic failure stopped the run.
    Stopped(Stopped),
}

impl std::fmt::Display for ListingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Page(error) => write!(f, "a page of the listing {error}"),
            Self::Stopped(stopped) => stopped.fmt(f),
        }
    }
}

/// The state between two contacts of a listing.
struct Listing {
    run: BulkRun<(), sinch_contacts_model::ListContactsResponse>,
    next: Option<mpsc::UnboundedSender<((), String)>>,
    contacts: VecDeque<Contact>,
    ended: bool,
}

/// Every contact of the project, in the server's order; ends after the first error.
pub fn all_contacts(bulk: &Bulk) -> BoxStream<'static, Result<Contact, ListingError>> {
    let (next, tokens) = mpsc::unbounded_channel::<((), String)>();
    // The first page: no token.
    next.send(((), String::new())).ok();
    let jobs = stream::unfold(tokens, |mut tokens| async move {
        tokens.recv().await.map(|job| (job, tokens))
    });
    let run = bulk.run(jobs, |attempt, token: String| async move {
        let mut query = ListContactsQuery::new().page_size(PAGE_SIZE);
        if !token.is_empty() {
            query = query.page_token(token);
        }
        attempt.client().list(query).await
    });
    let listing = Listing {
        run,
        next: Some(next),
        contacts: VecDeque::new(),
        ended: false,
    };
    stream::unfold(listing, |mut listing| async move {
        loop {
            if let Some(contact) = listing.contacts.pop_front() {
                return Some((Ok(contact), listing));
            }
            if listing.ended {
                return None;
            }
            let error = match listing.run.next().await? {
                Ok(result) => match result.outcome {
                    Ok(page) => {
                        listing.contacts.extend(page.contacts);
                        match page.next_page_token.filter(|token| !token.is_empty()) {
                            Some(token) => {
                                if let Some(next) = &listing.next {
                                    next.send(((), token)).ok();
                                }
                            }
                            // The last page: no more jobs, so the run ends.
                            None => listing.next = None,
                        }
                        continue;
                    }
                    // The run stopped: its reason comes next.
                    Err(error) if error.kind() == JobErrorKind::Abandoned => continue,
                    Err(error) => ListingError::Page(error),
                },
                Err(stopped) => ListingError::Stopped(stopped),
            };
            listing.ended = true;
            listing.next = None;
            return Some((Err(error), listing));
        }
    })
    .boxed()
}
