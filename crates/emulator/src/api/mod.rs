//! The contacts API under `/v1/projects/{project_id}/`: authentication, the project check and
//! one handler per operation.

mod conflicts;
mod contacts;
mod merge;
mod outcome;
mod recipients;

use bytes::Bytes;
use http::{Method, Request, Response};

use crate::auth::authenticate;
use crate::config::Config;
use crate::failure::Failure;
use crate::router::{self, Resource};
use crate::shared::Shared;
use crate::state::State;
use outcome::ApiResult;

/// Answers an API request; callbacks it causes are handed to the webhooks (which return at
/// once) after the state lock is released.
pub(crate) fn handle(shared: &Shared, request: &Request<Bytes>) -> Response<Bytes> {
    let answered = shared.change(|state| match answer(&shared.config, state, request) {
        Ok(outcome) => (Ok(outcome.response), outcome.notifications),
        Err(failure) => (Err(failure), Vec::new()),
    });
    answered.unwrap_or_else(Failure::into_response)
}

fn answer(config: &Config, state: &mut State, request: &Request<Bytes>) -> ApiResult {
    let path = router::parse(request.uri().path())
        .ok_or_else(|| Failure::not_found(format!("No such path: {}", request.uri().path())))?;
    authenticate(request.headers(), config, &state.tokens)?;
    if path.project_id != config.project_id {
        return Err(Failure::not_found(format!(
            "Project `{}` not found",
            path.project_id
        )));
    }
    let method = request.method();
    match (&path.resource, method) {
        (Resource::Contacts, &Method::GET) => contacts::list(state, request),
        (Resource::Contacts, &Method::POST) => contacts::create(state, request),
        (Resource::Contact(id), &Method::GET) => contacts::get(state, id),
        (Resource::Contact(id), &Method::PATCH) => contacts::update(state, id, request),
        (Resource::Contact(id), &Method::DELETE) => contacts::delete(state, id),
        (Resource::Merge(id), &Method::POST) => merge::merge(state, id, request),
        (Resource::ChannelProfile, &Method::POST) => {
            recipients::channel_profile(state, config, request)
        }
        (Resource::IdentityConflicts, &Method::GET) => conflicts::list(state, request),
        (Resource::CapabilityQuery, &Method::POST) => {
            recipients::capability_query(state, config, request)
        }
        (resource, _) => Err(Failure::method_not_allowed(resource.allowed())),
    }
}
