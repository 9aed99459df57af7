//! `GET /v1/projects/{project_id}/contacts`.

use http::Method;
use sinch_contacts_model::{ListContactsQuery, ListContactsResponse};

use super::{Operation, parse_json};
use crate::config::Endpoint;
use crate::encode::QueryString;
use crate::error::Error;
use crate::request::json_request;
use crate::transport::{HttpRequest, HttpResponse};

/// List contacts, one page: `page_size`, `page_token` and either an
/// `external_id` or a `channel` + `identity` filter, all percent-encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ListContacts {
    query: ListContactsQuery,
}

impl ListContacts {
    /// Lists with the given query.
    pub fn new(query: ListContactsQuery) -> Self {
        Self { query }
    }

    /// The query.
    pub fn query(&self) -> &ListContactsQuery {
        &self.query
    }
}

impl Operation for ListContacts {
    const NAME: &'static str = "list_contacts";

    type Output = ListContactsResponse;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        self.query.validate()?;
        let query = QueryString::from_pairs(&self.query.to_pairs());
        let url = format!(
            "{}/contacts{}",
            endpoint.checked_project_url()?,
            query.as_str()
        );
        json_request(Method::GET, url, None)
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "ListContactsResponse")
    }
}

impl crate::client::Paged for ListContacts {
    type Item = sinch_contacts_model::Contact;

    fn page_token(&self) -> Option<&str> {
        self.query.page_token.as_deref()
    }

    fn with_page_token(&self, token: String) -> Self {
        let mut next = self.clone();
        next.query.page_token = Some(token);
        next
    }

    fn into_items(output: Self::Output) -> (Vec<Self::Item>, Option<String>) {
        (output.contacts, output.next_page_token)
    }
}
