//! The UserInfo endpoint (OpenID Connect Core §5.3): who the access token belongs to, asked
//! on demand. The `sub` it answers must be the ID token's (§5.3.2), against token
//! substitution.

use super::transport::Transport;
use super::{Endpoints, Registration, failure_from};
use crate::outcome::{Failure, Kind};
use crate::secret::Secret;
use oauth2::AccessToken;
use openidconnect::core::CoreUserInfoClaims;
use openidconnect::{SubjectIdentifier, UserInfoError, UserInfoUrl};

/// The claims the server gives for `token`, as JSON. `subject`: the ID token's `sub`, when
/// there is one. Errors: a failure naming the step (no endpoint, another subject, an answer
/// that is not UserInfo).
pub async fn userinfo(
    transport: &Transport,
    endpoints: &Endpoints,
    reg: &Registration,
    token: &Secret,
    subject: Option<String>,
) -> Result<serde_json::Value, Failure> {
    let url = endpoints.need(&endpoints.userinfo, "userinfo_endpoint")?;
    let client = super::client(endpoints, reg)?.set_user_info_url(UserInfoUrl::from_url(url));
    let claims: Result<CoreUserInfoClaims, _> = client
        .user_info(
            AccessToken::new(token.expose().to_string()),
            subject.map(SubjectIdentifier::new),
        )
        .require_signed_response(false)
        .request_async(transport)
        .await;
    let _ = transport.take_last();
    let claims = claims.map_err(|e| match e {
        UserInfoError::Request(t) => failure_from(t.0, "the UserInfo request"),
        UserInfoError::Response(status, _, why) => Failure {
            http_status: Some(status.as_u16()),
            ..Failure::new(
                super::kind_of("", Some(status.as_u16())),
                format!("the UserInfo endpoint answered HTTP {status}: {why}"),
            )
        },
        UserInfoError::ClaimsVerification(why) => Failure::new(
            Kind::ProtocolError,
            format!("the UserInfo answer is not about this session's user ({why})"),
        ),
        other => Failure::new(
            Kind::ProtocolError,
            format!("the UserInfo request: {other}"),
        ),
    })?;
    serde_json::to_value(&claims)
        .map_err(|e| Failure::new(Kind::ProtocolError, format!("unreadable UserInfo: {e}")))
}
