//! Turning a paged operation into a [`Stream`] of items.

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use super::ContactsClient;
use crate::error::Error;
use crate::operations::Operation;

/// How a paged operation moves to its next page and exposes its items.
pub(crate) trait Paged: Operation + Send + Sync + 'static {
    /// The item type of a page.
    type Item: Send + 'static;

    /// The same operation asking for the page after `token`.
    fn with_page_token(&self, token: String) -> Self;

    /// The page's items and its `next_page_token`.
    fn into_items(output: Self::Output) -> (Vec<Self::Item>, Option<String>);
}

/// Every item of every page, starting with `first`. Pages are fetched
/// lazily; the stream ends after a page whose `next_page_token` is absent or
/// empty, or repeats the token just used (which would loop forever). An
/// error ends the stream after being yielded.
pub(crate) fn paginate<O>(
    client: ContactsClient,
    first: O,
) -> impl Stream<Item = Result<O::Item, Error>> + Send + 'static
where
    O: Paged,
    O::Output: Send,
{
    let pages = stream::unfold(Some((first, None::<String>)), move |state| {
        let client = client.clone();
        async move {
            let (operation, used_token) = state?;
            match client.execute(&operation).await {
                Ok(output) => {
                    let (items, next) = O::into_items(output);
                    let next_state = next
                        .filter(|token| !token.is_empty() && Some(token) != used_token.as_ref())
                        .map(|token| (operation.with_page_token(token.clone()), Some(token)));
                    Some((Ok(items), next_state))
                }
                Err(error) => Some((Err(error), None)),
            }
        }
    });
    pages.flat_map(|page| {
        let items: Vec<Result<O::Item, Error>> = match page {
            Ok(items) => items.into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(items)
    })
}
