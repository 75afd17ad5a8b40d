//! `authdeck exec`: run a command with fresh tokens in its environment (like `aws-vault exec`
//! and `op run`). On Unix Authdeck replaces itself with the command, so the command's exit
//! status and signals are its own, and no token is ever in an argument list.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::deck::{Deck, Handoff};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use jiff::{SignedDuration, Timestamp};
use std::ffi::OsString;
use std::process::{Command, ExitCode};

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck exec dev -- curl -H \"$AUTHDECK_HEADER\" https://api.example.com/me   (in a script)
  authdeck exec dev -- sh -c 'curl -H \"$AUTHDECK_HEADER\" \"$AUTHDECK_BASE_URL/me\"'
  authdeck exec dev staging -- ./smoke-test.sh      # AUTHDECK_TOKEN_DEV, AUTHDECK_TOKEN_STAGING
  authdeck exec --env API_TOKEN=dev -- npm test     # your own variable name
  authdeck exec dev --min-valid 3600 -- ./long-job  # good for at least an hour

Variables, for one account: AUTHDECK_TOKEN (the token), AUTHDECK_HEADER (the whole header line
the API wants, e.g. `Authorization: Bearer …` or `X-API-Key: …`), AUTHDECK_BASE_URL,
AUTHDECK_EXPIRES_AT (RFC 3339, empty when unknown). For several accounts each name ends with
_ACCOUNT in capitals, other characters as _ (AUTHDECK_TOKEN_CI_KEY for ci-key). --env NAME=ACCOUNT
also puts that account's token in NAME (an account named only by --env gets no AUTHDECK_*
variables), and an account given its own name (`login --env-var NAME`) has its token there too.

Each token is renewed first when it would expire within --min-valid seconds; when one cannot be,
the command is not started and authdeck exits 1 saying why. Otherwise the exit status is the
command's (127: not found, 126: not runnable). The command and its children can read the tokens.")]
pub struct Args {
    /// Accounts whose tokens the command gets (see `authdeck accounts`).
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    accounts: Vec<String>,
    /// NAME=ACCOUNT: put ACCOUNT's token in the variable NAME too (repeatable).
    #[arg(long = "env", value_name = "NAME=ACCOUNT")]
    env: Vec<String>,
    /// Each token must stay valid at least this many seconds; renewed first otherwise.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    min_valid: u32,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

pub async fn run(args: Args) -> CmdResult {
    let named = named_variables(&args.env)?;
    // Each account once; two whose names make the same variable would hand one of them the
    // other's token.
    let mut listed_names: Vec<String> = Vec::new();
    for account in &args.accounts {
        if !listed_names.contains(account) {
            listed_names.push(account.clone());
        }
    }
    for (i, a) in listed_names.iter().enumerate() {
        if let Some(b) = listed_names[..i]
            .iter()
            .find(|b| variable_part(b) == variable_part(a))
        {
            return Err(Error::Invalid(format!(
                "{b} and {a} would share the variables AUTHDECK_TOKEN_{}…: run them in two exec \
                 commands, or name one with --env NAME=ACCOUNT",
                variable_part(a)
            )));
        }
    }
    let mut accounts: Vec<String> = listed_names.clone();
    for (_, account) in &named {
        if !accounts.contains(account) {
            accounts.push(account.clone());
        }
    }
    if accounts.is_empty() {
        return Err(Error::Invalid(
            "name at least one account (or --env NAME=ACCOUNT) before `--`".into(),
        ));
    }
    let deck = Deck::open(Home::from_env()?)?;
    let http = Http::new()?;
    let min_valid = SignedDuration::from_secs(i64::from(args.min_valid));
    let mut handoffs = Vec::new();
    for account in &accounts {
        let handoff = deck
            .handoff(&http, account, min_valid, &Timestamp::now)
            .await?;
        if let Some(warning) = &handoff.warning {
            eprintln!("warning: {warning}");
        }
        handoffs.push(handoff);
    }
    let mut vars: Vec<(String, OsString)> = Vec::new();
    let listed: Vec<&Handoff> = handoffs
        .iter()
        .filter(|h| listed_names.contains(&h.account))
        .collect();
    for h in &listed {
        let suffix = match listed.len() {
            1 => String::new(),
            _ => format!("_{}", variable_part(&h.account)),
        };
        vars.extend(variables(h, &suffix));
    }
    for (name, account) in &named {
        if let Some(h) = handoffs.iter().find(|h| &h.account == account) {
            vars.push((name.clone(), h.token.expose().into()));
        }
    }
    // An account's own variable name (`login --env-var`), unless --env gave that name. Two
    // accounts of one name would hand one of them the other's token.
    for (i, h) in listed.iter().enumerate() {
        if let Some(own) = &h.presentation.variable
            && let Some(other) = listed[..i]
                .iter()
                .find(|o| o.presentation.variable.as_ref() == Some(own))
            && !named.iter().any(|(name, _)| name == own)
        {
            return Err(Error::Invalid(format!(
                "{} and {} both put their token in {own} (their --env-var): run them in two \
                 exec commands, or say which one with --env {own}=ACCOUNT",
                other.account, h.account
            )));
        }
    }
    for h in &listed {
        if let Some(own) = &h.presentation.variable
            && !vars.iter().any(|(name, _)| name == own)
        {
            vars.push((own.clone(), h.token.expose().into()));
        }
    }
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Error::Invalid("give the command to run after `--`".into()))?;
    let mut command = Command::new(program);
    command.args(rest).envs(vars);
    Ok(run_command(command, program))
}

/// The variables of one account, each name ending with `suffix`.
fn variables(h: &Handoff, suffix: &str) -> Vec<(String, OsString)> {
    vec![
        (format!("AUTHDECK_TOKEN{suffix}"), h.token.expose().into()),
        (
            format!("AUTHDECK_HEADER{suffix}"),
            h.header_line().as_str().into(),
        ),
        (
            format!("AUTHDECK_BASE_URL{suffix}"),
            h.base_url.as_str().into(),
        ),
        (
            format!("AUTHDECK_EXPIRES_AT{suffix}"),
            h.expires_at
                .map(|t| t.to_string())
                .unwrap_or_default()
                .into(),
        ),
    ]
}

/// `ci-key` → `CI_KEY`: an account name as the end of a variable name.
fn variable_part(account: &str) -> String {
    account
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c.to_ascii_uppercase(),
            _ => '_',
        })
        .collect()
}

/// `--env NAME=ACCOUNT` pairs. Errors: Invalid (no `=`, or a name a shell cannot export).
fn named_variables(pairs: &[String]) -> Result<Vec<(String, String)>, Error> {
    pairs
        .iter()
        .map(|pair| {
            let (name, account) = pair.split_once('=').ok_or_else(|| {
                Error::Invalid(format!(
                    "--env {pair}: write NAME=ACCOUNT, e.g. --env API_TOKEN=dev"
                ))
            })?;
            if let Some(problem) = authdeck_core::accounts::env_var_problem(name) {
                return Err(Error::Invalid(format!(
                    "--env {pair}: \"{name}\" {problem}"
                )));
            }
            Ok((name.to_string(), account.to_string()))
        })
        .collect::<Result<Vec<_>, Error>>()
        .and_then(|pairs| {
            for (i, (name, _)) in pairs.iter().enumerate() {
                if pairs[..i].iter().any(|(n, _)| n == name) {
                    return Err(Error::Invalid(format!(
                        "--env {name}=… is given twice: each variable holds one token"
                    )));
                }
            }
            Ok(pairs)
        })
}

/// Becomes the command (Unix), or runs it and passes its exit status on (elsewhere).
#[cfg(unix)]
fn run_command(mut command: Command, program: &OsString) -> ExitCode {
    use std::os::unix::process::CommandExt;
    // Only returns when the command could not be started.
    let error = command.exec();
    not_started(program, &error)
}

#[cfg(not(unix))]
fn run_command(mut command: Command, program: &OsString) -> ExitCode {
    match command.status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(error) => not_started(program, &error),
    }
}

/// The shell's codes: 127 not found, 126 found but not runnable.
fn not_started(program: &OsString, error: &std::io::Error) -> ExitCode {
    let shown = program.to_string_lossy();
    match error.kind() {
        std::io::ErrorKind::NotFound => {
            eprintln!("error: {shown}: command not found (is it on PATH?)");
            ExitCode::from(127)
        }
        _ => {
            eprintln!("error: could not run {shown}: {error}");
            ExitCode::from(126)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_become_variable_name_endings() {
        assert_eq!(variable_part("ci-key"), "CI_KEY");
        assert_eq!(variable_part("qa.alice@x"), "QA_ALICE_X");
    }

    #[test]
    fn env_pairs_need_a_name_a_shell_can_export() {
        assert!(named_variables(&["API_TOKEN=dev".into()]).is_ok());
        assert!(
            named_variables(&["X=dev".into(), "X=ci".into()]).is_err(),
            "one name twice"
        );
        for bad in [
            "API_TOKEN",
            "1X=dev",
            "A-B=dev",
            "=dev",
            "PATH=dev",
            "AUTHDECK_TOKEN=dev",
        ] {
            assert!(named_variables(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
