//! The sandbox: a local server speaking the five documented login APIs.
//!
//! Each API lives under its own path prefix (`/meetra`, `/user-login`, ...), answers with the
//! paths, fields, status codes and body shapes of its document, and issues real HS256 JWTs.
//! Every documented outcome has a user (see [`users`]), so tests and demos can produce each
//! answer on purpose. Add `+ttlN` to an email (`alice+ttl5@meetra.test`) for a token that
//! expires in N seconds.
//!
//! Five more APIs, one per login shape the presets do not cover, live beside them
//! ([`EXTRA_APIS`], users in [`extra_users`]): a cookie session, a token in a response header,
//! a form login with fixed headers, pasted API keys ([`api_keys`]) and a TOTP second factor
//! ([`TOTP_SECRET`]). Each is described in `docs/api/<name>.md`.
//!
//! An OpenID Connect demo issuer lives at `/oidc` ([`Sandbox::issuer`], clients in
//! [`oidc_demo`]), described in `docs/api/oidc-demo.md`.

mod api;
mod banner;
mod credentials;
mod grants;
mod keys;
mod oidc;
mod reply;
mod server;
mod sessions;
mod stats;
mod token;
mod users;

pub use banner::banner;
pub use keys::{ApiKeyInfo, LIVE_API_KEY, api_keys};
/// The OpenID Connect demo issuer's clients, user and token lifetime.
pub mod oidc_demo {
    pub use crate::oidc::{
        ACCESS_TOKEN_SECS, CLIENT_ID, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET, USER_EMAIL,
    };
}
pub use server::Sandbox;
pub use stats::Stats;
pub use token::jwt_secret;
pub use users::{UserInfo, extra_users, users};

/// The preset ids of the five documented APIs; each is also the sandbox's path prefix.
pub const APIS: [&str; 5] = [
    "meetra",
    "user-login",
    "talkstack",
    "meetmates",
    "sealmetrics",
];

/// The password of every sandbox user. Not a secret: the sandbox is for tests and demos.
pub const PASSWORD: &str = "s3cret-pass";

/// The extra login shapes, each also a path prefix: cookie session, token in a response header,
/// form login with fixed headers, pasted API keys, and a TOTP second factor.
pub const EXTRA_APIS: [&str; 5] = [
    "cookiejar",
    "headertoken",
    "formlogin",
    "apikey",
    "twofactor",
];

/// The base32 TOTP secret of alice@twofactor.test (RFC 6238: SHA-1, 6 digits, 30 s).
pub const TOTP_SECRET: &str = "AUTHDECKSANDBOXSECRETTOTP2FA2345";

/// [`TOTP_SECRET`] as an authenticator app's `otpauth://` URI.
pub const TOTP_URI: &str = "otpauth://totp/Authdeck%20Sandbox:alice%40twofactor.test?secret=AUTHDECKSANDBOXSECRETTOTP2FA2345&issuer=Authdeck%20Sandbox&algorithm=SHA1&digits=6&period=30";
