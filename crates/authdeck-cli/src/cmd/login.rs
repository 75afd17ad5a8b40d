//! `authdeck login`: log in to an account and keep the session.

use super::CmdResult;
use crate::show;
use authdeck_core::deck::Deck;
use authdeck_core::deck::{LoginReport, LoginRequest, Outcome, PastedToken};
use authdeck_core::exchange::CodeSource;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::provider::Grant;
use authdeck_core::{Error, Secret};
use clap::builder::TypedValueParser as _;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  # a new account against the sandbox (run `authdeck sandbox --port 8787` first)
  echo s3cret-pass | authdeck login dev --provider user-login \\
      --base-url http://127.0.0.1:8787/user-login --email alice@userlogin.test --password-stdin
  # log in again with what is stored (asks for the password unless it is remembered)
  authdeck login dev
  # keep the password in the OS keyring so sessions renew by themselves
  authdeck login dev --remember-password
  # fix a choice the API document left open, for this account only
  authdeck login dev --set success.expires_format=unix_ms
  # an API key or personal access token, pasted instead of a login (the apikey provider is an
  # example file: `authdeck providers add examples/providers/apikey.toml` first)
  authdeck login ci-key --provider apikey --base-url https://api.example.com \
      --token-stdin --expires-at 2027-06-30 < key.txt
  # an account with a second factor: keep its TOTP secret so it renews by itself
  authdeck login qa-2fa --provider my-2fa-api --email ann@example.com \
      --remember-password --totp-secret-stdin < totp-secret.txt
  # an OpenID Connect provider: sign in in the browser (authorization code + PKCE)
  authdeck login corp --provider oidc --base-url https://id.example.com/realms/main \
      --client-id authdeck
  # the same on a machine without a browser: a code to enter on another device
  authdeck login corp --device
  # a service account (client credentials); the secret goes to the keyring
  authdeck login ci-bot --provider oidc --base-url https://id.example.com --grant client_credentials \
      --client-id ci-bot --client-secret-stdin < client-secret.txt

Exit status: 0 logged in, 1 the login failed (the output says why), 2 bad usage.")]
pub struct Args {
    /// A name for the account (letters, digits, . _ @ -), e.g. `staging-alice`.
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Provider id: a preset (meetra, user-login, talkstack, meetmates, sealmetrics, oidc,
    /// oauth2; see `authdeck providers`) or the id of your own provider file.
    #[arg(long)]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::providers))]
    provider: Option<String>,
    /// The API's base URL; a path prefix is kept (https://gw.example.com/talkstack).
    #[arg(long)]
    base_url: Option<String>,
    #[arg(long)]
    email: Option<String>,
    /// Read the password from standard input (one line) instead of a prompt.
    #[arg(long)]
    password_stdin: bool,
    /// Keep the password in the OS keyring, to log in again when the session expires.
    #[arg(long)]
    remember_password: bool,
    /// Give up on a request after this many seconds (whole request); kept for the account's
    /// later logins and renewals (default 30).
    #[arg(long, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=authdeck_core::accounts::MAX_TIMEOUT_SECS))]
    timeout: Option<u64>,
    /// The variable name `token --format env|dotenv`, `exec` and the app's copy use for this
    /// account's token, e.g. GITHUB_TOKEN (kept; "" goes back to AUTHDECK_TOKEN).
    #[arg(long, value_name = "NAME")]
    env_var: Option<String>,
    /// The environment the account belongs to, e.g. prod or staging: `accounts --tag` and the
    /// app group by it (kept; "" drops it).
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Allow plain http:// to a host other than localhost (the password travels unencrypted).
    /// Kept for the account; `--allow-insecure-http=false` takes it back.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true")]
    allow_insecure_http: Option<bool>,
    /// Change a field of the provider spec for this account: FIELD=VALUE (repeatable).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// Take back a provider change kept for this account (`--unset success.expires_format`);
    /// repeatable.
    #[arg(long = "unset", value_name = "FIELD")]
    unset: Vec<String>,
    /// A one-time code (second factor) for this login, when the server asks for one.
    /// Without it, a terminal prompts when asked.
    #[arg(long, value_name = "CODE")]
    otp: Option<String>,
    /// Read the account's TOTP secret (base32, or an otpauth:// URI) from standard input and
    /// keep it in the OS keyring: Authdeck then computes the codes itself (RFC 6238). With
    /// --password-stdin too, the password is the first line and the secret the second.
    #[arg(long)]
    totp_secret_stdin: bool,
    /// Keep a key or token read from standard input as the session, instead of logging in
    /// (an API key, a personal access token). Authdeck does not renew it.
    #[arg(long, conflicts_with_all = ["password_stdin", "totp_secret_stdin", "remember_password", "otp"])]
    token_stdin: bool,
    /// With --token-stdin: when the key expires (2027-06-30 or 2027-06-30T12:00:00Z), when
    /// it is not a JWT that says.
    #[arg(long, value_name = "DATE", requires = "token_stdin", value_parser = parse_expiry)]
    expires_at: Option<jiff::Timestamp>,
    /// OAuth: the client id registered for Authdeck at the server (kept with the account).
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// OAuth: read the client secret from standard input and keep it in the OS keyring. With
    /// --password-stdin, the password is line 1 and the client secret line 2.
    #[arg(long, conflicts_with_all = ["totp_secret_stdin", "token_stdin"])]
    client_secret_stdin: bool,
    /// OAuth: sign in with a device code (RFC 8628) to enter in a browser anywhere, instead
    /// of opening the browser here. Kept for the account (same as --grant device_code).
    #[arg(long, conflicts_with_all = ["token_stdin", "grant"])]
    device: bool,
    /// OAuth: the grant this account signs in with, kept for it (default: the provider's,
    /// usually authorization_code in the browser).
    #[arg(long, conflicts_with = "token_stdin", value_parser = grant_names())]
    grant: Option<Grant>,
    /// OAuth: print the sign-in URL instead of opening the browser.
    #[arg(long, conflicts_with = "token_stdin")]
    no_browser: bool,
    /// OAuth: how long to wait for the browser to come back, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    browser_timeout: u64,
    /// Keep a new account even when its first login is refused (as signed out), so it shows
    /// in `accounts`; by default a refused first login saves nothing.
    #[arg(long)]
    keep_if_refused: bool,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `2027-06-30` (the start of that day, UTC) or an RFC 3339 time.
fn parse_expiry(text: &str) -> Result<jiff::Timestamp, String> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| format!("{text:?} is not a date: write 2027-06-30 or 2027-06-30T12:00:00Z"))
}

/// `--grant`'s values: the grants' names, listed in the help and offered by completion.
fn grant_names() -> impl clap::builder::TypedValueParser<Value = Grant> {
    clap::builder::PossibleValuesParser::new(Grant::ALL.map(Grant::as_str))
        .map(|name: String| Grant::parse(&name).unwrap_or_default())
}

/// `--device`, `--grant` and `--no-browser` on an account whose provider logs in with a
/// password: said plainly before the flags become overrides the provider cannot take.
fn refuse_oauth_flags_for_a_password_login(deck: &Deck, args: &Args) -> Result<(), Error> {
    if !(args.device || args.no_browser || args.grant.is_some()) {
        return Ok(());
    }
    let provider = match &args.provider {
        Some(id) => id.clone(),
        None => match deck.account(&args.account) {
            Ok(account) => account.config.provider,
            Err(_) => return Ok(()), // the missing provider is said by the plan
        },
    };
    match deck.catalog().get(&provider) {
        Ok(p) if p.oauth.is_none() => Err(Error::Invalid(format!(
            "--device, --grant and --no-browser are for OAuth accounts, and {} logs in with a \
             password ({provider})",
            args.account
        ))),
        _ => Ok(()),
    }
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    refuse_oauth_flags_for_a_password_login(&deck, &args)?;
    let set = args.set.clone();
    let grant = match args.device {
        true => Some(Grant::DeviceCode),
        false => args.grant,
    };
    let overrides = overrides(&set)?;
    if args.token_stdin {
        let pasted = PastedToken {
            account: args.account.clone(),
            provider: args.provider.clone(),
            base_url: args.base_url.clone(),
            email: args.email.clone(),
            token: stdin_secret("--token-stdin", "the key or token")?,
            expires_at: args.expires_at,
            overrides,
            allow_insecure_http: args.allow_insecure_http,
            env_var: args.env_var.clone(),
            tag: args.tag.clone(),
            unset: args.unset.clone(),
            options: None,
        };
        let report = deck.keep_pasted(pasted, jiff::Timestamp::now()).await?;
        if args.json {
            println!("{}", json(&report));
        } else {
            print_human(&report);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let request = LoginRequest {
        account: args.account.clone(),
        provider: args.provider.clone(),
        base_url: args.base_url.clone(),
        email: args.email.clone(),
        password: None,
        remember_password: args.remember_password,
        overrides,
        allow_insecure_http: args.allow_insecure_http,
        timeout: args.timeout.map(Duration::from_secs),
        env_var: args.env_var.clone(),
        tag: args.tag.clone(),
        unset: args.unset.clone(),
        options: None,
        code: match &args.otp {
            Some(code) => CodeSource::Given(Secret::new(code.trim())),
            // Asked only if the server asks, and only where someone can answer.
            None if std::io::stdin().is_terminal() => CodeSource::Ask(Arc::new(prompt_code)),
            None => CodeSource::None,
        },
        totp_secret: None,
        client_id: args.client_id.clone(),
        client_secret: None,
        grant,
        // A refused first login saves nothing (as in the app): a typo in a base URL or an
        // email must not leave a dead account. QA that wants it in `accounts` says so.
        forget_if_refused: !args.keep_if_refused,
    };
    // Several secrets on standard input come one per line, in the order of the flags' help:
    // the password first, then the TOTP secret or the client secret.
    let (password, totp_secret, client_secret) = match (
        args.password_stdin,
        args.totp_secret_stdin,
        args.client_secret_stdin,
    ) {
        (true, true, _) => {
            let text = stdin_text("the password and the TOTP secret")?;
            let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
            let password = nonempty(lines.next(), "--password-stdin", "the password")?;
            let totp = nonempty(
                lines.next(),
                "--totp-secret-stdin",
                "the TOTP secret (line 2)",
            )?;
            (Some(password), Some(totp), None)
        }
        (true, false, true) => {
            let text = stdin_text("the password and the client secret")?;
            let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
            let password = nonempty(lines.next(), "--password-stdin", "the password")?;
            let client = nonempty(
                lines.next(),
                "--client-secret-stdin",
                "the client secret (line 2)",
            )?;
            (Some(password), None, Some(client))
        }
        (true, false, false) => (Some(stdin_password()?), None, None),
        (false, true, _) => (
            None,
            Some(stdin_secret("--totp-secret-stdin", "the TOTP secret")?),
            None,
        ),
        (false, false, true) => (
            None,
            None,
            Some(stdin_secret("--client-secret-stdin", "the client secret")?),
        ),
        (false, false, false) => (None, None, None),
    };
    let request = LoginRequest {
        totp_secret,
        client_secret,
        ..request
    };
    // Planned first, so a typo is reported before the password is asked for.
    let mut plan = deck.plan_login(request)?;
    if let Some(password) = password {
        plan.set_password(password);
    } else if plan.needs_password() {
        plan.set_password(prompt_password(&args.account, plan.moved())?);
    }
    let new_account = plan.is_new();
    let forgotten_if_refused = new_account && !args.keep_if_refused;
    let http = Http::new()?;
    let report = if plan.is_oauth() {
        let agent = Terminal {
            open_browser: !args.no_browser,
        };
        let limit = Duration::from_secs(args.browser_timeout);
        deck.sign_in(&http, plan, &agent, limit, &jiff::Timestamp::now)
            .await?
    } else {
        // --device, --grant and --no-browser were refused up front for a password login.
        deck.login(&http, plan).await?
    };
    // Another Authdeck may have saved the account meanwhile (two first logins at once).
    let forgotten = forgotten_if_refused
        && matches!(report.outcome, Outcome::Failed(_))
        && deck.account(&report.account).is_err();
    let not_saved = format!(
        "Nothing was saved: {} is not in your accounts. Fix what the server refused and run the \
         same command again (--keep-if-refused keeps a refused new account).",
        report.account
    );
    if args.json {
        // The JSON shape is fixed; what was not saved is said beside it, on stderr.
        println!("{}", json(&report));
        if forgotten {
            eprintln!("{not_saved}");
        }
    } else {
        print_human(&report);
        if forgotten {
            println!("{not_saved}");
        } else if new_account
            && args.keep_if_refused
            && matches!(report.outcome, Outcome::Failed(_))
        {
            println!(
                "{} was kept, signed out, as --keep-if-refused asked: `authdeck login {}` tries \
                 again.",
                report.account, report.account
            );
        }
    }
    Ok(match report.outcome {
        Outcome::Ok(_) => ExitCode::SUCCESS,
        Outcome::Failed(_) => ExitCode::FAILURE,
    })
}

/// The terminal as the OAuth user-agent: the sign-in URL and device code go to stderr (the
/// user may have to open the URL by hand); the browser is opened the platform's way, and
/// `$BROWSER` is honoured.
struct Terminal {
    open_browser: bool,
}

impl authdeck_core::oauth::UserAgent for Terminal {
    fn open(&self, url: &str) -> Result<(), String> {
        if !self.open_browser {
            eprintln!(
                "Open this URL in a browser to sign in:\n  {url}\nWaiting for the browser to come back..."
            );
            return Ok(());
        }
        eprintln!(
            "Opening the browser to sign in. If it does not open, use this URL:\n  {url}\nWaiting for the browser to come back..."
        );
        if let Err(e) = webbrowser::open(url) {
            // Said here, where the user looks, instead of in a log line: the sign-in waits on.
            eprintln!("The browser could not be opened ({e}): open the URL above yourself.");
        }
        Ok(())
    }

    fn show_device_code(&self, code: &authdeck_core::oauth::DeviceCode) {
        let valid_for = authdeck_core::words::duration_words(code.expires_in_secs);
        match &code.verification_uri_complete {
            Some(complete) => eprintln!(
                "To sign in, open {complete}\n  (or {} and enter the code {})\nThe code is valid for {valid_for}. Waiting for approval...",
                code.verification_uri, code.user_code
            ),
            None => eprintln!(
                "To sign in, open {} and enter the code {}\nThe code is valid for {valid_for}. Waiting for approval...",
                code.verification_uri, code.user_code
            ),
        }
    }
}

/// The password piped to standard input (one line).
fn stdin_password() -> Result<Secret, Error> {
    stdin_secret("--password-stdin", "the password")
}

/// A secret piped to standard input (its line end dropped), for `flag`.
fn stdin_secret(flag: &str, what: &str) -> Result<Secret, Error> {
    let text = stdin_text(what)?;
    nonempty(Some(text.trim_end_matches(['\n', '\r'])), flag, what)
}

fn stdin_text(what: &str) -> Result<zeroize::Zeroizing<String>, Error> {
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Error::Invalid(format!("could not read {what} from stdin: {e}")))?;
    Ok(text)
}

fn nonempty(line: Option<&str>, flag: &str, what: &str) -> Result<Secret, Error> {
    match line {
        Some(text) if !text.is_empty() => Ok(Secret::new(text)),
        _ => Err(Error::Invalid(format!(
            "{flag} got nothing: pipe {what} in, e.g. `echo \"$VALUE\" | authdeck login ... {flag}`"
        ))),
    }
}

/// The one-time code typed at a prompt, when the server asks for one.
fn prompt_code() -> Result<Secret, Error> {
    let typed = rpassword::prompt_password("One-time code (second factor): ")
        .map_err(|e| Error::Invalid(format!("could not read the code: {e}")))?;
    let code = typed.trim();
    if code.is_empty() {
        return Err(Error::Invalid(
            "no code was typed: run the login again and type the code your authenticator shows"
                .into(),
        ));
    }
    Ok(Secret::new(code))
}

/// The password typed at a hidden prompt; without a terminal, an error that says how to give
/// it. `moved`: the account moves to another server, so the password remembered for the old
/// one is not used (and the user is told).
fn prompt_password(account: &str, moved: Option<(String, String)>) -> Result<Secret, Error> {
    let why = moved.map(|(from, to)| {
        format!(
            "{account} moves from {from} to {to}: the secrets kept for {from} are not sent to \
             {to}, and a successful login drops them"
        )
    });
    if !std::io::stdin().is_terminal() {
        let how = "pass --password-stdin and pipe it in, or run in a terminal to be asked";
        return Err(Error::Invalid(match why {
            Some(why) => format!("{why}. Give the password for the new server: {how}"),
            None => format!("no password: {how}"),
        }));
    }
    if let Some(why) = why {
        eprintln!("{why}.");
    }
    let typed = rpassword::prompt_password(format!("Password for {account}: "))
        .map_err(|e| Error::Invalid(format!("could not read the password: {e}")))?;
    Ok(Secret::new(typed))
}

fn overrides(
    assignments: &[String],
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, Error> {
    if assignments.is_empty() {
        return Ok(None);
    }
    let mut merged = serde_json::Value::Object(serde_json::Map::new());
    for assignment in assignments {
        let patch = authdeck_core::provider::override_from_assignment(assignment)?;
        authdeck_core::provider::merge(&mut merged, &patch);
    }
    Ok(merged.as_object().cloned())
}

/// The `--json` shape the issue fixes: one object, `ok` first.
pub fn json(report: &LoginReport) -> serde_json::Value {
    match &report.outcome {
        Outcome::Ok(s) => serde_json::json!({
            "ok": true,
            "account": report.account,
            "provider": report.provider,
            "http_status": s.http_status,
            "expires_at": s.expires_at.map(|t| t.to_string()),
            "refreshable": s.refreshable,
            "latency_ms": report.latency_ms,
            // As a value built here: `json!` would panic on claims serde_json cannot hold.
            "claims": s.claims.as_deref().map(authdeck_core::jwt::claims_value),
            "notes": s.notes,
        }),
        Outcome::Failed(f) => serde_json::json!({
            "ok": false,
            "account": report.account,
            "provider": report.provider,
            "http_status": f.http_status,
            "kind": f.kind,
            "error_code": f.error_code,
            "message": f.message,
            "retry_after_secs": f.retry_after_secs,
            "latency_ms": report.latency_ms,
        }),
    }
}

/// `alice@example.com at https://api.example.com`, or the URL alone for an account without
/// an email (an OAuth sign-in, a key).
fn who(report: &LoginReport) -> String {
    match report.email.is_empty() {
        true => report.base_url.clone(),
        false => format!("{} at {}", report.email, report.base_url),
    }
}

fn print_human(report: &LoginReport) {
    let now = jiff::Timestamp::now();
    match &report.outcome {
        Outcome::Ok(s) => {
            if s.http_status == 0 {
                // No HTTP status: nothing was sent, the token was pasted.
                println!(
                    "Kept the pasted token of {} for {} ({}).",
                    report.account, report.base_url, report.provider
                );
            } else {
                println!(
                    "Logged in {} ({}) via {} in {} ms.",
                    report.account,
                    who(report),
                    report.provider,
                    report.latency_ms
                );
            }
            match s.expires_at {
                Some(t) => println!(
                    "Token expires {} ({}).",
                    show::local_time(t),
                    authdeck_core::words::relative_to(t, now)
                ),
                None => println!(
                    "The token's expiry is unknown: neither the answer nor the token says."
                ),
            }
            if s.refreshable {
                println!("Renewable with its refresh token.");
            }
            for note in &s.notes {
                println!("Note: {note}");
            }
        }
        Outcome::Failed(f) => {
            println!(
                "Login refused for {} ({}): {}.",
                report.account,
                who(report),
                f.kind.describe()
            );
            println!("  kind:    {}", f.kind);
            println!(
                "  status:  {}",
                f.http_status
                    .map_or("none (no answer)".into(), |s| s.to_string())
            );
            if let Some(code) = &f.error_code {
                println!("  code:    {code}");
            }
            if let Some(message) = &f.message {
                println!("  message: {message}");
            }
            if let Some(secs) = f.retry_after_secs {
                println!("  retry after {secs} s");
            }
        }
    }
}
