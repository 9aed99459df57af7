//! `demo` from start to finish, and `emulator` serving until it is stopped.

use std::time::Duration;

use crate::support::{Running, bin, bin_std, url_in};

#[test]
fn the_demo_runs_every_step_and_exits_0() {
    let output = bin()
        .arg("demo")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "[1] start the emulator on 127.0.0.1",
        "update_mask=display_name,email",
        "+46700000001 on SMS is held by",
        "WHATSAPP:+46700000001  moved     the destination had no WHATSAPP identity",
        "appended  moved channels are appended to the channel priority",
        "copied    \"ada@example.com\": the destination's was empty",
        "GET answers 404",
        "verified + parsed: CONTACT_MERGE",
        "verified + parsed: CONTACT_DELETE",
        "the mirror matches the API's 3 contacts",
        "suppression list: SMS:+46700000001 opted out (keyword STOP)",
        "may message SMS +46700000001? no",
        "the emulator sends an OPT_OUT callback, OPT_OUT_SUCCEEDED, for contact",
        "verified + parsed: OPT_OUT VIBERBM:+46700000002 (succeeded)",
        "suppression list: VIBERBM:+46700000002 opted out (OPT_OUT callback)",
        "may message VIBERBM +46700000002? no; SMS +46700000002? yes",
        "tour finished in",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing from:\n{stdout}"
        );
    }
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_demo_prints_one_json_line_per_step() {
    let output = bin()
        .args(["--json", "demo"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let steps: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(steps.len() >= 10);
    for (index, step) in steps.iter().enumerate() {
        assert_eq!(step["step"], index + 1);
        assert!(!step["lines"].as_array().unwrap().is_empty(), "{step}");
    }
}

#[test]
fn the_emulator_command_serves_until_stopped() {
    let mut command = bin_std();
    command.args([
        "emulator",
        "--port",
        "0",
        "--faults",
        "latency=1ms",
        "--seed",
        "3",
    ]);
    let mut emulator = Running::spawn(command);
    let first = emulator.next_line(Duration::from_secs(20));
    assert!(
        first.starts_with("emulator listening on http://127.0.0.1:"),
        "{first}"
    );
    let base_url = url_in(&first);
    let created = bin()
        .args([
            "contacts",
            "--base-url",
            &base_url,
            "create",
            "--identity",
            "SMS:+46700000001",
            "--external-id",
            "e-1",
        ])
        .output()
        .unwrap();
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let listed = bin()
        .args(["contacts", "--base-url", &base_url, "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("e-1"));
    assert!(emulator.try_exit_code().is_none(), "still serving");
    assert_eq!(emulator.terminate(Duration::from_secs(10)), Some(0));
    assert_eq!(
        emulator.line_containing("stopped", Duration::from_secs(5)),
        "stopped; it held 1 contact"
    );
}

#[test]
fn a_bad_fault_spec_is_a_usage_error() {
    let output = bin()
        .args(["emulator", "--faults", "5xx=2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: --faults `5xx=2`"), "{stderr}");
}
