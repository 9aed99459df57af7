//! List, create, get, update and delete.

use bytes::Bytes;
use http::Request;
use serde_json::json;
use sinch_contacts_model::{
    ContactCreateRequest, ContactPatch, ListContactsQuery, UpdateMask, WebhookTrigger, apply_patch,
    validate_contact, validate_create, validate_patch,
};

use super::outcome::{ApiResult, Outcome};
use crate::body::{json, json_object, page_size, query_pairs, query_value};
use crate::failure::{Failure, ok_json};
use crate::page_token::{self, Listing};
use crate::state::{State, contact_from};
use crate::webhooks::Notification;

/// The page size when none is asked for.
pub(crate) const DEFAULT_PAGE_SIZE: u32 = 10;

/// `GET /contacts`: filters by the model's rules, pages in id order.
pub(crate) fn list(state: &State, request: &Request<Bytes>) -> ApiResult {
    let pairs = query_pairs(request);
    let query = ListContactsQuery::from_params(
        page_size(&pairs)?,
        query_value(&pairs, "page_token"),
        query_value(&pairs, "external_id"),
        query_value(&pairs, "channel"),
        query_value(&pairs, "identity"),
    )
    .map_err(|error| Failure::validation(&error))?;
    let after = query
        .page_token
        .as_deref()
        .map(|token| page_token::decode(Listing::Contacts, token))
        .transpose()?;
    let size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE) as usize;
    let page = state
        .store
        .page(query.filter.as_ref(), after.as_deref(), size);
    let next_page_token = page
        .continue_after
        .map(|last| page_token::encode(Listing::Contacts, &last))
        .unwrap_or_default();
    // Written out so an empty page still carries `"contacts": []`, as the API sends it.
    Ok(Outcome::quiet(ok_json(&json!({
        "contacts": page.items,
        "next_page_token": next_page_token,
    }))))
}

/// `POST /contacts`.
pub(crate) fn create(state: &mut State, request: &Request<Bytes>) -> ApiResult {
    let create: ContactCreateRequest = json(request)?;
    validate_create(&create).map_err(|error| Failure::validation(&error))?;
    let (contact, notifications) = state.insert_new(contact_from(create));
    Ok(Outcome::new(ok_json(&contact), notifications))
}

pub(crate) fn not_found(id: &str) -> Failure {
    Failure::not_found(format!("Contact `{id}` not found"))
}

/// `GET /contacts/{id}`.
pub(crate) fn get(state: &State, id: &str) -> ApiResult {
    let contact = state.store.get(id).ok_or_else(|| not_found(id))?;
    Ok(Outcome::quiet(ok_json(contact)))
}

/// `PATCH /contacts/{id}`: the mask from `update_mask` or `update_mask.paths` (comma-joined,
/// repeated, or both), or derived from the body's members when neither is given.
pub(crate) fn update(state: &mut State, id: &str, request: &Request<Bytes>) -> ApiResult {
    let pairs = query_pairs(request);
    let entries: Vec<&str> = pairs
        .iter()
        .filter(|(name, _)| name == "update_mask" || name == "update_mask.paths")
        .map(|(_, value)| value.as_str())
        .collect();
    let body = json_object(request)?;
    let mut patch = ContactPatch::from_body(&body)
        .map_err(|error| Failure::invalid(error.field().as_str(), error.to_string()))?;
    if !entries.is_empty() {
        let mask = UpdateMask::parse(entries.iter().copied())
            .map_err(|error| Failure::invalid("update_mask", error.to_string()))?;
        patch = patch.with_mask(mask);
    }
    validate_patch(&patch).map_err(|error| Failure::validation(&error))?;
    let current = state.store.get(id).ok_or_else(|| not_found(id))?;
    let updated = apply_patch(current, &patch);
    validate_contact(&updated).map_err(|error| Failure::validation(&error))?;
    let before = state.duplications_of(current);
    state.store.put(updated.clone());
    let mut notifications = vec![Notification::new(
        WebhookTrigger::ContactUpdate,
        json!({ "contact": updated }),
    )];
    notifications.extend(state.new_duplications(Some(&before), &updated));
    Ok(Outcome::new(ok_json(&updated), notifications))
}

/// `DELETE /contacts/{id}`: 200 with `{}`.
pub(crate) fn delete(state: &mut State, id: &str) -> ApiResult {
    let removed = state.store.remove(id).ok_or_else(|| not_found(id))?;
    Ok(Outcome::new(
        ok_json(&json!({})),
        vec![Notification::new(
            WebhookTrigger::ContactDelete,
            json!({ "contact": removed }),
        )],
    ))
}
