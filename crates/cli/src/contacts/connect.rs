//! Where `contacts` commands connect: an emulator (`--base-url`) or the real API, each setting
//! from its flag, else its `SINCH_*` variable, else the profile of the configuration file
//! (`crate::config`).

use std::time::Duration;

use clap::{Args, ValueEnum};
use sinch_contacts_port::{Auth, BulkOptions, ContactsClient, RetryPolicy, SafeCreateOptions};
use sinch_contacts_reqwest::ReqwestTransport;

use crate::config::{self, Fallback, Flags, ProfileArgs, Settings};
use crate::error::{CliError, CliResult};
use crate::logging::LoggedTransport;
use crate::target::{Target, is_loopback};

/// The emulator's default project, key id and secret.
pub const EMULATOR_PROJECT: &str = "emulator-project";
/// The emulator's default key id.
pub const EMULATOR_KEY_ID: &str = "emulator-key";
/// The emulator's default key secret.
pub const EMULATOR_KEY_SECRET: &str = "emulator-secret";

/// Connection flags shared by every `contacts` command.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Where to connect and as whom.
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Attempts per request, the first included, where a retry is safe (see docs/port.md); also
    /// the most creates a safe create sends. Default: 3 for single calls; 20 for the requests of
    /// `import`, `export` and `sync`, whose waits hold no place in flight (about 30 s of
    /// patience).
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub max_attempts: Option<u32>,
    /// Initial back-off in milliseconds of retries and of a safe create's look-ups (default 1000,
    /// growing ×4 for retries, ×2 for look-ups; 100 growing ×2 up to 2 s, jittered, for `import`,
    /// `export` and `sync`). A `Retry-After` from the server is never cut short.
    #[arg(long, global = true, value_name = "MS")]
    pub backoff_ms: Option<u64>,
}

/// Where to connect and as whom: each setting from its flag, else its variable, else the
/// profile (`sinch-contacts config show` says which).
#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// A server speaking the contacts API, e.g. the emulator's base URL (then the project, key
    /// id and secret default to the emulator's). Else SINCH_BASE_URL, else the profile's
    /// base_url, else the region's (SINCH_REGION or the profile's region).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The project id (else SINCH_PROJECT_ID, else the profile's project_id; with --base-url
    /// default: the emulator's `emulator-project`).
    #[arg(long, global = true)]
    pub project_id: Option<String>,
    /// The access key id (else SINCH_KEY_ID, else the profile's key_id; with --base-url default:
    /// the emulator's `emulator-key`).
    #[arg(long, global = true)]
    pub key_id: Option<String>,
    /// The access key secret (else SINCH_KEY_SECRET, else the file the profile's
    /// key_secret_file names; with --base-url default: the emulator's `emulator-secret`).
    /// Anyone who can run `ps` reads it: prefer the variable or a file.
    #[arg(long, global = true)]
    pub key_secret: Option<String>,
    /// How to authenticate with --base-url (the token URL is `{URL}/oauth2/token`).
    #[arg(long, global = true, value_enum, default_value_t = AuthScheme::Oauth2, requires = "base_url")]
    pub auth: AuthScheme,
    /// The configuration file and its profile.
    #[command(flatten)]
    pub profile: ProfileArgs,
}

impl CredentialArgs {
    /// The flags, for [`config::resolve`]; with --base-url, the emulator's credentials fill in
    /// what is found nowhere.
    pub fn flags(&self) -> Flags<'_> {
        Flags {
            config: self.profile.config.as_deref(),
            profile: self.profile.profile.as_deref(),
            base_url: self.base_url.as_deref(),
            project_id: self.project_id.as_deref(),
            key_id: self.key_id.as_deref(),
            key_secret: self.key_secret.as_deref(),
            fallback: self.base_url.as_ref().map(|_| Fallback {
                project_id: EMULATOR_PROJECT,
                key_id: EMULATOR_KEY_ID,
                key_secret: EMULATOR_KEY_SECRET,
                source: "the emulator's default (with --base-url)",
            }),
        }
    }

    /// The effective settings, read from the flags, the process environment and the profile.
    pub fn settings(&self) -> CliResult<Settings> {
        config::resolve(&self.flags(), &|name| std::env::var(name).ok())
    }
}

/// Attempts per single call when `--max-attempts` is not given.
const SINGLE_CALL_ATTEMPTS: u32 = 3;
/// Attempts per request of bulk runs when `--max-attempts` is not given: with the back-off
/// below, a row rides out about 30 s of failures before it is counted failed.
const BULK_ATTEMPTS: u32 = 20;
/// Initial back-off of the requests of bulk runs when `--backoff-ms` is not given.
const BULK_BACKOFF_MS: u64 = 100;
/// The longest back-off of the requests of bulk runs (a server's `Retry-After` may be longer).
const BULK_MAX_BACKOFF_S: u64 = 2;
/// Initial back-off of single calls when `--backoff-ms` is not given.
const SINGLE_CALL_BACKOFF_MS: u64 = 1000;

impl ConnectionArgs {
    /// The client's retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::default()
            .with_max_attempts(self.max_attempts.unwrap_or(SINGLE_CALL_ATTEMPTS))
            .with_initial_backoff(Duration::from_millis(
                self.backoff_ms.unwrap_or(SINGLE_CALL_BACKOFF_MS),
            ))
    }

    /// The retry policy of bulk runs (`import`, `export`): the runner's defaults, with the
    /// flags given.
    pub fn bulk_retry_policy(&self) -> RetryPolicy {
        // Short waits: in a bulk run the concurrency limit and the pacer, not each row's wait,
        // keep the load off a struggling server; a row's wait only spreads its retry out, and
        // long waits leave a run finished but for a few rows waiting tens of seconds.
        let mut retry = BulkOptions::default()
            .retry()
            .clone()
            .with_initial_backoff(Duration::from_millis(BULK_BACKOFF_MS))
            .with_max_backoff(Duration::from_secs(BULK_MAX_BACKOFF_S))
            .with_max_attempts(BULK_ATTEMPTS);
        if let Some(attempts) = self.max_attempts {
            retry = retry.with_max_attempts(attempts);
        }
        if let Some(backoff) = self.backoff_ms {
            let backoff = Duration::from_millis(backoff);
            retry = retry
                .with_initial_backoff(backoff)
                .with_max_backoff(backoff.max(Duration::from_secs(BULK_MAX_BACKOFF_S)));
        }
        retry
    }

    /// How many creates a safe create sends at most, and how it pauses before looking up.
    pub fn safe_create_options(&self) -> SafeCreateOptions {
        SafeCreateOptions::default()
            .with_max_rounds(self.max_attempts.unwrap_or(SINGLE_CALL_ATTEMPTS))
            .with_initial_backoff(Duration::from_millis(
                self.backoff_ms.unwrap_or(SINGLE_CALL_BACKOFF_MS),
            ))
    }
}

/// Authentication schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthScheme {
    /// OAuth2 client credentials (a bearer token, cached).
    Oauth2,
    /// HTTP Basic with the key id and secret.
    Basic,
}

/// A client for the flags, or for the `SINCH_*` variables without --base-url. Bulk runs
/// (`import`, `export`) give it to the port's runner, which makes one request per call, token
/// requests included, and schedules every retry itself.
pub fn connect(args: &ConnectionArgs) -> CliResult<(ContactsClient, Target)> {
    let retry = args.retry_policy();
    let credentials = &args.credentials;
    let settings = credentials.settings()?;
    let client = match &credentials.base_url {
        Some(base_url) => connect_to(
            base_url,
            settings.project_id.as_str(),
            settings.key_id.as_str(),
            settings.key_secret.as_str(),
            credentials.auth,
            retry,
        )?,
        None => {
            // The settings resolved above, and the variables they do not cover (SINCH_AUTH,
            // SINCH_TOKEN_URL) from the environment.
            let config = sinch_contacts_reqwest::EnvConfig::from_lookup(|name| {
                settings
                    .lookup(name)
                    .unwrap_or_else(|| std::env::var(name).ok())
            })
            .map_err(|error| env_error(&error, &settings))?;
            let transport = ReqwestTransport::new().map_err(|error| {
                CliError::failure(format!("cannot build the HTTP client: {error}"))
            })?;
            config
                .client_builder(LoggedTransport::new(transport))
                .retry_policy(retry)
                .build()
                .map_err(|error| CliError::failure(format!("invalid configuration: {error}")))?
        }
    };
    let target = Target {
        base_url: client.endpoint().base_url().to_owned(),
        project_id: client.endpoint().project_id().to_owned(),
    };
    Ok((client, target))
}

fn env_error(error: &sinch_contacts_reqwest::EnvError, settings: &Settings) -> CliError {
    CliError::failure(format!(
        "missing or invalid credentials: {}",
        settings.explain(error)
    ))
    .hint(
        "set SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET and SINCH_REGION, or select a \
         profile of the config file with --profile NAME, or pass --base-url URL for an emulator; \
         `sinch-contacts config show` says what was found where",
    )
}

/// A client for a server at `base_url` (an emulator, a proxy).
pub fn connect_to(
    base_url: &str,
    project_id: &str,
    key_id: &str,
    key_secret: &str,
    scheme: AuthScheme,
    retry_policy: RetryPolicy,
) -> CliResult<ContactsClient> {
    let base_url = base_url.trim_end_matches('/');
    let build_error = |error: &dyn std::fmt::Display| {
        CliError::failure(format!("cannot build the HTTP client: {error}"))
    };
    let mut http = sinch_contacts_reqwest::client_builder()
        .map_err(|error| build_error(&error))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30));
    if is_loopback(base_url) {
        // An emulator on this machine: never through a proxy from HTTP_PROXY and friends.
        http = http.no_proxy();
    }
    let http = http.build().map_err(|error| build_error(&error))?;
    let transport = ReqwestTransport::builder()
        .client(http)
        .build()
        .map_err(|error| build_error(&error))?;
    let auth = match scheme {
        AuthScheme::Oauth2 => {
            Auth::oauth2(key_id, key_secret).with_token_url(format!("{base_url}/oauth2/token"))
        }
        AuthScheme::Basic => Auth::basic(key_id, key_secret),
    };
    ContactsClient::builder(LoggedTransport::new(transport), project_id)
        .base_url(base_url)
        .auth(auth)
        .retry_policy(retry_policy)
        .build()
        .map_err(|error| {
            CliError::usage(format!("invalid --base-url `{base_url}`: {error}"))
                .hint("an absolute http(s) URL such as http://127.0.0.1:8080")
        })
}
