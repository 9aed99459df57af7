//! Serves the emulator on 127.0.0.1 until Enter is pressed (or standard input closes).
//!
//! ```sh
//! cargo run -p sinch-contacts-emulator --example serve -- 8080 "429=0.05,latency=2ms"
//! ```
//!
//! Arguments (both optional): the port (default 0, any free port) and a fault spec.

use std::io::BufRead;
use std::net::{Ipv4Addr, SocketAddr};

use sinch_contacts_emulator::{Emulator, FaultSpec};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().map_or(Ok(0), |port| port.parse())?;
    let faults: FaultSpec = args
        .next()
        .map_or(Ok(FaultSpec::none()), |spec| spec.parse())?;
    let emulator = Emulator::builder().faults(faults).build();
    let server = emulator
        .serve(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await?;
    println!("emulator at {}", server.base_url());
    println!(
        "project {}, key {} / {}, token URL {}/oauth2/token, faults {}",
        emulator.project_id(),
        emulator.key_id(),
        emulator.key_secret(),
        server.base_url(),
        emulator.faults()
    );
    println!("press Enter to stop");
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    })
    .await?;
    server.shutdown().await;
    Ok(())
}
