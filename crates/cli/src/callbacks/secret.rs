//! The webhook secret of `callbacks listen`, `send` and `verify`: `--secret S` (seen by anyone
//! who runs `ps`), `--secret-file PATH` or the `SINCH_WEBHOOK_SECRET` variable.
//!
//! A flag beats the variable: the variable is read only when neither flag is given. A file
//! holds one secret, its trailing line break (`\n` or `\r\n`) removed. An empty secret, from
//! any of them, is refused before anything starts (exit 2): every signature would fail with
//! it, so a receiver would answer every delivery 401.
//!
//! The arguments are declared by hand rather than derived so that where `--secret`'s value came
//! from (the command line or the variable) is known: clap counts a value from the environment
//! as given, for conflicts too.

use std::fmt;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use crate::error::{CliError, CliResult, read_file};

/// The variable that holds the webhook secret.
pub const SECRET_ENV: &str = "SINCH_WEBHOOK_SECRET";

/// The secret flags; `ROTATION` accepts several secrets (a receiver or a check during a
/// rotation: any one verifies), otherwise exactly one (a sender signs with one). Unless
/// `REQUIRED` is false, clap refuses a command line without one; otherwise the command checks
/// with [`SecretArgs::is_given`] (for a command that needs no secret in one of its modes).
#[derive(Clone, Default)]
pub struct SecretArgs<const ROTATION: bool, const REQUIRED: bool = true> {
    given: Vec<String>,
    from_env: bool,
    files: Vec<PathBuf>,
}

/// Several secrets, any of which verifies.
pub type RotatingSecrets = SecretArgs<true>;
/// The one secret a body is signed with.
pub type SigningSecret = SecretArgs<false>;
/// The one secret a body is signed with, not required by clap.
pub type OptionalSigningSecret = SecretArgs<false, false>;

impl<const ROTATION: bool, const REQUIRED: bool> fmt::Debug for SecretArgs<ROTATION, REQUIRED> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretArgs")
            .field("given", &self.given.len())
            .field("from_env", &self.from_env)
            .field("files", &self.files)
            .finish()
    }
}

impl<const ROTATION: bool, const REQUIRED: bool> SecretArgs<ROTATION, REQUIRED> {
    /// Whether a flag or the variable gives a secret (empty or not).
    pub fn is_given(&self) -> bool {
        !self.given.is_empty() || !self.files.is_empty()
    }

    /// Whether `--secret` or `--secret-file` is on the command line (the variable aside).
    pub fn is_given_by_flag(&self) -> bool {
        (!self.from_env && !self.given.is_empty()) || !self.files.is_empty()
    }

    /// The secrets, in the order given (`--secret` values, then files); a usage error when one
    /// is empty or, for a single secret, when both flags are given.
    pub fn resolve(&self) -> CliResult<Vec<Vec<u8>>> {
        let flags_given = !self.from_env && !self.given.is_empty();
        if !ROTATION && flags_given && !self.files.is_empty() {
            return Err(CliError::usage(
                "--secret and --secret-file both give the secret: give one",
            ));
        }
        let mut secrets: Vec<(String, Vec<u8>)> = Vec::new();
        // The variable counts only when no flag gives a secret.
        if flags_given || self.files.is_empty() {
            let origin = if self.from_env {
                SECRET_ENV.to_owned()
            } else {
                "--secret".to_owned()
            };
            for secret in &self.given {
                secrets.push((origin.clone(), secret.clone().into_bytes()));
            }
        }
        for path in &self.files {
            let mut bytes = read_file(path)?;
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
            }
            secrets.push((format!("--secret-file {}", path.display()), bytes));
        }
        if let Some((origin, _)) = secrets.iter().find(|(_, secret)| secret.is_empty()) {
            return Err(CliError::usage(format!(
                "the webhook secret from {origin} is empty: every signature would fail"
            ))
            .hint("give the secret the webhook was registered with"));
        }
        Ok(secrets.into_iter().map(|(_, secret)| secret).collect())
    }
}

impl<const ROTATION: bool, const REQUIRED: bool> FromArgMatches for SecretArgs<ROTATION, REQUIRED> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = Self::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.given = matches
            .get_many::<String>("secret")
            .map(|values| values.cloned().collect())
            .unwrap_or_default();
        self.from_env = matches.value_source("secret") == Some(ValueSource::EnvVariable);
        self.files = matches
            .get_many::<PathBuf>("secret_file")
            .map(|values| values.cloned().collect())
            .unwrap_or_default();
        Ok(())
    }
}

impl<const ROTATION: bool, const REQUIRED: bool> Args for SecretArgs<ROTATION, REQUIRED> {
    fn augment_args(command: Command) -> Command {
        let (action, secret_help, file_help) = if ROTATION {
            (
                ArgAction::Append,
                "The webhook secret; repeat during a rotation (any one verifies). Anyone who can \
                 run `ps` reads it: prefer --secret-file or the variable",
                "A file holding a webhook secret (its trailing line break removed); repeat \
                 during a rotation",
            )
        } else {
            (
                ArgAction::Set,
                "The webhook secret to sign with. Anyone who can run `ps` reads it: prefer \
                 --secret-file or the variable",
                "A file holding the webhook secret (its trailing line break removed)",
            )
        };
        let mut secret = Arg::new("secret")
            .long("secret")
            .value_name("S")
            .action(action.clone())
            .env(SECRET_ENV)
            .hide_env_values(true)
            .help(secret_help);
        if REQUIRED {
            secret = secret.required_unless_present("secret_file");
        }
        command.arg(secret).arg(
            Arg::new("secret_file")
                .long("secret-file")
                .value_name("PATH")
                .action(action)
                .value_parser(clap::value_parser!(PathBuf))
                .help(file_help),
        )
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args<const R: bool>(given: &[&str], from_env: bool, files: &[PathBuf]) -> SecretArgs<R> {
        SecretArgs {
            given: given.iter().map(|s| (*s).to_owned()).collect(),
            from_env,
            files: files.to_vec(),
        }
    }

    #[test]
    fn a_file_beats_the_variable_and_loses_its_line_break() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "from-file\r\n").unwrap();
        let resolved = args::<false>(&["from-env"], true, std::slice::from_ref(&file))
            .resolve()
            .unwrap();
        assert_eq!(resolved, [b"from-file".to_vec()]);
        let resolved = args::<true>(&["flag"], false, &[file]).resolve().unwrap();
        assert_eq!(resolved, [b"flag".to_vec(), b"from-file".to_vec()]);
    }

    #[test]
    fn empty_secrets_and_two_sources_for_one_secret_are_usage_errors() {
        assert_eq!(
            args::<true>(&[""], false, &[])
                .resolve()
                .unwrap_err()
                .exit_code(),
            2
        );
        let error = args::<true>(&[""], true, &[]).resolve().unwrap_err();
        assert!(error.to_string().contains(SECRET_ENV), "{error}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "s").unwrap();
        assert_eq!(
            args::<false>(&["flag"], false, &[file])
                .resolve()
                .unwrap_err()
                .exit_code(),
            2
        );
    }
}
