//! `emulator`: serve the emulator on 127.0.0.1 until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use serde::Serialize;
use sinch_contacts_emulator::{DeliveryPolicy, Emulator, FaultSpec, RateLimit, Webhook};
use sinch_contacts_model::WebhookTrigger;

use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::server_limits::ServerLimitArgs;

/// Arguments of `emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// The port on 127.0.0.1 (0 picks a free one; the base URL printed says which).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Register a webhook delivering every trigger to this URL.
    #[arg(long, value_name = "URL", requires = "secret")]
    pub webhook: Option<String>,
    /// The webhook's signing secret.
    #[arg(long, value_name = "S", requires = "webhook")]
    pub secret: Option<String>,
    /// Faults to inject, e.g. `5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01,latency=5ms`.
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Limit the project's API requests with a token bucket, e.g. `200/s,burst=20`: RATE
    /// requests a second, N at once (without a burst, one second's worth); beyond it, 429
    /// with `Retry-After`.
    #[arg(long, value_name = "RATE/s[,burst=N]")]
    pub rate_limit: Option<String>,
    /// Seed of the fault draws (the same seed gives the same faults).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Deliveries to the webhook under way at once (over as many keep-alive connections).
    #[arg(long, value_name = "N", default_value_t = sinch_contacts_emulator::DEFAULT_MAX_IN_FLIGHT)]
    pub max_in_flight: usize,
    /// Callbacks that may wait for the webhook; beyond that they are dropped and counted.
    #[arg(long, value_name = "N", default_value_t = sinch_contacts_emulator::DEFAULT_QUEUE_CAPACITY)]
    pub queue_capacity: usize,
    /// Deliver webhooks at the lowest scheduling priority: on a busy machine the API is
    /// served first and deliveries catch up when a core is free.
    #[arg(long)]
    pub background_deliveries: bool,
    /// What the server allows a client.
    #[command(flatten)]
    pub limits: ServerLimitArgs,
}

/// What the emulator prints first, so scripts can read where it is.
#[derive(Debug, Serialize)]
struct Started {
    base_url: String,
    token_url: String,
    project_id: String,
    key_id: String,
    key_secret: String,
    app_id: String,
    faults: String,
    rate_limit: Option<String>,
    webhook: Option<String>,
}

/// Builds the emulator the flags describe.
pub fn build(args: &EmulatorArgs) -> CliResult<Emulator> {
    let mut builder = Emulator::builder();
    if let Some(spec) = &args.faults {
        let faults: FaultSpec = spec.parse().map_err(|error| {
            CliError::usage(format!("--faults `{spec}`: {error}"))
                .hint("for example --faults 5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01,latency=5ms")
        })?;
        builder = builder.faults(faults);
    }
    if let Some(spec) = &args.rate_limit {
        let limit: RateLimit = spec.parse().map_err(|error| {
            CliError::usage(format!("--rate-limit `{spec}`: {error}"))
                .hint("for example --rate-limit 200/s,burst=20")
        })?;
        builder = builder.rate_limit(limit);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    builder = builder.delivery_policy(
        DeliveryPolicy::default()
            .max_in_flight(args.max_in_flight)
            .queue_capacity(args.queue_capacity)
            .background(args.background_deliveries),
    );
    builder = builder.connection_limits(args.limits.limits());
    let emulator = builder.build();
    if let (Some(target), Some(secret)) = (&args.webhook, &args.secret) {
        let webhook = Webhook {
            target: target.clone(),
            secret: secret.clone(),
            triggers: every_trigger(),
        };
        if let Err(error) = webhook.validate() {
            return Err(CliError::usage(format!(
                "--{} {}",
                error.field().replace("target", "webhook"),
                error.description()
            )));
        }
        if !target.starts_with("http://") {
            return Err(CliError::usage(format!(
                "--webhook `{target}`: the emulator posts to http:// URLs only"
            )));
        }
        emulator.register_webhook(webhook);
    }
    Ok(emulator)
}

/// Every trigger this version knows, but the unspecified one.
pub fn every_trigger() -> Vec<WebhookTrigger> {
    WebhookTrigger::VALUES
        .iter()
        .filter(|name| **name != "UNSPECIFIED_TRIGGER")
        .map(|name| WebhookTrigger::from(*name))
        .collect()
}

pub async fn run(args: &EmulatorArgs, output: Output) -> CliResult {
    let emulator = build(args)?;
    let stop = crate::signals::install();
    let address = SocketAddr::from(([127, 0, 0, 1], args.port));
    let server = emulator.serve(address).await.map_err(|error| {
        CliError::failure(format!("cannot serve on {address}: {error}"))
            .hint("pick another --port, or --port 0 for a free one")
    })?;
    let base_url = server.base_url();
    let started = Started {
        token_url: format!("{base_url}/oauth2/token"),
        base_url: base_url.clone(),
        project_id: emulator.project_id().to_owned(),
        key_id: emulator.key_id().to_owned(),
        key_secret: emulator.key_secret().to_owned(),
        app_id: emulator.app_id().to_owned(),
        faults: emulator.faults().to_string(),
        rate_limit: emulator.rate_limit().map(|limit| limit.to_string()),
        webhook: args.webhook.clone(),
    };
    if output.json {
        output.json_line(&started)?;
    } else {
        output.text(&format!(
            "emulator listening on {base_url} (Ctrl-C to stop)"
        ))?;
        output.text(&format!("  project id  {}", started.project_id))?;
        output.text(&format!("  key id      {}", started.key_id))?;
        output.text(&format!("  key secret  {}", started.key_secret))?;
        output.text(&format!("  app id      {}", started.app_id))?;
        output.text(&format!("  token URL   {}", started.token_url))?;
        if !started.faults.is_empty() && started.faults != "none" {
            output.text(&format!("  faults      {}", started.faults))?;
        }
        if let Some(rate_limit) = &started.rate_limit {
            output.text(&format!("  rate limit  {rate_limit}"))?;
        }
        if let Some(webhook) = &started.webhook {
            output.text(&format!("  webhook     {webhook} (every trigger)"))?;
        }
        output.text(&format!(
            "try: sinch-contacts contacts --base-url {base_url} list"
        ))?;
    }
    stop.stopped().await;
    if tokio::time::timeout(Duration::from_secs(2), server.shutdown())
        .await
        .is_err()
    {
        eprintln!("the emulator did not stop within 2 s; exiting anyway");
    }
    if !output.json {
        let count = emulator.contact_count();
        output.text(&format!(
            "stopped; it held {count} contact{}",
            if count == 1 { "" } else { "s" }
        ))?;
    }
    Ok(())
}
