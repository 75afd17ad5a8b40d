//! What an OAuth server (or anyone on the machine, for the redirect) sends Authdeck: a token
//! response mapped to a session, an error response mapped to a failure (its `error` verbatim),
//! a discovery document, an ID token checked against an empty key set, and the loopback
//! redirect's query. Each ends as a value, never a panic.
//!
//! Input layout: byte 0 picks the parser; the rest is its input.
#![no_main]

use authdeck_core::oauth::{self, Endpoints, Registration, loopback::Callback};
use authdeck_core::provider::ClientAuth;
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use openidconnect::core::{CoreErrorResponseType, CoreJsonWebKeySet, CoreTokenResponse};
use openidconnect::{RequestTokenError, StandardErrorResponse};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let now = Timestamp::from_second(1_800_000_000).expect("in range");
    match pick % 5 {
        0 => {
            if let Ok(response) = serde_json::from_slice::<CoreTokenResponse>(rest) {
                let session = oauth::session(&response, None, now, None);
                // An expiry is never before the answer.
                assert!(session.expires_at.is_none_or(|t| t >= now));
            }
        }
        1 => {
            if let Ok(error) =
                serde_json::from_slice::<StandardErrorResponse<CoreErrorResponseType>>(rest)
            {
                let failure = oauth::token_failure::<StandardErrorResponse<CoreErrorResponseType>>(
                    RequestTokenError::ServerResponse(error),
                    None,
                    "fuzz",
                );
                let _ = failure.summary();
            }
        }
        2 => {
            let _ = serde_json::from_slice::<oauth::discovery::Metadata>(rest);
        }
        3 => {
            let text = String::from_utf8_lossy(rest);
            let endpoints = Endpoints {
                issuer: "https://id.example.test".into(),
                authorization: None,
                token: None,
                device_authorization: None,
                revocation: None,
                introspection: None,
                userinfo: None,
                jwks_uri: None,
                jwks: CoreJsonWebKeySet::new(Vec::new()),
                id_token_algs: Vec::new(),
                iss_parameter_supported: false,
            };
            let reg = Registration {
                client_id: "authdeck".into(),
                client_secret: None,
                auth: ClientAuth::None,
            };
            // No key: nothing may ever be accepted.
            assert!(oauth::id_token::validate(&endpoints, &reg, &text, None, now).is_err());
        }
        _ => {
            let callback = Callback::from_query(&String::from_utf8_lossy(rest));
            let _ = (callback.state, callback.iss, callback.error);
        }
    }
});
