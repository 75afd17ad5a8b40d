//! `authdeck providers`: the presets and the user's provider files.

use super::CmdResult;
use authdeck_core::home::Home;
use authdeck_core::provider::{Catalog, Source};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  authdeck providers\n  authdeck providers --json | jq '.providers[].id'\n\nYour own providers: TOML files in <AUTHDECK_HOME or the config dir>/providers/."
)]
pub struct Args {
    /// Print one JSON object (providers, and any files that could not be read).
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let home = Home::from_env()?;
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
                    "refreshable": p.refresh.is_some(),
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
            "ID", "SOURCE", "RENEWAL", "BASE URL"
        );
        for (p, source) in &catalog.providers {
            let source = match source {
                Source::Preset => "preset",
                Source::File(_) => "file",
            };
            let refresh = if p.refresh.is_some() {
                "refresh"
            } else {
                "re-login"
            };
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
