//! Every operation through the port's client over the in-process transport.

use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::{
    ChannelIdentity, ContactField, ContactLanguage, ContactPatch, ConversationChannel,
    GetChannelProfileConversationChannel, GetChannelProfileRequest, IdentityConflictsQuery,
    QueryCapabilityRequest, UpdateMask,
};

use crate::support::{client, id, sms, with_identities};

#[tokio::test]
async fn create_assigns_an_id_and_get_returns_what_was_stored() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut request = sms("+46700000001");
    request.display_name = Some("Ada".to_owned());
    request.email = Some("ada@example.com".to_owned());
    request.external_id = Some("crm-1".to_owned());
    request.metadata = Some("{\"tier\":\"gold\"}".to_owned());
    request.channel_priority = vec![ConversationChannel::Sms];
    let created = client.create(&request).await.unwrap();

    let contact_id = id(&created);
    assert_eq!(contact_id.len(), 26, "ULID-like id: {contact_id}");
    assert_eq!(created.display_name.as_deref(), Some("Ada"));
    assert_eq!(created.email.as_deref(), Some("ada@example.com"));
    assert_eq!(created.external_id.as_deref(), Some("crm-1"));
    assert_eq!(created.metadata.as_deref(), Some("{\"tier\":\"gold\"}"));
    assert_eq!(created.language, Some(ContactLanguage::EnUs));
    assert_eq!(created.channel_priority, [ConversationChannel::Sms]);
    assert_eq!(
        created.channel_identities,
        [ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46700000001"
        )]
    );
    assert_eq!(client.get(&contact_id).await.unwrap(), created);
    assert_eq!(emulator.contact_count(), 1);
}

#[tokio::test]
async fn ids_increase_with_creation() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut ids = Vec::new();
    for n in 0..50 {
        ids.push(id(&client
            .create(&sms(&format!("+4670000{n:04}")))
            .await
            .unwrap()));
    }
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[tokio::test]
async fn update_sets_and_clears_only_the_masked_fields() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut request = sms("+46700000002");
    request.display_name = Some("Old".to_owned());
    request.email = Some("old@example.com".to_owned());
    request.metadata = Some("keep me".to_owned());
    let contact_id = id(&client.create(&request).await.unwrap());

    let updated = client
        .update(
            &contact_id,
            &ContactPatch::new().display_name("New").clear_email(),
        )
        .await
        .unwrap();
    assert_eq!(updated.display_name.as_deref(), Some("New"));
    assert_eq!(updated.email, None);
    assert_eq!(updated.metadata.as_deref(), Some("keep me"));
    assert_eq!(client.get(&contact_id).await.unwrap(), updated);
}

#[tokio::test]
async fn a_mask_override_clears_a_masked_field_the_body_leaves_out() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut request = sms("+46700000003");
    request.email = Some("e@example.com".to_owned());
    request.display_name = Some("Stays".to_owned());
    let contact_id = id(&client.create(&request).await.unwrap());
    let patch = ContactPatch::new().metadata("m").with_mask(
        UpdateMask::new()
            .with(ContactField::Email)
            .with(ContactField::Metadata),
    );
    let updated = client.update(&contact_id, &patch).await.unwrap();
    assert_eq!(updated.email, None);
    assert_eq!(updated.metadata.as_deref(), Some("m"));
    assert_eq!(updated.display_name.as_deref(), Some("Stays"));
}

#[tokio::test]
async fn delete_removes_the_contact() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let contact_id = id(&client.create(&sms("+46700000004")).await.unwrap());
    client.delete(&contact_id).await.unwrap();
    assert_eq!(emulator.contact_count(), 0);
    let error = client.get(&contact_id).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
}

#[tokio::test]
async fn channel_profile_answers_the_display_name_for_a_channel_the_contact_has() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut request = sms("+46700000005");
    let mut messenger = ChannelIdentity::new(ConversationChannel::Messenger, "psid-5");
    messenger.app_id = Some(emulator.app_id().to_owned());
    request.channel_identities.push(messenger);
    request.display_name = Some("Grace".to_owned());
    let contact_id = id(&client.create(&request).await.unwrap());

    let by_id = GetChannelProfileRequest::for_contact(
        emulator.app_id(),
        GetChannelProfileConversationChannel::Messenger,
        &contact_id,
    );
    let profile = client.get_channel_profile(&by_id).await.unwrap();
    assert_eq!(profile.profile_name.as_deref(), Some("Grace"));

    let by_identity = GetChannelProfileRequest::for_channel_identity(
        emulator.app_id(),
        GetChannelProfileConversationChannel::Messenger,
        "psid-5",
    );
    assert_eq!(
        client
            .get_channel_profile(&by_identity)
            .await
            .unwrap()
            .profile_name
            .as_deref(),
        Some("Grace")
    );

    let no_line = GetChannelProfileRequest::for_contact(
        emulator.app_id(),
        GetChannelProfileConversationChannel::Line,
        &contact_id,
    );
    let error = client.get_channel_profile(&no_line).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));

    let other_app = GetChannelProfileRequest::for_contact(
        "another-app",
        GetChannelProfileConversationChannel::Messenger,
        &contact_id,
    );
    let error = client.get_channel_profile(&other_app).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
}

#[tokio::test]
async fn identity_conflicts_list_numbers_shared_across_sim_channels() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let a = id(&client
        .create(&with_identities(&[(ConversationChannel::Sms, "+111")]))
        .await
        .unwrap());
    let b = id(&client
        .create(&with_identities(&[(ConversationChannel::Rcs, "+111")]))
        .await
        .unwrap());
    // WhatsApp is not SIM-based: no conflict for +222.
    client
        .create(&with_identities(&[(ConversationChannel::Sms, "+222")]))
        .await
        .unwrap();
    client
        .create(&with_identities(&[(ConversationChannel::Whatsapp, "+222")]))
        .await
        .unwrap();
    let c = id(&client
        .create(&with_identities(&[(ConversationChannel::Mms, "+333")]))
        .await
        .unwrap());
    let d = id(&client
        .create(&with_identities(&[(ConversationChannel::Mms, "+333")]))
        .await
        .unwrap());

    let first = client
        .list_identity_conflicts(IdentityConflictsQuery::new().page_size(1))
        .await
        .unwrap();
    assert_eq!(first.conflicts.len(), 1);
    assert_eq!(first.conflicts[0].identity.as_deref(), Some("+111"));
    // Channels in the API's channel order, where RCS comes before SMS.
    assert_eq!(
        first.conflicts[0].channels,
        [ConversationChannel::Rcs, ConversationChannel::Sms]
    );
    assert_eq!(first.conflicts[0].contact_ids, [a, b]);
    let token = first.next_page_token.clone().unwrap();
    assert!(!token.is_empty());
    let second = client
        .list_identity_conflicts(IdentityConflictsQuery::new().page_size(1).page_token(token))
        .await
        .unwrap();
    assert_eq!(second.conflicts.len(), 1);
    assert_eq!(second.conflicts[0].identity.as_deref(), Some("+333"));
    assert_eq!(second.conflicts[0].contact_ids, [c, d]);
    assert_eq!(second.next_page_token.as_deref(), Some(""));
}

#[tokio::test]
async fn capability_query_echoes_the_request_with_a_request_id() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let contact_id = id(&client.create(&sms("+46700000006")).await.unwrap());
    let mut request = QueryCapabilityRequest::for_contact(emulator.app_id(), &contact_id);
    request.request_id = Some("req-1".to_owned());
    let answer = client.query_capability(&request).await.unwrap();
    assert_eq!(answer.app_id.as_deref(), Some(emulator.app_id()));
    assert_eq!(answer.request_id.as_deref(), Some("req-1"));
    assert_eq!(answer.recipient, Some(request.recipient.clone()));

    let generated = client
        .query_capability(&QueryCapabilityRequest::for_contact(
            emulator.app_id(),
            &contact_id,
        ))
        .await
        .unwrap();
    assert!(
        generated
            .request_id
            .is_some_and(|request_id| !request_id.is_empty())
    );

    let unknown = QueryCapabilityRequest::for_contact(emulator.app_id(), "01NOSUCHCONTACT");
    let error = client.query_capability(&unknown).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
}
