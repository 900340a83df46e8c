//! The TLS configuration every client of a process shares.
//!
//! Building it reads and parses every root certificate the system trusts (a few hundred PEM
//! certificates on a typical Linux), which took about 2 ms and most of a client's making when
//! each reqwest client did it for itself. It is built once per process instead, and each client
//! takes a copy (reference counts) with its own connection pool. The copies share a TLS session
//! cache, so a second client to the same provider resumes the first one's session.
//!
//! A child made by `fork()` does not use the parent's: it holds locks (the session cache) that
//! another thread may have held at the fork, which would stay locked in the child forever. A
//! client made in a child builds a configuration of its own, as every client did before.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

/// This process's configuration, made on first use: the platform's certificate verifier (the
/// system's trusted roots, as reqwest uses by default), TLS 1.2 and 1.3, HTTP/2 or HTTP/1.1
/// offered by ALPN.
pub(crate) fn shared_config() -> ClientConfig {
    static SHARED: OnceLock<(u32, ClientConfig)> = OnceLock::new();
    let pid = std::process::id();
    // the parent's, when there is one, is looked at without waiting on the lock; a fork made
    // while another thread builds the first one (a few ms, once) is the one case left waiting
    if let Some((owner, config)) = SHARED.get() {
        return if *owner == pid { config.clone() } else { build() };
    }
    match SHARED.get_or_init(|| (pid, build())) {
        (owner, config) if *owner == pid => config.clone(),
        _ => build(),
    }
}

fn build() -> ClientConfig {
    crate::install_crypto_provider();
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let verifier: Arc<dyn ServerCertVerifier> = match rustls_platform_verifier::Verifier::new(provider.clone()) {
        Ok(verifier) => Arc::new(verifier),
        // No trusted roots on this system (a container without CA certificates): plain-HTTP
        // calls (a local sandbox) still work, and every TLS call fails with this reason.
        Err(e) => Arc::new(NoTrustedRoots(format!("the system's trusted root certificates could not be loaded: {e}"))),
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the process's crypto provider supports TLS 1.2 and 1.3")
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

/// A verifier that refuses every certificate, saying why: the system has no roots to trust.
#[derive(Debug)]
struct NoTrustedRoots(String);

impl ServerCertVerifier for NoTrustedRoots {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Err(rustls::Error::General(self.0.clone()))
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General(self.0.clone()))
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General(self.0.clone()))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider().signature_verification_algorithms.supported_schemes()
    }
}
