//! `demo`: the end-to-end tour on an embedded emulator, on 127.0.0.1 only, bounded in time.

mod receiver;
mod tour;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Args;
use futures_util::TryStreamExt;
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::{SuppressionList, SuppressionOutcome};
use sinch_contacts_callbacks::{Callback, Event};
use sinch_contacts_emulator::{Emulator, InboundMessage, OptChange, Webhook};
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactLanguage, ContactPatch,
    ConversationChannel, IdentityConflictsQuery, ListContactsQuery, WebhookTrigger,
};
use sinch_contacts_port::RetryPolicy;

use crate::callbacks::{describe_callback, mirror_change_text};
use crate::contacts::{AuthScheme, MergeReport, connect_to};
use crate::error::{CliError, CliResult};
use crate::output::{Output, contact_table, identities_text};
use receiver::Receiver;
use tour::Tour;

const WEBHOOK_SECRET: &str = "tour-webhook-secret";
const SHARED_PHONE: &str = "+46700000001";
const GRACE_PHONE: &str = "+46700000002";

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How long to wait for each expected callback before failing, in milliseconds.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    pub callback_timeout_ms: u64,
}

pub async fn run(args: &DemoArgs, output: Output) -> CliResult {
    let started = Instant::now();
    let mut tour = Tour::new(output);
    let result = run_steps(args, &mut tour).await;
    let step = tour.number();
    tour.finish()?;
    match result {
        Ok(()) => {
            if !output.json {
                output.text(&format!(
                    "\ntour finished in {} ms: every step above ran against the emulator on 127.0.0.1",
                    started.elapsed().as_millis()
                ))?;
            }
            Ok(())
        }
        Err(error) => Err(error.context(format!("tour step {step}"))),
    }
}

async fn run_steps(args: &DemoArgs, tour: &mut Tour) -> CliResult {
    let wait = Duration::from_millis(args.callback_timeout_ms);

    tour.step("start the emulator on 127.0.0.1")?;
    let emulator = Emulator::new();
    let server = emulator
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|error| CliError::failure(format!("cannot start the emulator: {error}")))?;
    let base_url = server.base_url();
    tour.say(format!(
        "emulator at {base_url}: project {}, key {}, app {}",
        emulator.project_id(),
        emulator.key_id(),
        emulator.app_id()
    ))?;
    let client = connect_to(
        &base_url,
        emulator.project_id(),
        emulator.key_id(),
        emulator.key_secret(),
        AuthScheme::Oauth2,
        RetryPolicy::default(),
    )?;
    tour.say(format!(
        "client: reqwest transport, OAuth2 client credentials from {base_url}/oauth2/token"
    ))?;

    tour.step("start a webhook receiver and register it with a secret")?;
    let mut receiver = Receiver::start(WEBHOOK_SECRET).await?;
    let webhook_id = emulator.register_webhook(Webhook {
        target: receiver.url.clone(),
        secret: WEBHOOK_SECRET.to_owned(),
        triggers: vec![
            WebhookTrigger::ContactCreate,
            WebhookTrigger::ContactUpdate,
            WebhookTrigger::ContactDelete,
            WebhookTrigger::ContactMerge,
            WebhookTrigger::ContactIdentitiesDuplication,
            WebhookTrigger::MessageInbound,
            WebhookTrigger::OptOut,
        ],
    });
    tour.say(format!(
        "receiver at {} (axum WebhookReceiver: verify the HMAC-SHA256 signature, then parse)",
        receiver.url
    ))?;
    tour.say(format!(
        "webhook {webhook_id} registered for CONTACT_*, CONTACT_IDENTITIES_DUPLICATION, MESSAGE_INBOUND and OPT_OUT"
    ))?;

    tour.step("create five contacts; two share the phone number +46700000001")?;
    let app_id = emulator.app_id().to_owned();
    let requests = [
        person(
            "Ada Lovelace",
            Some("crm-ada"),
            &[(ConversationChannel::Sms, SHARED_PHONE, None)],
            None,
            ContactLanguage::EnGb,
        ),
        person(
            "Grace Hopper",
            Some("crm-grace"),
            &[
                (ConversationChannel::Sms, GRACE_PHONE, None),
                (ConversationChannel::Viberbm, GRACE_PHONE, None),
            ],
            Some("grace@example.com"),
            ContactLanguage::EnUs,
        ),
        person(
            "Alan Turing",
            Some("crm-alan"),
            &[
                (ConversationChannel::Sms, "+46700000003", None),
                (ConversationChannel::Whatsapp, "+46700000003", None),
            ],
            None,
            ContactLanguage::EnGb,
        ),
        person(
            "Katherine Johnson",
            Some("crm-katherine"),
            &[(
                ConversationChannel::Messenger,
                "psid-4711",
                Some(app_id.as_str()),
            )],
            None,
            ContactLanguage::EnUs,
        ),
        {
            let mut duplicate = person(
                "A. Lovelace",
                None,
                &[
                    (ConversationChannel::Sms, SHARED_PHONE, None),
                    (ConversationChannel::Whatsapp, SHARED_PHONE, None),
                ],
                Some("ada@example.com"),
                ContactLanguage::EnUs,
            );
            duplicate.metadata = Some("entered by the shop, not the CRM".to_owned());
            duplicate
        },
    ];
    let mut created = Vec::new();
    for request in &requests {
        let contact = match request.external_id {
            Some(_) => client.create_safe(request).await?.contact,
            None => client.create(request).await?,
        };
        created.push(contact);
    }
    tour.say(contact_table(&created).to_string())?;
    tour.say("the three with an external id were created with create_safe (safe to retry)")?;
    let ada = id_of(&created[0]);
    let grace = id_of(&created[1]);
    let alan = id_of(&created[2]);
    let duplicate = id_of(&created[4]);
    let mut expected: BTreeSet<(String, String)> = created
        .iter()
        .map(|contact| ("CONTACT_CREATE".to_owned(), id_of(contact)))
        .collect();

    tour.step("list the contacts page by page (page_size 2)")?;
    let mut token: Option<String> = None;
    let mut page_number = 0;
    loop {
        page_number += 1;
        let mut query = ListContactsQuery::new().page_size(2);
        if let Some(token) = &token {
            query = query.page_token(token.clone());
        }
        let page = client.list(query).await?;
        let names: Vec<String> = page
            .contacts
            .iter()
            .map(|contact| contact.display_name.clone().unwrap_or_default())
            .collect();
        let next = page
            .next_page_token
            .clone()
            .filter(|token| !token.is_empty());
        tour.say(format!(
            "page {page_number}: {} -> next_page_token {}",
            names.join(", "),
            next.as_deref()
                .map_or("\"\" (last page)".to_owned(), |t| format!("{t:?}"))
        ))?;
        match next {
            Some(next) if page_number < 10 => token = Some(next),
            _ => break,
        }
    }

    tour.step("update Grace Hopper: set display_name, clear email (the mask names both)")?;
    let patch = ContactPatch::new()
        .display_name("Rear Admiral Grace Hopper")
        .clear_email();
    tour.say(format!(
        "PATCH .../contacts/{grace}?update_mask={} with body {}",
        patch.mask().to_query_value(),
        patch.to_body()
    ))?;
    let updated = client.update(&grace, &patch).await?;
    tour.say(format!(
        "-> display_name {:?}, email {:?}, external_id {:?} (outside the mask, untouched)",
        updated.display_name.as_deref().unwrap_or(""),
        updated.email,
        updated.external_id.as_deref().unwrap_or("")
    ))?;
    expected.insert(("CONTACT_UPDATE".to_owned(), grace.clone()));

    tour.step("show the identity conflict")?;
    let conflicts = client
        .list_identity_conflicts(IdentityConflictsQuery::new())
        .await?;
    for conflict in &conflicts.conflicts {
        tour.say(format!(
            "{} on {} is held by {}",
            conflict.identity.as_deref().unwrap_or("?"),
            conflict
                .channels
                .iter()
                .map(|channel| channel.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            conflict.contact_ids.join(" and ")
        ))?;
    }
    if !conflicts
        .conflicts
        .iter()
        .any(|conflict| conflict.identity.as_deref() == Some(SHARED_PHONE))
    {
        return Err(CliError::failure(format!(
            "the API reported no conflict on {SHARED_PHONE}"
        )));
    }

    tour.step("merge the duplicate into Ada Lovelace")?;
    let destination = client.get(&ada).await?;
    let source = client.get(&duplicate).await?;
    let merged = client.merge(&ada, &duplicate).await?;
    let report = MergeReport::explain(&destination, &source, &merged);
    tour.say(format!(
        "POST .../contacts/{ada}:merge {{\"source_id\":\"{duplicate}\"}}"
    ))?;
    tour.say(report.table().to_string())?;
    for surprise in &report.surprises {
        tour.say(format!("not explained by the merge rules: {surprise}"))?;
    }
    tour.say(format!(
        "-> {}: {}, priority {}",
        merged.display_name.as_deref().unwrap_or(""),
        identities_text(&merged.channel_identities),
        crate::output::priority_text(&merged.channel_priority)
    ))?;
    match client.get(&duplicate).await {
        Err(error) if error.status().is_some_and(|status| status.as_u16() == 404) => {
            tour.say(format!(
                "the source {duplicate} no longer exists: GET answers 404"
            ))?;
        }
        Err(error) => return Err(error.into()),
        Ok(_) => {
            return Err(CliError::failure(format!(
                "the merged source {duplicate} still exists"
            )));
        }
    }
    expected.insert(("CONTACT_MERGE".to_owned(), ada.clone()));

    tour.step("delete Alan Turing")?;
    client.delete(&alan).await?;
    tour.say(format!("DELETE .../contacts/{alan} -> 200"))?;
    expected.insert(("CONTACT_DELETE".to_owned(), alan.clone()));

    tour.step("receive the signed callbacks, verify them and keep a contact mirror")?;
    let mut mirror = ContactMirror::new();
    let mut suppression = SuppressionList::default();
    let deadline = Instant::now() + wait;
    let mut received = 0;
    while !expected.is_empty() {
        let Some(callback) = receiver.next_before(deadline).await else {
            let missing: Vec<String> = expected
                .iter()
                .map(|(trigger, id)| format!("{trigger} {id}"))
                .collect();
            return Err(CliError::failure(format!(
                "no callback within {} ms for {}",
                wait.as_millis(),
                missing.join(", ")
            ))
            .hint("raise --callback-timeout-ms on a slow machine"));
        };
        received += 1;
        expected.remove(&callback_key(&callback));
        let change = mirror.apply(&callback);
        suppression.apply(&callback);
        tour.say(format!(
            "verified + parsed: {} | mirror: {}",
            describe_callback(&callback).summary,
            mirror_change_text(&change)
        ))?;
    }
    let remaining: Vec<Contact> = client
        .list_all(ListContactsQuery::new())
        .try_collect()
        .await?;
    tour.say(format!("{received} callbacks; the mirror now holds:"))?;
    let mut mirrored: Vec<&Contact> = mirror.contacts().collect();
    mirrored.sort_by(|a, b| a.id.cmp(&b.id));
    tour.say(contact_table(mirrored.iter().copied()).to_string())?;
    let mirror_ids: BTreeSet<String> = mirror.contacts().map(id_of).collect();
    let api_ids: BTreeSet<String> = remaining.iter().map(id_of).collect();
    if mirror_ids != api_ids {
        return Err(CliError::failure(format!(
            "the mirror ({mirror_ids:?}) differs from the API ({api_ids:?})"
        )));
    }
    tour.say(format!(
        "the mirror matches the API's {} contacts; {duplicate} resolves to {}",
        api_ids.len(),
        mirror.resolve_id(&duplicate).unwrap_or("nothing")
    ))?;

    tour.step("an inbound SMS \"STOP\" from +46700000001")?;
    let injected = emulator.inject_inbound(InboundMessage::text(
        ConversationChannel::Sms,
        SHARED_PHONE,
        "STOP",
    ));
    tour.say(format!(
        "the emulator injected message {} from contact {}",
        injected.message_id, injected.contact_id
    ))?;
    let deadline = Instant::now() + wait;
    loop {
        let Some(callback) = receiver.next_before(deadline).await else {
            return Err(CliError::failure(format!(
                "no MESSAGE_INBOUND callback within {} ms",
                wait.as_millis()
            ))
            .hint("raise --callback-timeout-ms on a slow machine"));
        };
        mirror.apply(&callback);
        let outcome = suppression.apply(&callback);
        tour.say(format!(
            "verified + parsed: {}",
            describe_callback(&callback).summary
        ))?;
        if let Event::MessageInbound(_) = &callback.event {
            match outcome {
                SuppressionOutcome::OptedOut(key) => {
                    tour.say(format!(
                        "suppression list: {}:{} opted out (keyword STOP)",
                        key.channel.as_str(),
                        key.identity
                    ))?;
                    break;
                }
                other => {
                    return Err(CliError::failure(format!(
                        "STOP did not opt out: {other:?}"
                    )));
                }
            }
        }
    }
    tour.say(format!(
        "may message SMS {SHARED_PHONE}? {}; WhatsApp {SHARED_PHONE}? {} (opt-outs are per channel)",
        yes_no(suppression.may_message(&ConversationChannel::Sms, SHARED_PHONE)),
        yes_no(suppression.may_message(&ConversationChannel::Whatsapp, SHARED_PHONE)),
    ))?;

    native_opt_out(
        &emulator,
        &mut receiver,
        &mut suppression,
        &grace,
        wait,
        tour,
    )
    .await?;

    tour.step("stop")?;
    // Let the emulator record the last acknowledgements before the receiver goes away.
    emulator.wait_for_deliveries(wait).await;
    receiver.stop();
    if tokio::time::timeout(Duration::from_secs(2), server.shutdown())
        .await
        .is_err()
    {
        tour.say("the emulator did not stop within 2 s; leaving it to the runtime")?;
    }
    let deliveries = emulator.deliveries();
    let delivered = deliveries
        .iter()
        .filter(|delivery| delivery.delivered)
        .count();
    tour.say(format!(
        "emulator and receiver stopped; {delivered} of {} deliveries acknowledged",
        deliveries.len()
    ))?;
    Ok(())
}

/// Grace Hopper opts out in Viber Business Messages, a channel that reports opt-outs itself:
/// the emulator sends OPT_OUT, and the suppression list takes it.
async fn native_opt_out(
    emulator: &Emulator,
    receiver: &mut Receiver,
    suppression: &mut SuppressionList,
    grace: &str,
    wait: Duration,
    tour: &mut Tour,
) -> CliResult {
    tour.step("a native opt-out: Grace Hopper opts out in Viber Business Messages")?;
    let injected =
        emulator.inject_opt_out(OptChange::new(ConversationChannel::Viberbm, GRACE_PHONE));
    tour.say(format!(
        "VIBERBM reports opt-outs itself: the emulator sends an OPT_OUT callback, {}, for contact {} (request {})",
        injected.status, injected.contact_id, injected.request_id
    ))?;
    if injected.contact_id != grace {
        return Err(CliError::failure(format!(
            "the opt-out names contact {:?}, not Grace Hopper's {grace}",
            injected.contact_id
        )));
    }
    let deadline = Instant::now() + wait;
    loop {
        let Some(callback) = receiver.next_before(deadline).await else {
            return Err(CliError::failure(format!(
                "no OPT_OUT callback within {} ms",
                wait.as_millis()
            ))
            .hint("raise --callback-timeout-ms on a slow machine"));
        };
        let outcome = suppression.apply(&callback);
        tour.say(format!(
            "verified + parsed: {}",
            describe_callback(&callback).summary
        ))?;
        if let Event::OptOut(_) = &callback.event {
            let SuppressionOutcome::OptedOut(key) = outcome else {
                return Err(CliError::failure(format!(
                    "the OPT_OUT did not opt out: {outcome:?}"
                )));
            };
            tour.say(format!(
                "suppression list: {}:{} opted out (OPT_OUT callback)",
                key.channel.as_str(),
                key.identity
            ))?;
            break;
        }
    }
    tour.say(format!(
        "may message VIBERBM {GRACE_PHONE}? {}; SMS {GRACE_PHONE}? {}",
        yes_no(suppression.may_message(&ConversationChannel::Viberbm, GRACE_PHONE)),
        yes_no(suppression.may_message(&ConversationChannel::Sms, GRACE_PHONE)),
    ))?;
    Ok(())
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn id_of(contact: &Contact) -> String {
    contact.id.clone().unwrap_or_default()
}

/// The (trigger, contact) a callback is about, to tick off what the tour waits for.
fn callback_key(callback: &Callback) -> (String, String) {
    let id = match &callback.event {
        Event::ContactCreate(notification) | Event::ContactUpdate(notification) => {
            notification.contact.id.clone()
        }
        Event::ContactDelete(notification) => notification.contact_id().map(str::to_owned),
        Event::ContactMerge(notification) => notification.preserved_contact.id.clone(),
        _ => None,
    };
    (
        callback.trigger().as_str().to_owned(),
        id.unwrap_or_default(),
    )
}

type IdentitySpec<'a> = (ConversationChannel, &'a str, Option<&'a str>);

fn person(
    name: &str,
    external_id: Option<&str>,
    identities: &[IdentitySpec<'_>],
    email: Option<&str>,
    language: ContactLanguage,
) -> ContactCreateRequest {
    let identities: Vec<ChannelIdentity> = identities
        .iter()
        .map(|(channel, identity, app_id)| {
            let mut identity = ChannelIdentity::new(channel.clone(), *identity);
            identity.app_id = app_id.map(str::to_owned);
            identity
        })
        .collect();
    let mut request = ContactCreateRequest::new(identities.clone(), language);
    request.channel_priority = identities
        .iter()
        .map(|identity| identity.channel.clone())
        .collect();
    request.display_name = Some(name.to_owned());
    request.external_id = external_id.map(str::to_owned);
    request.email = email.map(str::to_owned);
    request
}
