//! `POST /v1/projects/{project_id}/contacts/{destination_id}:merge`.

use http::Method;
use sinch_contacts_model::{
    Contact, ConversationMergeStrategy, MergeContactRequest, validate_merge,
};

use super::{Operation, parse_json};
use crate::config::Endpoint;
use crate::encode::encode_segment;
use crate::error::Error;
use crate::request::{json_body, json_request};
use crate::transport::{HttpRequest, HttpResponse};

/// Merges the source contact into the destination, which survives; body
/// `{"source_id", "strategy": "MERGE"}`. Returns the resulting contact.
#[derive(Debug, Clone)]
pub struct MergeContacts<'a> {
    destination_id: &'a str,
    body: MergeContactRequest,
}

impl<'a> MergeContacts<'a> {
    /// Merges `source_id` into `destination_id` with the `MERGE` strategy.
    pub fn new(destination_id: &'a str, source_id: &str) -> Self {
        let mut body = MergeContactRequest::new(source_id);
        body.strategy = Some(ConversationMergeStrategy::Merge);
        Self {
            destination_id,
            body,
        }
    }
}

impl Operation for MergeContacts<'_> {
    type Output = Contact;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        validate_merge(self.destination_id, &self.body.source_id)?;
        let url = format!(
            "{}/contacts/{}:merge",
            endpoint.project_url(),
            encode_segment(self.destination_id)
        );
        json_request(Method::POST, url, Some(json_body(&self.body)?))
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "Contact")
    }
}
