//! [`CliError`]: the one error every command returns, printed as one line and mapped to an exit
//! code.

use std::fmt;

use sinch_contacts_port::{Error as PortError, TransportErrorKind};

/// Exit code of success, also of a command whose standard output was closed by its reader.
pub const EXIT_SUCCESS: u8 = 0;
/// Exit code of a failure: the API refused, the input was bad, a verification failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of a usage error (clap uses the same one for unknown flags).
pub const EXIT_USAGE: u8 = 2;

/// A failure, with what went wrong and, when there is one, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    message: String,
    hint: Option<String>,
    exit_code: u8,
}

impl CliError {
    /// A failure (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            exit_code: EXIT_FAILURE,
        }
    }

    /// A usage error (exit code 2), for combinations clap cannot check.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            exit_code: EXIT_USAGE,
        }
    }

    /// An exit code without a message, for a command that already printed why (e.g. a check
    /// whose answer is "no").
    pub fn silent(exit_code: u8) -> Self {
        Self {
            message: String::new(),
            hint: None,
            exit_code,
        }
    }

    /// The reader of standard output went away (`| head -1`): the command stops at once and
    /// the process exits 0 without a message, as a reader that wants no more asked for.
    pub fn closed_pipe() -> Self {
        Self::silent(EXIT_SUCCESS)
    }

    /// Whether there is nothing to print (see [`CliError::silent`]).
    pub fn is_silent(&self) -> bool {
        self.message.is_empty() && self.hint.is_none()
    }

    /// Adds how to fix it.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prefixes the message with what was being done.
    #[must_use]
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        self.exit_code
    }

    /// A failure of the contacts API or of reaching it, with a hint fitted to the kind of error.
    pub fn api(error: &PortError) -> Self {
        let message = describe_port_error(error);
        let hint = match error {
            PortError::Transport(transport) => match transport.kind() {
                TransportErrorKind::Connect => Some(
                    "is the server running? check --base-url, or start one with `sinch-contacts emulator`",
                ),
                TransportErrorKind::Timeout => Some("the server did not answer in time; try again"),
                _ => None,
            },
            PortError::Auth(_) => Some(
                "check the key: with --base-url --key-id and --key-secret or SINCH_KEY_SECRET \
                 (default: the emulator's), without it SINCH_KEY_ID and SINCH_KEY_SECRET, else \
                 the profile's key_id and key_secret_file; `sinch-contacts config show` says \
                 which were used",
            ),
            PortError::Api(api) if api.status().as_u16() == 401 || api.status().as_u16() == 403 => {
                Some(
                    "check the key and the project: with --base-url --key-id, --key-secret or \
                     SINCH_KEY_SECRET and --project-id, without it the SINCH_* variables or the \
                     profile; `sinch-contacts config show` says which were used",
                )
            }
            PortError::Api(api) if api.status().as_u16() == 404 => {
                Some("check the id, --project-id and the region")
            }
            _ => None,
        };
        let mut error = Self::failure(message);
        error.hint = hint.map(str::to_owned);
        error
    }
}

/// The error's message followed by its causes, each once, on one line.
fn describe_port_error(error: &PortError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

impl From<PortError> for CliError {
    fn from(error: PortError) -> Self {
        Self::api(&error)
    }
}

/// What a command returns.
pub type CliResult<T = ()> = Result<T, CliError>;

/// Reads a file, or says which one could not be read and why.
pub fn read_file(path: &std::path::Path) -> CliResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|error| CliError::failure(format!("cannot read {}: {error}", path.display())))
}
