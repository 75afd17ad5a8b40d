//! QA suites: what each login must answer, written down once and run any time.
//!
//! A suite is a TOML file: `[defaults]` (provider, base URL, password) and `[[case]]`s, each a
//! login (name, email, password) with what it must produce (`ok`, `kind`, `http_status`,
//! `error_code`, `message_contains`, `message_matches`, `max_latency_ms`).
//!
//! The steps, each usable on its own (the CLI runs them in a row; the app edits in between):
//! 1. [`Suite::load`] / [`Suite::parse`]: read and check the file; a problem names file, line, field.
//! 2. [`Suite::plan`]: resolve providers, `${VAR}`s in base URLs and emails, `password_env`.
//! 3. [`run`]: send the logins, compare, record every attempt in the history (action `check`,
//!    tagged with the run id; never a token), and hand each [`CaseResult`] to a callback as it ends.
//! 4. [`junit`] for CI; the results are `Serialize` for `--json` and the app.
//!
//! [`library`] keeps the user's suite files and the built-in examples.

mod expect;
mod file;
mod junit;
pub mod library;
mod plan;
mod run;

pub use crate::problem::Problem;
pub use expect::{Actual, Mismatch, compare};
pub use file::regex_problem;
pub use junit::junit;
pub use library::{SuiteDoc, SuiteEntry};
pub use plan::{PasswordSource, Plan, PlannedCase, Vars, expand};
pub use run::{CaseResult, RunOptions, Status, SuiteReport, new_run_id, run};

use crate::outcome::Kind;
use serde::{Deserialize, Serialize};

/// A suite as written in its file. `Serialize` and [`Suite::to_toml`] write it back, so an
/// editor (the app's QA screen) can open, change and save one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Shown in reports and JUnit; the file name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Defaults::is_empty")]
    pub defaults: Defaults,
    #[serde(default, rename = "case", skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
}

/// What every case gets unless it says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// A provider id: a preset (`meetra`, `user-login`, ...) or a provider file's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// May use `${VAR}` or `${VAR:-fallback}` (`"${SANDBOX_URL}/meetra"`). The provider's
    /// documented base URL when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PlainPassword>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_from_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_keyring: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_latency_ms: Option<u64>,
    /// Give up on one request after this many seconds (30 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// Allow plain http:// to a host other than loopback.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
}

impl Defaults {
    fn is_empty(&self) -> bool {
        *self == Defaults::default()
    }
}

/// One login and what it must produce. Expectations left out are not checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    /// May use `${VAR}` like the base URL.
    pub email: String,
    /// At most one of the four password sources; the defaults' when none. Written in the file
    /// itself, so anyone who can read the file can read it: opening such a suite warns (see
    /// [`Suite::plain_password_warnings`]), and the app moves it into the keyring when it saves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PlainPassword>,
    /// The password is in this environment variable (CI secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// The password this stored account remembers in the keyring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_from_account: Option<String>,
    /// A password kept in the keyring under this name, for suites alone: the app puts a typed
    /// password there when it saves the suite; `authdeck suites password NAME` from the CLI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_keyring: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,

    /// `true`: the login must succeed; `false`: it must fail (in any way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    /// The outcome kind of a failure; implies `ok = false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The provider's own error code, exactly (after the provider's `code_names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// A piece of the server's error message (case-sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_contains: Option<String>,
    /// A regular expression (Rust `regex` syntax; `(?i)` for any case) the message must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_matches: Option<String>,
    /// The answer must come within this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_latency_ms: Option<u64>,
}

impl Suite {
    /// One line per place that writes a password in the file itself (an empty password, which
    /// checks "missing fields", is no secret and is not counted), saying how to stop doing so.
    pub fn plain_password_warnings(&self) -> Vec<String> {
        let plain = |p: &Option<PlainPassword>| p.as_ref().is_some_and(|p| !p.0.is_empty());
        let mut places = Vec::new();
        if plain(&self.defaults.password) {
            places.push("[defaults]".to_string());
        }
        places.extend(
            self.cases
                .iter()
                .filter(|c| plain(&c.password))
                .map(|c| format!("case {:?}", c.name)),
        );
        places
            .into_iter()
            .map(|place| {
                format!(
                    "{place} writes its password in the suite file, where anyone who can read \
                     the file can read it: use password_keyring (the app keeps a typed password \
                     in the keyring when it saves), password_env or password_from_account"
                )
            })
            .collect()
    }
}

impl Case {
    /// Whether the case expects a rate limit: then a 429 is the answer, not a reason to retry.
    pub fn expects_rate_limit(&self) -> bool {
        self.kind == Some(Kind::RateLimited) || self.http_status == Some(429)
    }

    /// Whether it expects a failure, said outright or implied by a failure-only expectation.
    pub fn expects_failure(&self) -> bool {
        self.ok == Some(false)
            || self.kind.is_some()
            || self.error_code.is_some()
            || self.message_contains.is_some()
            || self.message_matches.is_some()
    }
}

/// A password written in the suite file itself (test users' passwords). Not a real secret, but
/// still kept out of `Debug` output and logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct PlainPassword(pub String);

impl std::fmt::Debug for PlainPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainPassword(<redacted>)")
    }
}
