//! A webhook receiver that answers every request 200 at once and does nothing else (no
//! signature check, nothing kept): the floor when measuring what delivering callbacks costs.
//!
//! ```sh
//! cargo run --release -p sinch-contacts-emulator --example sink -- 8790
//! ```
//!
//! Argument (optional): the port on 127.0.0.1 (default 0, any free port). It runs on one
//! thread until killed.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map_or(Ok(0), |port| port.parse())?;
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!("sink at http://{}/", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(
            hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(answer)),
        );
    }
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the body so the connection stays usable for the next request.
    let _ = request.into_body().collect().await;
    Ok(Response::new(Full::new(Bytes::new())))
}
