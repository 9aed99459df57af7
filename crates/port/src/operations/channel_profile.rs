//! `POST /v1/projects/{project_id}/contacts:getChannelProfile`.

use http::Method;
use sinch_contacts_model::{
    GetChannelProfileRequest, GetChannelProfileResponse, validate_channel_profile_request,
};

use super::{Operation, parse_json};
use crate::config::Endpoint;
use crate::error::Error;
use crate::request::{json_body, json_request};
use crate::transport::{HttpRequest, HttpResponse};

/// The user's profile name on Messenger, Instagram, Viber or LINE, by
/// contact id or by channel identity.
#[derive(Debug, Clone, Copy)]
pub struct GetChannelProfile<'a> {
    request: &'a GetChannelProfileRequest,
}

impl<'a> GetChannelProfile<'a> {
    /// Asks for the profile described by `request`.
    pub fn new(request: &'a GetChannelProfileRequest) -> Self {
        Self { request }
    }
}

impl Operation for GetChannelProfile<'_> {
    const NAME: &'static str = "get_channel_profile";

    type Output = GetChannelProfileResponse;

    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        validate_channel_profile_request(self.request)?;
        let url = format!(
            "{}/contacts:getChannelProfile",
            endpoint.checked_project_url()?
        );
        json_request(Method::POST, url, Some(json_body(self.request)?))
    }

    fn parse(response: HttpResponse) -> Result<Self::Output, Error> {
        parse_json(response, "GetChannelProfileResponse")
    }
}
