//! The `[oauth]` table of a provider file: an OAuth 2.0 (RFC 6749) or OpenID Connect
//! authorization server, found by discovery or by its endpoints, and the grant to use.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An OAuth 2.0 / OpenID Connect provider. The account's base URL is the issuer (the
/// authorization server's identifier, OpenID Connect Discovery 1.0 §4); endpoints not given
/// here come from its discovery document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthSpec {
    /// How the account signs in.
    #[serde(default)]
    pub grant: Grant,
    /// Read `{issuer}/.well-known/openid-configuration` for the endpoints this table does not
    /// give (its `issuer` must equal the account's base URL). Off for a plain OAuth 2.0 server
    /// without discovery: then the endpoints the grant needs are given here or per account
    /// (a sign-in without them says which is missing).
    #[serde(default = "yes")]
    pub discovery: bool,
    /// Each endpoint is an absolute https URL, or a path appended to the base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// The client id registered with the server; usually set per account (`--client-id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// How the client authenticates at the token endpoint (RFC 6749 §2.3). Default: `basic`
    /// when the account has a client secret, else `none` (a public client, RFC 8252).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<ClientAuth>,
    /// Scopes asked for (RFC 6749 §3.3). With `openid` the server is an OpenID Connect
    /// provider: its ID token is checked on receipt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Sent as `audience` (Auth0, Okta) when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Sent as `resource` (RFC 8707) when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Extra parameters of the authorization request (`prompt = "consent"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_params: BTreeMap<String, String>,
    /// The loopback redirect's port (RFC 8252 §7.3); 0 for any free port, the default. Set it
    /// for a server that registered one exact port.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub redirect_port: u16,
    /// The loopback redirect's path.
    #[serde(default = "default_redirect_path")]
    pub redirect_path: String,
}

/// The grants Authdeck runs (RFC 6749 §4, RFC 8628).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Authorization code with PKCE (RFC 7636) in the system browser, loopback redirect.
    #[default]
    AuthorizationCode,
    /// Device authorization (RFC 8628): a code to enter on another screen.
    DeviceCode,
    /// Client credentials (RFC 6749 §4.4): no user; renewal runs the grant again.
    ClientCredentials,
    /// Resource owner password credentials (RFC 6749 §4.3), for legacy servers.
    Password,
}

impl Grant {
    pub const ALL: [Grant; 4] = [
        Grant::AuthorizationCode,
        Grant::DeviceCode,
        Grant::ClientCredentials,
        Grant::Password,
    ];

    /// A grant by its `oauth.grant` name (`authorization_code`, `device_code`, ...).
    pub fn parse(name: &str) -> Option<Grant> {
        Grant::ALL.into_iter().find(|g| g.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::DeviceCode => "device_code",
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
        }
    }
}

/// Client authentication at the token endpoint (OpenID Connect Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// HTTP Basic with the client id and secret (RFC 6749 §2.3.1).
    ClientSecretBasic,
    /// The id and secret in the form body.
    ClientSecretPost,
    /// A public client: the id alone (PKCE protects the code).
    None,
}

impl ClientAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::ClientSecretBasic => "client_secret_basic",
            ClientAuth::ClientSecretPost => "client_secret_post",
            ClientAuth::None => "none",
        }
    }
}

impl OAuthSpec {
    /// The server is an OpenID Connect provider for this account: it asks for `openid`.
    pub fn is_openid(&self) -> bool {
        self.scopes.iter().any(|s| s == "openid")
    }

    /// Checks what serde cannot. Returns (field, problem).
    pub fn validate(&self) -> Result<(), (String, String)> {
        let endpoints = [
            ("authorization_endpoint", &self.authorization_endpoint),
            ("token_endpoint", &self.token_endpoint),
            (
                "device_authorization_endpoint",
                &self.device_authorization_endpoint,
            ),
            ("revocation_endpoint", &self.revocation_endpoint),
            ("introspection_endpoint", &self.introspection_endpoint),
            ("userinfo_endpoint", &self.userinfo_endpoint),
            ("jwks_uri", &self.jwks_uri),
        ];
        for (field, value) in endpoints {
            if let Some(v) = value
                && !(v.starts_with('/') || v.starts_with("https://") || v.starts_with("http://"))
            {
                return Err((
                    format!("oauth.{field}"),
                    format!("\"{v}\" must be an https:// URL or a path starting with '/'"),
                ));
            }
        }
        for scope in &self.scopes {
            if scope.is_empty() || !scope.chars().all(|c| c.is_ascii_graphic() && c != '"') {
                return Err((
                    "oauth.scopes".into(),
                    format!("\"{scope}\" is not a scope (one word of printable ASCII)"),
                ));
            }
        }
        if !self.redirect_path.starts_with('/') {
            return Err((
                "oauth.redirect_path".into(),
                format!("must start with '/', got \"{}\"", self.redirect_path),
            ));
        }
        for name in self.extra_params.keys() {
            if RESERVED_PARAMS.contains(&name.as_str()) {
                return Err((
                    format!("oauth.extra_params.{name}"),
                    "is set by Authdeck itself (it carries the PKCE, state or redirect)".into(),
                ));
            }
        }
        Ok(())
    }
}

/// Authorization request parameters Authdeck sets and a provider file may not replace.
const RESERVED_PARAMS: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "scope",
];

fn yes() -> bool {
    true
}

fn is_zero(port: &u16) -> bool {
    *port == 0
}

fn default_redirect_path() -> String {
    "/callback".into()
}
