//! A closed standard output (`sinch-contacts ... | head -1`) ends every command quietly: exit
//! 0, no panic, nothing on standard error; a receiver whose output is closed stops.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel,
};

use crate::live::LiveEmulator;
use crate::support::{bin_std, url_in, write};

const CREATE: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:00Z","contact_create_notification":{"contact":{"id":"01HCREATED","display_name":"Ada","channel_identities":[{"channel":"SMS","identity":"+46700000001"}]}}}"#;

fn people(count: usize) -> Vec<ContactCreateRequest> {
    (0..count)
        .map(|n| {
            let mut request = ContactCreateRequest::new(
                vec![ChannelIdentity::new(
                    ConversationChannel::Sms,
                    format!("+4671{n:07}"),
                )],
                ContactLanguage::EnUs,
            );
            request.display_name = Some(format!("Person number {n} with a longish name"));
            request.external_id = Some(format!("pipe-{n}"));
            request
        })
        .collect()
}

/// Runs `command` with standard output a pipe whose reading end is already closed: its first
/// write fails with EPIPE. Returns the exit code and standard error.
fn run_with_closed_stdout(mut command: Command) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = command
        .stdout(writer)
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Waits at most `timeout` for `child` to exit.
fn exit_code_within(child: &mut std::process::Child, timeout: Duration) -> Option<i32> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn every_command_exits_0_quietly_when_nobody_reads_its_output() {
    let live = LiveEmulator::start();
    let id = live.seed(people(1))[0].id.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let callback = write(dir.path(), "create.json", CREATE);
    let callback = callback.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["--help"],
        vec!["--version"],
        vec!["man"],
        vec!["man", "contacts", "import"],
        vec!["contacts", "import", "--help"],
        vec!["contacts", "--base-url", &live.base_url, "list"],
        vec![
            "contacts",
            "--base-url",
            &live.base_url,
            "--json",
            "get",
            &id,
        ],
        vec![
            "contacts",
            "--base-url",
            &live.base_url,
            "--json",
            "list",
            "--all",
        ],
        vec!["callbacks", "parse", callback],
    ];
    for args in commands {
        let mut command = bin_std();
        command.args(&args);
        let (code, stderr) = run_with_closed_stdout(command);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn a_reader_that_stops_after_one_line_ends_the_command_without_a_panic() {
    // 1,000 contacts as JSON lines are far more than a pipe's buffer (64 KiB): the command is
    // still writing when the reader goes away.
    let live = LiveEmulator::start();
    live.seed(people(1000));
    for args in [
        &[
            "contacts",
            "--base-url",
            &live.base_url,
            "--json",
            "list",
            "--all",
        ][..],
        &["completions", "bash"],
    ] {
        let mut child = bin_std()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?}");
        drop(reader);
        let code = exit_code_within(&mut child, Duration::from_secs(60));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_ne!(code, Some(101), "{args:?}: {stderr}");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_receiver_whose_output_is_closed_stops_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let callback = write(dir.path(), "create.json", CREATE);
    let mut listener = bin_std()
        .args(["callbacks", "listen", "--port", "0", "--secret", "s3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(listener.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let url = url_in(&first);
    drop(reader);
    // The delivery cannot be printed: it is answered 500 (the sender will deliver it again)
    // and the receiver stops.
    let sent = bin_std()
        .args(["callbacks", "send", "--to", &url, "--secret", "s3"])
        .arg(&callback)
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&sent.stderr).contains("HTTP 500"),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let code = exit_code_within(&mut listener, Duration::from_secs(30));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut listener.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
