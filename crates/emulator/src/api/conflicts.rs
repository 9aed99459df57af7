//! `GET /contacts:identityConflicts`: the model's identity conflicts, paged by identity.

use bytes::Bytes;
use http::Request;
use sinch_contacts_model::{Contact, find_identity_conflicts, validate_page_size};

use super::contacts::DEFAULT_PAGE_SIZE;
use super::outcome::{ApiResult, Outcome};
use crate::body::{page_size, query_pairs, query_value};
use crate::failure::{Failure, ok_json};
use crate::page_token::{self, Listing};
use crate::state::State;

/// Lists identities shared by several contacts on SMS, MMS and RCS, sorted by identity.
pub(crate) fn list(state: &State, request: &Request<Bytes>) -> ApiResult {
    let pairs = query_pairs(request);
    let size = page_size(&pairs)?;
    if let Some(size) = size {
        validate_page_size(size).map_err(|error| Failure::validation(&error))?;
    }
    let size = size.unwrap_or(DEFAULT_PAGE_SIZE) as usize;
    let after = query_value(&pairs, "page_token")
        .filter(|token| !token.is_empty())
        .map(|token| page_token::decode(Listing::IdentityConflicts, token))
        .transpose()?;
    let contacts: Vec<Contact> = state.store.all().cloned().collect();
    let mut remaining: Vec<_> = find_identity_conflicts(&contacts)
        .into_iter()
        .filter(|conflict| {
            after
                .as_deref()
                .is_none_or(|last| conflict.identity.as_deref().unwrap_or_default() > last)
        })
        .collect();
    let more = remaining.len() > size;
    remaining.truncate(size);
    let next_page_token = if more {
        let last = remaining
            .last()
            .and_then(|conflict| conflict.identity.clone())
            .unwrap_or_default();
        page_token::encode(Listing::IdentityConflicts, &last)
    } else {
        String::new()
    };
    // Written out so an empty page still carries `"conflicts": []`, as the API sends it.
    Ok(Outcome::quiet(ok_json(&serde_json::json!({
        "conflicts": remaining,
        "next_page_token": next_page_token,
    }))))
}
