//! `pspkit sandbox`: the local emulator of every provider, until Ctrl-C.

use clap::{Arg, ArgMatches, Command, value_parser};

use crate::{EXIT_OK, Failure};

pub(crate) fn command() -> Command {
    Command::new("sandbox")
        .about("Serve the local sandbox of every provider on 127.0.0.1 until Ctrl-C (prints base URLs and keys)")
        .arg(
            Arg::new("port")
                .long("port")
                .value_parser(value_parser!(u16))
                .default_value("8080")
                .help("TCP port (0: any free port; the first line printed says which)"),
        )
        .arg(
            Arg::new("size")
                .long("size")
                .value_parser(value_parser!(u32).range(1..=10_000_000))
                .default_value("3000")
                .help("Objects per seeded kind"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_parser(value_parser!(u64))
                .default_value("42")
                .help("Seed of the data set"),
        )
        .arg(
            Arg::new("only").long("only").value_name("PROVIDER[/KIND]").help(
                "Seed only one provider (onepay) or one kind of it (onepay/cashout): a large list without the rest",
            ),
        )
}

pub(crate) async fn run(m: &ArgMatches) -> Result<u8, Failure> {
    if let Some(only) = m.get_one::<String>("only") {
        let provider = only.split_once('/').map_or(only.as_str(), |(p, _)| p);
        if !crate::PROVIDERS.iter().any(|p| p.name == provider) {
            return Err(Failure::bad_input(format!("--only {only}: {provider:?} is not a provider")));
        }
    }
    let config = pspkit_sandbox::Config {
        port: m.get_one::<u16>("port").copied().unwrap_or(8080),
        seed: m.get_one::<u64>("seed").copied().unwrap_or(42),
        seed_size: m.get_one::<u32>("size").map_or(3000, |n| *n as usize),
        seed_only: m.get_one::<String>("only").cloned(),
        ..pspkit_sandbox::Config::default()
    };
    let sandbox =
        pspkit_sandbox::start(config).await.map_err(|e| Failure::failed(format!("cannot start the sandbox: {e}")))?;
    // these keys open the sandbox only: printing them is the point
    print!("{}", sandbox.describe());
    println!("\nTo point pspkit at it (eval in a POSIX shell):");
    for (name, value) in environment(&sandbox) {
        println!("export {name}='{}'", value.replace('\'', "'\\''"));
    }
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    Ok(EXIT_OK)
}

/// The `PSPKIT_<PROVIDER>_*` variables that point every client at `sandbox`, with the keys it
/// accepts.
pub(crate) fn environment(sandbox: &pspkit_sandbox::Sandbox) -> Vec<(String, String)> {
    let c = sandbox.credentials();
    let mut vars = vec![
        ("onlyonepays", "api_key", c.onlyonepays_api_key.clone()),
        ("firekassa", "token", c.firekassa_token.clone()),
        ("firstpay", "public_key", c.firstpay_public_pem.clone()),
        ("firstpay", "private_key", c.firstpay_merchant_private_pem.clone()),
        ("onepay", "secret_key", c.onepay_secret_key.clone()),
        ("onchainpay", "public_key", c.onchainpay_public_key.clone()),
        ("onchainpay", "secret_key", c.onchainpay_secret_key.clone()),
    ];
    if let Some(sign) = &c.firekassa_sign_token {
        vars.push(("firekassa", "sign_token", sign.clone()));
    }
    for provider in crate::PROVIDERS {
        vars.push((provider.name, "base_url", sandbox.base_url(provider.name)));
    }
    vars.into_iter().map(|(p, k, v)| (pspkit::auth::env_name(p, k), v)).collect()
}
