//! Any text through the JWT decoder, inspector and verifier: no panic, and the decoded parts
//! stay consistent with the input. The claims a login keeps as text (`claims_text`) read their
//! time claims as the map of the same claims does.
#![no_main]

use authdeck_core::jwt::{self, VerifyKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(claims) = jwt::claims_text(text) {
        assert!(claims.get().starts_with('{'), "claims text is an object");
        // What --json and a suite's report build from them, whatever serde_json can hold.
        let value = jwt::claims_value(&claims);
        assert!(value.is_object() || value.is_string(), "{value}");
        assert!(serde_json::to_string(&value).is_ok());
        for name in ["exp", "iat"] {
            let read = jwt::time_claim_in(&claims, name);
            let remark = read.remark().unwrap_or_default();
            assert!(!remark.contains(['\n', '\r']), "one line: {remark}");
        }
        if let Ok(map) = serde_json::from_str::<serde_json::Map<_, _>>(claims.get()) {
            for name in ["exp", "iat", "nbf", "sub", "e"] {
                let (from_text, from_map) =
                    (jwt::time_claim_in(&claims, name), jwt::time_claim(&map, name));
                assert_eq!(from_text.is_present(), map.contains_key(name), "{name} found");
                assert_eq!(from_text.time(), from_map.time(), "{name} read alike");
                assert_eq!(from_text.problem().is_some(), from_map.problem().is_some());
            }
        }
    }
    match jwt::decode(text) {
        Ok(decoded) => {
            assert!(
                decoded
                    .compact()
                    .as_bytes()
                    .starts_with(decoded.signing_input()),
                "the signing input is the start of the token"
            );
            // The member index agrees with a full parse: every name, last value wins; a value
            // serde_json cannot hold (a number beyond f64) is kept as its text.
            for object in [Some(decoded.header()), decoded.claims()]
                .into_iter()
                .flatten()
            {
                let map = object.to_map();
                // One rule for a repeated name: the summary's members are the map's, in order.
                let names: Vec<&str> = object.members().map(|(name, _)| name).collect();
                assert!(
                    names.iter().eq(map.keys()),
                    "members() lists each name once, in the map's order"
                );
                assert!(object.duplicates().len() <= names.len());
                if let Ok(full) = serde_json::from_str::<serde_json::Map<_, _>>(object.text()) {
                    assert_eq!(full, map, "the index parses like serde_json");
                }
                let names: std::collections::HashSet<&str> =
                    object.iter().map(|(name, _)| name).collect();
                assert_eq!(map.len(), names.len());
                for name in names {
                    let raw = object.get(name).expect("an indexed name is found");
                    let value = serde_json::from_str::<serde_json::Value>(raw)
                        .unwrap_or_else(|_| serde_json::Value::String(raw.to_owned()));
                    assert_eq!(map.get(name), Some(&value), "member {name}");
                }
            }
            let inspection = jwt::inspect(
                &decoded,
                jiff::Timestamp::UNIX_EPOCH,
                &jiff::tz::TimeZone::UTC,
            );
            let _ = serde_json::to_string(&inspection);
            if let Ok(key) = VerifyKey::secret("fuzz") {
                let _ = jwt::verify(&decoded, &key);
            }
        }
        Err(malformed) => {
            assert!(!malformed.to_string().is_empty());
        }
    }
});
