//! `authdeck check`: run QA suites (what each login must answer) and say what differs.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::suite::{self, CaseResult, Plan, RunOptions, Status, Suite, SuiteReport, Vars};
use jiff::Timestamp;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  # the example suites against the sandbox (run `authdeck sandbox --port 8787` first)
  authdeck check examples/qa/*.toml --var SANDBOX_URL=http://127.0.0.1:8787
  # in CI: JUnit for the test report, four cases at a time
  SANDBOX_URL=http://127.0.0.1:8787 authdeck check examples/qa/*.toml --junit check.xml --concurrency 4
  # re-run one case
  authdeck check examples/qa/talkstack.toml --case \"wrong password\"

A suite file (TOML):
  [defaults]
  provider = \"meetra\"
  base_url = \"${SANDBOX_URL}/meetra\"     # ${VAR} and ${VAR:-fallback} are expanded
  password_env = \"QA_PASSWORD\"           # or password = \"...\", or password_from_account = \"NAME\"

  [[case]]
  name = \"wrong password is refused\"
  email = \"alice@meetra.test\"
  password = \"wrong\"
  kind = \"invalid_credentials\"          # also: ok, http_status, error_code,
  http_status = 400                      # message_contains, message_matches, max_latency_ms

Every attempt is recorded in the history (action check, tagged with the run id); no token is
ever kept. A 429 is retried after its Retry-After (at most --max-retries times) unless the case
expects rate_limited.
Exit status: 0 every case passed, 1 a case failed or could not run, 2 bad usage or a broken suite.")]
pub struct Args {
    /// Suite files (TOML).
    #[arg(required = true, value_name = "SUITE")]
    suites: Vec<PathBuf>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Print one JSON object with every result instead of the table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Cases in flight at once.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    /// A value for ${NAME} in the suites (wins over the environment); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// How many times a 429 answer is retried before the case reports rate_limited.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    max_retries: u32,
    /// Run only the cases with this name (repeatable).
    #[arg(long = "case", value_name = "NAME")]
    cases: Vec<String>,
}

/// The `--json` document.
#[derive(Serialize)]
struct JsonRun<'a> {
    run_id: &'a str,
    passed: usize,
    failed: usize,
    errors: usize,
    suites: &'a [SuiteReport],
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let vars = vars(&args.vars)?;
    let plans = plans(&args, &deck, &vars)?;
    let http = Http::new()?;
    let now = Timestamp::now();
    let options = RunOptions {
        concurrency: usize::from(args.concurrency),
        max_retries: args.max_retries,
        ..RunOptions::new(suite::new_run_id(now))
    };
    let mut reports = Vec::with_capacity(plans.len());
    for plan in &plans {
        let widths = Widths::of(plan);
        if !args.json {
            print_header(plan, &widths);
        }
        let report = suite::run(&deck, &http, plan, &options, |case| {
            if !args.json {
                print_case(case, &widths);
            }
        })
        .await?;
        if !args.json {
            print_totals(&report);
        }
        reports.push(report);
    }
    let total = |f: fn(&SuiteReport) -> usize| reports.iter().map(f).sum::<usize>();
    let (passed, failed, errors) = (
        total(|r| r.passed),
        total(|r| r.failed),
        total(|r| r.errors),
    );
    if let Some(path) = &args.junit {
        std::fs::write(path, suite::junit(&reports)).map_err(|e| {
            Error::Io(format!(
                "could not write the JUnit report to {}: {e}",
                path.display()
            ))
        })?;
    }
    if args.json {
        let doc = JsonRun {
            run_id: &options.run_id,
            passed,
            failed,
            errors,
            suites: &reports,
        };
        let text = serde_json::to_string_pretty(&doc)
            .map_err(|e| Error::Io(format!("could not write JSON: {e}")))?;
        println!("{text}");
    } else {
        let suites = if reports.len() == 1 {
            "suite"
        } else {
            "suites"
        };
        println!(
            "{} {suites}: {passed} passed, {failed} failed, {errors} could not run (run {}, in the history as action check)",
            reports.len(),
            options.run_id
        );
    }
    Ok(if failed + errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `--var NAME=VALUE` over the environment.
fn vars(assignments: &[String]) -> Result<Vars, Error> {
    let mut vars = Vars::from_env();
    for assignment in assignments {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(Error::Invalid(format!(
                "`--var {assignment}` needs the form NAME=VALUE, e.g. --var SANDBOX_URL=http://127.0.0.1:8787"
            )));
        };
        vars = vars.with(name.trim(), value);
    }
    Ok(vars)
}

/// Every suite read and planned before anything is sent, so a broken file costs no request.
/// All problems are printed, not only the first.
fn plans(args: &Args, deck: &Deck, vars: &Vars) -> Result<Vec<Plan>, Error> {
    let catalog = deck.catalog();
    let mut plans = Vec::new();
    let mut problems = Vec::new();
    for path in &args.suites {
        let plan = Suite::load_plan(path, &catalog, vars);
        if let Ok(plan) = &plan {
            for warning in &plan.warnings {
                eprintln!("warning: {}: {warning}", path.display());
            }
        }
        match plan {
            Ok(plan) if args.cases.is_empty() => plans.push(plan),
            Ok(plan) => {
                let plan = plan.named(&args.cases);
                if !plan.cases.is_empty() {
                    plans.push(plan);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if let Some((last, others)) = problems.split_last() {
        for problem in others {
            eprintln!("error: {problem}");
        }
        return Err(last.clone().into());
    }
    if plans.is_empty() {
        return Err(Error::Invalid(format!(
            "no case named {} in these suites",
            args.cases
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    Ok(plans)
}

struct Widths {
    name: usize,
    email: usize,
}

impl Widths {
    fn of(plan: &Plan) -> Widths {
        let width = |f: fn(&suite::PlannedCase) -> usize, min| {
            plan.cases.iter().map(f).max().unwrap_or(0).max(min)
        };
        Widths {
            name: width(|c| c.case.name.chars().count(), 4),
            email: width(|c| c.email.chars().count(), 5),
        }
    }
}

fn print_header(plan: &Plan, w: &Widths) {
    match &plan.file {
        Some(file) => println!("{} ({})", plan.name, file.display()),
        None => println!("{}", plan.name),
    }
    println!(
        "  {:<6}  {:<nw$}  {:<ew$}  {:>6}  ANSWER",
        "RESULT",
        "CASE",
        "EMAIL",
        "MS",
        nw = w.name,
        ew = w.email
    );
}

/// One row as soon as the case ends; a failure gets its diff right under it.
fn print_case(case: &CaseResult, w: &Widths) {
    let result = match case.status {
        Status::Pass => "pass",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
    };
    let (ms, answer) = match &case.actual {
        Some(a) => (a.latency_ms.to_string(), short_answer(a)),
        None => ("-".into(), "not sent".into()),
    };
    let mut out = format!(
        "  {result:<6}  {:<nw$}  {:<ew$}  {ms:>6}  {answer}\n",
        case.name,
        case.email,
        nw = w.name,
        ew = w.email
    );
    let indent = " ".repeat(10);
    if let Some(error) = &case.error {
        out.push_str(&format!("{indent}{error}\n"));
    }
    if !case.mismatches.is_empty() {
        let fw = case
            .mismatches
            .iter()
            .map(|m| m.field.len())
            .max()
            .unwrap_or(0);
        for m in &case.mismatches {
            out.push_str(&format!(
                "{indent}{:<fw$}  expected {}\n{indent}{:<fw$}  actual   {}\n",
                m.field, m.expected, "", m.actual
            ));
        }
        if let Some(actual) = &case.actual {
            out.push_str(&format!("{indent}answer: {}\n", actual.summary()));
        }
    }
    if case.status != Status::Pass {
        for note in &case.notes {
            out.push_str(&format!("{indent}note: {note}\n"));
        }
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}

/// Kind (or success), status and code: the message goes in the diff, where there is room.
fn short_answer(a: &suite::Actual) -> String {
    let mut parts = vec![a.kind.map_or("success".to_string(), |k| k.to_string())];
    if let Some(status) = a.http_status {
        parts.push(status.to_string());
    }
    if let Some(code) = &a.error_code {
        parts.push(code.clone());
    }
    parts.join(" ")
}

fn print_totals(report: &SuiteReport) {
    println!(
        "  {} passed, {} failed, {} could not run, in {:.1} s\n",
        report.passed,
        report.failed,
        report.errors,
        report.duration_ms as f64 / 1000.0
    );
}
