//! `GET /v1/projects/{project_id}/contacts:identityConflicts`.

use http::Method;
use sinch_contacts_model::{
    IdentityConflict, IdentityConflictsQuery, ListIdentityConflictsResponse,
};

use super::{Operation, parse_json};
use crate::config::Endpoint;
use crate::encode::QueryString;
use crate::error::Error;
use crate::request::json_request;
use crate::transport::{HttpRequest, HttpResponse};

/// List identities shared by several contacts on SMS, MMS and RCS, one page.
#[derive(Debug, Clone, PartialEq)]
pub struct ListIdentityConflicts {
    query: IdentityConflictsQuery,
}

impl ListIdentityConflicts {
    /// Lists with the given query.
    pub fn new(query: IdentityConflictsQuery) -> Self {
        Self { query }
    }
}

impl Operation for ListIdentityConflicts {
    const NAME: &'static str = "list_identity_conflicts";

    type Output = ListIdentityConflictsResponse;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        self.query.validate()?;
        let query = QueryString::from_pairs(&self.query.to_pairs());
        let url = format!(
            "{}/contacts:identityConflicts{}",
            endpoint.checked_project_url()?,
            query.as_str()
        );
        json_request(Method::GET, url, None)
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "ListIdentityConflictsResponse")
    }
}

impl crate::client::Paged for ListIdentityConflicts {
    type Item = IdentityConflict;

    fn page_token(&self) -> Option<&str> {
        self.query.page_token.as_deref()
    }

    fn with_page_token(&self, token: String) -> Self {
        let mut next = self.clone();
        next.query.page_token = Some(token);
        next
    }

    fn into_items(output: Self::Output) -> (Vec<Self::Item>, Option<String>) {
        (output.conflicts, output.next_page_token)
    }
}
