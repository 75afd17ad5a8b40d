//! `authdeck providers`: the presets and the user's provider files.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::home::Home;
use authdeck_core::provider::{Catalog, Provider, Source, provider_file_path, save_provider_file};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  authdeck providers\n  authdeck providers --json | jq '.providers[].id'\n  authdeck providers add examples/providers/*.toml\n\nYour own providers: TOML files in <AUTHDECK_HOME or the config dir>/providers/."
)]
pub struct Args {
    /// Print one JSON object (providers, and any files that could not be read).
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Check provider files and copy them into your providers folder (replacing a file of the
    /// same id). Nothing is copied when any of them is wrong.
    Add {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
    },
}

pub fn run(args: Args) -> CmdResult {
    let home = Home::from_env()?;
    if let Some(Action::Add { files }) = args.action {
        return add(&home, &files, args.json);
    }
    let catalog = Catalog::load(&home.providers_dir());
    if args.json {
        let providers: Vec<_> = catalog
            .providers
            .iter()
            .map(|(p, source)| {
                serde_json::json!({
                    "id": p.id,
                    "name": p.name,
                    "description": p.description,
                    "source": source,
                    "base_url": p.base_url,
                    // As the table's RENEWAL column: OAuth renews with its refresh token.
                    "refreshable": p.refresh.is_some() || p.oauth.is_some(),
                    "renewal": renewal(p),
                    "docs": p.docs,
                    "choices": p.choices,
                })
            })
            .collect();
        let problems: Vec<String> = catalog.problems.iter().map(|p| p.to_string()).collect();
        println!(
            "{}",
            serde_json::json!({"providers": providers, "problems": problems})
        );
    } else {
        let width = catalog
            .providers
            .iter()
            .map(|(p, _)| p.id.len())
            .max()
            .unwrap_or(2);
        println!(
            "{:width$}  {:8}  {:8}  {:28}  NAME",
            "ID", "SOURCE", "RENEWAL", "BASE URL / ISSUER"
        );
        for (p, source) in &catalog.providers {
            let source = match source {
                Source::Preset => "preset",
                Source::File(_) => "file",
            };
            let refresh = renewal(p);
            let base = p.base_url.as_deref().unwrap_or("(you give it)");
            println!(
                "{:width$}  {source:8}  {refresh:8}  {base:28}  {}",
                p.id, p.name
            );
        }
        for problem in &catalog.problems {
            eprintln!("warning: skipped {problem}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks every file first, then saves them all: one wrong file stops the whole add.
fn add(home: &Home, files: &[std::path::PathBuf], json: bool) -> CmdResult {
    let mut texts = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Invalid(format!("could not read {}: {e}", file.display())))?;
        Provider::from_toml(&text)
            .map_err(|p| Error::Invalid(p.in_file(Some(file)).to_string()))?;
        texts.push((file, text));
    }
    let mut added = Vec::new();
    for (file, text) in texts {
        let provider = save_provider_file(&home.providers_dir(), &text)
            .map_err(|p| Error::Invalid(p.in_file(Some(file)).to_string()))?;
        added.push(provider.id);
    }
    if json {
        println!("{}", serde_json::json!({ "added": added }));
    } else {
        for id in &added {
            println!(
                "Added provider {id} ({}).",
                provider_file_path(&home.providers_dir(), id).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How a provider's sessions are renewed, in the table's and `--json`'s words.
fn renewal(p: &authdeck_core::provider::Provider) -> &'static str {
    match (p.has_login(), p.refresh.is_some()) {
        _ if p.oauth.is_some() => "oauth",
        (false, _) => "pasted",
        (true, true) => "refresh",
        (true, false) => "re-login",
    }
}
