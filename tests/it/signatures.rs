//! Every signature pspkit computes, against published test vectors and against independent
//! implementations (python3's `hmac`, `openssl dgst`), over what a server actually received.

use std::io::Write as _;
use std::process::{Command, Stdio};

use pspkit::signing::{self, RsaVerifyingKey};
use pspkit_tests::{ScriptedServer, Step, keys};
use serde_json::json;

/// Runs python3 with a script and stdin, returning stdout (trimmed).
fn python(script: &str, args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().expect("stdin").write_all(stdin).expect("write stdin");
    let out = child.wait_with_output().expect("python3 finishes");
    assert!(out.status.success(), "python3 failed");
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

const PY_HMAC: &str = "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), getattr(hashlib, sys.argv[2])).hexdigest())";

#[test]
fn published_vectors_onchainpay_and_onepay() {
    // OnChainPay's signature documentation, its worked test vector
    let key = b"ocp-test-private-key-0123456789";
    assert_eq!(
        signing::hmac_sha256_hex(key, br#"{"from":"ETH","to":"USDT","nonce":1700000000000}"#),
        "5f3254f83c049325a86fb8aa47196caa02895eadb6648afe34ee4475d78bd8c8"
    );
    assert_eq!(
        signing::hmac_sha256_hex(key, br#"{"from": "ETH", "to": "USDT", "nonce": 1700000000000}"#),
        "cfbe368d9d8b146b1aca7da32ff7b10a1be5c89d3b4297b754311ad3af1bf727"
    );
    // OnePay's webhook documentation, its signed sample
    let body = br#"{"payment":{"id":"9e5ccd4a-d2f0-49dd-87fc-a0da752bd166","status":"approved","amount":150000,"currency":"COP"},"event":{"type":"payment.approved","timestamp":1707398765,"environment":"test"}}"#;
    assert_eq!(
        signing::hmac_sha256_hex(b"wh_tok_TESTSECRET0123456789", body),
        "572fe4a28ab9dc5663173efe5928ee531707c02e1a3ba62055d9fe480e223dae"
    );
}

#[test]
fn published_vector_firstpay_string_and_signature() {
    // FirstPay's signing documentation: the string to sign, and a hash made with OpenSSL.
    let stand_in = "-----BEGIN PUBLIC KEY-----\nFIRSTPAY-ISSUED-KEY-STAND-IN\n-----END PUBLIC KEY-----\n";
    let body = json!({
        "paymentMethodId": "pm_test_1", "accountId": 7, "amount": 100.5,
        "clientFieldsValues": [{"key": "phone", "value": "+8801700000000"}, {"key": "trxId", "value": "ABC123"}],
        "merchantPaymentId": "order-42", "merchantUserId": "user-7",
        "postBackUrl": "https://merchant.example/postback", "publicKey": stand_in
    });
    let expected = "accountId=7|amount=100.5|clientFieldsValues=[object Object],[object Object]|merchantPaymentId=order-42|merchantUserId=user-7|paymentMethodId=pm_test_1|postBackUrl=https://merchant.example/postback|publicKey=-----BEGIN PUBLIC KEY-----\nFIRSTPAY-ISSUED-KEY-STAND-IN\n-----END PUBLIC KEY-----\n";
    let message = signing::firstpay_string_to_sign(body.to_string().as_bytes()).expect("string");
    assert_eq!(message, expected);
    assert_eq!(message.len(), 288);

    let published_key = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr6t/bAIRyBS+KG7GNekB\nhaEILv/cfdj+QK1dkgifj24dNkJj1kKwZBUjDuq4MzQNyPH7BAQPr4aplb8kzP6Z\nEGg26Ezj2R2v7ZphB7+xZjSjpvl6kbcwkmyM1ZK6IZdryPwGsYzpCdilgdGh0ztu\nihhINJN2maNatyptlUe/TIuFzmVh1cqi3KSr6Kj/WGKCygovrQjl8TlHCuOQvnvM\n/3OJ4+yNnBFGlw8bY8vrDieGL9HN3mLdioS6vE7o1bGHBXSJgbl0mnP2KS9lr98Q\nvKOMbxHU9NgD3tyWROYGPZC/pnD1JLmTOgxqYOpLeoVpQt7f2O3gdeIkOAFxQ2qr\nVwIDAQAB\n-----END PUBLIC KEY-----\n";
    let hash = "eQo5PMpy+J2dFFsupxU9ygM3tICKkXb9K9mkficlfhwGrvF71CYTBuFuXpAcqp8WCLtoCij1XGVIo7kiBSeOeqpUPS6Bbca+XDIvXLk/P6go/dOOazStcTtEiE4UEKNCy7+p7oi2goG+q77lcVeWbt9DANQxEpIqoKEow+n7j8/UEy/aSZjbnUiSVMMkTr324jTis7dLvZdMiO9ezgjj5aipQ+O8aV6+J7+5p0ppzd+KN9LlG3qE60qRvCj2P0OCAgyOtrEhmRLCPFrSfisi3IqNE/jDTVVX/RKKsBnpMPPiBBpDKI7/Or+Ji1UwrXLMOo/3sdD+qLnSJ0hSDzohvQ==";
    let key = RsaVerifyingKey::from_pem(published_key).expect("published key");
    assert!(key.verify_base64(message.as_bytes(), hash));
    assert!(!key.verify_base64(b"accountId=8", hash));

    // the postback-shaped vector: null, numeric id, nested arrays
    let postback = json!({"publicKey": stand_in, "id": 1501, "status": "SUCCESS", "failedCode": null,
        "paymentMethodId": "pm_test_1", "amount": 250, "currency": "BDT",
        "clientFieldsValues": [{"key": "phone", "value": "+8801700000000"}], "merchantPaymentId": "order-43",
        "merchantUserId": "user-7", "createdAt": "2023-11-13T20:20:15.221Z", "payments": [{"id": 1501, "status": "SUCCESS"}]});
    assert_eq!(
        signing::firstpay_string_to_sign(postback.to_string().as_bytes()).unwrap(),
        "amount=250|clientFieldsValues=[object Object]|createdAt=2023-11-13T20:20:15.221Z|currency=BDT|failedCode=null|id=1501|merchantPaymentId=order-43|merchantUserId=user-7|paymentMethodId=pm_test_1|payments=[object Object]|publicKey=-----BEGIN PUBLIC KEY-----\nFIRSTPAY-ISSUED-KEY-STAND-IN\n-----END PUBLIC KEY-----\n|status=SUCCESS"
    );
    // money renders as JavaScript renders the parsed number: 100.50 -> 100.5, 100.0 -> 100
    assert_eq!(
        signing::firstpay_string_to_sign(br#"{"a":100.50,"b":100.0,"c":[null,"x"],"d":true}"#).unwrap(),
        "a=100.5|b=100|c=,x|d=true"
    );
}

fn success(body: serde_json::Value) -> Step {
    Step::json(200, json!({"success": true, "response": body}))
}

#[tokio::test]
async fn onchainpay_signs_the_exact_body_with_a_fresh_nonce_on_every_attempt() {
    // a safe read that meets a 503 first: the retry must carry a new nonce and signature
    let server = ScriptedServer::start(vec![Step::json(503, json!({"success": false})), success(json!([]))]).await;
    let secret = "ocp-test-private-key-0123456789";
    let client =
        pspkit_onchainpay::OnChainPay::new("pub-key-1", secret).expect("client").with_base_url(&server.base_url);
    client.get_available_currencies().send().await.expect("second attempt succeeds");

    let seen = server.received();
    assert_eq!(seen.len(), 2);
    let mut nonces = Vec::new();
    for r in &seen {
        assert_eq!(r.header("x-api-public-key"), Some("pub-key-1"));
        let independent = python(PY_HMAC, &[secret, "sha256"], &r.body);
        assert_eq!(
            r.header("x-api-signature"),
            Some(independent.as_str()),
            "body {:?}",
            String::from_utf8_lossy(&r.body)
        );
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON body");
        nonces.push(body["nonce"].as_u64().expect("numeric nonce"));
        assert!(r.header("api-version").is_none(), "progenitor's api-version header is removed");
    }
    assert!(nonces[1] > nonces[0], "nonces increase: {nonces:?}");
    assert_ne!(seen[0].header("x-api-signature"), seen[1].header("x-api-signature"));
}

#[test]
fn onchainpay_nonces_stay_unique_under_concurrency() {
    let threads: Vec<_> = (0..8)
        .map(|_| std::thread::spawn(|| (0..2000).map(|_| pspkit::auth::next_nonce()).collect::<Vec<_>>()))
        .collect();
    let mut all: Vec<u64> = threads.into_iter().flat_map(|t| t.join().expect("thread")).collect();
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n, "every nonce is unique");
}

#[tokio::test]
async fn firekassa_signs_path_query_and_body_with_hmac_sha512() {
    let server = ScriptedServer::start(vec![
        Step::json(200, json!({"items": [], "page": {"number": 1, "size": 20}})),
        Step::json(201, json!({"id": "77", "amount": "100.00", "commission": "2.00"})),
    ])
    .await;
    let sign_token = "fk-sign-token";
    let client = pspkit_firekassa::FireKassa::new_signed(&server.base_url, "fk-bearer", sign_token).expect("client");
    client.get_transactions().page_number(2).send().await.expect("list");
    let body = pspkit_tests::card_payout();
    let _ = client
        .create_withdrawal_transaction(pspkit_firekassa::types::CreateWithdrawalTransactionType::Card, body)
        .send()
        .await;

    let seen = server.received();
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!(r.header("authorization"), Some("Bearer fk-bearer"));
        let mut message = r.target.clone().into_bytes();
        message.extend_from_slice(&r.body);
        let independent = python(PY_HMAC, &[sign_token, "sha512"], &message);
        assert_eq!(r.header("signature"), Some(independent.as_str()), "{} {}", r.method, r.target);
    }
    assert!(seen[0].target.contains('?'), "the query is part of what was signed: {}", seen[0].target);
}

#[tokio::test]
async fn firstpay_hash_verifies_with_openssl_over_an_independently_built_string() {
    let server = ScriptedServer::start(vec![Step::json(
        200,
        json!({"payments": [], "total": 0, "totalSucceed": 0, "totalFailed": 0, "amounts": []}),
    )])
    .await;
    let client =
        pspkit_firstpay::FirstPay::new(&server.base_url, keys::FIRSTPAY_PUBLIC_PEM, keys::MERCHANT_PRIVATE_PEM)
            .expect("client");
    let request = pspkit_firstpay::types::PaymentsListRequest::builder()
        .created_at_from(1_700_000_000_000_i64)
        .created_at_to(1_700_086_400_000_i64)
        .take(50)
        .build()
        .expect("request");
    client.list_payments(request).send().await.expect("list");

    let seen = server.received();
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).expect("JSON");
    assert_eq!(body["publicKey"], json!(keys::FIRSTPAY_PUBLIC_PEM));
    let hash = body["hash"].as_str().expect("hash");

    // the string to sign, rebuilt in Python from the received body: sorted keys, k=v joined by |
    let script = r#"
import json, sys, decimal
body = json.loads(sys.stdin.buffer.read(), parse_float=decimal.Decimal)
body.pop("hash")
def render(v):
    if v is None: return "null"
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, (int, decimal.Decimal)): return format(decimal.Decimal(v).normalize(), "f")
    if isinstance(v, list): return ",".join("" if e is None else render(e) for e in v)
    if isinstance(v, dict): return "[object Object]"
    return v
sys.stdout.write("|".join(k + "=" + render(body[k]) for k in sorted(body)))
"#;
    let dir = std::env::temp_dir().join(format!("pspkit-firstpay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let message = python(script, &[], &seen[0].body);
    std::fs::write(dir.join("msg"), &message).expect("msg");
    use base64::Engine as _;
    std::fs::write(dir.join("sig"), base64::engine::general_purpose::STANDARD.decode(hash).expect("base64"))
        .expect("sig");
    std::fs::write(dir.join("pub.pem"), keys::MERCHANT_PUBLIC_PEM).expect("pub");
    let out = Command::new("openssl")
        .args(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "msg"])
        .current_dir(&dir)
        .output()
        .expect("openssl runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verified OK"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_key_whose_line_breaks_were_lost_is_refused_without_quoting_it() {
    // a PEM pasted into an environment variable on one line, `\n` written out or turned to spaces
    let body: String = keys::MERCHANT_PRIVATE_PEM.lines().filter(|l| !l.starts_with("-----")).collect();
    for flattened in [keys::MERCHANT_PRIVATE_PEM.replace('\n', "\\n"), keys::MERCHANT_PRIVATE_PEM.replace('\n', " ")] {
        let err = signing::RsaSigningKey::from_pem(&flattened).expect_err("no line breaks");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("line breaks"), "{shown}");
        for piece in body.as_bytes().chunks(16) {
            let piece = std::str::from_utf8(piece).expect("base64");
            assert!(!shown.contains(piece), "a piece of the key in: {shown}");
        }
        // the byte list the PEM reader's own error would have carried
        assert!(!shown.contains(&format!("{:?}", &flattened.as_bytes()[..12])[1..20]), "{shown}");
    }
    let public = keys::MERCHANT_PUBLIC_PEM.replace('\n', " ");
    let err = RsaVerifyingKey::from_pem(&public).expect_err("no line breaks");
    assert!(err.to_string().contains("line breaks"), "{err}");
}

#[test]
fn the_compact_form_writes_numbers_as_javascript_does() {
    // JSON.stringify(JSON.parse(raw)) in a JavaScript engine, for each
    let cases: [(&str, &str); 9] = [
        ("[1e300]", "[1e+300]"),
        ("[-1e300]", "[-1e+300]"),
        ("[1.5e-7]", "[1.5e-7]"),
        ("[1e21]", "[1e+21]"),
        ("[123e20]", "[1.23e+22]"),
        ("[1e20]", "[100000000000000000000]"),
        ("[0.000001]", "[0.000001]"),
        ("[1.2e-6]", "[0.0000012]"),
        ("[150000.50, -0.0, 2.5e3]", "[150000.5,0,2500]"),
    ];
    for (raw, js) in cases {
        let compact = signing::js_compact(raw.as_bytes()).expect("json");
        assert_eq!(String::from_utf8(compact).expect("utf-8"), js, "{raw}");
    }
    // a body of huge numbers makes a form of about its own size, not fifty times it
    let body = format!("[{}1e300]", "1e300,".repeat(10_000));
    let compact = signing::js_compact(body.as_bytes()).expect("json");
    assert!(compact.len() <= body.len() * 2, "{} bytes from {}", compact.len(), body.len());
}
