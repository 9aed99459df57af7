//! Every contacts operation through the client and the reqwest adapter against the emulator on
//! loopback, with expected values worked out by hand from the documented rules.

use serde_json::json;
use sinch_contacts_e2e::loopback::{Loopback, fast_retries};
use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::{
    ContactFilter, GetChannelProfileConversationChannel, GetChannelProfileRequest,
    IdentityConflictsQuery, ListContactsQuery, QueryCapabilityRequest, UpdateMask,
};
use sinch_contacts_port::{ContactsClient, SafeCreateOutcome};

use crate::support::{api_status, create_request, id_of, list_everything, without_id};

/// The authentication schemes every scenario runs with.
#[derive(Debug, Clone, Copy)]
enum Scheme {
    Basic,
    OAuth2,
}

/// Runs `scenario` with a client of `scheme` against a fresh emulator on loopback, then checks
/// the token requests: none for Basic, exactly one for the whole scenario with OAuth2.
async fn run<F, Fut>(scheme: Scheme, scenario: F)
where
    F: FnOnce(ContactsClient) -> Fut,
    Fut: Future<Output = ()>,
{
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let auth = match scheme {
        Scheme::Basic => loopback.basic_auth(),
        Scheme::OAuth2 => loopback.oauth2_auth(),
    };
    let client = loopback.client(auth, fast_retries(3)).expect("a client");
    scenario(client).await;
    let expected_tokens = match scheme {
        Scheme::Basic => 0,
        Scheme::OAuth2 => 1,
    };
    assert_eq!(loopback.emulator().tokens_issued(), expected_tokens);
}

/// One test per scenario and scheme: `<scenario>::basic` and `<scenario>::oauth2`.
macro_rules! with_both_schemes {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test]
            async fn basic() {
                super::run(super::Scheme::Basic, super::$scenario).await;
            }

            #[tokio::test]
            async fn oauth2() {
                super::run(super::Scheme::OAuth2, super::$scenario).await;
            }
        }
    )*};
}

with_both_schemes!(
    create_get_list_update_and_delete,
    merge_moves_identities_on_missing_channels_and_fills_empty_fields,
    channel_profile_is_the_contacts_name_on_a_channel_it_has,
    identity_conflicts_name_a_number_shared_across_sms_and_mms,
    capability_query_is_accepted_for_a_contact,
    reserved_and_non_ascii_characters_survive_paths_queries_and_bodies,
);

async fn create_get_list_update_and_delete(client: ContactsClient) {
    let ada = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000001"}],
            "language": "EN_US",
            "display_name": "Ada Lovelace",
            "email": "ada@example.com",
            "external_id": "crm-1",
        })))
        .await
        .expect("create");
    assert_eq!(
        without_id(&ada),
        json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000001"}],
            "language": "EN_US",
            "display_name": "Ada Lovelace",
            "email": "ada@example.com",
            "external_id": "crm-1",
        })
    );
    let ada_id = id_of(&ada);
    assert_eq!(client.get(&ada_id).await.expect("get"), ada);

    let grace = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "WHATSAPP", "identity": "+46700000002"}],
            "language": "EN_GB",
            "display_name": "Grace Hopper",
        })))
        .await
        .expect("create");

    // One contact per page: the first page names a next page, the listing finds both.
    let page = client
        .list(ListContactsQuery::new().page_size(1))
        .await
        .expect("first page");
    assert_eq!(page.contacts.len(), 1);
    assert!(
        page.next_page_token
            .as_deref()
            .is_some_and(|t| !t.is_empty())
    );
    let mut expected = vec![ada.clone(), grace.clone()];
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(list_everything(&client).await, expected);

    // Mask display_name, metadata and email; the patch sets only the first two, so the masked
    // email is cleared and everything outside the mask is kept.
    let patch = sinch_contacts_model::ContactPatch::new()
        .display_name("Ada King")
        .metadata("vip")
        .with_mask(UpdateMask::parse(["display_name,metadata", "email"]).expect("a mask"));
    let updated = client.update(&ada_id, &patch).await.expect("update");
    let expected_update = json!({
        "channel_identities": [{"channel": "SMS", "identity": "+46700000001"}],
        "language": "EN_US",
        "display_name": "Ada King",
        "external_id": "crm-1",
        "metadata": "vip",
    });
    assert_eq!(without_id(&updated), expected_update);
    assert_eq!(
        without_id(&client.get(&ada_id).await.expect("get")),
        expected_update
    );

    client.delete(&ada_id).await.expect("delete");
    let gone = client.get(&ada_id).await.expect_err("deleted");
    assert_eq!(api_status(&gone), Some(404), "{gone}");
    assert_eq!(list_everything(&client).await, vec![grace]);
}

async fn merge_moves_identities_on_missing_channels_and_fills_empty_fields(client: ContactsClient) {
    let destination = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000010"}],
            "channel_priority": ["SMS"],
            "language": "EN_US",
            "display_name": "Destination",
            "external_id": "dest-1",
        })))
        .await
        .expect("create destination");
    let source = client
        .create(&create_request(json!({
            "channel_identities": [
                {"channel": "SMS", "identity": "+46700000099"},
                {"channel": "WHATSAPP", "identity": "+46700000011"},
                {"channel": "MESSENGER", "identity": "psid-11", "app_id": "emulator-app"},
            ],
            "language": "DE_DE",
            "display_name": "Source",
            "email": "source@example.com",
            "external_id": "source-1",
            "metadata": "from the source",
        })))
        .await
        .expect("create source");
    let destination_id = id_of(&destination);
    let merged = client
        .merge(&destination_id, &id_of(&source))
        .await
        .expect("merge");
    // Worked by hand: the SMS identity stays behind (the destination has SMS); WhatsApp and
    // Messenger move, in source order, to the bottom of the priority list; email and metadata
    // were empty on the destination and come from the source; the rest is the destination's.
    let expected = json!({
        "id": destination_id,
        "channel_identities": [
            {"channel": "SMS", "identity": "+46700000010"},
            {"channel": "WHATSAPP", "identity": "+46700000011"},
            {"channel": "MESSENGER", "identity": "psid-11", "app_id": "emulator-app"},
        ],
        "channel_priority": ["SMS", "WHATSAPP", "MESSENGER"],
        "language": "EN_US",
        "display_name": "Destination",
        "email": "source@example.com",
        "external_id": "dest-1",
        "metadata": "from the source",
    });
    assert_eq!(serde_json::to_value(&merged).unwrap(), expected);
    let source_gone = client.get(&id_of(&source)).await.expect_err("merged away");
    assert_eq!(api_status(&source_gone), Some(404), "{source_gone}");
    assert_eq!(list_everything(&client).await, vec![merged]);
}

async fn channel_profile_is_the_contacts_name_on_a_channel_it_has(client: ContactsClient) {
    let contact = client
        .create(&create_request(json!({
            "channel_identities": [
                {"channel": "MESSENGER", "identity": "psid-7", "app_id": "emulator-app"},
            ],
            "language": "EN_US",
            "display_name": "Katherine Johnson",
        })))
        .await
        .expect("create");
    let by_id = GetChannelProfileRequest::for_contact(
        "emulator-app",
        GetChannelProfileConversationChannel::Messenger,
        id_of(&contact),
    );
    let profile = client.get_channel_profile(&by_id).await.expect("profile");
    assert_eq!(profile.profile_name.as_deref(), Some("Katherine Johnson"));

    let by_identity = GetChannelProfileRequest::for_channel_identity(
        "emulator-app",
        GetChannelProfileConversationChannel::Messenger,
        "psid-7",
    );
    let profile = client
        .get_channel_profile(&by_identity)
        .await
        .expect("profile");
    assert_eq!(profile.profile_name.as_deref(), Some("Katherine Johnson"));

    let on_viber = GetChannelProfileRequest::for_contact(
        "emulator-app",
        GetChannelProfileConversationChannel::Viber,
        id_of(&contact),
    );
    let error = client
        .get_channel_profile(&on_viber)
        .await
        .expect_err("no Viber identity");
    assert_eq!(api_status(&error), Some(404), "{error}");
}

async fn identity_conflicts_name_a_number_shared_across_sms_and_mms(client: ContactsClient) {
    let create = |channel: &str, identity: &str| {
        create_request(json!({
            "channel_identities": [{"channel": channel, "identity": identity}],
            "language": "EN_US",
        }))
    };
    let first = client
        .create(&create("SMS", "+46700000020"))
        .await
        .expect("create");
    let second = client
        .create(&create("MMS", "+46700000020"))
        .await
        .expect("create");
    client
        .create(&create("SMS", "+46700000021"))
        .await
        .expect("create");
    client
        .create(&create("WHATSAPP", "+46700000021"))
        .await
        .expect("create");

    let conflicts = client
        .list_identity_conflicts(IdentityConflictsQuery::new())
        .await
        .expect("conflicts");
    // Only +46700000020 is shared across SMS/MMS/RCS; WhatsApp is not one of them.
    let mut ids = [id_of(&first), id_of(&second)];
    ids.sort();
    let listed: Vec<_> = conflicts
        .conflicts
        .iter()
        .map(|conflict| {
            let mut value = serde_json::to_value(conflict).unwrap();
            if let Some(contact_ids) = value["contact_ids"].as_array_mut() {
                contact_ids.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            if let Some(channels) = value["channels"].as_array_mut() {
                channels.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            value
        })
        .collect();
    assert_eq!(
        listed,
        vec![json!({
            "identity": "+46700000020",
            "channels": ["MMS", "SMS"],
            "contact_ids": ids,
        })]
    );
}

async fn capability_query_is_accepted_for_a_contact(client: ContactsClient) {
    let contact = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000030"}],
            "language": "EN_US",
        })))
        .await
        .expect("create");
    let mut request = QueryCapabilityRequest::for_contact("emulator-app", id_of(&contact));
    request.request_id = Some("capability-1".to_owned());
    let accepted = client.query_capability(&request).await.expect("query");
    assert_eq!(accepted.app_id.as_deref(), Some("emulator-app"));
    assert_eq!(accepted.request_id.as_deref(), Some("capability-1"));
    assert_eq!(
        serde_json::to_value(&accepted.recipient).unwrap(),
        json!({"contact_id": id_of(&contact)})
    );

    let unknown_app = QueryCapabilityRequest::for_contact("another-app", id_of(&contact));
    let error = client
        .query_capability(&unknown_app)
        .await
        .expect_err("unknown app");
    assert_eq!(api_status(&error), Some(404), "{error}");
}

async fn reserved_and_non_ascii_characters_survive_paths_queries_and_bodies(
    client: ContactsClient,
) {
    // Characters that mean something in a query string or a path, spaces, and non-ASCII text.
    let external_id = "crm/ä b&c=d+e%f?g#h";
    let request = create_request(json!({
        "channel_identities": [{"channel": "SMS", "identity": "+46700000040"}],
        "language": "SV_SE",
        "display_name": "Åsa Öberg 🦀 \"quoted\" \\ back",
        "external_id": external_id,
        "metadata": "{\"nested\": [1, 2, \"three\"]}",
    }));
    let created = client.create_safe(&request).await.expect("create_safe");
    assert_eq!(created.outcome, SafeCreateOutcome::Created);
    let expected = json!({
        "channel_identities": [{"channel": "SMS", "identity": "+46700000040"}],
        "language": "SV_SE",
        "display_name": "Åsa Öberg 🦀 \"quoted\" \\ back",
        "external_id": "crm/ä b&c=d+e%f?g#h",
        "metadata": "{\"nested\": [1, 2, \"three\"]}",
    });
    assert_eq!(without_id(&created.contact), expected);
    // A near miss must not match: the filter compares the whole value.
    client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000041"}],
            "language": "EN_US",
            "external_id": "crm/ä b",
        })))
        .await
        .expect("create");
    let found = client
        .find_by_external_id(external_id)
        .await
        .expect("lookup")
        .expect("found by its external id");
    assert_eq!(found, created.contact);
    let page = client
        .list(ListContactsQuery::new().filter(ContactFilter::external_id(external_id)))
        .await
        .expect("filtered list");
    assert_eq!(page.contacts, vec![created.contact.clone()]);
    assert_eq!(
        client.find_by_external_id("crm/ä").await.expect("lookup"),
        None
    );
}
