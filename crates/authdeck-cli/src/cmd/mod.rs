//! One module per command; each has `Args` (clap) and `run(args) -> Result<ExitCode, Error>`.

use authdeck_core::Error;
use authdeck_core::error::ErrorPayload;
use std::process::ExitCode;

pub mod accounts;
pub mod check;
pub mod decode;
pub mod exec;
pub mod export;
pub mod export_env;
pub mod forget_password;
pub mod history;
pub mod import;
pub mod inject;
pub mod introspect;
pub mod login;
pub mod logout;
pub mod man;
pub mod providers;
pub mod proxy;
pub mod refresh;
pub mod remove;
pub mod rename;
pub mod sandbox;
pub mod suites;
pub mod tag;
pub mod token;

pub type CmdResult = Result<ExitCode, Error>;

/// Prints an error in words a user can act on, on stderr; under `--json` (`json`) also as
/// `{"error":{"code","message"}}` on stdout, the one shape every command uses. Bad input and
/// unknown names exit 2 (like clap's usage errors); everything else exits 1.
pub fn report_error(e: &Error, json: bool) -> ExitCode {
    eprintln!("error: {e}");
    if json {
        let payload = serde_json::json!({ "error": ErrorPayload::from(e) });
        println!("{payload}");
    }
    match e {
        Error::Invalid(_) | Error::NotFound(_) => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    }
}
