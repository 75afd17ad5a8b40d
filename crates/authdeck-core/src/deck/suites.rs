//! QA suite files the app edits: a password typed into a case goes to the keyring, never into
//! the file.

use super::Deck;
use crate::Result;
use crate::secret::Secret;
use crate::suite::library::{self, SuiteDoc};
use crate::suite::{PlainPassword, Suite};
use std::collections::HashSet;

impl Deck {
    /// Saves a suite (to `path`, or a new file in the suites folder; see [`library::save`]),
    /// first moving every non-empty password written in it into the keyring, where the file
    /// refers to it as `password_keyring = "SUITE.CASE"`. A case that already named a keyring
    /// entry of its own keeps that name, with the new password. The file is written 0600.
    pub fn save_suite(&self, path: Option<&str>, suite: &Suite) -> Result<SuiteDoc> {
        let dir = self.home.suites_dir();
        let stem = library::file_stem(&library::target(&dir, path, suite));
        let mut suite = suite.clone();
        // Names in use by more than one place are not reused for a new password.
        let mut uses: Vec<String> = std::iter::once(&suite.defaults.password_keyring)
            .chain(suite.cases.iter().map(|c| &c.password_keyring))
            .flatten()
            .cloned()
            .collect();
        let mut taken: HashSet<String> = uses.iter().cloned().collect();
        uses.sort();
        let shared = |name: &str| uses.iter().filter(|u| u.as_str() == name).count() > 1;

        let mut moves: Vec<(String, Secret)> = Vec::new();
        let mut keep =
            |password: &mut Option<PlainPassword>, keyring: &mut Option<String>, what: &str| {
                let Some(plain) = password.take_if(|p| !p.0.is_empty()) else {
                    return;
                };
                let name = match keyring.as_deref() {
                    Some(own) if !shared(own) => own.to_string(),
                    _ => unique(&format!("{stem}.{}", slug(what)), &mut taken),
                };
                moves.push((name.clone(), Secret::new(plain.0)));
                *keyring = Some(name);
            };
        keep(
            &mut suite.defaults.password,
            &mut suite.defaults.password_keyring,
            "defaults",
        );
        for case in &mut suite.cases {
            let name = case.name.clone();
            keep(&mut case.password, &mut case.password_keyring, &name);
        }
        if !moves.is_empty() {
            let vault = self.vault()?;
            for (name, password) in &moves {
                vault.save_suite_password(name, password)?;
            }
        }
        library::save(&dir, path, &suite)
    }

    /// Keeps `password` in the keyring as the suite password `name` (`password_keyring`).
    pub fn keep_suite_password(&self, name: &str, password: &Secret) -> Result<()> {
        self.vault()?.save_suite_password(name, password)
    }
}

/// Letters, digits, `.`, `_`, `-` kept, runs of anything else as one `-`, lower case.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "case".into() } else { out }
}

/// `base` cut to fit an entry name (64), with `-2`, `-3`, ... until no other place uses it.
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let cut = |text: &str, room: usize| text.chars().take(room).collect::<String>();
    let mut name = cut(base, 64);
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        let suffix = format!("-{n}");
        name = format!("{}{suffix}", cut(base, 64 - suffix.len()));
    }
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_are_valid_and_unique_however_long_the_case_name() {
        let mut taken = HashSet::new();
        let long = format!("smoke.{}", slug(&"wrong password is refused ".repeat(5)));
        let a = unique(&long, &mut taken);
        let b = unique(&long, &mut taken);
        assert_ne!(a, b);
        for name in [&a, &b] {
            assert!(
                crate::accounts::validate_name(name).is_ok(),
                "{name} is a valid keyring name"
            );
        }
        assert_eq!(slug("Wrong password → 401!"), "wrong-password-401");
    }
}
