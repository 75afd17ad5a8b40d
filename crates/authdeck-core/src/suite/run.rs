//! Running a planned suite: send each login, back off on 429, compare, record every attempt.
//!
//! Nothing a case gets back is kept: no keyring write, no token fingerprint in the history.

use super::expect::{Actual, Mismatch, compare};
use super::plan::{PasswordSource, Plan, PlannedCase};
use crate::deck::Deck;
use crate::error::{Error, Result};
use crate::exchange::{self, Credentials};
use crate::history::{Action, NewEvent};
use crate::http::Http;
use crate::outcome::{Attempt, Kind};
use crate::secret::Secret;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use jiff::Timestamp;
use serde::Serialize;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Tags every history event of this run (see [`new_run_id`]); one id may span several suites.
    pub run_id: String,
    /// Cases in flight at once; 1 (one at a time) is the default.
    pub concurrency: usize,
    /// How many times a 429 is retried before the case reports `rate_limited`.
    pub max_retries: u32,
    /// The longest single wait: a `Retry-After` above it ends the case at once instead of
    /// stalling the run (the note says so).
    pub max_wait: Duration,
}

impl RunOptions {
    pub fn new(run_id: impl Into<String>) -> RunOptions {
        RunOptions {
            run_id: run_id.into(),
            concurrency: 1,
            max_retries: 2,
            max_wait: Duration::from_secs(30),
        }
    }
}

/// A fresh run id: the start time and a random suffix, e.g. `20261122T031500Z-5f3a9c`.
pub fn new_run_id(now: Timestamp) -> String {
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!(
        "{}-{:06x}",
        now.strftime("%Y%m%dT%H%M%SZ"),
        random & 0xff_ffff
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CaseStatus"))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every expectation held.
    Pass,
    /// The server answered, not as expected.
    Fail,
    /// The case could not be run (no remembered password, a request we could not send).
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

/// How one case went. Handed to the caller's callback as soon as the case ends.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseResult {
    /// The case's position in the suite file (0-based).
    pub index: usize,
    pub name: String,
    pub provider: String,
    pub email: String,
    pub status: Status,
    /// The expectations that did not hold (empty on pass).
    pub mismatches: Vec<Mismatch>,
    /// The last answer; `None` when the case could not be run.
    pub actual: Option<Actual>,
    /// Requests sent (more than 1 after 429 retries).
    pub attempts: u32,
    /// Why the case could not run (status `error`).
    pub error: Option<String>,
    /// What happened on the way, e.g. the waits a 429 asked for.
    pub notes: Vec<String>,
    /// From the first request to the last answer, waits included.
    pub duration_ms: u64,
}

/// One suite's results, in file order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SuiteReport {
    pub run_id: String,
    pub name: String,
    pub file: Option<PathBuf>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub started_at: Timestamp,
    pub duration_ms: u64,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub cases: Vec<CaseResult>,
}

impl SuiteReport {
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }
}

/// Runs `plan`: `options.concurrency` cases at a time, each result passed to `on_case` as it
/// ends (in completion order), then the whole report (in file order).
///
/// `Err` only when the history cannot be written: a run that cannot be recorded is stopped.
pub async fn run<F>(
    deck: &Deck,
    http: &Http,
    plan: &Plan,
    options: &RunOptions,
    mut on_case: F,
) -> Result<SuiteReport>
where
    F: FnMut(&CaseResult),
{
    let started_at = Timestamp::now();
    let started = Instant::now();
    // The cases' futures are collected first: a `map` closure kept inside this future makes
    // rustc unable to prove the run `Send` (a higher-ranked lifetime), and the app awaits it on
    // its async runtime.
    let pending: Vec<BoxFuture<'_, Result<CaseResult>>> = plan
        .cases
        .iter()
        .map(|case| Box::pin(run_case(deck, http, plan, case, options)) as BoxFuture<'_, _>)
        .collect();
    let mut stream =
        futures_util::stream::iter(pending).buffer_unordered(options.concurrency.max(1));
    let mut cases = Vec::with_capacity(plan.cases.len());
    while let Some(result) = stream.next().await {
        let result = result?;
        on_case(&result);
        cases.push(result);
    }
    cases.sort_by_key(|c| c.index);
    let count = |status| cases.iter().filter(|c| c.status == status).count();
    Ok(SuiteReport {
        run_id: options.run_id.clone(),
        name: plan.name.clone(),
        file: plan.file.clone(),
        started_at,
        duration_ms: millis(started.elapsed()),
        passed: count(Status::Pass),
        failed: count(Status::Fail),
        errors: count(Status::Error),
        cases,
    })
}

async fn run_case(
    deck: &Deck,
    http: &Http,
    plan: &Plan,
    planned: &PlannedCase,
    options: &RunOptions,
) -> Result<CaseResult> {
    let case = &planned.case;
    let started = Instant::now();
    let mut result = CaseResult {
        index: planned.index,
        name: case.name.clone(),
        provider: planned.target.provider.id.clone(),
        email: planned.email.clone(),
        status: Status::Error,
        mismatches: Vec::new(),
        actual: None,
        attempts: 0,
        error: None,
        notes: Vec::new(),
        duration_ms: 0,
    };
    let password = match password(deck, &planned.password, &planned.target.base_url) {
        Ok(p) => p,
        Err(e) => {
            result.error = Some(e.to_string());
            result.duration_ms = millis(started.elapsed());
            return Ok(result);
        }
    };
    let creds = Credentials {
        email: planned.email.clone(),
        password,
        // A QA case checks answers to a login; a second factor is not asked for here.
        code: Default::default(),
    };
    let attempt = loop {
        result.attempts += 1;
        let at = Timestamp::now();
        let attempt = match exchange::login(http, &planned.target, &creds).await {
            Ok(attempt) => attempt,
            Err(e) => {
                result.error = Some(e.to_string());
                result.duration_ms = millis(started.elapsed());
                return Ok(result);
            }
        };
        record(deck, plan, planned, options, &attempt, at, result.attempts)?;
        let Err(failure) = &attempt.result else {
            break attempt;
        };
        if failure.kind != Kind::RateLimited || case.expects_rate_limit() {
            break attempt;
        }
        if result.attempts > options.max_retries {
            let retries = match options.max_retries {
                1 => "1 retry".to_string(),
                n => format!("{n} retries"),
            };
            result
                .notes
                .push(format!("still rate limited after {retries}; giving up"));
            break attempt;
        }
        let wait = match failure.retry_after_secs {
            Some(secs) => Duration::from_secs(secs),
            // No Retry-After: back off 1 s, 2 s, 4 s, ...
            None => Duration::from_secs(1 << (result.attempts - 1).min(5)),
        };
        if wait > options.max_wait {
            result.notes.push(format!(
                "the server asked to wait {} s, more than the {} s limit; not retrying",
                wait.as_secs(),
                options.max_wait.as_secs()
            ));
            break attempt;
        }
        result.notes.push(format!(
            "attempt {}: rate limited, waited {} s{}",
            result.attempts,
            wait.as_secs(),
            if failure.retry_after_secs.is_some() {
                " as Retry-After asked"
            } else {
                ""
            }
        ));
        tokio::time::sleep(wait).await;
    };
    let actual = Actual::of(&attempt);
    result.mismatches = compare(case, &actual);
    result.status = if result.mismatches.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    result.actual = Some(actual);
    result.duration_ms = millis(started.elapsed());
    Ok(result)
}

/// The case's password; a remembered one only for the origin it was given for (`url`).
fn password(deck: &Deck, source: &PasswordSource, url: &str) -> Result<Secret> {
    match source {
        PasswordSource::Given(secret) => Ok(secret.clone()),
        PasswordSource::Account(account) => {
            deck.remembered_password(account, url)?.ok_or_else(|| {
                Error::NotFound(format!(
                    "account {account} has no remembered password: log in with `authdeck login \
                 {account} --remember-password` first"
                ))
            })
        }
        PasswordSource::Keyring(name) => deck.vault()?.suite_password(name)?.ok_or_else(|| {
            Error::NotFound(format!(
                "the keyring has no suite password {name}: type the password into the case in \
                 the app and save, or run `authdeck suites password {name}`"
            ))
        }),
    }
}

/// One history row per request sent. Never a token or its fingerprint: checks keep nothing.
fn record(
    deck: &Deck,
    plan: &Plan,
    planned: &PlannedCase,
    options: &RunOptions,
    attempt: &Attempt,
    at: Timestamp,
    number: u32,
) -> Result<()> {
    let provider = planned.target.provider.id.as_str();
    let mut event = match &attempt.result {
        Ok(session) => NewEvent {
            http_status: Some(session.http_status),
            ..NewEvent::new(at, planned.email.as_str(), provider, Action::Check, true)
        },
        Err(failure) => {
            NewEvent::failed(at, planned.email.as_str(), provider, Action::Check, failure)
        }
    };
    event.latency_ms = Some(attempt.latency_ms);
    event.suite_run = Some(options.run_id.clone());
    let retry = if number > 1 {
        format!(", attempt {number}")
    } else {
        String::new()
    };
    event.note = Some(format!(
        "suite \"{}\", case \"{}\"{retry}",
        plan.name, planned.case.name
    ));
    deck.record(&event)?;
    Ok(())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
