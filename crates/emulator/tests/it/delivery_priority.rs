//! `DeliveryPolicy::background`: the delivery thread runs at nice 19, and only when asked.

use sinch_contacts_emulator::{DeliveryPolicy, Emulator, Webhook};
use sinch_contacts_model::WebhookTrigger;

/// The nice value of each thread of this process named `emulator-webhooks`.
#[cfg(target_os = "linux")]
fn delivery_thread_nice_values() -> Vec<i64> {
    let mut values = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let task = task.unwrap().path();
        let name = std::fs::read_to_string(task.join("comm")).unwrap_or_default();
        // The kernel keeps 15 bytes of a thread's name.
        if name.trim() != "emulator-webhoo" {
            continue;
        }
        let stat = std::fs::read_to_string(task.join("stat")).unwrap();
        // After the command name in parentheses: field 19 of stat(5) is the nice value.
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let nice = after_name.split(' ').nth(16).unwrap().parse().unwrap();
        values.push(nice);
    }
    values
}

fn emulator_with_a_webhook(background: bool) -> Emulator {
    let emulator = Emulator::builder()
        .delivery_policy(DeliveryPolicy::default().background(background))
        .build();
    // Registering starts the delivery thread.
    emulator.register_webhook(Webhook {
        target: "http://127.0.0.1:9/".to_owned(),
        secret: "s".to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    emulator
}

/// Waits until the delivery threads' nice values satisfy `done` (threads start a moment after
/// the runtime is built); the values then, or the last seen after a minute.
#[cfg(target_os = "linux")]
fn nice_values_once(done: impl Fn(&[i64]) -> bool) -> Vec<i64> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let values = delivery_thread_nice_values();
        if done(&values) || std::time::Instant::now() > deadline {
            return values;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn background_deliveries_run_at_the_lowest_priority_and_others_at_the_usual_one() {
    // Other tests of this binary may run emulators at the same time, never in the background:
    // a delivery thread at nice 19 can only be this test's.
    let usual = emulator_with_a_webhook(false);
    let values = nice_values_once(|values| !values.is_empty());
    assert!(!values.is_empty() && !values.contains(&19), "{values:?}");
    let lowered = emulator_with_a_webhook(true);
    let values = nice_values_once(|values| values.contains(&19));
    assert!(values.contains(&19), "{values:?}");
    drop((usual, lowered));
}
