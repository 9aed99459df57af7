//! The run's concurrency limit, seen from the server: it grows while the
//! server keeps up and stays within its bounds.

use futures_util::{StreamExt, stream};
use sinch_contacts_port::{Bulk, BulkOptions};

use super::sim::{Profile, SimServer};

async fn run(server: &SimServer, options: BulkOptions, jobs: usize) {
    let bulk = Bulk::new(&server.client(1), options).unwrap();
    assert_eq!(bulk.options().max_concurrency(), 8);
    let run = bulk.run(
        stream::iter((0..jobs).map(|n| (n, format!("c{n}")))),
        |attempt, id: String| async move { attempt.client().get(&id).await },
    );
    assert_eq!(format!("{run:?}"), "BulkRun { .. }");
    let done = run
        .filter(|item| std::future::ready(item.as_ref().unwrap().outcome.is_ok()))
        .count()
        .await;
    assert_eq!(done, jobs);
}

/// From 1 in flight, a server without a quota sees up to the maximum.
#[tokio::test(start_paused = true)]
async fn the_limit_grows_to_its_maximum_while_the_server_keeps_up() {
    let server = SimServer::new(Profile::bucket(1_000_000, 1_000_000));
    let options = BulkOptions::default()
        .with_initial_concurrency(1)
        .with_max_concurrency(8)
        .with_initial_rate(10_000.0);
    run(&server, options, 500).await;
    assert_eq!(server.max_in_flight(), 8);
}

/// A server whose answers take 20 ms per request in flight: answers
/// slower than twice the best cut the limit, so the run keeps few in
/// flight where the maximum would let 8 in and make each answer 8 times
/// slower.
#[tokio::test(start_paused = true)]
async fn answers_slowing_down_with_the_load_keep_the_limit_down() {
    let mut profile = Profile::bucket(1_000_000, 1_000_000);
    profile.base = std::time::Duration::from_millis(20);
    profile.queueing = true;
    let server = SimServer::new(profile);
    let options = BulkOptions::default()
        .with_initial_concurrency(1)
        .with_max_concurrency(8)
        .with_initial_rate(10_000.0);
    run(&server, options, 500).await;
    assert!(server.max_in_flight() <= 3, "{}", server.max_in_flight());
}
