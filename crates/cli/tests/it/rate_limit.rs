//! `emulator --rate-limit`: the limit is applied and shown, and a bad spec is a usage error that
//! names the problem.

use std::time::Duration;

use crate::support::{Running, bin, bin_std, http_get, url_in};

const CONTACTS: &str = "/v1/projects/emulator-project/contacts";

#[test]
fn the_rate_limit_flag_is_applied_and_counted() {
    let mut command = bin_std();
    // One token per 10,000 s, two at once: no token comes back while the test runs.
    command.args([
        "emulator",
        "--port",
        "0",
        "--rate-limit",
        "0.0001/s,burst=2",
    ]);
    let mut emulator = Running::spawn(command);
    let base_url = url_in(&emulator.next_line(Duration::from_secs(20)));
    assert_eq!(
        emulator.line_containing("rate limit", Duration::from_secs(5)),
        "  rate limit  0.0001/s,burst=2"
    );
    // Without credentials: each request takes a token, then gets 401; the third finds none.
    let statuses: Vec<u16> = (0..3).map(|_| http_get(&base_url, CONTACTS).0).collect();
    assert_eq!(statuses, [401, 401, 429]);
    let (status, body) = http_get(&base_url, "/_emulator/status");
    assert_eq!(status, 200);
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        status["rate_limit"],
        serde_json::json!({
            "spec": "0.0001/s,burst=2",
            "per_second": 0.0001,
            "burst": 2,
            "allowed": 2,
            "refused": 1,
        })
    );
    assert_eq!(emulator.terminate(Duration::from_secs(10)), Some(0));
}

#[test]
fn the_json_start_line_names_the_rate_limit() {
    let mut command = bin_std();
    command.args(["--json", "emulator", "--port", "0", "--rate-limit", "200/s"]);
    let emulator = Running::spawn(command);
    let started: serde_json::Value =
        serde_json::from_str(&emulator.next_line(Duration::from_secs(20))).unwrap();
    assert_eq!(started["rate_limit"], "200/s,burst=200");
}

#[test]
fn a_bad_rate_limit_is_a_usage_error_naming_the_problem() {
    for (spec, problem) in [
        (
            "200/s,burst=0",
            "invalid rate limit at column 13 (`0`): the burst must be a whole number from 1 to 4294967295",
        ),
        (
            "200",
            "invalid rate limit at column 1 (`200`): expected a rate per second such as 200/s",
        ),
        (
            "200/min",
            "invalid rate limit at column 5 (`min`): the rate is counted per second: write /s",
        ),
    ] {
        let output = bin()
            .args(["emulator", "--rate-limit", spec])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{spec}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("error: --rate-limit `{spec}`: {problem}")),
            "{stderr}"
        );
        assert!(
            stderr.contains("--rate-limit 200/s,burst=20"),
            "the hint: {stderr}"
        );
    }
}
