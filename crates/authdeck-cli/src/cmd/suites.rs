//! `authdeck suites`: the QA suite library, the same one the app's QA screen shows: your suite
//! files in the data folder's `suites/`, and the built-in examples.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::secret::Secret;
use authdeck_core::suite::library;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck suites                          # your suites, then the built-in examples
  authdeck suites new smoke                # a new suite file with one case to start from
  authdeck suites show example:user-login > mine.toml
  authdeck suites password smoke.alice < pass.txt   # then password_keyring = \"smoke.alice\"
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
    /// Keep a password in the keyring for suites to use as `password_keyring = "NAME"`: read
    /// from standard input (one line), or asked for in a terminal. Replaces one kept before.
    Password {
        /// Letters, digits, . _ - (up to 64), e.g. smoke.alice.
        name: String,
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
                // The user's own files; the built-in examples use the sandbox's public password.
                for e in entries.iter().filter(|e| !e.example) {
                    for warning in library::open(&e.path)
                        .map(|d| d.warnings)
                        .unwrap_or_default()
                    {
                        eprintln!("warning: {}: {warning}", e.path);
                    }
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
            for warning in &doc.warnings {
                eprintln!("warning: {path}: {warning}");
            }
            print!("{}", doc.suite.to_toml()?);
        }
        Some(Action::Password { name }) => {
            authdeck_core::accounts::validate_name(&name)?;
            let password = read_password(&name)?;
            Deck::open(home)?.keep_suite_password(&name, &password)?;
            if args.json {
                println!("{}", serde_json::json!({ "kept": name }));
            } else {
                println!(
                    "Kept in the keyring: use it in a suite as password_keyring = \"{name}\"."
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The password from a hidden prompt in a terminal, else the first line of standard input.
fn read_password(name: &str) -> Result<Secret, Error> {
    let text = if std::io::stdin().is_terminal() {
        zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("Password for {name}: "))
                .map_err(|e| Error::Invalid(format!("could not read the password: {e}")))?,
        )
    } else {
        let mut text = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::Invalid(format!("could not read the password from stdin: {e}")))?;
        text
    };
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(Error::Invalid(format!(
            "no password given: pipe it in (`authdeck suites password {name} < file`) or run \
             in a terminal to be asked"
        )));
    }
    Ok(Secret::new(line))
}
