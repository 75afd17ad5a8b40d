//! Reading an account's stored token as it is: no renewal, no network, no history event.
//! For looking at a session (the app's inspector) without changing it; use `Deck::token`
//! when the token is going to be sent somewhere and must be valid.

use crate::Result;
use crate::deck::Deck;
use crate::secret::Secret;

impl Deck {
    /// The token in the keyring for `name`, even an expired one; `None` when signed out.
    /// An unknown account is a NotFound error.
    pub fn stored_token(&self, name: &str) -> Result<Option<Secret>> {
        self.account(name)?;
        Ok(self.vault()?.load(name)?.and_then(|doc| doc.token))
    }
}

#[cfg(test)]
mod tests {
    use crate::accounts::AccountConfig;
    use crate::deck::Deck;
    use crate::history::Filter;
    use crate::home::Home;
    use crate::vault::{Vault, VaultDoc};
    use crate::{Error, Secret};
    use jiff::Timestamp;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn deck(
        dir: &std::path::Path,
    ) -> std::result::Result<(Deck, Vault), Box<dyn std::error::Error>> {
        let store = keyring_core::mock::Store::new()?;
        let home = Home::at(dir.join("home"))?;
        let deck =
            Deck::open_with_vault(home, Vault::with_store(store.clone(), "peek-test", None))?;
        Ok((deck, Vault::with_store(store, "peek-test", None)))
    }

    fn config(name: &str) -> AccountConfig {
        AccountConfig {
            name: name.into(),
            provider: "user-login".into(),
            // Nothing listens here: a renewal attempt would fail instead of going unnoticed.
            base_url: "http://127.0.0.1:9/user-login".into(),
            email: "a@b.c".into(),
            overrides: Default::default(),
            allow_insecure_http: false,
        }
    }

    #[test]
    fn the_stored_token_is_returned_as_is_without_renewing_or_recording() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let (deck, vault) = deck(tmp.path())?;
        deck.save_account(&config("alice"), Timestamp::now())?;
        vault.save(
            "alice",
            &VaultDoc {
                token: Some(Secret::new("stored.jwt.token")),
                refresh_token: Some(Secret::new("refresh")),
                password: None,
            },
        )?;
        let token = deck.stored_token("alice")?.ok_or("a stored token")?;
        assert_eq!(token.expose(), "stored.jwt.token");
        assert!(
            deck.history(&Filter::default())?.is_empty(),
            "peeking records no event"
        );
        Ok(())
    }

    #[test]
    fn a_signed_out_account_has_no_token_and_an_unknown_one_is_not_found() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let (deck, _vault) = deck(tmp.path())?;
        deck.save_account(&config("bob"), Timestamp::now())?;
        assert!(deck.stored_token("bob")?.is_none(), "nothing stored");
        assert!(
            matches!(deck.stored_token("nobody"), Err(Error::NotFound(_))),
            "an unknown account is NotFound"
        );
        Ok(())
    }
}
