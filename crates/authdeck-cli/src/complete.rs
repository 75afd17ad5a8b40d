//! Shell completion through clap_complete's dynamic completion: the shell asks `authdeck`
//! itself (`COMPLETE=bash authdeck -- authdeck token <TAB>`), so account and provider names
//! come from the user's own data. Set up once per shell:
//!
//! ```text
//! echo 'source <(COMPLETE=bash authdeck)' >> ~/.bashrc
//! echo 'source <(COMPLETE=zsh authdeck)' >> ~/.zshrc
//! echo 'COMPLETE=fish authdeck | source' >> ~/.config/fish/config.fish
//! ```
//!
//! Completing never creates the data folder, never touches the keyring and never prints an
//! error: with nothing to offer it offers nothing.

use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::provider::Catalog;
use clap_complete::engine::CompletionCandidate;

/// The user's account names, each with its provider and email as help.
pub fn accounts() -> Vec<CompletionCandidate> {
    let Some(home) = Home::peek_from_env() else {
        return Vec::new();
    };
    // Deck::open would create the database; a home without one has no accounts.
    if !home.db_path().exists() {
        return Vec::new();
    }
    let Ok(deck) = Deck::open(home) else {
        return Vec::new();
    };
    let Ok(accounts) = deck.accounts(jiff::Timestamp::now()) else {
        return Vec::new();
    };
    accounts
        .into_iter()
        .map(|summary| {
            let config = summary.account.config;
            let help = match config.email.is_empty() {
                true => config.provider,
                false => format!("{} · {}", config.provider, config.email),
            };
            CompletionCandidate::new(config.name).help(Some(help.into()))
        })
        .collect()
}

/// The presets and the user's provider files, each with its name as help.
pub fn providers() -> Vec<CompletionCandidate> {
    let catalog = match Home::peek_from_env() {
        Some(home) => Catalog::load(&home.providers_dir()),
        None => Catalog::presets(),
    };
    catalog
        .providers
        .into_iter()
        .map(|(provider, _)| CompletionCandidate::new(provider.id).help(Some(provider.name.into())))
        .collect()
}
