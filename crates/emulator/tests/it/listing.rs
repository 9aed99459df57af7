//! Listing: pages lose nothing and repeat nothing while contacts come and go; page sizes and
//! filters.

use std::collections::BTreeSet;

use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::{ContactFilter, ConversationChannel, ListContactsQuery};

use crate::support::{client, id, sms};

#[tokio::test]
async fn pages_with_adds_and_deletes_between_them_lose_nothing_and_repeat_nothing() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut originals = Vec::new();
    for n in 0..25 {
        originals.push(id(&client
            .create(&sms(&format!("+100{n:02}")))
            .await
            .unwrap()));
    }
    // Deleted while listing: one on the first page (already seen), two further on (never seen).
    let deleted_after_seen = originals[2].clone();
    let deleted_before_seen: Vec<String> = vec![originals[15].clone(), originals[24].clone()];

    let mut seen: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    let mut page_number = 0;
    loop {
        let mut query = ListContactsQuery::new().page_size(7);
        if let Some(token) = token.take() {
            query = query.page_token(token);
        }
        let page = client.list(query).await.unwrap();
        seen.extend(page.contacts.iter().map(id));
        page_number += 1;
        if page_number == 1 {
            client.delete(&deleted_after_seen).await.unwrap();
            for gone in &deleted_before_seen {
                client.delete(gone).await.unwrap();
            }
            client.create(&sms("+19990")).await.unwrap();
        }
        if page_number == 2 {
            client.create(&sms("+19991")).await.unwrap();
        }
        match page.next_page_token.filter(|token| !token.is_empty()) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a contact was listed twice: {seen:?}"
    );
    for original in &originals {
        let expected = !deleted_before_seen.contains(original);
        assert_eq!(seen.contains(original), expected, "{original}");
    }
    // The contacts added during the listing come after every original, so they are listed too.
    assert_eq!(seen.len(), 25 - 2 + 2);
}

#[tokio::test]
async fn the_default_page_holds_ten_and_twenty_is_the_most() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    for n in 0..23 {
        client.create(&sms(&format!("+200{n:02}"))).await.unwrap();
    }
    let default_page = client.list(ListContactsQuery::new()).await.unwrap();
    assert_eq!(default_page.contacts.len(), 10);
    let largest = client
        .list(ListContactsQuery::new().page_size(20))
        .await
        .unwrap();
    assert_eq!(largest.contacts.len(), 20);
    let rest = client
        .list(
            ListContactsQuery::new()
                .page_size(20)
                .page_token(largest.next_page_token.unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(rest.contacts.len(), 3);
    assert_eq!(rest.next_page_token.as_deref(), Some(""));
}

#[tokio::test]
async fn an_empty_store_lists_an_empty_last_page() {
    let emulator = Emulator::new();
    let page = client(&emulator)
        .list(ListContactsQuery::new())
        .await
        .unwrap();
    assert!(page.contacts.is_empty());
    assert_eq!(page.next_page_token.as_deref(), Some(""));
}

#[tokio::test]
async fn external_id_is_not_unique_and_the_filter_returns_every_holder() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut first = sms("+30001");
    first.external_id = Some("crm-7".to_owned());
    let mut second = sms("+30002");
    second.external_id = Some("crm-7".to_owned());
    let mut other = sms("+30003");
    other.external_id = Some("crm-8".to_owned());
    let first = id(&client.create(&first).await.unwrap());
    let second = id(&client.create(&second).await.unwrap());
    client.create(&other).await.unwrap();

    let found = client
        .list(ListContactsQuery::new().filter(ContactFilter::external_id("crm-7")))
        .await
        .unwrap();
    let ids: Vec<String> = found.contacts.iter().map(id).collect();
    assert_eq!(ids, [first, second]);
    let none = client
        .list(ListContactsQuery::new().filter(ContactFilter::external_id("crm-none")))
        .await
        .unwrap();
    assert!(none.contacts.is_empty());
}

#[tokio::test]
async fn the_channel_identity_filter_matches_channel_and_identity_together() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let sms_holder = id(&client.create(&sms("+40001")).await.unwrap());
    client
        .create(&crate::support::with_identities(&[(
            ConversationChannel::Whatsapp,
            "+40001",
        )]))
        .await
        .unwrap();
    let found = client
        .list(
            ListContactsQuery::new().filter(ContactFilter::channel_identity(
                ConversationChannel::Sms,
                "+40001",
            )),
        )
        .await
        .unwrap();
    let ids: Vec<String> = found.contacts.iter().map(id).collect();
    assert_eq!(ids, [sms_holder]);
    let none = client
        .list(
            ListContactsQuery::new().filter(ContactFilter::channel_identity(
                ConversationChannel::Rcs,
                "+40001",
            )),
        )
        .await
        .unwrap();
    assert!(none.contacts.is_empty());
}

#[tokio::test]
async fn list_all_streams_every_contact_across_pages() {
    use futures_util::TryStreamExt;
    let emulator = Emulator::new();
    let client = client(&emulator);
    let mut created = Vec::new();
    for n in 0..45 {
        created.push(id(&client
            .create(&sms(&format!("+500{n:02}")))
            .await
            .unwrap()));
    }
    let listed: Vec<String> = client
        .list_all(ListContactsQuery::new().page_size(20))
        .map_ok(|contact| id(&contact))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, created);
}

/// A small deterministic generator for the randomized listing test (xorshift64*).
struct Draws(u64);

impl Draws {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % bound
    }
}

#[tokio::test]
async fn random_adds_and_deletes_between_random_pages_never_lose_or_repeat_a_contact() {
    for seed in 1..=12u64 {
        let emulator = Emulator::new();
        let client = client(&emulator);
        let mut draws = Draws(seed * 0x9E37_79B9);
        let mut alive: Vec<String> = Vec::new();
        for n in 0..(20 + draws.below(40)) {
            alive.push(id(&client
                .create(&sms(&format!("+7{seed:02}{n:04}")))
                .await
                .unwrap()));
        }
        let at_start = alive.clone();
        let mut deleted = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut token: Option<String> = None;
        let mut added = 0;
        loop {
            let mut query = ListContactsQuery::new().page_size(1 + draws.below(20) as u32);
            if let Some(token) = token.take() {
                query = query.page_token(token);
            }
            let page = client.list(query).await.unwrap();
            seen.extend(page.contacts.iter().map(id));
            for _ in 0..draws.below(4) {
                if !alive.is_empty() && draws.below(2) == 0 {
                    let gone = alive.remove(draws.below(alive.len()));
                    client.delete(&gone).await.unwrap();
                    deleted.push(gone);
                } else {
                    added += 1;
                    let new = client
                        .create(&sms(&format!("+8{seed:02}{added:04}")))
                        .await
                        .unwrap();
                    alive.push(id(&new));
                }
            }
            match page.next_page_token.filter(|token| !token.is_empty()) {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "seed {seed}: listed twice");
        for contact in at_start.iter().filter(|contact| !deleted.contains(contact)) {
            assert!(
                seen.contains(contact),
                "seed {seed}: {contact} was never listed"
            );
        }
    }
}
