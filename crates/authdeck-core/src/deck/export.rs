//! Export and import: accounts and custom provider files as one JSON document. Never a secret:
//! tokens and passwords stay in the keyring, session state stays in the database.

use super::Deck;
use crate::accounts::{self, AccountConfig};
use crate::{Error, Result, db, lock};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The export format this build writes and the newest it reads.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// An export file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    /// The format version; files from a newer Authdeck are refused rather than half-read.
    pub authdeck_export: u32,
    pub exported_at: Timestamp,
    pub accounts: Vec<AccountConfig>,
    #[serde(default)]
    pub providers: Vec<ProviderFile>,
    /// Per account (in the order of `accounts`), the [`LATER_FIELDS`] the file leaves out, as a
    /// file from an older Authdeck does: an import keeps what is stored for them rather than
    /// resetting them.
    #[serde(skip)]
    pub absent: Vec<Vec<&'static str>>,
}

/// Account fields added to the format after its first files were written.
pub const LATER_FIELDS: [&str; 3] = ["timeout_secs", "env_var", "tag"];

/// A custom provider file from the providers folder, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderFile {
    /// The file name, e.g. `acme.toml`.
    pub file: String,
    pub content: String,
}

/// What an import did, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub accounts: Tally,
    pub providers: Tally,
    /// Changed accounts whose secrets were dropped: moved to another server (every secret) or
    /// signed out by the change (their tokens).
    pub secrets_dropped: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tally {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    /// Already present with the same content.
    pub skipped: Vec<String>,
}

impl Export {
    /// Reads an export document; `source` names it in errors (a file name, or "stdin").
    pub fn from_json(text: &str, source: &str) -> Result<Export> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Error::Invalid(format!(
                "{source} is not an Authdeck export (not JSON: {e})"
            ))
        })?;
        match value
            .get("authdeck_export")
            .and_then(serde_json::Value::as_u64)
        {
            None => {
                return Err(Error::Invalid(format!(
                    "{source} is not an Authdeck export (no \"authdeck_export\" version field)"
                )));
            }
            Some(version) if version > u64::from(EXPORT_FORMAT_VERSION) => {
                return Err(Error::Invalid(format!(
                    "{source} was made by a newer Authdeck (export format {version}; this one \
                     reads up to {EXPORT_FORMAT_VERSION}); update Authdeck"
                )));
            }
            Some(_) => {}
        }
        let absent: Vec<Vec<&'static str>> = value
            .get("accounts")
            .and_then(serde_json::Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|account| {
                        LATER_FIELDS
                            .into_iter()
                            .filter(|field| account.get(field).is_none())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut export: Export = serde_json::from_value(value)
            .map_err(|e| Error::Invalid(format!("{source} is not a valid Authdeck export: {e}")))?;
        // A file with every field reads the same as the export it came from.
        if absent.iter().any(|fields| !fields.is_empty()) {
            export.absent = absent;
        }
        export.validate(source)?;
        Ok(export)
    }

    /// `config` (the account at `index`) with the fields the file leaves out taken from
    /// `stored`.
    fn keeping_absent(
        &self,
        index: usize,
        config: &AccountConfig,
        stored: &AccountConfig,
    ) -> AccountConfig {
        let mut config = config.clone();
        for field in self.absent.get(index).into_iter().flatten() {
            match *field {
                "timeout_secs" => config.timeout_secs = stored.timeout_secs,
                "env_var" => config.env_var = stored.env_var.clone(),
                "tag" => config.tag = stored.tag.clone(),
                _ => {}
            }
        }
        config
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| Error::Io(format!("cannot write the export: {e}")))
    }

    /// Reads the export file at `path` (named by it in errors). Errors: Invalid (unreadable,
    /// not an export, or an invalid entry).
    pub fn read_file(path: &Path) -> Result<Export> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Invalid(format!("cannot read {source}: {e}")))?;
        Export::from_json(&text, &source)
    }

    /// Writes this export to `path` as JSON with a final newline. Errors: Io.
    pub fn write_file(&self, path: &Path) -> Result<()> {
        std::fs::write(path, format!("{}\n", self.to_json()?)).map_err(|e| {
            Error::Io(format!(
                "cannot write the export to {}: {e}",
                path.display()
            ))
        })
    }

    /// Everything is checked before anything is written, so a bad file changes nothing.
    fn validate(&self, source: &str) -> Result<()> {
        let mut names = std::collections::HashSet::new();
        for account in &self.accounts {
            account
                .validate()
                .map_err(|e| Error::Invalid(format!("{source}: {e}")))?;
            if !names.insert(account.name.as_str()) {
                return Err(Error::Invalid(format!(
                    "{source}: account {} appears twice",
                    account.name
                )));
            }
        }
        let mut files = std::collections::HashSet::new();
        for provider in &self.providers {
            validate_provider_file_name(&provider.file)
                .map_err(|e| Error::Invalid(format!("{source}: {e}")))?;
            if !files.insert(provider.file.as_str()) {
                return Err(Error::Invalid(format!(
                    "{source}: provider file {} appears twice",
                    provider.file
                )));
            }
        }
        Ok(())
    }
}

/// Provider file names become paths: no folders, no hidden files, `.toml` only.
fn validate_provider_file_name(name: &str) -> Result<()> {
    let stem_ok = name.strip_suffix(".toml").is_some_and(|stem| {
        !stem.is_empty()
            && !stem.starts_with('.')
            && stem
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    });
    if !stem_ok || name.len() > 128 {
        return Err(Error::Invalid(format!(
            "{name:?} is not a valid provider file name: use letters, digits, . _ - and end \
             with .toml (for example `acme.toml`)"
        )));
    }
    Ok(())
}

impl Deck {
    /// Accounts (their configuration only) and the custom provider files.
    pub fn export(&self, now: Timestamp) -> Result<Export> {
        let accounts = accounts::list(&*self.db()?)?
            .into_iter()
            .map(|account| account.config)
            .collect();
        Ok(Export {
            authdeck_export: EXPORT_FORMAT_VERSION,
            exported_at: now,
            accounts,
            providers: read_provider_files(&self.home.providers_dir())?,
            absent: Vec::new(),
        })
    }

    /// Adds what is new, replaces what differs, skips what is identical. Sessions and secrets
    /// of existing accounts are left as they are, except that an account moved to another
    /// server, user or provider loses the secrets that no longer fit ([`Deck::save_account`]),
    /// listed in [`ImportReport::secrets_dropped`].
    pub fn import(&self, export: &Export, now: Timestamp) -> Result<ImportReport> {
        export.validate("the import")?;
        self.check_providers(export)?;
        let mut report = ImportReport::default();
        let dir = self.home.providers_dir();
        for provider in &export.providers {
            let path = dir.join(&provider.file);
            let tally = &mut report.providers;
            match std::fs::read_to_string(&path) {
                Ok(existing) if existing == provider.content => {
                    tally.skipped.push(provider.file.clone());
                    continue;
                }
                Ok(_) => tally.changed.push(provider.file.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tally.added.push(provider.file.clone())
                }
                // Unreadable (not UTF-8, say): it is replaced, as a changed file.
                Err(_) => tally.changed.push(provider.file.clone()),
            }
            write_file_atomically(&path, &provider.content)?;
        }
        let edited = {
            let conn = self.db()?;
            db::write(&conn, |tx| {
                let mut edited = Vec::new();
                for (index, config) in export.accounts.iter().enumerate() {
                    let tally = &mut report.accounts;
                    let existing = accounts::get(tx, &config.name)?;
                    let config = &match &existing {
                        Some(existing) => export.keeping_absent(index, config, &existing.config),
                        None => config.clone(),
                    };
                    match existing {
                        Some(existing) if existing.config == *config => {
                            tally.skipped.push(config.name.clone());
                        }
                        Some(existing) => {
                            tally.changed.push(config.name.clone());
                            accounts::bind_secrets_origin(tx, &existing)?;
                            edited.push((existing, accounts::upsert(tx, config, now)?));
                        }
                        None => {
                            tally.added.push(config.name.clone());
                            accounts::check_new_name(tx, &config.name)?;
                            accounts::upsert(tx, config, now)?;
                        }
                    }
                }
                Ok(edited)
            })?
        };
        // As with any edit: an account moved to another server loses the secrets given for the
        // old one, an account signed out by the change loses its tokens.
        for (before, after) in &edited {
            let _lock = lock::acquire(&self.home.locks_dir(), &after.config.name)?;
            if self.drop_stale_secrets(before, after, now)? {
                report.secrets_dropped.push(after.config.name.clone());
            }
        }
        Ok(report)
    }
}

impl Deck {
    /// Each provider file of `export` reads as a provider, and each account's provider (one
    /// here or one the file brings) takes the account's overrides, as a login would check
    /// them: an account that could never log in is refused before anything is written.
    /// Errors: Invalid, naming the file or account.
    fn check_providers(&self, export: &Export) -> Result<()> {
        let mut brought = Vec::new();
        for file in &export.providers {
            let provider = crate::provider::Provider::from_toml(&file.content).map_err(|p| {
                Error::Invalid(format!(
                    "the import: provider file {} is not a valid provider: {p}",
                    file.file
                ))
            })?;
            brought.push(provider);
        }
        let catalog = self.catalog();
        for config in &export.accounts {
            let provider = match brought.iter().find(|p| p.id == config.provider) {
                Some(p) => p,
                None => catalog.get(&config.provider).map_err(|_| {
                    Error::Invalid(format!(
                        "the import: account {} uses the provider `{}`, which is neither here \
                         nor in the file: add its provider file first (`authdeck providers \
                         add`), or export it along",
                        config.name, config.provider
                    ))
                })?,
            };
            provider
                .with_overrides(&serde_json::Value::Object(config.overrides.clone()))
                .map_err(|e| Error::Invalid(format!("the import: account {}: {e}", config.name)))?;
        }
        Ok(())
    }
}

fn read_provider_files(dir: &Path) -> Result<Vec<ProviderFile>> {
    let cannot = |e: std::io::Error, path: &Path| {
        Error::Io(format!(
            "cannot read the provider file {}: {e}",
            path.display()
        ))
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(cannot(e, dir)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| cannot(e, dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if validate_provider_file_name(&name).is_err() || !entry.path().is_file() {
            continue;
        }
        let content =
            std::fs::read_to_string(entry.path()).map_err(|e| cannot(e, &entry.path()))?;
        files.push(ProviderFile {
            file: name,
            content,
        });
    }
    files.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(files)
}

/// A crash mid-import leaves either the old file or the new one, never half of it.
fn write_file_atomically(path: &Path, content: &str) -> Result<()> {
    let cannot = |e: std::io::Error| {
        Error::Io(format!(
            "cannot write the provider file {}: {e}",
            path.display()
        ))
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, content).map_err(cannot)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        cannot(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_file_names_cannot_escape_the_folder() {
        for good in ["acme.toml", "a-b_c.v2.toml"] {
            assert!(validate_provider_file_name(good).is_ok(), "{good} is fine");
        }
        for bad in [
            "../x.toml",
            "a/b.toml",
            ".hidden.toml",
            ".toml",
            "x.txt",
            "x",
            "C:\\x.toml",
        ] {
            assert!(
                validate_provider_file_name(bad).is_err(),
                "{bad} must be refused"
            );
        }
    }

    #[test]
    fn newer_export_format_is_refused() {
        let text =
            r#"{"authdeck_export": 2, "exported_at": "2026-01-01T00:00:00Z", "accounts": []}"#;
        let err = Export::from_json(text, "x.json").expect_err("a newer format is refused");
        assert!(err.to_string().contains("newer Authdeck"), "{err}");
    }

    #[test]
    fn non_export_json_is_refused_with_the_source_named() {
        let err = Export::from_json(r#"{"hello": 1}"#, "x.json").expect_err("not an export");
        assert!(
            err.to_string().contains("x.json is not an Authdeck export"),
            "{err}"
        );
        let err = Export::from_json("nope", "x.json").expect_err("not JSON");
        assert!(err.to_string().contains("x.json"), "{err}");
    }
}
