//! `POST /contacts/{destination_id}:merge`, by the model's merge rules.

use bytes::Bytes;
use http::Request;
use serde_json::json;
use sinch_contacts_model::{
    ConversationMergeStrategy, MergeContactRequest, WebhookTrigger, merge_contacts, validate_merge,
};

use super::contacts::not_found;
use super::outcome::{ApiResult, Outcome};
use crate::body::json;
use crate::failure::{Failure, ok_json};
use crate::state::{State, duplication_notification};
use crate::webhooks::Notification;

/// Merges the body's `source_id` into the path's destination; the source is deleted.
pub(crate) fn merge(
    state: &mut State,
    destination_id: &str,
    request: &Request<Bytes>,
) -> ApiResult {
    let body: MergeContactRequest = json(request)?;
    if let Some(strategy) = &body.strategy
        && *strategy != ConversationMergeStrategy::Merge
    {
        return Err(Failure::invalid(
            "strategy",
            format!(
                "`{}` is not supported; the only strategy is MERGE",
                strategy.as_str()
            ),
        ));
    }
    validate_merge(destination_id, &body.source_id).map_err(|error| Failure::validation(&error))?;
    let destination = state
        .store
        .get(destination_id)
        .cloned()
        .ok_or_else(|| not_found(destination_id))?;
    let source = state
        .store
        .get(&body.source_id)
        .cloned()
        .ok_or_else(|| not_found(&body.source_id))?;
    let outcome = merge_contacts(destination, source.clone())
        .map_err(|error| Failure::invalid("source_id", error.to_string()))?;
    let merged = outcome.contact;
    state.store.remove(&body.source_id);
    state.store.put(merged.clone());
    let mut notifications = vec![Notification::new(
        WebhookTrigger::ContactMerge,
        json!({ "preserved_contact": merged, "deleted_contact": source }),
    )];
    // An identity that moved from the source and is also on a third contact is a duplicate
    // with a new set of contacts; the destination's own duplicates are not new.
    let moved: Vec<_> = state
        .duplications_of(&merged)
        .into_iter()
        .filter(|duplicate| {
            outcome.moved_identities.iter().any(|identity| {
                identity.channel == duplicate.channel && identity.identity == duplicate.identity
            })
        })
        .collect();
    if !moved.is_empty() {
        notifications.push(duplication_notification(&moved));
    }
    Ok(Outcome::new(ok_json(&merged), notifications))
}
