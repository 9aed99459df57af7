//! `callbacks trigger --emulator URL`: the body POSTed to the emulator's
//! `/_emulator/callbacks`, which delivers it to its registered webhooks subscribed to the
//! trigger, each signed with its webhook's secret; and what the emulator answered.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::callbacks::post::client_for;
use crate::error::{CliError, CliResult};
use crate::output::{Output, escape_controls};

/// The emulator route that takes a callback body.
const ROUTE: &str = "/_emulator/callbacks";

/// The emulator's answer to an accepted body.
#[derive(Debug, Deserialize, Serialize)]
struct Answer {
    trigger: String,
    queued: usize,
    webhook_ids: Vec<String>,
    #[serde(default)]
    not_queued: Vec<NotQueued>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// A subscribed webhook the callback could not be queued for.
#[derive(Debug, Deserialize, Serialize)]
struct NotQueued {
    webhook_id: String,
    reason: String,
}

/// The `--json` line: the emulator's base URL and its answer.
#[derive(Debug, Serialize)]
struct Injected<'a> {
    emulator: &'a str,
    #[serde(flatten)]
    answer: Answer,
}

/// POSTs `body` to the emulator at `emulator` (its base URL) and prints how many webhooks it was
/// queued for; an error when the emulator cannot be reached or answers one.
pub async fn inject(emulator: &str, body: &[u8], output: Output) -> CliResult {
    let url = format!("{}{ROUTE}", emulator.trim_end_matches('/'));
    let response = client_for(&url)?
        .post(&url)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .map_err(|error| {
            CliError::failure(format!("cannot post to {url}: {error}"))
                .hint("check --emulator and that `sinch-contacts emulator` is running there")
        })?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        let error = CliError::failure(format!(
            "the emulator answered HTTP {}: {}",
            status.as_u16(),
            escape_controls(&error_message(&text))
        ));
        return Err(if status.as_u16() == 404 {
            error.hint("give the emulator's base URL, as `sinch-contacts emulator` prints it")
        } else {
            error
        });
    }
    let answer: Answer = serde_json::from_str(&text).map_err(|error| {
        CliError::failure(format!("the emulator's answer is not understood: {error}"))
    })?;
    if output.json {
        return output.json_line(&Injected { emulator, answer });
    }
    output.text(&describe(emulator, &answer))
}

/// `queued TRIGGER for N webhooks at URL: IDS`, the reason when N is 0, and one line per
/// webhook it was not queued for. What the emulator said is escaped piece by piece, so that
/// none of it breaks a line.
fn describe(emulator: &str, answer: &Answer) -> String {
    let webhooks = if answer.queued == 1 {
        "webhook"
    } else {
        "webhooks"
    };
    let after = if answer.queued > 0 {
        answer.webhook_ids.join(", ")
    } else {
        answer.note.clone().unwrap_or_default()
    };
    let mut text = format!(
        "queued {} for {} {webhooks} at {}: {}",
        escape_controls(&answer.trigger),
        answer.queued,
        escape_controls(emulator),
        escape_controls(&after)
    );
    for refused in &answer.not_queued {
        text.push_str(&format!(
            "\n  not queued for {}: {}",
            escape_controls(&refused.webhook_id),
            escape_controls(&refused.reason)
        ));
    }
    text
}

/// The `error.message` of the emulator's error envelope, else the answer as text.
fn error_message(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|answer| answer["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(queued: &[&str], not_queued: &[(&str, &str)], note: Option<&str>) -> Answer {
        Answer {
            trigger: "OPT_OUT".to_owned(),
            queued: queued.len(),
            webhook_ids: queued.iter().map(|id| (*id).to_owned()).collect(),
            not_queued: not_queued
                .iter()
                .map(|(id, reason)| NotQueued {
                    webhook_id: (*id).to_owned(),
                    reason: (*reason).to_owned(),
                })
                .collect(),
            note: note.map(str::to_owned),
        }
    }

    #[test]
    fn the_line_says_how_many_webhooks_and_which() {
        assert_eq!(
            describe("http://e", &answer(&["W1"], &[], None)),
            "queued OPT_OUT for 1 webhook at http://e: W1"
        );
        assert_eq!(
            describe(
                "http://e",
                &answer(&["W1", "W2"], &[("W3", "dropped: full")], None)
            ),
            "queued OPT_OUT for 2 webhooks at http://e: W1, W2\n  not queued for W3: dropped: full"
        );
        assert_eq!(
            describe("http://e", &answer(&[], &[], Some("nobody listens"))),
            "queued OPT_OUT for 0 webhooks at http://e: nobody listens"
        );
    }

    #[test]
    fn an_error_answer_gives_its_message() {
        assert_eq!(
            error_message(
                r#"{"error": {"code": 400, "message": "Invalid argument: trigger: no"}}"#
            ),
            "Invalid argument: trigger: no"
        );
        assert_eq!(error_message(" plain text\n"), "plain text");
    }
}
