//! Which part of the emulator answers a request: the emulator-only routes, the token endpoint,
//! or the API behind the project's rate limit and fault injection. The HTTP server and the
//! in-process transport both call [`handle`].

use bytes::Bytes;
use http::{Request, Response};

use crate::failure::Failure;
use crate::faults::FaultKind;
use crate::shared::Shared;
use crate::{admin, api, auth, router};

/// How the emulator answered a request.
#[derive(Debug)]
pub(crate) enum Handled {
    /// An HTTP answer.
    Response(Response<Bytes>),
    /// No answer: the connection is dropped (an injected fault).
    Dropped(FaultKind),
}

/// Answers one request: emulator-only routes and the token endpoint as they are, API routes
/// counted by method, then through the rate limit (paths of the emulator's project only), then fault injection. A
/// request the rate limit refuses draws no fault, so the faults of the requests let through
/// follow the seed as they would without a limit.
pub(crate) async fn handle(shared: &Shared, request: Request<Bytes>) -> Handled {
    let path = request.uri().path();
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        return Handled::Response(admin::handle(shared, &request));
    }
    if path == "/oauth2/token" {
        let mut state = shared.lock_state();
        return Handled::Response(auth::token_endpoint(
            &request,
            &shared.config,
            &mut state.tokens,
        ));
    }
    shared.count_request(request.method());
    if let Some(limit) = &shared.config.rate_limit
        && router::names_project(path, &shared.config.project_id)
        && let Err(wait) = shared.take_rate_token()
    {
        let failure = Failure::rate_limited(&shared.config.project_id, limit, wait);
        return Handled::Response(failure.into_response());
    }
    let (fault, latency) = shared.draw_fault();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(FaultKind::DropBefore) => return Handled::Dropped(FaultKind::DropBefore),
        Some(FaultKind::ServerError) => {
            return Handled::Response(Failure::unavailable().into_response());
        }
        Some(FaultKind::TooManyRequests { retry_after }) => {
            return Handled::Response(Failure::too_many_requests(retry_after).into_response());
        }
        Some(FaultKind::DropAfter) | None => {}
    }
    let response = api::handle(shared, &request);
    match fault {
        Some(FaultKind::DropAfter) => Handled::Dropped(FaultKind::DropAfter),
        _ => Handled::Response(response),
    }
}
