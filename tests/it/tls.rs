//! HTTPS through a generated client, against a TLS server on loopback holding a certificate for
//! `localhost` from the test authority in `tests/tls/`: with the system's trusted roots the
//! server is refused (the certificate really is checked); in a process that trusts the test
//! authority (`SSL_CERT_FILE`, which the system roots are read from) calls go through, from
//! several clients sharing the process's TLS configuration; and on a system without trusted
//! roots, clients are still made and a TLS call says why it cannot succeed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use pspkit_onepay::OnePay;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHILD_MODE: &str = "PSPKIT_TLS_TEST_CHILD";

/// What the server saw: the `Authorization` header of each request it answered, and the reason
/// of each handshake that failed.
#[derive(Default)]
struct Seen {
    authorizations: Vec<String>,
    failed_handshakes: Vec<String>,
}

/// A TLS server answering every request with an empty page of OnePay cashouts.
async fn tls_server() -> (SocketAddr, Arc<Mutex<Seen>>) {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![CertificateDer::from_pem_slice(include_bytes!("../tls/localhost.pem")).expect("certificate")];
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("../tls/localhost-key.pem")).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, log) = (acceptor.clone(), log.clone());
            tokio::spawn(async move {
                let mut stream = match acceptor.accept(stream).await {
                    Ok(stream) => stream,
                    Err(e) => return log.lock().unwrap().failed_handshakes.push(e.to_string()),
                };
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).to_lowercase();
                let authorization = head.lines().find_map(|l| l.strip_prefix("authorization: ")).unwrap_or_default();
                log.lock().unwrap().authorizations.push(authorization.trim().to_owned());
                let body = r#"{"data":[],"current_page":1,"next_page_url":null}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (address, seen)
}

#[tokio::test]
async fn https_is_checked_against_the_systems_trusted_roots() {
    let (address, seen) = tls_server().await;
    let client = OnePay::new("sk_test_tls")
        .expect("client")
        .with_base_url(&format!("https://localhost:{}/onepay", address.port()))
        .with_policy(pspkit::RetryPolicy { max_attempts: 1, ..Default::default() });
    let err = client.list_cashouts().send().await.expect_err("a certificate no system root vouches for");
    assert!(matches!(err, pspkit::Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("certificate"), "the reason is given: {err}");
    assert!(seen.lock().unwrap().authorizations.is_empty(), "no request went out over the refused connection");

    // a process that trusts the test authority calls the same kind of server, and one on a
    // system without trusted roots makes clients and is told why no TLS call can succeed
    let empty = std::env::temp_dir().join(format!("pspkit-no-roots-{}.pem", std::process::id()));
    std::fs::write(&empty, "").expect("an empty root file");
    for (roots, mode) in
        [(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tls/ca.pem")), "trusted"), (&*empty, "no-roots")]
    {
        let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
            .args(["tls::in_a_process_with_other_roots", "--exact", "--ignored", "--nocapture"])
            .env("SSL_CERT_FILE", roots)
            // the roots are those of the file alone (a directory named here would add its own)
            .env_remove("SSL_CERT_DIR")
            .env(CHILD_MODE, mode)
            .output()
            .expect("the child test runs");
        let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success() && printed.contains("1 passed"), "{mode}: {printed}");
    }
    let _ = std::fs::remove_file(empty);
}

/// Run by [`https_is_checked_against_the_systems_trusted_roots`] in a process of its own, whose
/// system roots are those of `SSL_CERT_FILE` (read once per process, when its first client is
/// made): the test authority (`trusted`: calls from two clients go through) or none (`no-roots`:
/// a call fails, saying so). Run alone, without those settings, it has nothing to check.
#[tokio::test]
#[ignore = "run by https_is_checked_against_the_systems_trusted_roots, in a process with other roots"]
async fn in_a_process_with_other_roots() {
    let Some(mode) = std::env::var_os(CHILD_MODE) else { return };
    let (address, seen) = tls_server().await;
    if mode == "no-roots" {
        let client = OnePay::new("sk_test_none").expect("a client, even without trusted roots");
        let client = client.with_base_url(&format!("https://localhost:{}/onepay", address.port()));
        let err = client.list_cashouts().send().await.expect_err("nothing to trust the server by");
        assert!(err.to_string().contains("trusted root certificates could not be loaded"), "{err}");
        return;
    }
    for (key, host) in [("sk_test_first", "localhost"), ("sk_test_second", "127.0.0.1")] {
        let client =
            OnePay::new(key).expect("client").with_base_url(&format!("https://{host}:{}/onepay", address.port()));
        let page = client.list_cashouts().send().await.expect("a call over TLS");
        assert!(page.data.is_empty());
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.authorizations, ["bearer sk_test_first", "bearer sk_test_second"]);
    assert!(seen.failed_handshakes.is_empty(), "{:?}", seen.failed_handshakes);
}
