//! `--header-timeout`, `--idle-timeout` and `--max-connections`: what the command's two servers,
//! `emulator` and `callbacks listen`, allow a client.

use std::time::Duration;

use clap::Args;
use sinch_contacts_emulator::{ConnectionLimits, DEFAULT_MAX_CONNECTIONS};

/// The limits' flags, shared by both servers.
#[derive(Debug, Clone, Args)]
pub struct ServerLimitArgs {
    /// How long a request's head may take to arrive, from its first byte (its body gets as
    /// long again); a slower client is disconnected. A whole number with `ms`, `s` or `m`.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// How long a connection may stay open without a request in progress before it is closed.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub idle_timeout: Duration,
    /// The most connections served at once; more wait in the listen backlog until one closes.
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_MAX_CONNECTIONS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub max_connections: usize,
}

impl ServerLimitArgs {
    /// The limits the flags describe.
    pub fn limits(&self) -> ConnectionLimits {
        ConnectionLimits::default()
            .header_timeout(self.header_timeout)
            .idle_timeout(self.idle_timeout)
            .max_connections(self.max_connections)
    }
}

/// `500ms`, `10s`, `2m`: a whole number above zero and its unit.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` has no unit: write e.g. 10s, 500ms or 2m"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a whole number"))?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(format!("`{text}`: the unit must be ms, s or m")),
    };
    if duration.is_zero() {
        return Err(format!("`{text}`: must be more than 0"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinch_contacts_emulator::{DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT};

    #[test]
    fn durations_are_a_whole_number_and_a_unit() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["10", "", "s", "1.5s", "10h", "-1s", "0s", "0ms", " 10s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_flag_defaults_are_the_emulator_crate_defaults() {
        assert_eq!(parse_duration("10s"), Ok(DEFAULT_HEADER_TIMEOUT));
        assert_eq!(parse_duration("60s"), Ok(DEFAULT_IDLE_TIMEOUT));
    }
}
