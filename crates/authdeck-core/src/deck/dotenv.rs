//! "Import from .env": a developer's `.env` file becomes accounts holding pasted tokens. The
//! file is read twice (to offer its variables, then to import the chosen ones), so no value
//! ever leaves Rust.

use super::Deck;
use super::login::{LoginReport, PastedToken};
use crate::environment::dotenv::{self, DotenvFile};
use crate::{Error, Result};
use jiff::Timestamp;
use serde::Deserialize;
use std::path::Path;

/// The largest `.env` read: a bigger file is not a `.env`.
const MAX_BYTES: u64 = 1024 * 1024;

/// One variable to import, as the user chose it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DotenvPick {
    /// The variable's name in the file.
    pub variable: String,
    /// The new account's name.
    pub account: String,
    pub provider: String,
    pub base_url: String,
    /// The environment tag the new account gets (`dev`); `None`: none.
    #[serde(default)]
    pub tag: Option<String>,
}

/// Reads `path` as a `.env` file ([`dotenv::read`]). Errors: Invalid (not a regular file,
/// not readable, over 1 MiB: read up to the cap, so a pipe or a device cannot fill memory).
fn read_file(path: &Path) -> Result<(Vec<(String, crate::secret::Secret)>, u32)> {
    use std::io::Read as _;
    let shown = path.display();
    let cannot = |e: std::io::Error| Error::Invalid(format!("cannot read {shown}: {e}"));
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(Error::Invalid(format!(
            "{shown} is not a file (a folder, a pipe or a device): choose the .env file itself"
        )));
    }
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Error::Invalid(format!(
            "{shown} is over 1 MiB: a .env file is a few lines, choose the right file"
        )));
    }
    Ok(dotenv::read(&bytes))
}

impl Deck {
    /// The variables of the `.env` file at `path`, without their values: what "Import from
    /// .env" offers. Errors: Invalid (the file cannot be read or is too big).
    pub fn dotenv_offer(&self, path: &Path) -> Result<DotenvFile> {
        let (pairs, skipped) = read_file(path)?;
        Ok(dotenv::offer(&pairs, skipped))
    }

    /// Keeps each chosen variable of the `.env` file at `path` as a new account's pasted token
    /// (see [`Deck::keep_pasted`]). Every pick is checked first (a free, valid and distinct
    /// name, a known provider, a base URL, the variable still in the file), so a bad one
    /// changes nothing. Errors: Invalid, Conflict (a name is taken), NotFound (a provider),
    /// Keyring, Storage.
    pub async fn import_dotenv(
        &self,
        path: &Path,
        picks: &[DotenvPick],
        now: Timestamp,
    ) -> Result<Vec<LoginReport>> {
        if picks.is_empty() {
            return Err(Error::Invalid(
                "no variable was chosen: tick the ones to import".into(),
            ));
        }
        let (pairs, _) = read_file(path)?;
        let catalog = self.catalog();
        let existing = self.accounts(now)?;
        let mut names = std::collections::HashSet::new();
        let mut chosen = Vec::new();
        for pick in picks {
            crate::accounts::check_new_name(&*self.db()?, &pick.account)?;
            if !names.insert(pick.account.to_lowercase())
                || existing
                    .iter()
                    .any(|a| a.account.config.name == pick.account)
            {
                return Err(Error::Conflict(format!(
                    "an account named {:?} exists already or is chosen twice: give {} another \
                     name",
                    pick.account, pick.variable
                )));
            }
            catalog.get(&pick.provider)?;
            if let Some(tag) = &pick.tag {
                crate::accounts::tag_checked(tag)?;
            }
            crate::http::origin(&pick.base_url).map_err(|_| {
                Error::Invalid(format!(
                    "{}: the base URL {:?} is not a URL; give it as https://host[/prefix]",
                    pick.account, pick.base_url
                ))
            })?;
            let Some((_, value)) = pairs.iter().find(|(name, _)| *name == pick.variable) else {
                return Err(Error::Invalid(format!(
                    "{} is no longer in {}: open the file again",
                    pick.variable,
                    path.display()
                )));
            };
            // What keeping it would refuse, refused now, before any account is made.
            super::login::pasted_token(value)
                .map_err(|e| Error::Invalid(format!("{}: {e}", pick.variable)))?;
            chosen.push((pick, value));
        }
        let mut reports = Vec::new();
        for (pick, value) in chosen {
            // The project's own variable name becomes the account's (what `exec` and the
            // .env copy use), unless a shell or Authdeck reads that name for itself.
            let env_var = crate::accounts::env_var_problem(&pick.variable)
                .is_none()
                .then(|| pick.variable.clone());
            let pasted = PastedToken {
                provider: Some(pick.provider.clone()),
                base_url: Some(pick.base_url.trim().to_string()),
                env_var,
                tag: pick.tag.clone(),
                ..PastedToken::new(pick.account.clone(), value.clone())
            };
            reports.push(self.keep_pasted(pasted, now).await?);
        }
        Ok(reports)
    }
}
