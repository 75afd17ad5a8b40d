//! `authdeck inject`: fill a template's `{{ authdeck://ACCOUNT/FIELD }}` references with fresh
//! session values (like `op inject`). Every reference is checked and every account renewed
//! before anything is written; the output file is written whole or not at all, mode 0600.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::deck::{Deck, Handoff};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::template;
use jiff::{SignedDuration, Timestamp};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck inject -i .env.tpl -o .env
  authdeck inject -i http-client.env.tpl.json -o http-client.env.json
  echo 'TOKEN={{ authdeck://dev/token }}' | authdeck inject

A reference is {{ authdeck://ACCOUNT/FIELD }}; FIELD is token, header (the header's value,
`Bearer …`), header_name, header_line (`Authorization: Bearer …`), expires_at, base_url, or
claim.NAME (a claim of a JWT, e.g. claim.sub). Other {{ … }} pass through untouched.

An unknown account or field is an error naming its line; an account that cannot be renewed is an
error naming it; either way nothing is written. The file holds the tokens in clear (mode 0600):
regenerate it rather than keep it.")]
pub struct Args {
    /// The template; standard input when absent or `-`.
    #[arg(short = 'i', long = "in", value_name = "TEMPLATE")]
    input: Option<PathBuf>,
    /// Where to write the result (atomically, mode 0600); standard output when absent.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Each token must stay valid at least this many seconds; renewed first otherwise.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    min_valid: u32,
}

/// Templates larger than this are not templates.
const MAX_TEMPLATE: u64 = 4 * 1024 * 1024;

pub async fn run(args: Args) -> CmdResult {
    let text = read_template(args.input.as_deref())?;
    let tpl = template::parse(&text).map_err(|e| match (&args.input, e) {
        (Some(path), Error::Invalid(m)) => Error::Invalid(format!("{}: {m}", path.display())),
        (_, e) => e,
    })?;
    let deck = Deck::open(Home::from_env()?)?;
    let mut accounts: Vec<(&str, usize)> = Vec::new();
    for r in tpl.references() {
        if !accounts.iter().any(|(a, _)| *a == r.account) {
            accounts.push((&r.account, r.line));
        }
    }
    // Unknown accounts first, all named, before any renewal is sent.
    for (account, line) in &accounts {
        deck.account(account).map_err(|e| match e {
            Error::NotFound(_) => Error::NotFound(format!(
                "line {line}: no account named {account} (see `authdeck accounts`)"
            )),
            e => e,
        })?;
    }
    let http = Http::new()?;
    let min_valid = SignedDuration::from_secs(i64::from(args.min_valid));
    let mut handoffs: Vec<Handoff> = Vec::new();
    for (account, _) in &accounts {
        let h = deck
            .handoff(&http, account, min_valid, &Timestamp::now)
            .await?;
        if let Some(warning) = &h.warning {
            eprintln!("warning: {warning}");
        }
        handoffs.push(h);
    }
    let filled = tpl.render(|r| {
        let h = handoffs
            .iter()
            .find(|h| h.account == r.account)
            .ok_or_else(|| Error::NotFound(format!("line {}: {}", r.line, r.account)))?;
        h.field(&r.field).map_err(|e| match e {
            Error::Invalid(m) => Error::Invalid(format!("line {}: {m}", r.line)),
            e => e,
        })
    })?;
    match &args.output {
        Some(path) => {
            if args.input.as_deref().is_some_and(|i| same_file(i, path)) {
                return Err(Error::Invalid(format!(
                    "{} is the template itself: write the result elsewhere",
                    path.display()
                )));
            }
            authdeck_core::environment::write_private(path, &filled)?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(filled.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| Error::Io(format!("could not write the result: {e}")))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_template(path: Option<&Path>) -> Result<String, Error> {
    let mut text = String::new();
    let read = match path {
        None => std::io::stdin()
            .take(MAX_TEMPLATE)
            .read_to_string(&mut text),
        Some(p) if p == Path::new("-") => std::io::stdin()
            .take(MAX_TEMPLATE)
            .read_to_string(&mut text),
        Some(p) => {
            std::fs::File::open(p).and_then(|f| f.take(MAX_TEMPLATE).read_to_string(&mut text))
        }
    };
    let shown = path.map_or("standard input".to_string(), |p| p.display().to_string());
    read.map_err(|e| Error::Invalid(format!("could not read the template {shown}: {e}")))?;
    if text.len() as u64 >= MAX_TEMPLATE {
        return Err(Error::Invalid(format!(
            "the template {shown} is larger than {} MiB: that is no template",
            MAX_TEMPLATE / 1024 / 1024
        )));
    }
    Ok(text)
}

/// The two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
