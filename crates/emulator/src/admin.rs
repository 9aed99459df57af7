//! Emulator-only routes under `/_emulator/` (no credentials, never faulted). Real API paths all
//! start with `/v1/`, so these can never collide with one.
//!
//! | route | does |
//! |---|---|
//! | `GET /_emulator/status` | project, app, contact count, tokens issued, faults and counts, the rate limit and its counts, each webhook's [`crate::DeliveryStats`] |
//! | `POST /_emulator/reset` | [`crate::Emulator::reset`] |
//! | `POST /_emulator/contacts` | seeds contacts: a JSON array of create requests (or `{"contacts": [...]}`), no callbacks |
//! | `POST /_emulator/inbound` | [`crate::Emulator::inject_inbound`] with an [`crate::InboundMessage`] |
//! | `POST /_emulator/opt-outs`, `POST /_emulator/opt-ins` | [`crate::Emulator::inject_opt_out`], [`crate::Emulator::inject_opt_in`] with an [`crate::OptChange`] |
//! | `POST /_emulator/callbacks` | [`crate::Emulator::inject_callback`] with the raw body; answers the trigger and the webhooks it was queued for |
//! | `GET /_emulator/deliveries` | the delivery log |
//! | `GET`, `PUT /_emulator/faults` | the fault spec and counts; `PUT` takes the text form or `{"spec": "..."}` |
//! | `GET`, `POST /_emulator/webhooks`, `DELETE /_emulator/webhooks/{id}` | webhooks; `POST` refuses what [`crate::Webhook::validate`] refuses (400 naming the field) |
//! | `POST /_emulator/tokens:expire` | [`crate::Emulator::expire_tokens`] |

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use sinch_contacts_model::ContactCreateRequest;

use crate::body::{json as json_body, missing_field};
use crate::consent::{Direction, OptChange};
use crate::failure::{Failure, json_response, ok_json};
use crate::faults::FaultSpec;
use crate::inbound::InboundMessage;
use crate::shared::Shared;
use crate::webhooks::Webhook;

/// Answers an emulator-only request.
pub(crate) fn handle(shared: &Shared, request: &Request<Bytes>) -> Response<Bytes> {
    let path = request
        .uri()
        .path()
        .trim_start_matches("/_emulator")
        .trim_start_matches('/');
    match route(shared, request, path) {
        Ok(response) => response,
        Err(failure) => failure.into_response(),
    }
}

fn route(
    shared: &Shared,
    request: &Request<Bytes>,
    path: &str,
) -> Result<Response<Bytes>, Failure> {
    let method = request.method();
    match (path, method) {
        ("status", &Method::GET) => Ok(status(shared)),
        ("reset", &Method::POST) => {
            shared.reset();
            Ok(ok_json(&json!({})))
        }
        ("contacts", &Method::POST) => seed(shared, request),
        ("inbound", &Method::POST) => {
            let message: InboundMessage = json_body(request)?;
            Ok(ok_json(&shared.inject_inbound(&message)))
        }
        ("opt-outs", &Method::POST) => {
            let change: OptChange = json_body(request)?;
            Ok(ok_json(&shared.inject_opt(Direction::Out, &change)))
        }
        ("opt-ins", &Method::POST) => {
            let change: OptChange = json_body(request)?;
            Ok(ok_json(&shared.inject_opt(Direction::In, &change)))
        }
        ("callbacks", &Method::POST) => inject_callback(shared, request),
        ("deliveries", &Method::GET) => Ok(ok_json(
            &json!({ "deliveries": shared.outbox.deliveries() }),
        )),
        ("faults", &Method::GET) => Ok(faults(shared)),
        ("faults", &Method::PUT) => {
            shared.set_faults(read_fault_spec(request.body())?);
            Ok(faults(shared))
        }
        ("webhooks", &Method::GET) => Ok(webhooks(shared)),
        ("webhooks", &Method::POST) => {
            let webhook: Webhook = json_body(request)?;
            webhook
                .validate()
                .map_err(|error| Failure::invalid(error.field(), error.description()))?;
            let id = shared.outbox.register(webhook);
            Ok(ok_json(&json!({ "id": id })))
        }
        ("tokens:expire", &Method::POST) => {
            shared.expire_tokens();
            Ok(ok_json(&json!({})))
        }
        (other, &Method::DELETE) if other.starts_with("webhooks/") => {
            let id = &other["webhooks/".len()..];
            if shared.outbox.unregister(id) {
                Ok(ok_json(&json!({})))
            } else {
                Err(Failure::not_found(format!("Webhook `{id}` not found")))
            }
        }
        ("status" | "deliveries", _) => Err(Failure::method_not_allowed("GET")),
        (
            "reset" | "contacts" | "inbound" | "opt-outs" | "opt-ins" | "callbacks"
            | "tokens:expire",
            _,
        ) => Err(Failure::method_not_allowed("POST")),
        ("faults", _) => Err(Failure::method_not_allowed("GET, PUT")),
        ("webhooks", _) => Err(Failure::method_not_allowed("GET, POST")),
        _ => Err(Failure::not_found(format!(
            "No such emulator route: {}",
            request.uri().path()
        ))),
    }
}

fn status(shared: &Shared) -> Response<Bytes> {
    let (spec, counts) = shared.faults();
    let rate_limit = shared.rate_limit().map(|(limit, counts)| {
        json!({
            "spec": limit.to_string(),
            "per_second": limit.per_second(),
            "burst": limit.burst_size(),
            "allowed": counts.allowed,
            "refused": counts.refused,
        })
    });
    let state = shared.lock_state();
    ok_json(&json!({
        "project_id": shared.config.project_id,
        "app_id": shared.config.app_id,
        "contact_count": state.store.len(),
        "tokens_issued": state.tokens.issued(),
        "faults": spec.to_string(),
        "fault_counts": counts,
        "rate_limit": rate_limit,
        "api_requests": shared.request_counts(),
        "webhooks": shared.outbox.stats(),
    }))
}

/// The body, as given, to the webhooks subscribed to its trigger: `{"trigger", "queued",
/// "webhook_ids", "not_queued"}`, and a `note` saying why when it was queued for none.
fn inject_callback(shared: &Shared, request: &Request<Bytes>) -> Result<Response<Bytes>, Failure> {
    let injected = shared
        .inject_callback(request.body())
        .map_err(|error| Failure::invalid(error.field(), error.description()))?;
    let mut answer = json!({
        "trigger": injected.trigger,
        "queued": injected.queued(),
        "webhook_ids": injected.webhook_ids,
        "not_queued": injected.not_queued,
    });
    if let (Some(note), Value::Object(members)) = (injected.nothing_queued(), &mut answer) {
        members.insert("note".to_owned(), Value::from(note));
    }
    Ok(ok_json(&answer))
}

fn faults(shared: &Shared) -> Response<Bytes> {
    let (spec, counts) = shared.faults();
    ok_json(&json!({ "spec": spec.to_string(), "counts": counts }))
}

fn webhooks(shared: &Shared) -> Response<Bytes> {
    let listed: Vec<Value> = shared
        .outbox
        .webhooks()
        .into_iter()
        .map(|(id, webhook)| json!({ "id": id, "target": webhook.target, "triggers": webhook.triggers }))
        .collect();
    ok_json(&json!({ "webhooks": listed }))
}

/// The text form (`5xx=0.1,...`) or `{"spec": "..."}`.
fn read_fault_spec(body: &[u8]) -> Result<FaultSpec, Failure> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Failure::invalid("spec", "the body is not UTF-8"))?
        .trim();
    let text = if text.starts_with('{') {
        #[derive(Deserialize)]
        struct Body {
            spec: String,
        }
        serde_json::from_str::<Body>(text)
            .map_err(|error| Failure::invalid("spec", error.to_string()))?
            .spec
    } else {
        text.to_owned()
    };
    text.parse::<FaultSpec>()
        .map_err(|error| Failure::invalid("spec", error.to_string()))
}

fn seed(shared: &Shared, request: &Request<Bytes>) -> Result<Response<Bytes>, Failure> {
    let list = match json_body::<Value>(request)? {
        list @ Value::Array(_) => list,
        Value::Object(mut wrapped) => wrapped.remove("contacts").unwrap_or(Value::Null),
        _ => Value::Null,
    };
    if !list.is_array() {
        return Err(Failure::invalid(
            "contacts",
            "expected a JSON array of create requests, or {\"contacts\": [...]}",
        ));
    }
    let requests: Vec<ContactCreateRequest> =
        serde_path_to_error::deserialize(list).map_err(|error| {
            let path = error.path().to_string();
            let message = error.inner().to_string();
            let field = match missing_field(&message) {
                Some(missing) => format!("contacts{path}.{missing}"),
                None => format!("contacts{path}"),
            };
            Failure::invalid(field, message)
        })?;
    match shared.seed(requests) {
        Ok(contacts) => Ok(json_response(
            StatusCode::OK,
            &json!({ "contacts": contacts }),
        )),
        Err((index, error)) => {
            let violation = error.violations().first();
            Err(Failure::invalid(
                format!(
                    "contacts[{index}].{}",
                    violation.map_or("", |violation| violation.field())
                ),
                violation.map_or_else(
                    || error.to_string(),
                    |violation| violation.kind().to_string(),
                ),
            ))
        }
    }
}
