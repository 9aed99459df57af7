//! Helpers shared by the suite: requests written as JSON, contacts compared as JSON.

use futures_util::TryStreamExt;
use serde_json::Value;
use sinch_contacts_model::{Contact, ContactCreateRequest, ListContactsQuery};
use sinch_contacts_port::{ContactsClient, Error};

/// A create request written out as the JSON the API documents.
pub fn create_request(body: Value) -> ContactCreateRequest {
    serde_json::from_value(body).expect("a hand-written create request")
}

/// A contact as JSON without its server-assigned id, to compare with a hand-written value.
pub fn without_id(contact: &Contact) -> Value {
    let mut value = serde_json::to_value(contact).expect("a contact serializes");
    value
        .as_object_mut()
        .expect("a contact is an object")
        .remove("id");
    value
}

/// The contact's id (every stored contact has one).
pub fn id_of(contact: &Contact) -> String {
    contact.id.clone().expect("a stored contact has an id")
}

/// Every contact, through the client's paginated listing (20 per page), sorted by id.
pub async fn list_everything(client: &ContactsClient) -> Vec<Contact> {
    let mut contacts: Vec<Contact> = client
        .list_all(ListContactsQuery::new().page_size(20))
        .try_collect()
        .await
        .expect("listing every contact");
    contacts.sort_by(|a, b| a.id.cmp(&b.id));
    contacts
}

/// The HTTP status of an API error, `None` for any other error.
pub fn api_status(error: &Error) -> Option<u16> {
    match error {
        Error::Api(api) => Some(api.status().as_u16()),
        _ => None,
    }
}
