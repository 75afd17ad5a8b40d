//! Login providers: the built-in presets (the five documented APIs, Generic OpenID Connect,
//! Generic OAuth 2.0) and the user's provider files.

mod catalog;
mod oauth;
mod save;
mod spec;

pub use catalog::{Catalog, Source};
pub use oauth::{ClientAuth, Grant, OAuthSpec};
pub use save::{check_provider_file, provider_file_path, save_provider_file};
pub use spec::{
    BodyFormat, ErrorRule, ErrorSpec, ExpiryFormat, Handout, Provider, RefreshSpec, Request,
    SecondFactor, SuccessSpec, TokenSource,
};

use crate::error::{Error, Result};
use crate::problem::Problem;

/// The presets, compiled in. Each is the same TOML a user could write.
pub const PRESETS: [(&str, &str); 7] = [
    ("meetra", include_str!("../../presets/meetra.toml")),
    ("user-login", include_str!("../../presets/user-login.toml")),
    ("talkstack", include_str!("../../presets/talkstack.toml")),
    ("meetmates", include_str!("../../presets/meetmates.toml")),
    (
        "sealmetrics",
        include_str!("../../presets/sealmetrics.toml"),
    ),
    ("oidc", include_str!("../../presets/oidc.toml")),
    ("oauth2", include_str!("../../presets/oauth2.toml")),
];

/// The TOML text provider `id` came from: the preset's own text, or the file's (empty when
/// the file can no longer be read). For the provider editor.
pub fn source_text(id: &str, source: &Source) -> String {
    match source {
        Source::Preset => PRESETS
            .iter()
            .find(|(preset, _)| *preset == id)
            .map(|(_, text)| text.to_string())
            .unwrap_or_default(),
        Source::File(path) => std::fs::read_to_string(path).unwrap_or_default(),
    }
}

impl Provider {
    /// Reads a provider from TOML text. The error names the line and field.
    pub fn from_toml(text: &str) -> std::result::Result<Provider, Problem> {
        catalog::parse(text)
    }

    /// This provider with per-account overrides applied: a JSON object merged field by field
    /// over the spec (`{"success": {"expires_format": "unix_ms"}}`).
    pub fn with_overrides(&self, overrides: &serde_json::Value) -> Result<Provider> {
        if overrides.is_null() || overrides.as_object().is_some_and(|o| o.is_empty()) {
            return Ok(self.clone());
        }
        for (key, instead) in [
            ("id", "the account's provider"),
            ("base_url", "the account's base URL (--base-url)"),
        ] {
            if overrides.get(key).is_some() {
                return Err(Error::Invalid(format!(
                    "`{key}` cannot be changed per account: change {instead} instead"
                )));
            }
        }
        let mut merged = serde_json::to_value(self)
            .map_err(|e| Error::Provider(format!("could not apply overrides: {e}")))?;
        merge(&mut merged, overrides);
        let provider: Provider = serde_path_to_error::deserialize(merged).map_err(|e| {
            let field = e.path().to_string();
            match field.as_str() {
                "." | "" => Error::Invalid(format!(
                    "the overrides for provider `{}` do not fit its spec: {}",
                    self.id,
                    e.inner()
                )),
                _ => Error::Invalid(format!(
                    "the override of `{field}` does not fit provider `{}`: {}",
                    self.id,
                    e.inner()
                )),
            }
        })?;
        provider.validate().map_err(|(field, problem)| {
            Error::Invalid(format!("override of `{field}` is not valid: {problem}"))
        })?;
        Ok(provider)
    }
}

/// Turns `key.path=value` into a nested overrides object; the value is JSON when it parses as
/// JSON, else a string (`success.expires_format=unix_ms`, `refresh=null`).
pub fn override_from_assignment(assignment: &str) -> Result<serde_json::Value> {
    let (path, raw) = assignment.split_once('=').ok_or_else(|| {
        Error::Invalid(format!(
            "`--set {assignment}` needs the form FIELD=VALUE, e.g. --set success.expires_format=unix_ms"
        ))
    })?;
    if path.trim().is_empty() {
        return Err(Error::Invalid(format!(
            "`--set {assignment}` names no field"
        )));
    }
    let mut value = serde_json::from_str(raw).unwrap_or(serde_json::Value::String(raw.into()));
    for key in path.trim().rsplit('.') {
        let mut object = serde_json::Map::new();
        object.insert(key.to_string(), value);
        value = serde_json::Value::Object(object);
    }
    Ok(value)
}

/// Fields of the overrides that have their own place in the app's form and the CLI
/// (`--client-id`, `--grant`): [`assignments`] leaves them out.
const OWN_FIELDS: [&str; 2] = ["oauth.client_id", "oauth.grant"];

/// The overrides as `field.path=value` lines, the form `--set` takes, in field order: a string
/// as it is (quoted as JSON when it would read back as another type: `"30"`), anything else
/// as JSON. Leaves out `oauth.client_id` and `oauth.grant`, which have fields of their own.
pub fn assignments(overrides: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) if !map.is_empty() => {
                for (key, inner) in map {
                    walk(&format!("{prefix}.{key}"), inner, out);
                }
            }
            _ if OWN_FIELDS.contains(&prefix) => {}
            serde_json::Value::String(text)
                if serde_json::from_str::<serde_json::Value>(text).is_err() =>
            {
                out.push(format!("{prefix}={text}"))
            }
            other => out.push(format!("{prefix}={other}")),
        }
    }
    let mut out = Vec::new();
    for (key, value) in overrides {
        walk(key, value, &mut out);
    }
    out
}

/// Copies into `into` the changes of `from` that have fields of their own (`oauth.client_id`,
/// `oauth.grant`): what [`assignments`] leaves out, so a form that edits its lines keeps them.
pub fn carry_own_fields(
    from: &serde_json::Map<String, serde_json::Value>,
    into: &mut serde_json::Map<String, serde_json::Value>,
) {
    for field in OWN_FIELDS {
        let Some((table, key)) = field.split_once('.') else {
            continue;
        };
        let Some(value) = from.get(table).and_then(|t| t.get(key)) else {
            continue;
        };
        let entry = into
            .entry(table)
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(serde_json::Map::new());
        }
        if let Some(t) = entry.as_object_mut() {
            t.insert(key.to_string(), value.clone());
        }
    }
}

/// Overrides from `field.path=value` lines (blank lines skipped), each read as
/// [`override_from_assignment`] reads `--set`, merged in order. Errors: Invalid (a line
/// without `=` or without a field).
pub fn overrides_from_assignments(
    lines: &[String],
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut merged = serde_json::Value::Object(serde_json::Map::new());
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        merge(&mut merged, &override_from_assignment(line)?);
    }
    match merged {
        serde_json::Value::Object(map) => Ok(map),
        _ => Ok(serde_json::Map::new()),
    }
}

/// Takes the change of `field` (`success.expires_format`, or a whole table: `success`) out of
/// an account's overrides; tables left empty go too. Errors: Invalid (no such change, naming
/// the ones there are).
pub fn remove_override(
    overrides: &mut serde_json::Map<String, serde_json::Value>,
    field: &str,
) -> Result<()> {
    fn remove(map: &mut serde_json::Map<String, serde_json::Value>, path: &[&str]) -> bool {
        match path {
            [] => false,
            [last] => map.remove(*last).is_some(),
            [first, rest @ ..] => {
                let Some(serde_json::Value::Object(inner)) = map.get_mut(*first) else {
                    return false;
                };
                let removed = remove(inner, rest);
                if inner.is_empty() {
                    map.remove(*first);
                }
                removed
            }
        }
    }
    let path: Vec<&str> = field.trim().split('.').collect();
    if remove(overrides, &path) {
        return Ok(());
    }
    let there = assignments(overrides);
    Err(Error::Invalid(match there.is_empty() {
        true => format!("--unset {field}: this account changes no provider field"),
        false => format!(
            "--unset {field}: this account does not change that field; it changes: {}",
            there.join(", ")
        ),
    }))
}

/// Deep-merges `patch` into `target`: objects merge key by key, anything else replaces.
pub fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
            for (key, value) in p {
                match t.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[cfg(test)]
mod assignment_tests {
    use super::*;

    #[test]
    fn overrides_read_back_as_the_same_set_lines() {
        let lines: Vec<String> = [
            "success.expires_format=unix_ms",
            "success.lifetime_secs=900",
            "refresh=null",
            "login.headers.X-Tenant=\"42\"",
        ]
        .map(String::from)
        .to_vec();
        let map = overrides_from_assignments(&lines).unwrap();
        let back = assignments(&map);
        assert_eq!(overrides_from_assignments(&back).unwrap(), map);
        assert!(
            back.contains(&"success.expires_format=unix_ms".to_string()),
            "{back:?}"
        );
        assert!(
            back.contains(&"login.headers.X-Tenant=\"42\"".to_string()),
            "{back:?}"
        );
    }

    #[test]
    fn a_change_is_removed_with_its_table_when_that_empties() {
        let mut map = overrides_from_assignments(&[
            "success.expires_format=unix_ms".into(),
            "refresh=null".into(),
        ])
        .unwrap();
        remove_override(&mut map, "success.expires_format").unwrap();
        assert_eq!(assignments(&map), vec!["refresh=null".to_string()]);
        let e = remove_override(&mut map, "success.token")
            .unwrap_err()
            .to_string();
        assert!(e.contains("it changes: refresh=null"), "{e}");
        remove_override(&mut map, "refresh").unwrap();
        assert!(map.is_empty());
    }

    #[test]
    fn no_overrides_are_no_lines() {
        assert!(assignments(&serde_json::Map::new()).is_empty());
        let empty_table = overrides_from_assignments(&["login.headers={}".into()]).unwrap();
        assert_eq!(
            assignments(&empty_table),
            vec!["login.headers={}".to_string()]
        );
    }

    #[test]
    fn the_client_id_and_grant_are_left_to_their_own_fields() {
        let map = overrides_from_assignments(&[
            "oauth.client_id=app".into(),
            "oauth.grant=device_code".into(),
            "oauth.scopes=[\"openid\"]".into(),
        ])
        .unwrap();
        assert_eq!(
            assignments(&map),
            vec!["oauth.scopes=[\"openid\"]".to_string()]
        );
    }

    #[test]
    fn a_line_without_a_value_is_refused_and_blank_lines_are_skipped() {
        assert!(
            overrides_from_assignments(&["".into(), "  ".into()])
                .unwrap()
                .is_empty()
        );
        let e = overrides_from_assignments(&["success.expires_format".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("FIELD=VALUE"), "{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_validates() {
        for (id, text) in PRESETS {
            let p = Provider::from_toml(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(p.id, id, "preset file id must match its name");
            assert!(!p.choices.is_empty(), "{id} must say what it chose");
        }
    }

    #[test]
    fn override_changes_one_nested_field_and_keeps_the_rest() {
        let preset = Provider::from_toml(PRESETS[1].1).unwrap();
        let patch = override_from_assignment("success.expires_format=unix_ms").unwrap();
        let p = preset.with_overrides(&patch).unwrap();
        assert_eq!(p.success.expires_format, ExpiryFormat::UnixMs);
        assert_eq!(p.success.token, "/accessToken", "other fields stay");
    }

    #[test]
    fn override_with_a_wrong_value_is_a_clear_error() {
        let preset = Provider::from_toml(PRESETS[1].1).unwrap();
        let patch = override_from_assignment("success.expires_format=fortnights").unwrap();
        let err = preset.with_overrides(&patch).unwrap_err().to_string();
        assert!(err.contains("fortnights"), "{err}");
    }

    #[test]
    fn the_base_url_and_id_cannot_be_overridden() {
        let preset = Provider::from_toml(PRESETS[1].1).unwrap();
        for assignment in ["base_url=http://127.0.0.1:1", "id=other"] {
            let patch = override_from_assignment(assignment).unwrap();
            let err = preset.with_overrides(&patch).unwrap_err().to_string();
            assert!(err.contains("cannot be changed per account"), "{err}");
        }
    }

    #[test]
    fn assignment_without_equals_sign_is_refused() {
        assert!(override_from_assignment("success.token").is_err());
    }
}
