//! Benchmarks of issues #4 and #18, printed as Markdown for docs/BENCHMARKS.md. Run under
//! scripts/with-keyring.sh (scripts/bench.sh does). Each against its floor, in the same run:
//! 1. `authdeck token` on a fresh session, a whole process, against `secret-tool lookup` of the
//!    same keyring entry, alternated; with the kernel token cache (the shipped path) and with it
//!    off (`AUTHDECK_TOKEN_CACHE=off`: one Secret Service read per call).
//! 2. 1,000 accounts renewed against the sandbox with bounded concurrency, alternated with a
//!    minimal keyring-core program writing the same 1,000 documents to the same store (the
//!    store's own floor); then the same renewals over an in-memory store (Authdeck's own part).
//! 3. `authdeck accounts --json` with those 1,000 accounts, a whole process, with no D-Bus
//!    session reachable (so a keyring call would fail it).

use authdeck_core::Secret;
use authdeck_core::deck::Deck;
use authdeck_core::deck::LoginRequest;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox};
use keyring_core::api::CredentialStoreApi;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 60;
const ACCOUNTS: usize = 1000;
const CONCURRENCY: usize = 16;
/// Renewals and the store's floor alternate this many times, in turn first (a slow spell of
/// the daemon's disk then weighs on both): each pass moves by about 5% on its own.
const ROUNDS: usize = 4;
const LIST_RUNS: usize = 30;

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

        let [cached, uncached, lookup, started] = token_vs_secret_tool(&service);
        let ratio = cached.as_secs_f64() / lookup.as_secs_f64();
        println!("### `authdeck token` on a fresh session against `secret-tool lookup` (whole processes, alternated, median of {RUNS})\n");
        println!("| command | median |\n|---|---|");
        println!("| `authdeck token dev` (kernel token cache: no Secret Service call) | {:.2} ms |", ms(cached));
        println!("| `AUTHDECK_TOKEN_CACHE=off authdeck token dev` (one Secret Service read) | {:.2} ms |", ms(uncached));
        println!("| `secret-tool lookup service … username dev` (the floor) | {:.2} ms |", ms(lookup));
        println!("| `authdeck --version` (our process alone: start, argument parsing, exit; no database, no keyring) | {:.2} ms |", ms(started));
        println!("\nRatio: **{ratio:.2}×** (target ≤ 0.25×); with the cache off {:.2}×.\n", uncached.as_secs_f64() / lookup.as_secs_f64());

        println!("### {ACCOUNTS} accounts renewed against the sandbox ({CONCURRENCY} at a time), against the store's floor\n");
        println!("A renewal is one HTTP refresh, one keyring read and write, and one SQLite transaction. The");
        println!("floor: a minimal keyring-core program (one `zbus-secret-service-keyring-store` connection,");
        println!("`Entry::set_secret` in a loop) writing the same {ACCOUNTS} documents, byte for byte, to the");
        println!("same entries of the same gnome-keyring, alternated with the renewals in this run (each first in");
        println!("turn: the floor goes first in the even rounds).\n");
        println!("| round | Authdeck's renewals | renewed | refresh requests | the store's floor |\n|---|---|---|---|---|");
        let names = log_in_all(&deck, &http, &login).await;
        let (mut ours, mut floor) = (Duration::ZERO, Duration::ZERO);
        for round in 1..=ROUNDS {
            // The documents as they are now: the last renewals' when the floor goes first.
            let floor_first = round % 2 == 0;
            let before = floor_first.then(|| store_floor(&service, &documents(&service, &names)));
            let (took, cells) = refresh_all(&deck, &http, &sandbox, &names).await;
            let wrote = match before {
                Some(wrote) => wrote,
                None => store_floor(&service, &documents(&service, &names)),
            };
            println!("| {round} | {:.2} s | {cells} | {:.2} s |", took.as_secs_f64(), wrote.as_secs_f64());
            ours += took;
            floor += wrote;
        }
        println!(
            "\nRatio: **{:.2}×** the store's floor (target ≤ 1.15×).\n",
            ours.as_secs_f64() / floor.as_secs_f64()
        );

        let [list, list_keyring_reachable] = accounts_json(home.path());
        println!("### `authdeck accounts --json` with {} accounts (whole process, median of {LIST_RUNS})\n", ACCOUNTS + 1);
        println!("| run | median |\n|---|---|");
        println!("| no D-Bus session reachable (a keyring call would fail the command) | {:.2} ms |", ms(list));
        println!("| the keyring session reachable | {:.2} ms |", ms(list_keyring_reachable));
        println!("\nTarget ≤ 30 ms, no keyring call.\n");

        for name in &names {
            let _ = deck.remove(name, jiff::Timestamp::now());
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
        let names = log_in_all(&in_memory, &http, &login).await;
        let (took, cells) = refresh_all(&in_memory, &http, &sandbox, &names).await;
        println!("### The same {ACCOUNTS} renewals over an in-memory store (keyring-core's mock store)\n");
        println!("| store | time | renewed | refresh requests |\n|---|---|---|---|");
        println!("| in memory | {:.2} s | {cells} |", took.as_secs_f64());
        println!("\nTarget ≤ 0.25 s.\n");
    });
}

/// Logs in `ACCOUNTS` accounts; their names.
async fn log_in_all(
    deck: &Arc<Deck>,
    http: &Http,
    login: &impl Fn(String) -> LoginRequest,
) -> Vec<String> {
    let names: Vec<String> = (0..ACCOUNTS).map(|i| format!("acct-{i:04}")).collect();
    for name in &names {
        let plan = deck.plan_login(login(name.clone())).expect("plan");
        deck.login(http, plan).await.expect("login");
    }
    names
}

/// Renews every account; the time, and the table cells "renewed | refresh requests".
async fn refresh_all(
    deck: &Arc<Deck>,
    http: &Http,
    sandbox: &Sandbox,
    names: &[String],
) -> (Duration, String) {
    let before = sandbox.stats().refreshes;
    let started = Instant::now();
    let results = deck.refresh_many(http, names.to_vec(), CONCURRENCY).await;
    let took = started.elapsed();
    let ok = results.iter().filter(|(_, r)| r.is_ok()).count();
    let cells = format!(
        "{ok} of {} | {}",
        names.len(),
        sandbox.stats().refreshes - before
    );
    (took, cells)
}

/// The keyring documents Authdeck just wrote, read back as bytes through keyring-core.
fn documents(service: &str, names: &[String]) -> Vec<(String, Vec<u8>)> {
    let store = zbus_secret_service_keyring_store::Store::new().expect("the Secret Service");
    names
        .iter()
        .map(|name| {
            let entry = store.build(service, name, None).expect("an entry");
            (
                name.clone(),
                entry.get_secret().expect("Authdeck's document"),
            )
        })
        .collect()
}

/// The store's floor: `docs` written to the same entries by keyring-core alone, one
/// connection, one at a time (gnome-keyring serves one request at a time anyway).
fn store_floor(service: &str, docs: &[(String, Vec<u8>)]) -> Duration {
    let started = Instant::now();
    let store = zbus_secret_service_keyring_store::Store::new().expect("the Secret Service");
    for (name, doc) in docs {
        let entry = store.build(service, name, None).expect("an entry");
        entry.set_secret(doc).expect("written");
    }
    started.elapsed()
}

/// Medians of `authdeck accounts --json`: with no D-Bus session reachable, and with this run's.
fn accounts_json(home: &std::path::Path) -> [Duration; 2] {
    let listed = Command::new(env!("CARGO_BIN_EXE_authdeck"))
        .args(["accounts", "--json"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/authdeck-bench",
        )
        .output()
        .expect("accounts runs");
    assert!(listed.status.success(), "accounts --json without a keyring");
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(
        json.as_array().map(Vec::len),
        Some(ACCOUNTS + 1),
        "every account listed"
    );
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for _ in 0..LIST_RUNS {
        without.push(time(
            Command::new(env!("CARGO_BIN_EXE_authdeck"))
                .args(["accounts", "--json"])
                .env("AUTHDECK_HOME", home)
                .env(
                    "DBUS_SESSION_BUS_ADDRESS",
                    "unix:path=/nonexistent/authdeck-bench",
                ),
        ));
        with.push(time(
            Command::new(env!("CARGO_BIN_EXE_authdeck"))
                .args(["accounts", "--json"])
                .env("AUTHDECK_HOME", home),
        ));
    }
    [median(without), median(with)]
}

/// Medians of `authdeck token dev` with the cache, without it, `secret-tool lookup`, and
/// `authdeck --version` (what starting our process costs at all), alternated. The first
/// cached call (untimed) fills the cache, as a session's first does.
fn token_vs_secret_tool(service: &str) -> [Duration; 4] {
    let token = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_authdeck"));
        cmd.args(["token", "dev"]);
        cmd
    };
    time(&mut token());
    let (mut cached, mut uncached, mut lookup, mut started) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        cached.push(time(&mut token()));
        uncached.push(time(token().env("AUTHDECK_TOKEN_CACHE", "off")));
        lookup.push(time(
            Command::new("secret-tool").args(["lookup", "service", service, "username", "dev"]),
        ));
        started.push(time(
            Command::new(env!("CARGO_BIN_EXE_authdeck")).arg("--version"),
        ));
    }
    [
        median(cached),
        median(uncached),
        median(lookup),
        median(started),
    ]
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
