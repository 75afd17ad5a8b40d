//! OAuth 2.0 / OpenID Connect accounts: sign in with the provider's grant, renew (refresh
//! token, or the grant again where no user is needed), revoke at logout, introspect. The
//! protocol is [`crate::oauth`]; this file decides what is kept, as [`super::login`] does for
//! the other accounts.

use super::login::{LoginPlan, LoginReport, Outcome};
use super::{Clock, Deck};
use crate::accounts::{Account, AccountConfig};
use crate::history::Action;
use crate::http::{Http, Policy};
use crate::oauth::introspection::Introspection;
use crate::oauth::revocation::Revocable;
use crate::oauth::token_request::GrantRequest;
use crate::oauth::transport::Transport;
use crate::oauth::{self, Endpoints, Registration, UserAgent};
use crate::outcome::{Attempt, Failure};
use crate::provider::{ClientAuth, Grant, OAuthSpec, Provider};
use crate::secret::Secret;
use crate::vault::VaultDoc;
use crate::{Error, Result, lock};
use std::time::Duration;

impl Deck {
    /// Signs an OAuth account in as planned, holding its lock: the browser (authorization
    /// code + PKCE), a device code, client credentials or the password grant, per the
    /// provider. `agent` opens the browser or shows the device code; `limit` bounds the
    /// browser's return. `Ok` with a failed outcome when the server or the user refused;
    /// `Err` when it could not start (Invalid: no client id; Keyring, Storage).
    pub async fn sign_in(
        &self,
        http: &Http,
        plan: LoginPlan,
        agent: &dyn UserAgent,
        limit: Duration,
        clock: Clock<'_>,
    ) -> Result<LoginReport> {
        let (config, provider, existing, password, remember, client_secret, timeout, forget) =
            plan.into_oauth_parts();
        let spec = provider.oauth.clone().ok_or_else(|| {
            Error::Invalid(format!(
                "the {} provider signs in with a password: use `authdeck login` without OAuth \
                 options",
                provider.id
            ))
        })?;
        let name = config.name.clone();
        let _lock = lock::acquire_async(&self.home.locks_dir(), &name).await?;
        let current = crate::accounts::get(&*self.db()?, &name)?;
        let existing = super::login::settled(self, current, existing, &config, "sign-in")?;
        let same_origin = existing
            .as_ref()
            .and_then(Account::secrets_given_for)
            .is_some_and(|given_for| config.origin().is_ok_and(|o| o == given_for));
        let stored = match same_origin {
            true => self.vault()?.load(&name)?,
            false => None,
        };
        let client_secret =
            client_secret.or_else(|| stored.as_ref().and_then(|d| d.client_secret.clone()));
        let reg = registration(&config, &spec, client_secret.clone())?;
        let password = match spec.grant {
            Grant::Password => Some(
                password
                    .or_else(|| stored.as_ref().and_then(|d| d.password.clone()))
                    .ok_or_else(|| {
                        Error::Invalid(format!(
                            "no password for {name}: give it with --password-stdin or at the prompt"
                        ))
                    })?,
            ),
            _ => None,
        };
        let now = clock();
        let transport = Transport::new(
            http.clone(),
            Policy {
                timeout,
                allow_insecure_http: config.allow_insecure_http,
                ..Policy::default()
            },
        );
        let attempt = match oauth::discovery::endpoints(&transport, &config.base_url, &spec).await {
            Err(failure) => failed(failure),
            Ok(mut endpoints) => {
                self::grant(
                    &transport,
                    &mut endpoints,
                    &reg,
                    &spec,
                    &config,
                    password.as_ref(),
                    agent,
                    limit,
                    clock,
                )
                .await
            }
        };
        // A new account is stored once the sign-in ended (a refusal too, unless the request
        // says to forget it, as a login's does); a sign-in cancelled while it waited for the
        // user leaves nothing.
        if existing.is_none() && (attempt.result.is_ok() || !forget) {
            self.save_account_locked(&config, now)?;
        }
        let previous = if attempt.result.is_ok() && existing.is_some() {
            let account = self.save_account_locked(&config, now)?;
            stored.map(|doc| match account.session.signed_in {
                true => doc,
                false => VaultDoc {
                    password: doc.password,
                    client_secret: doc.client_secret,
                    ..VaultDoc::default()
                },
            })
        } else {
            stored
        };
        let previous = VaultDoc {
            client_secret,
            ..previous.unwrap_or_default()
        };
        let remember = (remember || previous.password.is_some()) && password.is_some();
        self.keep(
            &config,
            &provider,
            Action::Login,
            attempt,
            if remember { password } else { None },
            Some(previous),
        )
    }

    /// Renews an OAuth session: the refresh token first; when there is none or it is
    /// refused, the grant again where it needs no one (client credentials, or the password
    /// grant with a remembered password). Call with the account's lock held. Errors:
    /// SessionExpired (the user must sign in again, and the message says how), Refused (a
    /// transient failure), Keyring, Storage.
    pub(super) async fn renew_oauth(
        &self,
        http: &Http,
        account: &Account,
        provider: &Provider,
        spec: &OAuthSpec,
        doc: VaultDoc,
        clock: Clock<'_>,
    ) -> Result<LoginReport> {
        let name = &account.config.name;
        let reg = registration(&account.config, spec, doc.client_secret.clone())?;
        let transport = transport(http, &account.config);
        let mut endpoints =
            match oauth::discovery::endpoints(&transport, &account.config.base_url, spec).await {
                Ok(e) => e,
                Err(failure) => {
                    let report = self.keep(
                        &account.config,
                        provider,
                        Action::Refresh,
                        failed(failure),
                        None,
                        Some(doc),
                    )?;
                    return Err(match report.outcome {
                        Outcome::Failed(f) => Error::Refused(f),
                        Outcome::Ok(_) => Error::Io("discovery failed and did not".into()),
                    });
                }
            };
        let mut refused = None;
        if let Some(refresh_token) = doc.refresh_token.clone() {
            let attempt = oauth::token_request::request(
                &transport,
                &mut endpoints,
                &reg,
                spec,
                GrantRequest::Refresh(&refresh_token),
                clock,
            )
            .await;
            let report = self.keep(
                &account.config,
                provider,
                Action::Refresh,
                attempt,
                None,
                Some(doc.clone()),
            )?;
            match report.outcome {
                Outcome::Ok(_) => return Ok(report),
                Outcome::Failed(f) if f.kind.is_transient() => return Err(Error::Refused(f)),
                Outcome::Failed(f) => {
                    // A refresh token the server calls invalid never works again: dropped, so
                    // the account stops offering it and no later call asks with it.
                    if f.kind == crate::Kind::InvalidGrant {
                        self.drop_refresh_token(account, &doc, clock())?;
                    }
                    refused = Some(f)
                }
            }
        }
        let again = match (spec.grant, &doc.password) {
            (Grant::ClientCredentials, _) => Some(GrantRequest::ClientCredentials),
            (Grant::Password, Some(password)) => Some(GrantRequest::Password {
                username: &account.config.email,
                password,
            }),
            _ => None,
        };
        let Some(again) = again else {
            let why = match refused {
                Some(f) => format!("its refresh token was refused ({})", f.summary()),
                None => "it has no refresh token".into(),
            };
            return Err(Error::SessionExpired(format!(
                "the session of {name} cannot be renewed: {why}. Sign in again: `authdeck login \
                 {name}`"
            )));
        };
        let attempt =
            oauth::token_request::request(&transport, &mut endpoints, &reg, spec, again, clock)
                .await;
        let password = doc.password.clone();
        let previous = VaultDoc {
            refresh_token: None,
            ..doc
        };
        let report = self.keep(
            &account.config,
            provider,
            Action::Relogin,
            attempt,
            password,
            Some(previous),
        )?;
        match report.outcome {
            Outcome::Ok(_) => Ok(report),
            Outcome::Failed(f) => Err(Error::Refused(f)),
        }
    }

    /// Asks the server to revoke the account's refresh token, then its access token (RFC
    /// 7009), before a logout. Returns a note for the logout's history event saying what the
    /// server confirmed; `None` for an account that is not OAuth, has no session, or whose
    /// server has no revocation endpoint. Never fails the logout: a revocation that fails is
    /// said in the note. Errors: NotFound, Keyring.
    pub async fn revoke(&self, http: &Http, name: &str) -> Result<Option<String>> {
        let account = self.account(name)?;
        let provider = self.provider_of(&account.config)?;
        let Some(spec) = &provider.oauth else {
            return Ok(None);
        };
        if !account.session.signed_in || account.secrets_moved().is_some() {
            return Ok(None);
        }
        let Some(doc) = self.vault()?.load(name)? else {
            return Ok(None);
        };
        let reg = registration(&account.config, spec, doc.client_secret.clone())?;
        let transport = transport(http, &account.config);
        let endpoints =
            match oauth::discovery::endpoints(&transport, &account.config.base_url, spec).await {
                Ok(e) => e,
                Err(f) => return Ok(Some(format!("not revoked at the server: {}", f.summary()))),
            };
        if endpoints.revocation.is_none() {
            return Ok(None);
        }
        let mut said = Vec::new();
        let tokens = [
            (
                "refresh token",
                doc.refresh_token.as_ref().map(Revocable::Refresh),
            ),
            ("access token", doc.token.as_ref().map(Revocable::Access)),
        ];
        for (what, token) in tokens {
            let Some(token) = token else { continue };
            said.push(
                match oauth::revocation::revoke(&transport, &endpoints, &reg, token).await {
                    Ok(()) => format!("{what} revoked (the server confirmed)"),
                    Err(f) => format!("{what} not revoked: {}", f.summary()),
                },
            );
        }
        Ok((!said.is_empty()).then(|| said.join("; ")))
    }

    /// What the server says about the account's current access token (RFC 7662). No renewal,
    /// no history event. Errors: NotFound, Invalid (not an OAuth account, or its server has no
    /// introspection endpoint), SessionExpired (signed out), Refused (the server's answer),
    /// Keyring.
    pub async fn introspect(&self, http: &Http, name: &str) -> Result<Introspection> {
        let (account, spec, doc) = self.signed_in_oauth(name)?;
        let spec = &spec;
        let Some(token) = doc.token.as_ref() else {
            return Err(Error::SessionExpired(format!(
                "{name} is signed out: run `authdeck login {name}`"
            )));
        };
        let reg = registration(&account.config, spec, doc.client_secret.clone())?;
        let transport = transport(http, &account.config);
        let endpoints = oauth::discovery::endpoints(&transport, &account.config.base_url, spec)
            .await
            .map_err(Error::Refused)?;
        if endpoints.introspection.is_none() {
            return Err(Error::Invalid(format!(
                "the server of {name} has no introspection endpoint: give \
                 `--set oauth.introspection_endpoint=URL` if it has one"
            )));
        }
        oauth::introspection::introspect(&transport, &endpoints, &reg, token)
            .await
            .map_err(Error::Refused)
    }

    /// What the UserInfo endpoint says about the account's user (OpenID Connect Core §5.3),
    /// checked to be the ID token's subject. No renewal, no history event. Errors: NotFound,
    /// Invalid (not an OAuth account), SessionExpired (signed out), Refused, Keyring.
    pub async fn userinfo(&self, http: &Http, name: &str) -> Result<serde_json::Value> {
        let (account, spec, doc) = self.signed_in_oauth(name)?;
        if spec.grant == crate::provider::Grant::ClientCredentials {
            return Err(Error::Invalid(format!(
                "{name} signs in with the client credentials grant: its token belongs to no \
                 user, so UserInfo has no one to describe. `authdeck introspect {name}` shows \
                 what the server knows of the token"
            )));
        }
        let Some(token) = doc.token.as_ref() else {
            return Err(Error::SessionExpired(format!(
                "{name} is signed out: run `authdeck login {name}`"
            )));
        };
        let subject = doc
            .id_token
            .as_ref()
            .and_then(|t| crate::jwt::claims(t.expose()))
            .and_then(|c| c.get("sub").and_then(|s| s.as_str()).map(str::to_string));
        let reg = registration(&account.config, &spec, doc.client_secret.clone())?;
        let transport = transport(http, &account.config);
        let endpoints = oauth::discovery::endpoints(&transport, &account.config.base_url, &spec)
            .await
            .map_err(Error::Refused)?;
        oauth::userinfo::userinfo(&transport, &endpoints, &reg, token, subject)
            .await
            .map_err(Error::Refused)
    }

    /// An OAuth account that holds a session for its current server, its `[oauth]` spec and
    /// its secrets. Errors: NotFound, Invalid (not OAuth), SessionExpired, Keyring.
    fn signed_in_oauth(&self, name: &str) -> Result<(Account, OAuthSpec, VaultDoc)> {
        let account = self.account(name)?;
        let provider = self.provider_of(&account.config)?;
        let Some(spec) = provider.oauth else {
            return Err(Error::Invalid(format!(
                "{name} is not an OAuth account: only an OAuth server can say this"
            )));
        };
        if !account.session.signed_in || account.secrets_moved().is_some() {
            return Err(Error::SessionExpired(format!(
                "{name} has no session for its server: run `authdeck login {name}`"
            )));
        }
        let doc = self.vault()?.load(name)?.unwrap_or_default();
        Ok((account, spec, doc))
    }

    /// The ID token kept for `name` (OpenID Connect), as it is. Errors: NotFound, Keyring.
    pub fn stored_id_token(&self, name: &str) -> Result<Option<Secret>> {
        let account = self.account(name)?;
        if !account.session.signed_in {
            return Ok(None);
        }
        Ok(self.vault()?.load(name)?.and_then(|doc| doc.id_token))
    }
}

/// Runs the provider's grant.
#[allow(clippy::too_many_arguments)]
async fn grant(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    config: &AccountConfig,
    password: Option<&Secret>,
    agent: &dyn UserAgent,
    limit: Duration,
    clock: Clock<'_>,
) -> Attempt {
    match spec.grant {
        Grant::AuthorizationCode => {
            oauth::authorization_code::sign_in(transport, endpoints, reg, spec, agent, limit, clock)
                .await
        }
        Grant::DeviceCode => {
            oauth::device_authorization::sign_in(
                transport,
                endpoints,
                reg,
                spec,
                agent,
                tokio::time::sleep,
                clock,
            )
            .await
        }
        Grant::ClientCredentials => {
            oauth::token_request::request(
                transport,
                endpoints,
                reg,
                spec,
                GrantRequest::ClientCredentials,
                clock,
            )
            .await
        }
        Grant::Password => match password {
            Some(password) => {
                let grant = GrantRequest::Password {
                    username: &config.email,
                    password,
                };
                let mut attempt =
                    oauth::token_request::request(transport, endpoints, reg, spec, grant, clock)
                        .await;
                // RFC 6749 §5.2: in the password grant, invalid_grant means the user's
                // credentials were refused; the server's code stays as it said it.
                if let Err(f) = &mut attempt.result
                    && f.kind == crate::Kind::InvalidGrant
                {
                    f.kind = crate::Kind::InvalidCredentials;
                }
                attempt
            }
            None => failed(Failure::new(
                crate::Kind::BadRequest,
                "the password grant needs a password",
            )),
        },
    }
}

impl Deck {
    /// Takes a refused refresh token out of the keyring and the account's facts. Call with
    /// the account's lock held. Errors: Keyring, Storage.
    fn drop_refresh_token(
        &self,
        account: &Account,
        doc: &VaultDoc,
        now: jiff::Timestamp,
    ) -> Result<()> {
        let name = &account.config.name;
        self.vault()?.save(
            name,
            &VaultDoc {
                refresh_token: None,
                ..doc.clone()
            },
        )?;
        let conn = self.db()?;
        let current = crate::accounts::get(&conn, name)?.unwrap_or_else(|| account.clone());
        let session = crate::accounts::SessionState {
            has_refresh_token: false,
            ..current.session
        };
        crate::db::write(&conn, |tx| {
            crate::accounts::set_session(tx, name, &session, now)
        })
    }
}

/// The client Authdeck is at the account's server: the client id from the provider (or the
/// account's `--client-id`), the secret from the keyring. Errors: Invalid (no client id).
pub(super) fn registration(
    config: &AccountConfig,
    spec: &OAuthSpec,
    client_secret: Option<Secret>,
) -> Result<Registration> {
    let client_id = spec
        .client_id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{} has no OAuth client id: give --client-id (the id registered for Authdeck at \
                 the server)",
                config.name
            ))
        })?;
    // RFC 6749 §4.4: the client credentials grant is the client proving who it is, so without
    // a secret it can only be refused; say so here rather than after a round trip.
    if spec.grant == Grant::ClientCredentials
        && spec.client_auth.is_none()
        && client_secret.is_none()
    {
        return Err(Error::Invalid(format!(
            "{} signs in with the client credentials grant, which needs the client's secret: \
             give it with --client-secret-stdin (in the app, the Client secret field); if the \
             server really takes none, set client_auth = \"none\" in the provider file",
            config.name
        )));
    }
    let auth = spec.client_auth.unwrap_or(match client_secret {
        Some(_) => ClientAuth::ClientSecretBasic,
        None => ClientAuth::None,
    });
    if auth != ClientAuth::None && client_secret.is_none() {
        return Err(Error::Invalid(format!(
            "{} authenticates its client with a secret ({}), and none is kept: give it with \
             --client-secret-stdin",
            config.name,
            auth.as_str()
        )));
    }
    Ok(Registration {
        client_id,
        client_secret,
        auth,
    })
}

fn transport(http: &Http, config: &AccountConfig) -> Transport {
    Transport::new(http.clone(), config.policy())
}

fn failed(failure: Failure) -> Attempt {
    Attempt {
        result: Err(failure),
        latency_ms: 0,
        raw: None,
        request: None,
    }
}
