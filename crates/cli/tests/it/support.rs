//! Helpers: the binary, temporary files, and child processes that print a URL first.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Variables of the developer's shell that would change what the binary does; tests that want
/// one set it themselves.
const CLEARED_VARIABLES: [&str; 11] = [
    "SINCH_KEY_SECRET",
    "SINCH_WEBHOOK_SECRET",
    "RUST_LOG",
    "SINCH_PROJECT_ID",
    "SINCH_KEY_ID",
    "SINCH_REGION",
    "SINCH_BASE_URL",
    "SINCH_AUTH",
    "SINCH_TOKEN_URL",
    "SINCH_PROFILE",
    "SINCH_CONTACTS_CONFIG",
];

/// The HOME the binary is given: a folder that does not exist, so the developer's
/// `~/.config/sinch-contacts/config.toml` is never read (tests of profiles set their own).
pub fn no_home() -> PathBuf {
    std::env::temp_dir().join("sinch-contacts-tests-have-no-home")
}

/// The binary under test.
pub fn bin() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("sinch-contacts")
        .expect("the sinch-contacts binary is built");
    for name in CLEARED_VARIABLES {
        command.env_remove(name);
    }
    command.env("HOME", no_home());
    command
}

/// The binary as a plain `std` command, for children that keep running.
pub fn bin_std() -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("sinch-contacts"));
    for name in CLEARED_VARIABLES {
        command.env_remove(name);
    }
    command.env("HOME", no_home());
    command
}

/// The conformance folder, or `None` (and a note) when SINCH_CONFORMANCE_DIR is unset.
pub fn conformance_dir(test: &str) -> Option<PathBuf> {
    match std::env::var_os("SINCH_CONFORMANCE_DIR") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("{test}: skipped, SINCH_CONFORMANCE_DIR is not set");
            None
        }
    }
}

/// Writes a file in `dir`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

/// Starts `[--json] callbacks listen --port 0 --secret SECRET --state STATE` (a SQLite file or a
/// PostgreSQL URL); returns it and the URL it listens on.
pub fn listen_with_state(
    secret: &str,
    state: impl AsRef<std::ffi::OsStr>,
    json: bool,
) -> (Running, String) {
    let mut command = bin_std();
    if json {
        command.arg("--json");
    }
    command
        .args([
            "callbacks",
            "listen",
            "--port",
            "0",
            "--secret",
            secret,
            "--state",
        ])
        .arg(state);
    let listener = Running::spawn(command);
    let url = url_in(&listener.next_line(Duration::from_secs(20)));
    (listener, url)
}

/// A child process whose standard output is read line by line on a thread, with a bounded wait.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    /// Spawns `command` with piped output.
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn the binary");
        let stdout: ChildStdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The next line of output, waiting at most `timeout`.
    pub fn next_line(&self, timeout: Duration) -> String {
        self.lines
            .recv_timeout(timeout)
            .unwrap_or_else(|_| panic!("no output line within {timeout:?}"))
    }

    /// Waits for a line containing `needle`, returning it.
    pub fn line_containing(&self, needle: &str, timeout: Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line containing {needle:?} within {timeout:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }
}

impl Running {
    /// Every line not read yet, up to the end of its output (call after it exited or was
    /// killed).
    pub fn remaining_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(30)) {
            lines.push(line);
        }
        lines
    }

    /// Everything it wrote to standard error (call after it exited).
    pub fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            std::io::Read::read_to_string(&mut stderr, &mut text).expect("read stderr");
        }
        text
    }

    /// Whether it has exited (its exit code, if any), without waiting.
    pub fn try_exit_code(&mut self) -> Option<Option<i32>> {
        self.child
            .try_wait()
            .expect("poll the child")
            .map(|status| status.code())
    }

    /// Sends SIGTERM (through the `kill` command) and waits at most `timeout` for the exit code.
    pub fn terminate(&mut self, timeout: Duration) -> Option<i32> {
        self.signal("-TERM", timeout)
    }

    /// Sends SIGINT, as Ctrl-C does, and waits at most `timeout` for the exit code.
    pub fn interrupt(&mut self, timeout: Duration) -> Option<i32> {
        self.signal("-INT", timeout)
    }

    fn signal(&mut self, signal: &str, timeout: Duration) -> Option<i32> {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return status.code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still running {timeout:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills it at once (SIGKILL on Unix: no cleanup runs) and reaps it.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the child");
        self.child.wait().expect("reap the child");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of a URL printed as `... http://127.0.0.1:PORT/...` in a line.
pub fn url_in(line: &str) -> String {
    let start = line
        .find("http://")
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    line[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == ',')
        .next()
        .unwrap()
        .to_owned()
}

/// A new, empty database on the PostgreSQL server of `url` (the test server); its URL.
pub fn fresh_postgres_database(url: &str, prefix: &str) -> String {
    use sqlx::Connection as _;
    let name = format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos())
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut admin = sqlx::PgConnection::connect(url)
            .await
            .expect("the test PostgreSQL server accepts connections");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("a test database is created");
    });
    let (server, _) = url.rsplit_once('/').expect("the test URL names a database");
    format!("{server}/{name}")
}

/// `GET path` on the server of `url` (`http://127.0.0.1:PORT/...`): the status and the body.
pub fn http_get(url: &str, path: &str) -> (u16, String) {
    use std::io::{Read as _, Write as _};
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// External id -> how many of `contacts` carry it.
pub fn external_id_counts(
    contacts: &[sinch_contacts_model::Contact],
) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for contact in contacts {
        *counts
            .entry(contact.external_id.clone().unwrap_or_default())
            .or_insert(0) += 1;
    }
    counts
}

/// `count` import rows as JSON lines: `row-N`, "Person N", EN_US, SMS `+4671NNNNNNN`.
pub fn jsonl_rows(count: usize) -> String {
    (0..count)
        .map(|n| {
            format!(
                "{{\"external_id\":\"row-{n}\",\"display_name\":\"Person {n}\",\"language\":\"EN_US\",\"channel_identities\":[{{\"channel\":\"SMS\",\"identity\":\"+4671{n:07}\"}}]}}\n"
            )
        })
        .collect()
}
