//! `authdeck suites`: the QA suite library, the same one the app's QA screen shows: your suite
//! files in the data folder's `suites/`, and the built-in examples.

use super::CmdResult;
use authdeck_core::home::Home;
use authdeck_core::suite::library;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck suites                          # your suites, then the built-in examples
  authdeck suites new smoke                # a new suite file with one case to start from
  authdeck suites show example:user-login > mine.toml
  authdeck check \"$(authdeck suites --json | jq -r '.[0].path')\"")]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Print JSON: the list (title, path, example), the new suite's entry; errors too.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Create `<data dir>/suites/NAME.toml` with one case to start from (never overwrites).
    New {
        /// Letters, digits, . _ - (up to 64).
        name: String,
    },
    /// Print a suite as TOML.
    Show {
        /// A suite file's path, or `example:ID` for a built-in example (see `authdeck suites`).
        path: String,
    },
}

pub fn run(args: Args) -> CmdResult {
    let home = Home::from_env()?;
    let dir = home.suites_dir();
    match args.action {
        None => {
            let entries = library::list(&dir);
            if args.json {
                let json = serde_json::to_string(&entries).map_err(|e| {
                    authdeck_core::Error::Io(format!("could not write the list: {e}"))
                })?;
                println!("{json}");
            } else {
                let width = entries.iter().map(|e| e.title.len()).max().unwrap_or(5);
                println!("{:width$}  PATH", "TITLE");
                for e in &entries {
                    println!("{:width$}  {}", e.title, e.path);
                }
            }
        }
        Some(Action::New { name }) => {
            let doc = library::create(&dir, &name)?;
            if args.json {
                let entry =
                    serde_json::json!({"title": doc.title, "path": doc.path, "example": false});
                println!("{entry}");
            } else {
                println!(
                    "Created {}: edit it, then `authdeck check {}`.",
                    doc.path, doc.path
                );
            }
        }
        Some(Action::Show { path }) => {
            let doc = library::open(&path)?;
            print!("{}", doc.suite.to_toml()?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
