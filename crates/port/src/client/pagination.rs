//! Turning a paged operation into a [`Stream`] of items, with guards
//! against servers whose page tokens never end.

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::error::Error as StdError;
use std::fmt;
use std::hash::BuildHasher;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use super::ContactsClient;
use crate::error::Error;
use crate::operations::Operation;

/// How many pages in a row may be empty while still carrying a
/// `next_page_token` before a walk gives up; see
/// [`ContactsClientBuilder::max_consecutive_empty_pages`](super::ContactsClientBuilder::max_consecutive_empty_pages).
pub const DEFAULT_MAX_CONSECUTIVE_EMPTY_PAGES: u32 = 10;

/// How a paged operation moves to its next page and exposes its items.
pub(crate) trait Paged: Operation + Send + Sync + 'static {
    /// The item type of a page.
    type Item: Send + 'static;

    /// The token this operation asks for, if any.
    fn page_token(&self) -> Option<&str>;

    /// The same operation asking for the page after `token`.
    fn with_page_token(&self, token: String) -> Self;

    /// The page's items and its `next_page_token`.
    fn into_items(output: Self::Output) -> (Vec<Self::Item>, Option<String>);
}

/// Why a listing stopped before the server said it was complete. The items
/// already yielded are valid; the listing is incomplete.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationError {
    /// The server sent a `next_page_token` already used in this walk
    /// (`A → B → A`, or the same token again): following it would loop for
    /// ever.
    TokenCycle {
        /// Pages fetched in this walk, the one carrying the repeated token
        /// included.
        pages: u64,
    },
    /// More than `limit` pages in a row were empty yet carried a fresh
    /// `next_page_token`.
    TooManyEmptyPages {
        /// The limit that was exceeded.
        limit: u32,
        /// Pages fetched in this walk.
        pages: u64,
    },
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TokenCycle { pages } => write!(
                f,
                "listing stopped after {pages} pages: the server sent a page token \
                 already used in this listing, so following it would never end"
            ),
            Self::TooManyEmptyPages { limit, pages } => write!(
                f,
                "listing stopped after {pages} pages: more than {limit} pages in a row \
                 were empty but still carried a next page token"
            ),
        }
    }
}

impl StdError for PaginationError {}

/// The tokens one walk has used, kept as 64-bit hashes (keyed per walk) so
/// memory grows by a few bytes per page whatever the tokens' length. Two
/// different tokens collide with probability about `pages² / 2⁶⁵`, which
/// would end a walk with a false [`PaginationError::TokenCycle`].
struct SeenTokens {
    keys: RandomState,
    hashes: HashSet<u64>,
}

impl SeenTokens {
    fn new() -> Self {
        Self {
            keys: RandomState::new(),
            hashes: HashSet::new(),
        }
    }

    /// Records `token`; `false` if it was already seen.
    fn insert(&mut self, token: &str) -> bool {
        self.hashes.insert(self.keys.hash_one(token))
    }
}

/// The guards of one walk: the tokens used, the empty pages in a row and
/// the pages fetched. Shared by [`paginate`] and the bulk listing.
pub(crate) struct PageGuard {
    seen: SeenTokens,
    empty_run: u32,
    pages: u64,
    max_empty_pages: u32,
}

impl PageGuard {
    /// A walk starting from `first_token` (empty: the first page).
    pub(crate) fn new(first_token: &str, max_empty_pages: u32) -> Self {
        let mut seen = SeenTokens::new();
        if !first_token.is_empty() {
            seen.insert(first_token);
        }
        Self {
            seen,
            empty_run: 0,
            pages: 0,
            max_empty_pages,
        }
    }

    /// Counts a page holding `items` items; `Ok(Some(token))` when the walk
    /// goes on with `next` (not empty), `Ok(None)` when it ends, and an error
    /// when following `next` would loop or has gone on empty for too long.
    pub(crate) fn next_page(
        &mut self,
        items: usize,
        next: Option<String>,
    ) -> Result<Option<String>, PaginationError> {
        self.pages += 1;
        let Some(token) = next.filter(|token| !token.is_empty()) else {
            return Ok(None);
        };
        self.empty_run = if items == 0 {
            self.empty_run.saturating_add(1)
        } else {
            0
        };
        if !self.seen.insert(&token) {
            Err(PaginationError::TokenCycle { pages: self.pages })
        } else if self.empty_run > self.max_empty_pages {
            Err(PaginationError::TooManyEmptyPages {
                limit: self.max_empty_pages,
                pages: self.pages,
            })
        } else {
            Ok(Some(token))
        }
    }
}

struct Walk<O> {
    next: Option<O>,
    guard: PageGuard,
}

/// Every item of every page, starting with `first`. Pages are fetched
/// lazily; the stream ends after a page whose `next_page_token` is absent or
/// empty. A token already used in this walk, or more than
/// `max_empty_pages` empty pages in a row, ends it with a
/// [`PaginationError`]. An error ends the stream after being yielded.
pub(crate) fn paginate<O>(
    client: ContactsClient,
    first: O,
    max_empty_pages: u32,
) -> impl Stream<Item = Result<O::Item, Error>> + Send + 'static
where
    O: Paged,
    O::Output: Send,
{
    let guard = PageGuard::new(first.page_token().unwrap_or_default(), max_empty_pages);
    let walk = Walk {
        next: Some(first),
        guard,
    };
    let pages = stream::unfold(walk, move |mut walk| {
        let client = client.clone();
        async move {
            let operation = walk.next.take()?;
            let output = match client.execute(&operation).await {
                Ok(output) => output,
                Err(error) => return Some((Err(error), walk)),
            };
            let (items, next) = O::into_items(output);
            let stop = match walk.guard.next_page(items.len(), next) {
                Ok(None) => None,
                Ok(Some(token)) => {
                    walk.next = Some(operation.with_page_token(token));
                    None
                }
                Err(stop) => Some(stop),
            };
            Some((Ok((items, stop)), walk))
        }
    });
    pages.flat_map(|page| {
        let items: Vec<Result<O::Item, Error>> = match page {
            Ok((items, stop)) => items
                .into_iter()
                .map(Ok)
                .chain(stop.map(|stop| Err(Error::Pagination(stop))))
                .collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(items)
    })
}
