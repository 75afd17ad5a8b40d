//! `authdeck`: log in to APIs, keep sessions valid, hand tokens to other tools.

mod cmd;
mod complete;
mod log;
mod show;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

// mimalloc: the engine's many small, cross-thread allocations cost a fraction under glibc's
// malloc (docs/BENCHMARKS.md, login round trip).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "authdeck",
    version,
    about = "Log in to APIs, keep sessions valid, and hand bearer tokens to other tools.",
    after_help = "Try it against the built-in sandbox:\n  authdeck sandbox --port 8787 &\n  echo s3cret-pass | authdeck login demo --provider user-login \\\n      --base-url http://127.0.0.1:8787/user-login --email alice@userlogin.test --password-stdin\n  authdeck token demo --format header"
)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug). AUTHDECK_LOG=debug works too.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

/// Each subcommand's arguments are built only when it is the one run (`defer`): building all
/// of them cost `authdeck token` about a tenth of its time (issue 18). Help, completions and
/// man pages build the whole tree as before.
#[derive(Subcommand)]
#[command(defer = true)]
enum Command {
    /// List the login providers: the seven built-in presets (the five documented APIs, Generic
    /// OpenID Connect, Generic OAuth 2.0) and your provider files.
    Providers(cmd::providers::Args),
    /// Log in to an account (new or stored) and keep the session.
    Login(cmd::login::Args),
    /// Run the local sandbox: the five documented login APIs, the example providers' APIs and
    /// a demo OpenID Connect issuer.
    Sandbox(cmd::sandbox::Args),
    /// Decode a JWT: header, claims explained, expiry; verify it when given a key.
    Decode(cmd::decode::Args),
    /// Print a valid token (renewing it first when needed), for scripts and other tools.
    Token(cmd::token::Args),
    /// Run a command with fresh tokens in its environment (AUTHDECK_TOKEN, AUTHDECK_HEADER, ...).
    Exec(cmd::exec::Args),
    /// Fill a template's {{ authdeck://ACCOUNT/FIELD }} references with fresh session values.
    Inject(cmd::inject::Args),
    /// A loopback proxy that adds a fresh token to every request to the account's API.
    Proxy(cmd::proxy::Args),
    /// Renew a session now: refresh token, or re-login with the remembered password.
    Refresh(cmd::refresh::Args),
    /// List accounts with their session status.
    Accounts(cmd::accounts::Args),
    /// Show the history of logins, refreshes and failures, newest first.
    History(cmd::history::Args),
    /// Sign an account out: drop its tokens (the account and its history stay).
    Logout(cmd::logout::Args),
    /// Forget the remembered password (and TOTP secret) of an account.
    ForgetPassword(cmd::forget_password::Args),
    /// Ask an OAuth account's server what it knows of its current token (RFC 7662).
    Introspect(cmd::introspect::Args),
    /// Remove an account and every secret of it (its history stays).
    Remove(cmd::remove::Args),
    /// Give an account a new name; its secrets and history follow.
    Rename(cmd::rename::Args),
    /// File accounts under an environment tag (prod, staging), or drop their tag.
    Tag(cmd::tag::Args),
    /// Export accounts and custom providers as JSON (never a secret).
    Export(cmd::export::Args),
    /// Import accounts and custom providers from an export file.
    Import(cmd::import::Args),
    /// Write an environment for Postman, Insomnia, Bruno or dotenv: fresh tokens, headers, URLs.
    ExportEnv(cmd::export_env::Args),
    /// Run QA suites: check that each login answers what its case expects.
    Check(cmd::check::Args),
    /// Write the man pages (authdeck.1 and one per command) into a folder, for packagers.
    #[command(hide = true)]
    Man(cmd::man::Args),
    /// List the QA suite library (your suites and the built-in examples), create or show one.
    Suites(cmd::suites::Args),
}

impl Command {
    /// Whether the command serves or runs many requests at once, and so gets a worker thread
    /// per core. The rest make at most one request in turn and run on the calling thread:
    /// starting worker threads costs a short command such as `token` (which a script may call
    /// before every request) a good part of its time.
    fn wants_worker_threads(&self) -> bool {
        matches!(
            self,
            Command::Login(_)
                | Command::Sandbox(_)
                | Command::Exec(_)
                | Command::Inject(_)
                | Command::Proxy(_)
                | Command::Refresh(_)
                | Command::ExportEnv(_)
                | Command::Check(_)
        )
    }

    /// The user asked for JSON (`--json`, `token --format json`): a failure is printed as
    /// JSON on stdout too.
    fn wants_json(&self) -> bool {
        match self {
            Command::Providers(a) => a.json,
            Command::Login(a) => a.json,
            Command::Decode(a) => a.json,
            Command::Token(a) => a.json(),
            Command::Refresh(a) => a.json,
            Command::Accounts(a) => a.json,
            Command::History(a) => a.json,
            Command::Logout(a) => a.json,
            Command::ForgetPassword(a) => a.json,
            Command::Introspect(a) => a.json,
            Command::Remove(a) => a.json,
            Command::Rename(a) => a.json,
            Command::Tag(a) => a.json,
            Command::Import(a) => a.json,
            Command::Check(a) => a.json,
            Command::Suites(a) => a.json,
            Command::Sandbox(_)
            | Command::Man(_)
            | Command::Export(_)
            | Command::ExportEnv(_)
            | Command::Exec(_)
            | Command::Inject(_)
            | Command::Proxy(_) => false,
        }
    }
}

fn main() -> ExitCode {
    restore_sigpipe();
    // `COMPLETE=bash authdeck ...` is the shell asking for completions (src/complete.rs):
    // answer and exit. Otherwise this returns at once.
    // The scripts call `authdeck` by name, so one generated at packaging time works installed.
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .completer("authdeck")
        .complete();
    let color = match log::no_color() {
        true => clap::ColorChoice::Never,
        false => clap::ColorChoice::Auto,
    };
    let cli = match Cli::command()
        .color(color)
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    log::init(cli.verbose);
    let mut builder = match cli.command.wants_worker_threads() {
        true => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(2);
            b
        }
        false => tokio::runtime::Builder::new_current_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = cli.command.wants_json();
    let result = runtime.block_on(async {
        match cli.command {
            Command::Providers(args) => cmd::providers::run(args),
            Command::Login(args) => cmd::login::run(args).await,
            Command::Sandbox(args) => cmd::sandbox::run(args).await,
            Command::Decode(args) => cmd::decode::run(args).await,
            Command::Token(args) => cmd::token::run(args).await,
            Command::Exec(args) => cmd::exec::run(args).await,
            Command::Inject(args) => cmd::inject::run(args).await,
            Command::Proxy(args) => cmd::proxy::run(args).await,
            Command::Refresh(args) => cmd::refresh::run(args).await,
            Command::Accounts(args) => cmd::accounts::run(args),
            Command::History(args) => cmd::history::run(args),
            Command::Logout(args) => cmd::logout::run(args).await,
            Command::ForgetPassword(args) => cmd::forget_password::run(args),
            Command::Introspect(args) => cmd::introspect::run(args).await,
            Command::Remove(args) => cmd::remove::run(args),
            Command::Rename(args) => cmd::rename::run(args),
            Command::Tag(args) => cmd::tag::run(args),
            Command::Export(args) => cmd::export::run(args),
            Command::Import(args) => cmd::import::run(args),
            Command::ExportEnv(args) => cmd::export_env::run(args).await,
            Command::Check(args) => cmd::check::run(args).await,
            Command::Suites(args) => cmd::suites::run(args),
            Command::Man(args) => cmd::man::run(args, Cli::command()),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => cmd::report_error(&e, json),
    }
}

/// A usage error from clap (an unknown flag, a missing or bad value): clap's own words on
/// stderr and exit 2, and under `--json` / `--format json` also the one JSON error shape on
/// stdout, so a script reading stdout sees every failure the same way. `--help` and
/// `--version` print as usual.
fn usage_error(e: clap::Error) -> ExitCode {
    use authdeck_core::error::ErrorCode;
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json" || a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json");
    if json {
        let rendered = e.render().to_string();
        // The first paragraph: "the following required arguments were not provided: <ACCOUNT>".
        let message = rendered
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let message = message.trim_start_matches("error: ");
        println!(
            "{}",
            serde_json::json!({"error": {"code": ErrorCode::InvalidInput, "message": message}})
        );
    }
    let _ = e.print();
    ExitCode::from(2)
}

/// Rust ignores SIGPIPE, so `authdeck decode ... | head` would panic on the closed pipe. Like
/// any Unix filter, end quietly instead.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
