//! Hand-worked examples of the apply order.

use super::*;
use crate::{
    ChannelIdentity, Contact, ContactField, ContactLanguage, ConversationChannel, DesiredContact,
};

fn sms(number: &str) -> ChannelIdentity {
    ChannelIdentity::new(ConversationChannel::Sms, number)
}

fn contact(id: &str, key: &str, identities: Vec<ChannelIdentity>) -> Contact {
    Contact {
        id: Some(id.to_owned()),
        external_id: Some(key.to_owned()),
        channel_identities: identities,
        language: Some(ContactLanguage::EnUs),
        ..Contact::default()
    }
}

fn row(key: &str, identities: Vec<ChannelIdentity>) -> DesiredContact {
    DesiredContact {
        channel_identities: identities,
        ..DesiredContact::new(key).with_language(ContactLanguage::EnUs)
    }
}

fn columns() -> Columns {
    Columns::new([
        ContactField::ChannelIdentities,
        ContactField::Language,
        ContactField::Email,
    ])
}

fn order(rows: &[DesiredContact], current: &[Contact], delete_missing: bool) -> ApplyOrder {
    let plan = plan(rows, &columns(), current, &PlanOptions { delete_missing }).unwrap();
    assert!(plan.conflicts.is_empty(), "{:?}", plan.conflicts);
    apply_order(&plan, current)
}

fn stages(order: &ApplyOrder) -> Vec<(Vec<Step>, bool)> {
    order
        .stages
        .iter()
        .map(|stage| (stage.steps.clone(), stage.cycle))
        .collect()
}

#[test]
fn an_empty_plan_has_no_stage() {
    let current = [contact("01A", "a", vec![sms("+1")])];
    let order = order(&[row("a", vec![sms("+1")])], &current, false);
    assert!(order.is_empty());
    assert_eq!(order.len(), 0);
}

#[test]
fn deletes_come_first_and_a_create_waits_for_the_delete_that_frees_its_identity() {
    let current = [
        contact("01G", "gone", vec![sms("+1")]),
        contact("01K", "kept", vec![sms("+5")]),
    ];
    let rows = [
        row("kept", vec![sms("+5")]).with_email("k@example.com"),
        row("new", vec![sms("+1")]),
        row("other", vec![sms("+9")]),
    ];
    let order = order(&rows, &current, true);
    assert_eq!(
        stages(&order),
        [
            (vec![Step::Delete(0)], false),
            (vec![Step::Update(0)], false),
            (vec![Step::Create(0), Step::Create(1)], false),
        ]
    );
    assert!(!order.is_empty());
    assert_eq!(order.depends_on(Step::Create(0)), [Step::Delete(0)]);
    assert!(order.depends_on(Step::Create(1)).is_empty());
    assert!(order.depends_on(Step::Update(0)).is_empty());
    assert!(order.depends_on(Step::Delete(0)).is_empty());
    assert_eq!(order.len(), 4);
}

#[test]
fn a_chain_of_moves_takes_one_wave_per_link() {
    // `+1` moves from a to b, and b's `+2` to c.
    let current = [
        contact("01A", "a", vec![sms("+1")]),
        contact("01B", "b", vec![sms("+2")]),
        contact("01C", "c", vec![sms("+3")]),
    ];
    let rows = [
        row("c", vec![sms("+2")]),
        row("b", vec![sms("+1")]),
        row("a", vec![sms("+4")]),
    ];
    let order = order(&rows, &current, false);
    assert_eq!(
        stages(&order),
        [
            (vec![Step::Update(2)], false),
            (vec![Step::Update(1)], false),
            (vec![Step::Update(0)], false),
        ]
    );
    assert_eq!(order.depends_on(Step::Update(1)), [Step::Update(2)]);
    assert_eq!(order.depends_on(Step::Update(0)), [Step::Update(1)]);
}

#[test]
fn a_swap_is_one_cycle_wave_and_what_waits_for_it_comes_after() {
    // a and b swap `+1` and `+2`; c takes `+3`, which a gives up.
    let current = [
        contact("01A", "a", vec![sms("+1"), sms("+3")]),
        contact("01B", "b", vec![sms("+2")]),
        contact("01C", "c", vec![sms("+4")]),
    ];
    let rows = [
        row("a", vec![sms("+2")]),
        row("b", vec![sms("+1")]),
        row("c", vec![sms("+3")]),
    ];
    let order = order(&rows, &current, false);
    assert_eq!(
        stages(&order),
        [
            (vec![Step::Update(0), Step::Update(1)], true),
            (vec![Step::Update(2)], false),
        ]
    );
    // Within the cycle nothing can wait; c waits for a.
    assert!(order.depends_on(Step::Update(0)).is_empty());
    assert!(order.depends_on(Step::Update(1)).is_empty());
    assert_eq!(order.depends_on(Step::Update(2)), [Step::Update(0)]);
}

#[test]
fn updates_that_take_nothing_held_share_the_first_wave() {
    let current = [
        contact("01A", "a", vec![sms("+1"), sms("+2")]),
        contact("01B", "b", vec![sms("+3")]),
    ];
    // a gives `+2` up (to nobody), b only changes its email and adds a free identity.
    let rows = [
        row("a", vec![sms("+1")]),
        row("b", vec![sms("+3"), sms("+7")]).with_email("b@example.com"),
    ];
    let order = order(&rows, &current, false);
    assert_eq!(
        stages(&order),
        [(vec![Step::Update(0), Step::Update(1)], false)]
    );
}

#[test]
fn a_create_waits_for_the_update_that_gives_its_identity_up() {
    let current = [contact("01A", "a", vec![sms("+1"), sms("+2")])];
    let rows = [row("a", vec![sms("+1")]), row("n", vec![sms("+2")])];
    let order = order(&rows, &current, false);
    assert_eq!(
        stages(&order),
        [
            (vec![Step::Update(0)], false),
            (vec![Step::Create(0)], false)
        ]
    );
    assert_eq!(order.depends_on(Step::Create(0)), [Step::Update(0)]);
}

#[test]
fn the_same_identity_in_another_app_is_not_waited_for() {
    let messenger = |app: &str| {
        let mut identity = ChannelIdentity::new(ConversationChannel::Messenger, "psid");
        identity.app_id = Some(app.to_owned());
        identity
    };
    let current = [contact("01A", "a", vec![messenger("app-1"), sms("+1")])];
    // a gives up its app-1 identity; the new row holds the same psid in app-2.
    let rows = [
        row("a", vec![sms("+1")]),
        row("n", vec![messenger("app-2")]),
    ];
    let order = order(&rows, &current, false);
    assert!(order.depends_on(Step::Create(0)).is_empty());
}

#[test]
fn a_create_waits_for_every_change_that_releases_its_identities() {
    // `+1` is on two contacts now (a duplicate): both release it.
    let current = [
        contact("01A", "a", vec![sms("+1"), sms("+5")]),
        contact("01G", "gone", vec![sms("+1")]),
    ];
    let rows = [row("a", vec![sms("+5")]), row("n", vec![sms("+1")])];
    let order = order(&rows, &current, true);
    assert_eq!(
        order.depends_on(Step::Create(0)),
        [Step::Delete(0), Step::Update(0)]
    );
}
