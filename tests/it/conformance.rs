//! Conformance with a third-party reading of the specs: Stoplight Prism in dynamic mode serves
//! each spec with random responses valid under it and validates every request against it. Every
//! typed-client method that needs no argument is called several times through pspkit: a
//! response pspkit cannot decode means the spec admits what the client refuses, and a request
//! Prism refuses means the client sends what the spec does not declare. Run by `just conformance`
//! (which installs Prism into .tools/prism); ignored by a plain `cargo test`.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pspkit::{Error, RetryPolicy};
use pspkit_tests::conformance::{self, Call};
use pspkit_tests::{PROVIDERS, keys, spec_path};

/// Calls per operation: the responses are random, so one call proves little.
const CALLS: usize = 5;

/// A Prism child process, killed when dropped.
struct Prism {
    child: Child,
    base_url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn start(launcher: &str, provider: &str) -> Prism {
    let port = free_port();
    let child = Command::new(launcher)
        .args(["mock", "--dynamic", "--errors", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec_path(provider))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {launcher}: {e}"));
    Prism { child, base_url: format!("http://127.0.0.1:{port}") }
}

async fn wait_until_up(prism: &mut Prism, provider: &str) {
    let started = Instant::now();
    let addr = prism.base_url.trim_start_matches("http://").to_owned();
    while tokio::net::TcpStream::connect(&addr).await.is_err() {
        if let Ok(Some(status)) = prism.child.try_wait() {
            panic!("Prism for {provider} exited: {status}");
        }
        assert!(started.elapsed() < Duration::from_secs(90), "Prism for {provider} did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Refusals and decode failures of one provider's run.
#[derive(Default)]
struct Tally {
    operations: usize,
    calls: usize,
    decode_failures: Vec<String>,
    refusals: Vec<String>,
}

async fn run<C>(client: &C, calls: Vec<(&'static str, Call<C>)>, tally: &mut Tally) {
    for (name, call) in calls {
        let mut called = false;
        for _ in 0..CALLS {
            // a body that cannot be built from `{}`, or an either-or rule the client checks
            // before sending: the operation needs an argument
            let Some(outcome) = call(client).await else { break };
            if matches!(outcome, Err(Error::InvalidRequest { .. })) {
                break;
            }
            called = true;
            tally.calls += 1;
            match outcome {
                Ok(()) => {}
                Err(Error::Decode(e)) => tally.decode_failures.push(format!("{name}: {e}")),
                Err(e) => tally.refusals.push(format!("{name}: {e}")),
            }
        }
        tally.operations += usize::from(called);
    }
}

fn fast() -> RetryPolicy {
    RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prism: run `just conformance`"]
async fn prism_mocks_of_every_spec_are_decoded_and_accept_every_request() {
    let launcher =
        std::env::var("PSPKIT_PRISM").expect("PSPKIT_PRISM names the Prism launcher (just conformance sets it)");
    let mut mocks: Vec<Prism> = PROVIDERS.iter().map(|p| start(&launcher, p)).collect();
    for (prism, provider) in mocks.iter_mut().zip(PROVIDERS) {
        wait_until_up(prism, provider).await;
    }
    let mut report = String::from("provider     operations  calls  decode failures  refusals\n");
    let mut failures = String::new();
    for (prism, provider) in mocks.iter().zip(PROVIDERS) {
        let url = &prism.base_url;
        let mut tally = Tally::default();
        match provider {
            "onlyonepays" => {
                let client = pspkit_onlyonepays::OnlyOnePays::new("key").expect("client").with_base_url(url);
                run(&client.with_policy(fast()), conformance::onlyonepays_calls(), &mut tally).await;
            }
            "firekassa" => {
                let client = pspkit_firekassa::FireKassa::new(url, "token").expect("client");
                run(&client.with_policy(fast()), conformance::firekassa_calls(), &mut tally).await;
            }
            "firstpay" => {
                let client = pspkit_firstpay::FirstPay::new(url, keys::FIRSTPAY_PUBLIC_PEM, keys::MERCHANT_PRIVATE_PEM)
                    .expect("client");
                run(&client.with_policy(fast()), conformance::firstpay_calls(), &mut tally).await;
            }
            "onepay" => {
                let client = pspkit_onepay::OnePay::new("sk_test_conformance").expect("client").with_base_url(url);
                run(&client.with_policy(fast()), conformance::onepay_calls(), &mut tally).await;
            }
            "onchainpay" => {
                let client = pspkit_onchainpay::OnChainPay::new("pub", "secret").expect("client").with_base_url(url);
                run(&client.with_policy(fast()), conformance::onchainpay_calls(), &mut tally).await;
            }
            other => panic!("no client for {other}"),
        }
        let _ = writeln!(
            report,
            "{provider:<12} {:>10}  {:>5}  {:>15}  {:>8}",
            tally.operations,
            tally.calls,
            tally.decode_failures.len(),
            tally.refusals.len()
        );
        assert!(tally.operations > 0, "{provider}: no operation was callable without arguments");
        for f in tally.decode_failures.iter().chain(&tally.refusals) {
            let _ = writeln!(failures, "{provider} {f}");
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{report}\n{failures}");
}
