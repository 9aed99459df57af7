//! The default TLS configuration: rustls with the `ring` crypto provider and
//! the platform's root certificates.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls_platform_verifier::Verifier;

/// A rustls client configuration using `ring` (no OpenSSL, no aws-lc, no
/// process-wide provider installed), TLS 1.2 and 1.3, certificates checked
/// against the platform's trust store plus `extra_roots`, and HTTP/1.1
/// announced over ALPN.
pub(crate) fn rustls_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = if extra_roots.is_empty() {
        Verifier::new(provider.clone())?
    } else {
        Verifier::new_with_extra_roots(extra_roots, provider.clone())?
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous() // only to plug in the platform verifier, which checks certificates
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
