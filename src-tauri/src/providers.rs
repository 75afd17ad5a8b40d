//! The providers screen: list, validate, save provider files, and try a login with one.

use crate::dto::{ProviderCheck, ProviderProblem, ProviderView, TestLogin};
use authdeck_core::http::{Http, Policy};
use authdeck_core::login::{self, Credentials, Target};
use authdeck_core::provider::{
    Catalog, PRESETS, Provider, Source, provider_file_path, save_provider_file,
};
use authdeck_core::secret::Secret;
use authdeck_core::{Error, Result};
use std::path::Path;

pub fn views(catalog: &Catalog) -> Vec<ProviderView> {
    catalog
        .providers
        .iter()
        .map(|(p, source)| ProviderView::new(p, source, text_of(p, source)))
        .collect()
}

/// The TOML a provider came from: the preset's own text, or the file's.
fn text_of(p: &Provider, source: &Source) -> String {
    match source {
        Source::Preset => PRESETS
            .iter()
            .find(|(id, _)| *id == p.id)
            .map(|(_, text)| text.to_string())
            .unwrap_or_default(),
        Source::File(path) => std::fs::read_to_string(path).unwrap_or_default(),
    }
}

pub fn check(text: &str) -> ProviderCheck {
    match Provider::from_toml(text) {
        Ok(_) => ProviderCheck {
            ok: true,
            problem: None,
        },
        Err(p) => ProviderCheck {
            ok: false,
            problem: Some(ProviderProblem {
                line: p.line,
                field: p.field,
                message: p.message,
            }),
        },
    }
}

/// Saves a valid provider file as `<id>.toml` in the providers folder (core checks it first).
pub fn save(dir: &Path, text: &str) -> Result<ProviderView> {
    let provider = save_provider_file(dir, text).map_err(|p| Error::Invalid(p.to_string()))?;
    let path = provider_file_path(dir, &provider.id);
    Ok(ProviderView::new(
        &provider,
        &Source::File(path),
        text.to_string(),
    ))
}

/// Logs in with an unsaved provider file; nothing is stored, the outcome is shown.
pub async fn test_login(
    http: &Http,
    text: &str,
    base_url: String,
    email: String,
    password: Secret,
) -> Result<TestLogin> {
    let provider = Provider::from_toml(text).map_err(|p| Error::Invalid(p.to_string()))?;
    let refreshable = provider.refresh.is_some();
    let target = Target {
        provider,
        base_url,
        policy: Policy::default(),
    };
    let attempt = login::login(http, &target, &Credentials { email, password }).await?;
    Ok(match attempt.result {
        Ok(session) => TestLogin {
            latency_ms: attempt.latency_ms,
            http_status: Some(session.http_status),
            expires_at: session.expires_at,
            refreshable,
            failure: None,
        },
        Err(failure) => TestLogin {
            latency_ms: attempt.latency_ms,
            http_status: failure.http_status,
            expires_at: None,
            refreshable,
            failure: Some(failure),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_listed_with_its_own_text() {
        let views = views(&Catalog::presets());
        assert_eq!(views.len(), PRESETS.len());
        for v in &views {
            assert!(
                v.toml.contains(&format!("\"{}\"", v.id)),
                "{} shows its own file",
                v.id
            );
        }
    }

    #[test]
    fn a_broken_file_is_reported_with_where_and_why() {
        let check = check("id = \"x\"\nname = 3\n");
        assert!(!check.ok);
        let problem = check.problem.expect("a problem");
        assert!(!problem.message.is_empty(), "the message says why");
    }
}
