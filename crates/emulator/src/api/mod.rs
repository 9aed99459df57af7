//! The contacts API under `/v1/projects/{project_id}/`: authentication, the project check and
//! one handler per operation.

mod body;
pub(crate) mod conflicts;
pub(crate) mod contacts;
mod merge;
mod recipients;

pub(crate) use body::{json as json_body, missing_field};

use bytes::Bytes;
use http::{Method, Request, Response};

use crate::auth::authenticate;
use crate::emulator::Shared;
use crate::failure::Failure;
use crate::router::{self, Resource};
use crate::webhooks::Notification;

/// An answer and the callbacks it causes.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) response: Response<Bytes>,
    pub(crate) notifications: Vec<Notification>,
}

impl Outcome {
    pub(crate) fn new(response: Response<Bytes>, notifications: Vec<Notification>) -> Self {
        Self {
            response,
            notifications,
        }
    }

    /// An answer that causes no callback.
    pub(crate) fn quiet(response: Response<Bytes>) -> Self {
        Self::new(response, Vec::new())
    }
}

/// What an operation handler returns.
pub(crate) type ApiResult = Result<Outcome, Failure>;

/// Answers an API request; callbacks it causes are handed to the dispatcher (which returns at
/// once) after the state lock is released.
pub(crate) fn handle(shared: &std::sync::Arc<Shared>, request: &Request<Bytes>) -> Response<Bytes> {
    let outcome = {
        let mut state = shared.lock_state();
        let mut outcome = answer(shared, &mut state, request);
        if let Ok(outcome) = &mut outcome {
            state.stamp(&mut outcome.notifications);
        }
        outcome
    };
    match outcome {
        Ok(outcome) => {
            shared.dispatcher.dispatch(outcome.notifications);
            outcome.response
        }
        Err(failure) => failure.into_response(),
    }
}

fn answer(shared: &Shared, state: &mut crate::state::State, request: &Request<Bytes>) -> ApiResult {
    let config = &shared.config;
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
