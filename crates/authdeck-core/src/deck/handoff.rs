//! Handing an account's session to other tools (`authdeck exec`, `authdeck inject`): a token
//! fresh enough, and how its API wants it sent.

use super::Deck;
use super::token::Clock;
use crate::copy::{self, Format, Presentation};
use crate::http::Http;
use crate::secret::Secret;
use crate::template::Field;
use crate::{Error, Result};
use jiff::{SignedDuration, Timestamp};
use zeroize::Zeroizing;

/// One account's session as other tools get it. No `Debug` of the token: it is a `Secret`.
#[derive(Debug)]
pub struct Handoff {
    pub account: String,
    pub base_url: String,
    pub token: Secret,
    pub presentation: Presentation,
    /// On the local clock; `None` when nobody said.
    pub expires_at: Option<Timestamp>,
    /// Said on stderr: an unknown expiry, a token shorter-lived than asked.
    pub warning: Option<String>,
}

impl Deck {
    /// The account's token, valid for at least `min_valid` (renewed first when needed, as
    /// [`Deck::token`]), with how its API wants it sent. Errors: as [`Deck::token`], and
    /// NotFound or Invalid for the account's provider.
    pub async fn handoff(
        &self,
        http: &Http,
        name: &str,
        min_valid: SignedDuration,
        clock: Clock<'_>,
    ) -> Result<Handoff> {
        let out = self.token(http, name, min_valid, clock).await?;
        let presentation = self.presentation(&out)?;
        let base_url = self.account(name)?.config.base_url;
        Ok(Handoff {
            account: out.account,
            base_url,
            token: out.token,
            presentation,
            expires_at: out.expires_at,
            warning: out.warning,
        })
    }
}

impl Handoff {
    /// The header's value (`Bearer eyJ…`, the key alone for `X-API-Key`); for a query
    /// parameter, `name=value`.
    pub fn header_value(&self) -> Zeroizing<String> {
        match &self.presentation.query {
            Some(_) => self.render(Format::Header),
            None => self.presentation.value(&self.token),
        }
    }

    /// The whole header line (`Authorization: Bearer eyJ…`), as `authdeck token --format
    /// header` prints it.
    pub fn header_line(&self) -> Zeroizing<String> {
        self.render(Format::Header)
    }

    fn render(&self, format: Format) -> Zeroizing<String> {
        copy::render(
            format,
            &self.account,
            &self.token,
            self.expires_at,
            &self.presentation,
        )
    }

    /// A template field's value ([`crate::template`]). Errors: Invalid (a claim the token
    /// does not have, or a claim of a token that is not a JWT).
    pub fn field(&self, field: &Field) -> Result<Zeroizing<String>> {
        Ok(match field {
            Field::Token => Zeroizing::new(self.token.expose().to_string()),
            Field::Header => self.header_value(),
            Field::HeaderName => Zeroizing::new(
                self.presentation
                    .query
                    .clone()
                    .unwrap_or_else(|| self.presentation.header.clone()),
            ),
            Field::HeaderLine => self.header_line(),
            Field::ExpiresAt => {
                Zeroizing::new(self.expires_at.map(|t| t.to_string()).unwrap_or_default())
            }
            Field::BaseUrl => Zeroizing::new(self.base_url.clone()),
            Field::Claim(name) => {
                let claims = crate::jwt::claims(self.token.expose()).ok_or_else(|| {
                    Error::Invalid(format!(
                        "the token of {} is not a JWT: it has no claim {name}",
                        self.account
                    ))
                })?;
                let value = claims.get(name).ok_or_else(|| {
                    Error::Invalid(format!("the token of {} has no claim {name}", self.account))
                })?;
                Zeroizing::new(match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            }
        })
    }
}
