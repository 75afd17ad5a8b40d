//! A Postman environment: the JSON Postman exports from Environments and imports with
//! File > Import (`{id, name, values: [{key, value, type, enabled}], _postman_variable_scope}`).
//! Tokens are `"type": "secret"`, which Postman masks; everything else is `"default"`.

use super::{Variable, exported_at, json_pretty};
use crate::Result;
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

#[derive(Serialize)]
struct Environment<'a> {
    id: String,
    name: &'a str,
    values: Vec<Value<'a>>,
    _postman_variable_scope: &'static str,
    _postman_exported_at: String,
    _postman_exported_using: String,
}

#[derive(Serialize)]
struct Value<'a> {
    key: &'a str,
    value: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    enabled: bool,
}

pub(super) fn render(title: &str, vars: &[Variable], now: Timestamp) -> Result<Zeroizing<String>> {
    json_pretty(&Environment {
        id: id_for(title),
        name: title,
        values: vars
            .iter()
            .map(|v| Value {
                key: &v.name,
                value: &v.value,
                kind: if v.secret { "secret" } else { "default" },
                enabled: true,
            })
            .collect(),
        _postman_variable_scope: "environment",
        _postman_exported_at: exported_at(now),
        _postman_exported_using: format!("Authdeck/{}", env!("CARGO_PKG_VERSION")),
    })
}

/// A UUID derived from the environment's name (RFC 9562 version 8, name-based with SHA-256):
/// the same accounts give the same id, so the output of two exports differs only in tokens and
/// times. Bruno's importer recognises a Postman environment by its `id` and `values`.
fn id_for(title: &str) -> String {
    let mut b: [u8; 16] = [0; 16];
    b.copy_from_slice(&Sha256::digest(title.as_bytes())[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{now, sample};
    use super::super::{Format, render};
    use crate::Result;

    #[test]
    fn a_postman_environment_marks_tokens_secret() -> Result<()> {
        let text = render(Format::Postman, &sample(), now())?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| crate::Error::Invalid(format!("not JSON: {e}")))?;
        assert_eq!(json["name"], "Authdeck: dev, ci-key");
        assert_eq!(json["_postman_variable_scope"], "environment");
        assert_eq!(json["_postman_exported_at"], "2027-01-15T05:13:20Z");
        let id = json["id"].as_str().unwrap_or_default();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert_eq!(&id[14..15], "8", "version 8: {id}");
        let values = json["values"].as_array().cloned().unwrap_or_default();
        let find = |k: &str| values.iter().find(|v| v["key"] == k).cloned();
        let token = find("dev_token").unwrap_or_default();
        assert_eq!(token["value"], "eyJ.a.b");
        assert_eq!(token["type"], "secret");
        assert_eq!(token["enabled"], true);
        let header = find("ci_key_auth_header").unwrap_or_default();
        assert_eq!(header["value"], "X-API-Key");
        assert_eq!(header["type"], "default");
        assert_eq!(find("dev_auth_value").unwrap_or_default()["type"], "secret");
        Ok(())
    }

    #[test]
    fn the_same_accounts_give_the_same_id() -> Result<()> {
        fn id(entries: &[super::super::Entry]) -> Result<String> {
            let text = render(Format::Postman, entries, now())?;
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| crate::Error::Invalid(e.to_string()))?;
            Ok(json["id"].as_str().unwrap_or_default().to_string())
        }
        let mut other = sample();
        other[0].token = crate::Secret::new("another");
        assert_eq!(id(&sample())?, id(&other)?);
        other.truncate(1);
        assert_ne!(id(&sample())?, id(&other)?);
        Ok(())
    }
}
