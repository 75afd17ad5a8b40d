//! `authdeck proxy`: a loopback reverse proxy that adds a fresh token to every request.

use super::CmdResult;
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::proxy::{self, ProxyConfig};
use jiff::SignedDuration;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck proxy dev                                  # http://127.0.0.1:8080 → dev's base URL
  curl http://127.0.0.1:8080/me                       # sent on with Authorization: Bearer …
  authdeck proxy dev --listen 127.0.0.1:9000 --upstream https://api.example.com/v2

Every request goes to the upstream with the account's token in the header (or query parameter)
its API wants, replacing any Authorization the client sent; the token is renewed before it
expires, and on a 401 the proxy renews once and sends the request again (bodies up to 1 MiB).
When the session cannot be renewed it answers 502 with a JSON error naming the account, and
serves again once the account is renewed (e.g. `authdeck login ACCOUNT` in another terminal).
It listens on loopback only: any local process that reaches the port gets the API with the
account's rights. Ctrl+C stops it.")]
pub struct Args {
    /// The account whose token to add (see `authdeck accounts`).
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Where to listen: a loopback address and port (`127.0.0.1:8080`, `localhost:8080`,
    /// `[::1]:8080`, or a port alone); port 0 picks a free one.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    listen: SocketAddr,
    /// Where to send requests; the account's base URL when not given.
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// Renew the token before it has less than this many seconds left.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    min_valid: u32,
}

/// `--listen`: an address and port, `localhost:PORT` (127.0.0.1), or a port alone.
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(port) = text.strip_prefix("localhost:") {
        return port
            .parse::<u16>()
            .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
            .map_err(|_| format!("\"{port}\" is not a port number (0-65535)"));
    }
    text.parse::<SocketAddr>().map_err(|_| {
        format!("\"{text}\" is not an address and port: give 127.0.0.1:8080, localhost:8080 or a port alone")
    })
}

pub async fn run(args: Args) -> CmdResult {
    // A client or upstream that closes mid-write must cost one request, not the process
    // (the CLI restores SIGPIPE's default for its pipes; a server needs it ignored).
    #[cfg(unix)]
    // SAFETY: SIG_IGN is a valid disposition for SIGPIPE; setting it races nothing that reads it.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let deck = Arc::new(Deck::open(Home::from_env()?)?);
    // A --min-valid the account's tokens cannot meet would renew on every request: say so now,
    // as `exec` does, instead of answering 502 later.
    let account = deck.account(&args.account)?;
    if let Some(life) = authdeck_core::accounts::lifetime(&account.session)
        && i64::from(args.min_valid) >= life.as_secs()
    {
        return Err(authdeck_core::Error::Invalid(format!(
            "--min-valid {} is not shorter than {}'s tokens live ({} s): give a smaller --min-valid",
            args.min_valid,
            args.account,
            life.as_secs()
        )));
    }
    let config = ProxyConfig {
        account: args.account.clone(),
        listen: args.listen,
        upstream: args.upstream,
        min_valid: SignedDuration::from_secs(i64::from(args.min_valid)),
    };
    let running = proxy::start(deck, Http::new()?, config).await?;
    eprintln!(
        "Proxy for {} on {} → {} (Ctrl+C stops it)",
        args.account,
        running.url(),
        running.upstream()
    );
    // The address on stdout alone, for scripts that started it on port 0.
    println!("{}", running.url());
    shutdown_signal().await;
    running.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl+C, or SIGTERM where there is one.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::parse_listen;

    #[test]
    fn listen_takes_localhost_and_a_bare_port_as_loopback() {
        assert_eq!(
            parse_listen("localhost:0"),
            Ok("127.0.0.1:0".parse().expect("addr"))
        );
        assert_eq!(
            parse_listen("9000"),
            Ok("127.0.0.1:9000".parse().expect("addr"))
        );
        assert_eq!(
            parse_listen("[::1]:9000"),
            Ok("[::1]:9000".parse().expect("addr"))
        );
        assert!(parse_listen("localhost:http").is_err());
        assert!(parse_listen("example.test:80").is_err());
    }
}
