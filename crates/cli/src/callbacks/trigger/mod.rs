//! `callbacks trigger`: a built-in, realistic callback of a given trigger ([`fixtures`]), with
//! fields changed by `--set` ([`set`]), signed like the API signs and POSTed to a webhook, or
//! given to an emulator that delivers it to its webhooks ([`inject`]); or, with `--list`, the
//! triggers there are.

mod fixtures;
mod inject;
mod set;

use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use clap::builder::PossibleValuesParser;
use serde::Serialize;
use sinch_contacts_callbacks::Timestamp;

use crate::callbacks::post::post_signed;
use crate::callbacks::secret::{OptionalSigningSecret, SECRET_ENV};
use crate::error::{CliError, CliResult};
use crate::output::{Output, Table, escape_controls};

use fixtures::{FIXTURES, find, stamp};
use set::Assignment;

/// Arguments of `callbacks trigger`.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// The trigger whose built-in body is sent (case-insensitive; `--list` lists them).
    #[arg(
        value_name = "TRIGGER",
        required_unless_present = "list",
        ignore_case = true,
        value_parser = trigger_names()
    )]
    pub trigger: Option<String>,
    /// The webhook URL to POST to.
    #[arg(long, value_name = "URL", required_unless_present_any = ["list", "print", "emulator"])]
    pub to: Option<String>,
    /// Give the body to the emulator at this URL (`sinch-contacts emulator` prints it): it
    /// delivers it to each of its webhooks subscribed to the trigger, signed with that webhook's
    /// secret (no secret is given here).
    #[arg(long, value_name = "URL", conflicts_with = "to")]
    pub emulator: Option<String>,
    /// Change a field of the body: a dotted path into the notification (`contact.display_name=Ada`)
    /// or from the top (`project_id=p`), array elements by number; the value takes the field's
    /// type. `PATH:=JSON` sets any JSON. Repeat for several fields.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub assignments: Vec<Assignment>,
    /// Print the body that would be sent (after --set) instead of sending it.
    #[arg(long, conflicts_with_all = ["to", "emulator"])]
    pub print: bool,
    /// List the triggers and what each built-in body tells.
    #[arg(long, conflicts_with_all = ["trigger", "to", "emulator", "assignments", "print"])]
    pub list: bool,
    /// The secret to sign with.
    #[command(flatten)]
    pub secret: OptionalSigningSecret,
}

fn trigger_names() -> PossibleValuesParser {
    PossibleValuesParser::new(FIXTURES.iter().map(|fixture| fixture.trigger))
}

#[derive(Debug, Serialize)]
struct Listed {
    trigger: &'static str,
    description: &'static str,
}

#[derive(Debug, Serialize)]
struct Triggered<'a> {
    trigger: &'a str,
    to: &'a str,
    status: u16,
    nonce: String,
    timestamp: i64,
    response: String,
}

/// Runs `callbacks trigger`.
pub async fn run(args: &TriggerArgs, output: Output) -> CliResult {
    if args.list {
        return list(output);
    }
    let name = args
        .trigger
        .as_deref()
        .ok_or_else(|| CliError::usage("give a TRIGGER (`--list` lists them)"))?;
    let fixture = find(name).ok_or_else(|| CliError::usage(format!("unknown trigger `{name}`")))?;
    let key = fixture.notification_key();
    let mut body = fixture.body();
    stamp(&mut body, key, &now()?.to_string());
    for assignment in &args.assignments {
        assignment
            .apply(&mut body, key)
            .map_err(|error| CliError::usage(format!("--set: {error}")))?;
    }
    let text = serde_json::to_string_pretty(&body)
        .map_err(|error| CliError::failure(format!("cannot write JSON: {error}")))?;
    if args.print {
        return output.text(&text);
    }
    if let Some(emulator) = &args.emulator {
        if args.secret.is_given_by_flag() {
            return Err(CliError::usage(
                "--emulator signs with each webhook's own secret: give no --secret or --secret-file",
            ));
        }
        return inject::inject(emulator, text.as_bytes(), output).await;
    }
    let to = args.to.as_deref().ok_or_else(|| {
        CliError::usage("give the webhook URL with --to URL, or an emulator with --emulator URL")
    })?;
    if !args.secret.is_given() {
        return Err(CliError::usage(format!(
            "give the webhook secret to sign with: --secret-file PATH, {SECRET_ENV} or --secret S"
        )));
    }
    let secret = args.secret.resolve()?.swap_remove(0);
    let posted = post_signed(to, &secret, text.as_bytes()).await?;
    let status = posted.status;
    let triggered = Triggered {
        trigger: fixture.trigger,
        to,
        status: status.as_u16(),
        nonce: posted.nonce,
        timestamp: posted.timestamp,
        response: posted.response,
    };
    if output.json {
        output.json_line(&triggered)?;
    } else {
        output.text(&format!(
            "sent {} to {}: HTTP {} {}",
            fixture.trigger,
            escape_controls(to),
            triggered.status,
            escape_controls(triggered.response.trim())
        ))?;
    }
    if status.is_success() {
        Ok(())
    } else {
        Err(CliError::failure(format!(
            "the receiver answered HTTP {status}: {}",
            triggered.response.trim()
        )))
    }
}

fn list(output: Output) -> CliResult {
    if output.json {
        for fixture in FIXTURES {
            output.json_line(&Listed {
                trigger: fixture.trigger,
                description: fixture.description,
            })?;
        }
        return Ok(());
    }
    let mut table = Table::new(["TRIGGER", "WHAT THE BODY TELLS"]).uncut();
    for fixture in FIXTURES {
        table.row([fixture.trigger, fixture.description]);
    }
    output.text(&table.to_string())
}

/// Now, to the millisecond.
fn now() -> CliResult<Timestamp> {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::failure("the system clock is before 1970"))?;
    let millis = elapsed.subsec_millis();
    Ok(Timestamp::from_unix(
        elapsed.as_secs() as i64,
        millis * 1_000_000,
    ))
}
