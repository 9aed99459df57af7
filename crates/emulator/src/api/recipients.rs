//! The operations that name a recipient: `contacts:getChannelProfile` and `capability:query`.

use bytes::Bytes;
use http::Request;
use serde_json::json;
use sinch_contacts_model::{
    Contact, GetChannelProfileRequest, GetChannelProfileResponse, QueryCapabilityRequest,
    QueryCapabilityResponse, Recipient, WebhookTrigger, validate_capability_query,
    validate_channel_profile_request,
};

use super::outcome::{ApiResult, Outcome};
use crate::body::json;
use crate::config::Config;
use crate::failure::{Failure, ok_json};
use crate::state::State;
use crate::webhooks::Notification;

/// The app must be the emulator's.
fn check_app(config: &Config, app_id: &str) -> Result<(), Failure> {
    if app_id == config.app_id {
        Ok(())
    } else {
        Err(Failure::not_found(format!(
            "App `{app_id}` not found in project `{}`",
            config.project_id
        )))
    }
}

/// The contact a recipient names: by id, or the first (oldest) contact holding one of the
/// channel identities, tried in the order given.
fn resolve<'a>(state: &'a State, recipient: &Recipient) -> Result<&'a Contact, Failure> {
    match recipient {
        Recipient::ContactId(by_id) => state
            .store
            .get(&by_id.contact_id)
            .ok_or_else(|| Failure::not_found(format!("Contact `{}` not found", by_id.contact_id))),
        Recipient::IdentifiedBy(by_identity) => by_identity
            .identified_by
            .channel_identities
            .iter()
            .find_map(|identity| {
                state
                    .store
                    .ids_with_identity(identity.channel.as_str(), &identity.identity)
                    .first()
                    .and_then(|id| state.store.get(id))
            })
            .ok_or_else(|| {
                Failure::not_found("No contact has any of the recipient's channel identities")
            }),
        _ => Err(Failure::invalid(
            "recipient",
            "expected contact_id or identified_by.channel_identities",
        )),
    }
}

/// `POST /contacts:getChannelProfile`: the contact's `display_name` stands in for the profile
/// name the channel would report; the contact must have an identity on the channel.
pub(crate) fn channel_profile(
    state: &State,
    config: &Config,
    request: &Request<Bytes>,
) -> ApiResult {
    let body: GetChannelProfileRequest = json(request)?;
    validate_channel_profile_request(&body).map_err(|error| Failure::validation(&error))?;
    check_app(config, &body.app_id)?;
    let contact = resolve(state, &body.recipient)?;
    let channel = body.channel.as_str();
    if !contact
        .channel_identities
        .iter()
        .any(|identity| identity.channel.as_str() == channel)
    {
        return Err(Failure::not_found(format!(
            "Contact `{}` has no identity on {channel}",
            contact.id.as_deref().unwrap_or_default()
        )));
    }
    let mut response = GetChannelProfileResponse::default();
    response.profile_name = Some(
        contact
            .display_name
            .clone()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "Unknown".to_owned()),
    );
    Ok(Outcome::quiet(ok_json(&response)))
}

/// `POST /capability:query`: echoes the request (with a generated `request_id` when none was
/// given), then one CAPABILITY callback per channel identity of the contact, each
/// `CAPABILITY_FULL`.
pub(crate) fn capability_query(
    state: &mut State,
    config: &Config,
    request: &Request<Bytes>,
) -> ApiResult {
    let body: QueryCapabilityRequest = json(request)?;
    validate_capability_query(&body).map_err(|error| Failure::validation(&error))?;
    check_app(config, &body.app_id)?;
    let contact = resolve(state, &body.recipient)?.clone();
    let request_id = body
        .request_id
        .clone()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| state.ids.next_id());
    let contact_id = contact.id.clone().unwrap_or_default();
    let notifications = contact
        .channel_identities
        .iter()
        .map(|identity| {
            Notification::new(
                WebhookTrigger::Capability,
                json!({
                    "request_id": request_id,
                    "contact_id": contact_id,
                    "channel": identity.channel,
                    "identity": identity.identity,
                    "capability_status": "CAPABILITY_FULL",
                    "channel_capabilities": [],
                }),
            )
        })
        .collect();
    let mut response = QueryCapabilityResponse::default();
    response.app_id = Some(body.app_id);
    response.recipient = Some(body.recipient);
    response.request_id = Some(request_id);
    Ok(Outcome::new(ok_json(&response), notifications))
}
