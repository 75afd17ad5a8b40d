//! Where an authorization server's endpoints are: OpenID Connect Discovery 1.0 (its issuer
//! checked to be the one asked for, and its JWKS read), with what the provider file gives
//! explicitly taking precedence.

use super::transport::Transport;
use super::{Endpoints, failure_from};
use crate::outcome::{Failure, Kind};
use crate::provider::OAuthSpec;
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{AdditionalProviderMetadata, DiscoveryError, IssuerUrl, ProviderMetadata};
use serde::{Deserialize, Serialize};
use url::Url;

/// Discovery members the `openidconnect` crate does not name: RFC 8414 §2 (revocation,
/// introspection), RFC 8628 §4, RFC 9207 §3.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MoreMetadata {
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub introspection_endpoint: Option<String>,
    #[serde(default)]
    pub device_authorization_endpoint: Option<String>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
}

impl AdditionalProviderMetadata for MoreMetadata {}

/// An OpenID Connect discovery document with the members above.
pub type Metadata = ProviderMetadata<
    MoreMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The endpoints of the account's authorization server. With `spec.discovery`, reads
/// `{issuer}/.well-known/openid-configuration` and its JWKS (two GETs); explicit endpoints in
/// `spec` win over discovered ones. `issuer` is the account's base URL.
///
/// Errors (as a `Failure`, kept in the history like any failed login): a server that cannot
/// be reached, a document that is not discovery metadata, an `issuer` other than the one
/// asked for (mix-up, RFC 9207 §1), an endpoint that is not https (except loopback).
pub async fn endpoints(
    transport: &Transport,
    issuer: &str,
    spec: &OAuthSpec,
) -> Result<Endpoints, Failure> {
    let issuer = issuer.trim().trim_end_matches('/').to_string();
    let allow_http = transport.policy.allow_insecure_http;
    let given = |field: &Option<String>| -> Result<Option<Url>, Failure> {
        field
            .as_deref()
            .map(|value| resolve(&issuer, value, allow_http))
            .transpose()
    };
    let mut endpoints = Endpoints {
        issuer: issuer.clone(),
        authorization: given(&spec.authorization_endpoint)?,
        token: given(&spec.token_endpoint)?,
        device_authorization: given(&spec.device_authorization_endpoint)?,
        revocation: given(&spec.revocation_endpoint)?,
        introspection: given(&spec.introspection_endpoint)?,
        userinfo: given(&spec.userinfo_endpoint)?,
        jwks_uri: given(&spec.jwks_uri)?,
        jwks: CoreJsonWebKeySet::new(Vec::new()),
        id_token_algs: Vec::new(),
        iss_parameter_supported: false,
    };
    if !spec.discovery {
        match &endpoints.jwks_uri {
            Some(uri) => endpoints.jwks = fetch_jwks(transport, uri).await?,
            None if spec.is_openid() => {
                return Err(Failure::new(
                    Kind::BadRequest,
                    "an OpenID Connect provider without discovery needs `oauth.jwks_uri` to \
                     check its ID tokens: give it in the provider file or with --set",
                ));
            }
            None => {}
        }
        return Ok(endpoints);
    }
    let issuer_url = IssuerUrl::new(issuer.clone()).map_err(|e| {
        Failure::new(
            Kind::BadRequest,
            format!("the issuer \"{issuer}\" is not a URL ({e})"),
        )
    })?;
    let metadata = Metadata::discover_async(issuer_url, transport)
        .await
        .map_err(|e| discovery_failure(&issuer, e))?;
    let found = |url: Option<String>| -> Result<Option<Url>, Failure> {
        url.map(|u| resolve(&issuer, &u, allow_http)).transpose()
    };
    let more = metadata.additional_metadata().clone();
    let or = |explicit: Option<Url>, discovered: Option<Url>| explicit.or(discovered);
    endpoints.authorization = or(
        endpoints.authorization,
        found(Some(metadata.authorization_endpoint().to_string()))?,
    );
    endpoints.token = or(
        endpoints.token,
        found(metadata.token_endpoint().map(|u| u.to_string()))?,
    );
    endpoints.userinfo = or(
        endpoints.userinfo,
        found(metadata.userinfo_endpoint().map(|u| u.to_string()))?,
    );
    endpoints.revocation = or(endpoints.revocation, found(more.revocation_endpoint)?);
    endpoints.introspection = or(endpoints.introspection, found(more.introspection_endpoint)?);
    endpoints.device_authorization = or(
        endpoints.device_authorization,
        found(more.device_authorization_endpoint)?,
    );
    endpoints.jwks_uri = or(
        endpoints.jwks_uri,
        found(Some(metadata.jwks_uri().to_string()))?,
    );
    endpoints.iss_parameter_supported = more.authorization_response_iss_parameter_supported;
    endpoints.id_token_algs = metadata.id_token_signing_alg_values_supported().clone();
    endpoints.jwks = metadata.jwks().clone();
    Ok(endpoints)
}

/// Reads a JWKS again (an unknown `kid` after the server rotated its keys).
pub async fn fetch_jwks(transport: &Transport, uri: &Url) -> Result<CoreJsonWebKeySet, Failure> {
    let url = openidconnect::JsonWebKeySetUrl::from_url(uri.clone());
    CoreJsonWebKeySet::fetch_async(&url, transport)
        .await
        .map_err(|e| Failure {
            message: Some(format!(
                "could not read the signing keys at {uri}: {}",
                failure_from_discovery_text(&e)
            )),
            ..Failure::new(Kind::ProtocolError, "")
        })
}

/// An endpoint as an absolute URL: a path is appended to the issuer.
fn resolve(issuer: &str, value: &str, allow_http: bool) -> Result<Url, Failure> {
    let bad = |e: crate::Error| Failure::new(Kind::BadRequest, e.to_string());
    if value.starts_with('/') {
        return crate::http::endpoint(issuer, value, allow_http).map_err(bad);
    }
    let url = Url::parse(value).map_err(|e| {
        Failure::new(
            Kind::ProtocolError,
            format!("the endpoint \"{value}\" is not a URL ({e})"),
        )
    })?;
    crate::http::check_scheme(&url, allow_http).map_err(bad)?;
    Ok(url)
}

fn failure_from_discovery_text(e: &DiscoveryError<super::transport::TransportError>) -> String {
    match e {
        DiscoveryError::Request(t) => t.0.summary(),
        DiscoveryError::Response(status, _, _) => format!("HTTP {status}"),
        DiscoveryError::Parse(p) => format!("not a JWKS ({p})"),
        other => other.to_string(),
    }
}

fn discovery_failure(issuer: &str, e: DiscoveryError<super::transport::TransportError>) -> Failure {
    let at = format!("{issuer}/.well-known/openid-configuration");
    match e {
        DiscoveryError::Request(t) => failure_from(t.0, &format!("discovery at {at}")),
        // `why` restates the status and URL: the status alone says it.
        DiscoveryError::Response(status, _, _) => Failure {
            http_status: Some(status.as_u16()),
            ..Failure::new(
                if status.is_server_error() {
                    Kind::ServerError
                } else {
                    Kind::ProtocolError
                },
                format!(
                    "discovery at {at} answered HTTP {status}: check the issuer URL (the \
                     account's base URL)"
                ),
            )
        },
        DiscoveryError::Parse(p) => Failure::new(
            Kind::ProtocolError,
            format!("{at} is not an OpenID Connect discovery document ({p})"),
        ),
        DiscoveryError::Validation(why) => Failure::new(
            Kind::ProtocolError,
            format!(
                "the discovery document at {at} was refused: {why}. Its issuer must be exactly \
                 the account's base URL"
            ),
        ),
        other => Failure::new(
            Kind::ProtocolError,
            format!("discovery at {at} failed: {other}"),
        ),
    }
}
