//! The default TLS configuration: rustls with the `ring` crypto provider and
//! the platform's root certificates.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;

/// A rustls client configuration using `ring` (no OpenSSL, no aws-lc, no
/// process-wide provider installed), TLS 1.2 and 1.3, certificates checked
/// against the platform's trust store, and HTTP/1.1 announced over ALPN.
pub(crate) fn rustls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
