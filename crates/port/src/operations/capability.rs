//! `POST /v1/projects/{project_id}/capability:query`.

use http::Method;
use sinch_contacts_model::{
    QueryCapabilityRequest, QueryCapabilityResponse, validate_capability_query,
};

use super::{Operation, parse_json};
use crate::config::Endpoint;
use crate::error::Error;
use crate::request::{json_body, json_request};
use crate::transport::{HttpRequest, HttpResponse};

/// Asks which channels can reach a recipient. The answer only acknowledges
/// the query (with its `request_id`); results arrive later as CAPABILITY
/// callbacks.
#[derive(Debug, Clone, Copy)]
pub struct QueryCapability<'a> {
    request: &'a QueryCapabilityRequest,
}

impl<'a> QueryCapability<'a> {
    /// Queries the capability described by `request`.
    pub fn new(request: &'a QueryCapabilityRequest) -> Self {
        Self { request }
    }
}

impl Operation for QueryCapability<'_> {
    const NAME: &'static str = "query_capability";

    type Output = QueryCapabilityResponse;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        validate_capability_query(self.request)?;
        let url = format!("{}/capability:query", endpoint.checked_project_url()?);
        json_request(Method::POST, url, Some(json_body(self.request)?))
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "QueryCapabilityResponse")
    }
}
