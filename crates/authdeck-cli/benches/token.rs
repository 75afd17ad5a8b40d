//! Benchmarks of issue #4, printed as Markdown for docs/BENCHMARKS.md. Run under
//! scripts/with-keyring.sh (scripts/bench.sh does):
//! 1. `authdeck token` on a valid session, a whole process (start, keyring read, SQLite),
//!    against `secret-tool lookup` of the same keyring entry, interleaved in one run.
//! 2. 1,000 accounts refreshed against the sandbox with bounded concurrency: with the real
//!    keyring, then with an in-memory store, to tell the keyring's share from Authdeck's.

use authdeck_core::Secret;
use authdeck_core::deck::Deck;
use authdeck_core::deck::LoginRequest;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 60;
const ACCOUNTS: usize = 1000;
const CONCURRENCY: usize = 16;

fn main() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!("run under scripts/with-keyring.sh: this benchmark needs a Secret Service");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start("127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
        let home = tempfile::tempdir().expect("tempdir");
        let service = format!("authdeck-bench-{}", std::process::id());
        // SAFETY of set_var: single-threaded setup before any other thread reads the environment.
        unsafe {
            std::env::set_var("AUTHDECK_HOME", home.path());
            std::env::set_var("AUTHDECK_KEYRING_SERVICE", &service);
        }
        let deck = Arc::new(Deck::open(Home::from_env().expect("home")).expect("deck"));
        let http = Http::new().expect("http");
        let login = |name: String| LoginRequest {
            account: name,
            provider: Some("user-login".into()),
            base_url: Some(sandbox.base_url("user-login")),
            email: Some("alice@userlogin.test".into()),
            password: Some(Secret::new(PASSWORD)),
            ..LoginRequest::default()
        };
        let plan = deck.plan_login(login("dev".into())).expect("plan dev");
        deck.login(&http, plan).await.expect("login dev");

        let (ours, theirs) = token_vs_secret_tool(&service);
        let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
        println!("### `authdeck token` against `secret-tool lookup` (whole processes, median of {RUNS})\n");
        println!("| command | median |\n|---|---|");
        println!("| `authdeck token dev` | {:.1} ms |", ms(ours));
        println!("| `secret-tool lookup service … username dev` | {:.1} ms |", ms(theirs));
        println!("\nRatio: **{ratio:.2}×** (target ≤ 1.5×).\n");

        println!("### {ACCOUNTS} accounts refreshed against the sandbox ({CONCURRENCY} at a time)\n");
        println!("Each renewal is one HTTP refresh, one keyring read and write, and one SQLite transaction.\n");
        println!("| store | time | renewed | refresh requests |\n|---|---|---|---|");
        let real = refresh_all(&deck, &http, &sandbox, &login).await;
        println!("| gnome-keyring (the real Secret Service) | {real} |");
        for i in 0..ACCOUNTS {
            let _ = deck.remove(&format!("acct-{i:04}"), jiff::Timestamp::now());
        }
        let _ = deck.remove("dev", jiff::Timestamp::now());

        // The same work with the keyring taken out: what Authdeck itself costs.
        let memory_home = tempfile::tempdir().expect("tempdir");
        let store: Arc<keyring_core::CredentialStore> =
            keyring_core::mock::Store::new().expect("an in-memory store");
        let in_memory = Arc::new(
            Deck::open_with_vault(
                Home::at(memory_home.path()).expect("home"),
                Vault::with_store(store, service.as_str(), None),
            )
            .expect("deck"),
        );
        let memory = refresh_all(&in_memory, &http, &sandbox, &login).await;
        println!("| in memory (keyring-core's mock store) | {memory} |");
        println!("\nTarget ≤ 2 s.\n");
    });
}

/// Logs in `ACCOUNTS` accounts, then renews them all; one Markdown table row's cells.
async fn refresh_all(
    deck: &Arc<Deck>,
    http: &Http,
    sandbox: &Sandbox,
    login: &impl Fn(String) -> LoginRequest,
) -> String {
    for i in 0..ACCOUNTS {
        let plan = deck
            .plan_login(login(format!("acct-{i:04}")))
            .expect("plan");
        deck.login(http, plan).await.expect("login");
    }
    let names: Vec<String> = (0..ACCOUNTS).map(|i| format!("acct-{i:04}")).collect();
    let before = sandbox.stats().refreshes;
    let started = Instant::now();
    let results = deck.refresh_many(http, names, CONCURRENCY).await;
    let took = started.elapsed();
    let ok = results.iter().filter(|(_, r)| r.is_ok()).count();
    format!(
        "{:.2} s | {ok} of {ACCOUNTS} | {}",
        took.as_secs_f64(),
        sandbox.stats().refreshes - before
    )
}

fn token_vs_secret_tool(service: &str) -> (Duration, Duration) {
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..RUNS {
        ours.push(time(
            Command::new(env!("CARGO_BIN_EXE_authdeck")).args(["token", "dev"]),
        ));
        theirs.push(time(
            Command::new("secret-tool").args(["lookup", "service", service, "username", "dev"]),
        ));
    }
    (median(ours), median(theirs))
}

fn time(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("spawn");
    assert!(status.success(), "{cmd:?} failed");
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
