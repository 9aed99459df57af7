//! Create, get, update and delete one contact.

use http::Method;
use sinch_contacts_model::{
    Contact, ContactCreateRequest, ContactPatch, ValidationError, ViolationKind, validate_create,
    validate_patch,
};

use super::{Operation, parse_json, success_body};
use crate::config::Endpoint;
use crate::encode::{QueryString, encode_segment};
use crate::error::Error;
use crate::request::{json_body, json_request};
use crate::transport::{HttpRequest, HttpResponse};
use crate::validation::require_id;

/// `{project_url}/contacts/{contact_id}` once both ids are known usable.
fn contact_url(endpoint: &Endpoint, contact_id: &str) -> Result<String, Error> {
    require_id("contact_id", contact_id)?;
    Ok(format!(
        "{}/contacts/{}",
        endpoint.checked_project_url()?,
        encode_segment(contact_id)
    ))
}

/// `POST /v1/projects/{project_id}/contacts`. Validated before sending.
#[derive(Debug, Clone, Copy)]
pub struct CreateContact<'a> {
    request: &'a ContactCreateRequest,
}

impl<'a> CreateContact<'a> {
    /// Creates the described contact.
    pub fn new(request: &'a ContactCreateRequest) -> Self {
        Self { request }
    }
}

impl Operation for CreateContact<'_> {
    const NAME: &'static str = "create_contact";

    type Output = Contact;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        validate_create(self.request)?;
        let url = format!("{}/contacts", endpoint.checked_project_url()?);
        json_request(Method::POST, url, Some(json_body(self.request)?))
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "Contact")
    }
}

/// `GET /v1/projects/{project_id}/contacts/{contact_id}`.
#[derive(Debug, Clone, Copy)]
pub struct GetContact<'a> {
    contact_id: &'a str,
}

impl<'a> GetContact<'a> {
    /// Fetches the contact with this id.
    pub fn new(contact_id: &'a str) -> Self {
        Self { contact_id }
    }
}

impl Operation for GetContact<'_> {
    const NAME: &'static str = "get_contact";

    type Output = Contact;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        json_request(Method::GET, contact_url(endpoint, self.contact_id)?, None)
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "Contact")
    }
}

/// `PATCH /v1/projects/{project_id}/contacts/{contact_id}?update_mask=...`.
///
/// The body holds the patch's set fields as values and its cleared fields as
/// `null`; `update_mask` is the patch's mask (derived from the fields it
/// touches unless overridden), comma-joined. A patch with an empty mask is a
/// validation error: it would change nothing.
#[derive(Debug, Clone, Copy)]
pub struct UpdateContact<'a> {
    contact_id: &'a str,
    patch: &'a ContactPatch,
}

impl<'a> UpdateContact<'a> {
    /// Applies `patch` to the contact with this id.
    pub fn new(contact_id: &'a str, patch: &'a ContactPatch) -> Self {
        Self { contact_id, patch }
    }
}

impl Operation for UpdateContact<'_> {
    const NAME: &'static str = "update_contact";

    type Output = Contact;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        let url = contact_url(endpoint, self.contact_id)?;
        validate_patch(self.patch)?;
        let mask = self.patch.mask();
        if mask.is_empty() {
            // Nothing to change; refusing beats sending a mask-less PATCH
            // whose meaning the API does not document.
            return Err(ValidationError::single("update_mask", ViolationKind::Empty).into());
        }
        let mut query = QueryString::default();
        query.push("update_mask", &mask.to_query_value());
        let url = format!("{url}{}", query.as_str());
        json_request(Method::PATCH, url, Some(json_body(&self.patch.to_body())?))
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "Contact")
    }
}

/// `DELETE /v1/projects/{project_id}/contacts/{contact_id}`. Success is any
/// 2xx; its body (`{}` or empty) is not inspected.
#[derive(Debug, Clone, Copy)]
pub struct DeleteContact<'a> {
    contact_id: &'a str,
}

impl<'a> DeleteContact<'a> {
    /// Deletes the contact with this id.
    pub fn new(contact_id: &'a str) -> Self {
        Self { contact_id }
    }
}

impl Operation for DeleteContact<'_> {
    const NAME: &'static str = "delete_contact";

    type Output = ();

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        json_request(
            Method::DELETE,
            contact_url(endpoint, self.contact_id)?,
            None,
        )
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        success_body(response).map(|_| ())
    }
}
