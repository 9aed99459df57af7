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
use crate::validation::require_id;

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

    /// Uses `strategy` instead of `MERGE` (the only strategy the API documents today; the enum
    /// is open, so a newer one can be sent before this crate knows it).
    #[must_use]
    pub fn with_strategy(mut self, strategy: ConversationMergeStrategy) -> Self {
        self.body.strategy = Some(strategy);
        self
    }
}

impl Operation for MergeContacts<'_> {
    const NAME: &'static str = "merge_contacts";

    type Output = Contact;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        validate_merge(self.destination_id, &self.body.source_id)?;
        // The model checks for empty ids; blank ones and dot segments are
        // refused here like every other id.
        require_id("destination_id", self.destination_id)?;
        require_id("source_id", &self.body.source_id)?;
        let url = format!(
            "{}/contacts/{}:merge",
            endpoint.checked_project_url()?,
            encode_segment(self.destination_id)
        );
        json_request(Method::POST, url, Some(json_body(&self.body)?))
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "Contact")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Region;

    #[test]
    fn the_strategy_can_be_chosen() {
        let endpoint = Endpoint::for_region(Region::Eu, "p");
        let request = MergeContacts::new("d", "s")
            .with_strategy(ConversationMergeStrategy::from("NEWER_STRATEGY"))
            .build(&endpoint)
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"source_id": "s", "strategy": "NEWER_STRATEGY"})
        );
    }
}
