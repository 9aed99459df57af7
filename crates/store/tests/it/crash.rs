//! Crash safety: a child process applying a stream of deliveries to a SQLite file, one
//! acknowledgement per committed delivery, is killed at random points. Each restart gets every
//! delivery not acknowledged yet, in the original order (as the API redelivers what got no
//! 200). At the end the file holds exactly the in-order result, computed by the memory store,
//! and every opt-out of that result.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sinch_contacts_callbacks::optout::Consent;
use sinch_contacts_callbacks::store::{CallbackStore, MemoryStore};
use sinch_contacts_store::SqliteStore;

use crate::support::*;

const CHILD_DB: &str = "SINCH_CRASH_CHILD_DB";
const CHILD_TODO: &str = "SINCH_CRASH_CHILD_TODO";

/// 600 deliveries: keywords without times (so order matters), contact updates, deletes and
/// merges on a few ids.
fn stream() -> Vec<Delivery> {
    (0..600u32)
        .map(|i| match i % 5 {
            0 => text(
                None,
                "SMS",
                &format!("{}", i % 7),
                if i % 3 == 0 { "START" } else { "STOP" },
            ),
            1 => upsert(
                Some(i),
                i % 2 == 0,
                &format!("c{}", i % 9),
                &format!("n{i}"),
            ),
            2 => opt(
                None,
                i % 4 != 0,
                "VIBERBM",
                &format!("v{}", i % 6),
                "SUCCEEDED",
            ),
            3 if i % 25 == 3 => delete(Some(i), &format!("c{}", i % 9)),
            3 => merge(
                Some(i),
                &format!("c{}", i % 4),
                &format!("m{i}"),
                &format!("c{}", 4 + i % 5),
            ),
            _ => text(Some(i), "WHATSAPP", &format!("{}", i % 5), "STOP"),
        })
        .collect()
}

/// The child: applies the listed deliveries in order, printing `ACK i` after each commit.
#[test]
#[ignore = "child process of the crash test; started by it"]
fn crash_child() {
    let (Ok(path), Ok(todo)) = (std::env::var(CHILD_DB), std::env::var(CHILD_TODO)) else {
        return;
    };
    let stream = stream();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(&path).await.unwrap();
        for index in todo.split(',').filter(|s| !s.is_empty()) {
            let index: usize = index.parse().unwrap();
            let (id, callback) = &stream[index];
            store.apply(id, callback).await.unwrap();
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            writeln!(out, "ACK {index}").unwrap();
            out.flush().unwrap();
        }
    });
}

/// A small pseudo-random generator (xorshift), seeded from the clock; the seed is printed.
struct Random(u64);

impl Random {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[test]
fn killed_at_random_points_the_file_ends_in_the_in_order_state() {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut random = Random(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let stream = stream();
    let mut todo: Vec<usize> = (0..stream.len()).collect();
    let mut kills = 0;
    let mut progress = Vec::new();
    for round in 0.. {
        if todo.is_empty() {
            break;
        }
        assert!(
            round < 40,
            "deliveries still unacknowledged after 40 rounds: {todo:?}"
        );
        let list = todo
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "crash::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DB, &path)
            .env(CHILD_TODO, list)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let acked = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let acked = acked.clone();
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    // The harness may print its own text before the first line of the child.
                    if let Some(start) = line.find("ACK ") {
                        let index = line[start + 4..].trim().parse::<usize>().unwrap();
                        acked.lock().unwrap().push(index);
                    }
                }
            })
        };
        // After 12 rounds, let the child finish. Before that, wait for its first
        // acknowledgement (so the kill lands while it applies, not while it starts), then a
        // random 0-15 ms.
        if round < 12 {
            while acked.lock().unwrap().is_empty() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros(random.next(15_000)));
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                kills += 1;
            }
        }
        child.wait().unwrap();
        reader.join().unwrap();
        let acked = acked.lock().unwrap();
        progress.push(acked.len());
        todo.retain(|index| !acked.contains(index));
    }
    eprintln!("crash test: {kills} kills; acknowledgements per round {progress:?}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let reference = MemoryStore::new();
        apply_all(&reference, &stream).await;
        let expected = reference.dump().await.unwrap();
        let store = SqliteStore::open(&path).await.unwrap();
        let actual = store.dump().await.unwrap();
        for (key, record) in &expected.consents {
            if record.consent == Consent::OptedOut {
                assert!(
                    store
                        .is_suppressed(&key.channel, &key.identity)
                        .await
                        .unwrap(),
                    "opt-out of {key:?} missing (seed {seed})"
                );
            }
        }
        assert_eq!(actual, expected, "seed {seed}");
    });
}
