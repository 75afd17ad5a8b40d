//! From a suite as written to cases ready to send: providers found, `${VAR}`s expanded, URLs
//! checked, passwords located. Everything that can be wrong before the first request is found
//! here, with the file, line and field.

use super::file::Layout;
use super::{Case, Suite};
use crate::exchange::Target;
use crate::http::{DEFAULT_TIMEOUT, Policy};
use crate::problem::Problem;
use crate::provider::Catalog;
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Values for `${NAME}` in base URLs and emails: the given ones first, then (optionally) the
/// process environment. `password_env` reads through it too, so `Debug` shows names only.
#[derive(Clone, Default)]
pub struct Vars {
    given: BTreeMap<String, String>,
    use_env: bool,
}

impl std::fmt::Debug for Vars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vars")
            .field("given", &self.given.keys().collect::<Vec<_>>())
            .field("use_env", &self.use_env)
            .finish()
    }
}

impl Vars {
    /// Only the process environment.
    pub fn from_env() -> Vars {
        Vars {
            given: BTreeMap::new(),
            use_env: true,
        }
    }

    /// Only what is given (tests, or an app that does not want the environment).
    pub fn none() -> Vars {
        Vars::default()
    }

    /// Adds or replaces one value; it wins over the environment.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Vars {
        self.given.insert(name.into(), value.into());
        self
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.given
            .get(name)
            .cloned()
            .or_else(|| self.use_env.then(|| std::env::var(name).ok()).flatten())
    }
}

/// Replaces `${NAME}` and `${NAME:-fallback}` in `text`; `$$` is a literal `$`. Err says which
/// variable is missing or what is malformed.
pub fn expand(text: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let Some(inner_and_tail) = after.strip_prefix('{') else {
            out.push('$');
            rest = after;
            continue;
        };
        let Some(close) = inner_and_tail.find('}') else {
            return Err(format!(
                "`${{` without a closing `}}` in \"{text}\"; write ${{NAME}}, or $$ for a literal $"
            ));
        };
        let inner = &inner_and_tail[..close];
        let (name, fallback) = match inner.split_once(":-") {
            Some((name, fallback)) => (name, Some(fallback)),
            None => (inner, None),
        };
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "`${{{inner}}}` is not a variable: write ${{NAME}} or ${{NAME:-fallback}}"
            ));
        }
        match (vars.get(name), fallback) {
            (Some(value), _) if !value.is_empty() => out.push_str(&value),
            (_, Some(fallback)) => out.push_str(fallback),
            (Some(_), None) => return Err(format!("the variable {name} is empty")),
            (None, None) => {
                return Err(format!(
                    "the variable {name} is not set: set it in the environment (export \
                     {name}=...), pass --var {name}=..., or write ${{{name}:-fallback}}"
                ));
            }
        }
        rest = &inner_and_tail[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where a case's password comes from at run time.
#[derive(Debug, Clone)]
pub enum PasswordSource {
    /// Written in the file or read from the environment while planning.
    Given(Secret),
    /// Remembered in the keyring for this stored account; read when the case runs.
    Account(String),
    /// Kept in the keyring for suites under this name (`password_keyring`); read when the case
    /// runs.
    Keyring(String),
}

/// A case ready to send.
#[derive(Debug, Clone)]
pub struct PlannedCase {
    /// The case's position in the suite file (0-based): stable across partial re-runs.
    pub index: usize,
    /// As written: names and expectations (its `max_latency_ms` already includes the default).
    pub case: Case,
    pub email: String,
    pub password: PasswordSource,
    pub target: Target,
}

/// A suite ready to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub file: Option<PathBuf>,
    pub cases: Vec<PlannedCase>,
    /// Each place of the suite that writes a password in the file
    /// ([`Suite::plain_password_warnings`]), for the front end to show.
    pub warnings: Vec<String>,
}

impl Plan {
    /// Only the cases at these suite positions, e.g. the ones that failed last time.
    pub fn only(&self, indexes: &[usize]) -> Plan {
        Plan {
            cases: self
                .cases
                .iter()
                .filter(|c| indexes.contains(&c.index))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// Only the cases with these names.
    pub fn named(&self, names: &[String]) -> Plan {
        Plan {
            cases: self
                .cases
                .iter()
                .filter(|c| names.contains(&c.case.name))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

impl Suite {
    /// Resolves every case against the providers in `catalog` and the values in `vars`.
    /// `file` names the suite in problems and reports; problems name case and field but no line
    /// (the suite may have been edited since it was read: use [`Suite::load_plan`] for lines).
    pub fn plan(
        &self,
        catalog: &Catalog,
        vars: &Vars,
        file: Option<&Path>,
    ) -> Result<Plan, Problem> {
        plan_with(self, catalog, vars, file, &Layout::default())
    }

    /// Reads, checks and plans a suite file in one go (what `authdeck check` does).
    pub fn load_plan(path: &Path, catalog: &Catalog, vars: &Vars) -> Result<Plan, Problem> {
        let (suite, layout) = Suite::load_with_layout(path)?;
        plan_with(&suite, catalog, vars, Some(path), &layout)
    }
}

fn plan_with(
    suite: &Suite,
    catalog: &Catalog,
    vars: &Vars,
    file: Option<&Path>,
    layout: &Layout,
) -> Result<Plan, Problem> {
    let mut layout = layout.clone();
    layout.file = file.map(Path::to_path_buf);
    let d = &suite.defaults;
    let mut cases = Vec::with_capacity(suite.cases.len());
    for (index, case) in suite.cases.iter().enumerate() {
        let at = |own: bool, field: &str, message: String| {
            layout.problem(own.then_some((index, case)), field, message)
        };
        let (provider_id, own) = match (&case.provider, &d.provider) {
            (Some(p), _) => (p, true),
            (None, Some(p)) => (p, false),
            (None, None) => {
                return Err(at(true, "provider", "no provider given".into()));
            }
        };
        let provider = catalog
            .get(provider_id)
            .map_err(|e| at(own, "provider", e.to_string()))?
            .clone();
        let (base_url, own) = match (&case.base_url, &d.base_url, &provider.base_url) {
            (Some(u), _, _) => (u.clone(), true),
            (None, Some(u), _) => (u.clone(), false),
            (None, None, Some(u)) => (u.clone(), false),
            (None, None, None) => {
                return Err(at(
                    true,
                    "base_url",
                    format!(
                        "provider `{}` documents no base URL: give base_url here or in [defaults] \
                         (e.g. \"${{SANDBOX_URL}}/{}\")",
                        provider.id, provider.id
                    ),
                ));
            }
        };
        let base_url = expand(&base_url, vars).map_err(|m| at(own, "base_url", m))?;
        let Some(login) = &provider.login else {
            return Err(at(
                true,
                "provider",
                format!(
                    "provider `{}` has no login (its users paste a key): a case needs a provider \
                     with a [login]",
                    provider.id
                ),
            ));
        };
        crate::http::endpoint(&base_url, &login.path, d.allow_insecure_http)
            .map_err(|e| at(own, "base_url", e.to_string()))?;
        let email = expand(&case.email, vars).map_err(|m| at(true, "email", m))?;
        let password =
            password_of(case, suite, vars).map_err(|(own, field, m)| at(own, field, m))?;
        let mut case = case.clone();
        case.max_latency_ms = case.max_latency_ms.or(d.max_latency_ms);
        cases.push(PlannedCase {
            index,
            case,
            email,
            password,
            target: Target {
                provider,
                base_url,
                policy: Policy {
                    timeout: d
                        .timeout_secs
                        .map(Duration::from_secs)
                        .unwrap_or(DEFAULT_TIMEOUT),
                    allow_insecure_http: d.allow_insecure_http,
                    ..Policy::default()
                },
            },
        });
    }
    Ok(Plan {
        name: suite.title(file),
        file: file.map(Path::to_path_buf),
        cases,
        warnings: suite.plain_password_warnings(),
    })
}

/// The case's own password source, else the defaults'. Err: (the case's own?, field, message).
fn password_of(
    case: &Case,
    suite: &Suite,
    vars: &Vars,
) -> Result<PasswordSource, (bool, &'static str, String)> {
    let d = &suite.defaults;
    let own = case.password.is_some()
        || case.password_env.is_some()
        || case.password_from_account.is_some()
        || case.password_keyring.is_some();
    let (password, env, account, keyring) = if own {
        (
            &case.password,
            &case.password_env,
            &case.password_from_account,
            &case.password_keyring,
        )
    } else {
        (
            &d.password,
            &d.password_env,
            &d.password_from_account,
            &d.password_keyring,
        )
    };
    // A password typed over a keyring reference (the app's case form, before saving) wins.
    if let Some(p) = password {
        return Ok(PasswordSource::Given(Secret::new(p.0.as_str())));
    }
    if let Some(name) = keyring {
        crate::accounts::validate_name(name)
            .map_err(|e| (own, "password_keyring", e.to_string()))?;
        return Ok(PasswordSource::Keyring(name.clone()));
    }
    if let Some(var) = env {
        return match vars.get(var) {
            Some(value) => Ok(PasswordSource::Given(Secret::new(value))),
            None => Err((
                own,
                "password_env",
                format!(
                    "the environment variable {var} is not set; export {var}=... (a CI secret) before running"
                ),
            )),
        };
    }
    if let Some(account) = account {
        crate::accounts::validate_name(account)
            .map_err(|e| (own, "password_from_account", e.to_string()))?;
        return Ok(PasswordSource::Account(account.clone()));
    }
    Err((own, "password", "no password given".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_expand_with_fallbacks_and_dollar_escapes() {
        let vars = Vars::none().with("SANDBOX_URL", "http://127.0.0.1:9");
        assert_eq!(
            expand("${SANDBOX_URL}/meetra", &vars).unwrap(),
            "http://127.0.0.1:9/meetra"
        );
        assert_eq!(
            expand("${MISSING:-http://localhost:8787}/x", &vars).unwrap(),
            "http://localhost:8787/x"
        );
        assert_eq!(expand("a$$b$c", &vars).unwrap(), "a$b$c");
    }

    #[test]
    fn debug_shows_variable_names_not_values() {
        let vars = Vars::none().with("QA_PASSWORD", "hunter2");
        let debug = format!("{vars:?}");
        assert!(
            debug.contains("QA_PASSWORD") && !debug.contains("hunter2"),
            "{debug}"
        );
    }

    #[test]
    fn a_missing_variable_says_how_to_set_it() {
        let e = expand("${NOPE}/x", &Vars::none()).unwrap_err();
        assert!(
            e.contains("NOPE is not set") && e.contains("--var NOPE="),
            "{e}"
        );
        let e = expand("${bad name}", &Vars::none()).unwrap_err();
        assert!(e.contains("not a variable"), "{e}");
        let e = expand("${OPEN", &Vars::none()).unwrap_err();
        assert!(e.contains("closing"), "{e}");
    }
}
