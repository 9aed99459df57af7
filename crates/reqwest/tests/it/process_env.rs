//! `from_env()` against the real process environment. Setting variables in
//! this process would need `unsafe`, so the test runs this binary again as
//! a child with the variables set, and the child runs an ignored test.

use std::ffi::OsStr;
use std::process::Command;

use sinch_contacts_reqwest::{EnvError, from_env};

/// What the child is asked to check.
const EXPECT: &str = "SINCH_REQWEST_TEST_EXPECT";

const ALL_VARIABLES: [&str; 7] = [
    "SINCH_PROJECT_ID",
    "SINCH_KEY_ID",
    "SINCH_KEY_SECRET",
    "SINCH_REGION",
    "SINCH_BASE_URL",
    "SINCH_AUTH",
    "SINCH_TOKEN_URL",
];

/// Runs the child test with exactly `vars` as SINCH_* variables; panics
/// with its output if it did not pass.
fn run_child(expect: &str, vars: &[(&str, &OsStr)]) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--ignored", "--exact", "process_env::child", "--nocapture"]);
    for name in ALL_VARIABLES {
        command.env_remove(name);
    }
    command.env(EXPECT, expect);
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{stderr}"
    );
}

#[test]
#[ignore = "run by from_env_reads_the_process_environment in a child process"]
fn child() {
    match std::env::var(EXPECT).as_deref() {
        Ok("emulator") => {
            let client = from_env().unwrap();
            assert_eq!(client.endpoint().base_url(), "http://127.0.0.1:9");
            assert_eq!(client.endpoint().project_id(), "env-project");
        }
        Ok("missing-secret") => {
            let error = from_env().unwrap_err();
            assert!(
                matches!(
                    error,
                    EnvError::Missing {
                        variable: "SINCH_KEY_SECRET"
                    }
                ),
                "{error:?}"
            );
        }
        Ok("not-unicode") => {
            let error = from_env().unwrap_err();
            assert_eq!(error.variable(), Some("SINCH_REGION"), "{error:?}");
            assert_eq!(
                error.to_string(),
                "environment variable SINCH_REGION: is not valid Unicode"
            );
        }
        other => panic!("unexpected {EXPECT}: {other:?}"),
    }
}

#[test]
fn from_env_reads_the_process_environment() {
    let common: [(&str, &OsStr); 3] = [
        ("SINCH_PROJECT_ID", OsStr::new("env-project")),
        ("SINCH_KEY_ID", OsStr::new("env-key")),
        ("SINCH_KEY_SECRET", OsStr::new("env-secret")),
    ];
    let mut emulator = common.to_vec();
    emulator.push(("SINCH_BASE_URL", OsStr::new("http://127.0.0.1:9")));
    run_child("emulator", &emulator);

    run_child(
        "missing-secret",
        &[common[0], common[1], ("SINCH_REGION", OsStr::new("us"))],
    );

    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut bad = common.to_vec();
        bad.push(("SINCH_REGION", OsStr::from_bytes(b"e\xffu")));
        run_child("not-unicode", &bad);
    }
}
