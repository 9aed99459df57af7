//! How `import` and `export` pace their requests: the port's bulk runner, with the flags a user
//! sets (`--concurrency`, `--max-rate`, `--max-attempts`, `--backoff-ms`).

use sinch_contacts_port::{Bulk, BulkOptions, ContactsClient, RetryPolicy};

use crate::error::{CliError, CliResult};

/// Reads a rate such as `200/s`, `200` or `12.5/s`: requests per second, more than 0.
///
/// # Errors
///
/// When the text is not a positive number of requests per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let number = text.trim().strip_suffix("/s").unwrap_or(text.trim());
    match number.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate >= sinch_contacts_port::bulk::MIN_RATE => Ok(rate),
        Ok(_) => Err(format!(
            "`{text}`: a rate is at least {} requests per second",
            sinch_contacts_port::bulk::MIN_RATE
        )),
        Err(_) => Err(format!(
            "`{text}` is not a rate: give requests per second, such as 200/s"
        )),
    }
}

/// A bulk runner over `client`: at most `max_concurrency` requests in flight, at most
/// `max_rate` requests a second when given, `retry` for the attempts and back-off.
pub fn bulk(
    client: &ContactsClient,
    retry: RetryPolicy,
    max_concurrency: usize,
    max_rate: Option<f64>,
) -> CliResult<Bulk> {
    let mut options = BulkOptions::default()
        .with_max_concurrency(max_concurrency)
        .with_initial_concurrency(max_concurrency.min(4))
        .with_retry(retry);
    if let Some(rate) = max_rate {
        options = options.with_max_rate(rate);
    }
    Bulk::new(client, options)
        .map_err(|error| CliError::failure(format!("cannot pace the requests: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_with_or_without_the_unit() {
        assert_eq!(parse_rate("200/s"), Ok(200.0));
        assert_eq!(parse_rate("12.5"), Ok(12.5));
        assert!(parse_rate("0/s").unwrap_err().contains("at least 0.1"));
        assert!(parse_rate("fast").unwrap_err().contains("not a rate"));
        assert!(parse_rate("200/m").unwrap_err().contains("not a rate"));
        assert!(parse_rate("NaN").is_err());
    }
}
