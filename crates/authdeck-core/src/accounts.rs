//! The `accounts` table: who logs in where, and the non-secret state of each session.
//!
//! Tokens and passwords are in the keyring ([`crate::vault`]); here is only what the UI may show:
//! whether a session exists, when it expires, a short fingerprint of the token.

use crate::{Error, Result};
use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

/// Creates the `accounts` table. Never edit a shipped migration: add `MIGRATION_2`.
pub(crate) const MIGRATION_1: &str = "
CREATE TABLE accounts (
    name                TEXT PRIMARY KEY NOT NULL,
    provider            TEXT NOT NULL,
    base_url            TEXT NOT NULL,
    email               TEXT NOT NULL,
    overrides           TEXT NOT NULL DEFAULT '{}',
    allow_insecure_http INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    last_login_at       INTEGER,
    signed_in           INTEGER NOT NULL DEFAULT 0,
    session_issued_at   INTEGER,
    session_expires_at  INTEGER,
    token_fingerprint   TEXT,
    has_refresh_token   INTEGER NOT NULL DEFAULT 0,
    password_remembered INTEGER NOT NULL DEFAULT 0,
    clock_skew_secs     INTEGER
) STRICT;
";

/// Adds the origin the account's secrets were given for. Never edit a shipped migration.
pub(crate) const MIGRATION_2: &str = "
ALTER TABLE accounts ADD COLUMN secrets_origin TEXT;
";

/// Adds the account's own request time limit and the variable name its token is copied under.
/// Never edit a shipped migration.
pub(crate) const MIGRATION_3: &str = "
ALTER TABLE accounts ADD COLUMN timeout_secs INTEGER;
ALTER TABLE accounts ADD COLUMN env_var TEXT;
";

/// Adds the account's environment tag (`prod`, `staging`), by which lists group accounts.
/// Never edit a shipped migration.
pub(crate) const MIGRATION_4: &str = "
ALTER TABLE accounts ADD COLUMN tag TEXT;
";

/// Adds whether the user pinned the account on top of the app's list: a pin is the account's,
/// so it follows a rename and goes with a removal. Never edit a shipped migration.
pub(crate) const MIGRATION_5: &str = "
ALTER TABLE accounts ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
";

/// The longest environment tag, in characters.
pub const MAX_TAG_CHARS: usize = 32;

/// The longest time limit an account may set for one request, in seconds.
pub const MAX_TIMEOUT_SECS: u64 = 600;

/// What the user chose for an account: everything that is exported and imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountConfig {
    /// The key: 1..64 characters of `A-Z a-z 0-9 . _ @ -`.
    pub name: String,
    /// A preset id (`user-login`, ...) or the id of a custom provider file.
    pub provider: String,
    pub base_url: String,
    pub email: String,
    /// Per-account changes to the provider spec; a JSON object this module does not interpret.
    #[serde(default)]
    pub overrides: serde_json::Map<String, serde_json::Value>,
    /// Plain `http://` to a host other than loopback is refused unless this is set.
    #[serde(default)]
    pub allow_insecure_http: bool,
    /// Give up on one request (login, refresh, revocation) after this many seconds, 1 to
    /// [`MAX_TIMEOUT_SECS`]; `None`: [`crate::http::DEFAULT_TIMEOUT`].
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// The variable name the `env` and `dotenv` copy forms and `authdeck exec` use for the
    /// token (`GITHUB_TOKEN`); `None`: `AUTHDECK_TOKEN`.
    #[serde(default)]
    pub env_var: Option<String>,
    /// The environment the user files the account under (`prod`, `staging`), for grouping
    /// and filtering; `None`: none. See [`tag_problem`].
    #[serde(default)]
    pub tag: Option<String>,
}

impl AccountConfig {
    /// The origin (`scheme://host:port`) of the account's server, which its secrets are bound
    /// to. Errors: Invalid (a base URL that is not a URL).
    pub fn origin(&self) -> Result<String> {
        crate::http::origin(&self.base_url)
    }

    /// How requests for this account may go: its time limit and whether plain http is allowed.
    pub fn policy(&self) -> crate::http::Policy {
        crate::http::Policy {
            timeout: self
                .timeout_secs
                .map_or(crate::http::DEFAULT_TIMEOUT, std::time::Duration::from_secs),
            allow_insecure_http: self.allow_insecure_http,
            ..crate::http::Policy::default()
        }
    }

    /// Checks what can be checked without knowing the provider. Errors: Invalid, saying which
    /// field is wrong and how to fix it.
    pub fn validate(&self) -> Result<()> {
        validate_name(&self.name)?;
        if let Some(secs) = self.timeout_secs
            && !(1..=MAX_TIMEOUT_SECS).contains(&secs)
        {
            return Err(Error::Invalid(format!(
                "account {}: a timeout of {secs} s is out of range: give 1 to {MAX_TIMEOUT_SECS} \
                 seconds",
                self.name
            )));
        }
        if let Some(name) = &self.env_var
            && let Some(problem) = env_var_problem(name)
        {
            return Err(Error::Invalid(format!(
                "account {}: the variable name {name:?} {problem}",
                self.name
            )));
        }
        if let Some(tag) = &self.tag
            && let Some(problem) = tag_problem(tag)
        {
            return Err(Error::Invalid(format!(
                "account {}: the tag {tag:?} {problem}",
                self.name
            )));
        }
        if self.provider.trim().is_empty() {
            return Err(Error::Invalid(format!(
                "account {}: the provider is empty; give a preset id like `user-login` or the id \
                 of a provider file",
                self.name
            )));
        }
        match url::Url::parse(&self.base_url) {
            // A password in the URL would be kept in SQLite and shown everywhere.
            Ok(url) if !url.username().is_empty() || url.password().is_some() => {
                Err(Error::Invalid(format!(
                    "account {}: the base URL holds a user name or password; Authdeck keeps \
                     secrets only in the keyring: give the URL without them (scheme://host/path)",
                    self.name
                )))
            }
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(()),
            _ => Err(Error::Invalid(format!(
                "account {}: the base URL {:?} is not an http:// or https:// URL with a host: \
                 give it as https://host[/prefix]",
                self.name, self.base_url
            ))),
        }
    }
}

/// The non-secret facts about the session stored in the keyring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionState {
    /// A token is stored in the keyring for this account.
    pub signed_in: bool,
    /// When the current token was obtained; with `expires_at` it gives the token's lifetime.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub issued_at: Option<Timestamp>,
    /// When the current token expires, on the local clock; `None` when nobody said.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires_at: Option<Timestamp>,
    /// [`crate::secret::fingerprint`] of the current token.
    pub token_fingerprint: Option<String>,
    pub has_refresh_token: bool,
    pub password_remembered: bool,
    /// Server time minus local time, when the server's `Date` header told us.
    pub clock_skew_secs: Option<i64>,
    /// The origin (`scheme://host:port`) the account's secrets (tokens, remembered password)
    /// were given for, recorded when they were stored. Nothing is sent to another origin.
    /// `None`: no secrets, or secrets kept by an Authdeck that did not record it (they count
    /// as given for the account's base URL).
    pub secrets_origin: Option<String>,
}

/// One row of the `accounts` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    #[serde(flatten)]
    pub config: AccountConfig,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: Timestamp,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_login_at: Option<Timestamp>,
    #[serde(flatten)]
    pub session: SessionState,
    /// Pinned on top of the app's account list.
    #[serde(default)]
    pub pinned: bool,
}

impl Account {
    /// The origin the account's secrets were given for: the one recorded when they were kept,
    /// else (a row an older Authdeck kept without it) its base URL's. `None` when it keeps no
    /// secret.
    pub fn secrets_given_for(&self) -> Option<String> {
        let session = &self.session;
        if !session.signed_in && !session.password_remembered {
            return None;
        }
        session
            .secrets_origin
            .clone()
            .or_else(|| self.config.origin().ok())
    }

    /// `Some((given_for, now_at))` when the account's secrets were given for another origin
    /// than the one its base URL now points at; then none of them may be sent.
    pub fn secrets_moved(&self) -> Option<(String, String)> {
        let given_for = self.secrets_given_for()?;
        let now_at = self.config.origin().ok()?;
        (given_for != now_at).then_some((given_for, now_at))
    }
}

/// Where an account's session stands, as the account list and the tray show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    /// Still valid, but expires within the refresh margin.
    Expiring,
    Expired,
    /// Signed in, but neither the server nor the token said when it expires.
    UnknownExpiry,
    SignedOut,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::UnknownExpiry => "unknown_expiry",
            Status::SignedOut => "signed_out",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The session's status at `now`. `margin` is how early "expiring" starts; `None` means
/// [`default_margin`] of the token's lifetime.
pub fn status(account: &Account, now: Timestamp, margin: Option<SignedDuration>) -> Status {
    let session = &account.session;
    if !session.signed_in {
        return Status::SignedOut;
    }
    let Some(expires_at) = session.expires_at else {
        return Status::UnknownExpiry;
    };
    if expires_at <= now {
        return Status::Expired;
    }
    let margin = margin.unwrap_or_else(|| default_margin(lifetime(session)));
    if expires_at.duration_since(now) <= margin {
        Status::Expiring
    } else {
        Status::Valid
    }
}

/// The token's lifetime, when both ends are known and make sense.
pub fn lifetime(session: &SessionState) -> Option<SignedDuration> {
    let (issued, expires) = (session.issued_at?, session.expires_at?);
    let life = expires.duration_since(issued);
    life.is_positive().then_some(life)
}

/// How long before expiry a session counts as expiring (and gets refreshed): the background
/// refresher's default margin ([`crate::refresher::Config::margin`]: 10 % of the lifetime,
/// between 30 s and 5 min; 5 min when the lifetime is unknown).
pub fn default_margin(lifetime: Option<SignedDuration>) -> SignedDuration {
    crate::refresher::Config::default().margin(lifetime)
}

/// Clock skew up to this many seconds is ordinary network delay and clock jitter: not worth
/// correcting an expiry for, nor mentioning.
pub const SKEW_TOLERANCE_SECS: i64 = 5;

/// The server's clock skew (seconds, server minus local) when it is more than jitter
/// ([`SKEW_TOLERANCE_SECS`]); `None` otherwise.
pub fn notable_skew(skew_secs: Option<i64>) -> Option<i64> {
    skew_secs.filter(|s| s.abs() > SKEW_TOLERANCE_SECS)
}

/// The variable a token is copied under when the account names none.
pub const DEFAULT_ENV_VAR: &str = "AUTHDECK_TOKEN";

/// Variables that run code, pick a proxy, a certificate or a path, or that shells and tools
/// read for themselves: a token in one of them breaks the command or leaks (`BASH_ENV` makes
/// bash print it, `http_proxy` sends it out as a host name). Compared ignoring case.
pub const RESERVED_ENV_VARS: [&str; 75] = [
    "PATH",
    "HOME",
    "SHELL",
    "USER",
    "LOGNAME",
    "PWD",
    "OLDPWD",
    "IFS",
    "_",
    "CDPATH",
    "ENV",
    "BASH_ENV",
    "BASHOPTS",
    "SHELLOPTS",
    "PROMPT_COMMAND",
    "PS1",
    "PS2",
    "PS3",
    "PS4",
    "GLOBIGNORE",
    "TERM",
    "DISPLAY",
    "TMPDIR",
    "TMP",
    "TEMP",
    "LANG",
    "LANGUAGE",
    "TZ",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "BROWSER",
    "MAIL",
    "SSH_AUTH_SOCK",
    "SSH_ASKPASS",
    "NODE_OPTIONS",
    "NODE_PATH",
    "NODE_EXTRA_CA_CERTS",
    "PYTHONSTARTUP",
    "PYTHONPATH",
    "PYTHONHOME",
    "PERL5OPT",
    "PERL5LIB",
    "PERLLIB",
    "RUBYOPT",
    "RUBYLIB",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "CURL_CA_BUNDLE",
    "REQUESTS_CA_BUNDLE",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "GIT_EDITOR",
    "GIT_PAGER",
    "GIT_EXEC_PATH",
    "GIT_PROXY_COMMAND",
    "GIT_EXTERNAL_DIFF",
    "GIT_CONFIG",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_RUNTIME_DIR",
    "DBUS_SESSION_BUS_ADDRESS",
    "GNUPGHOME",
    "KUBECONFIG",
    "DOCKER_HOST",
];

/// Prefixes and suffixes of such variables (the dynamic loader's, the locale's, proxies).
const RESERVED_PREFIXES: [&str; 4] = ["LD_", "DYLD_", "LC_", "GIT_CONFIG_"];
const RESERVED_SUFFIX: &str = "_PROXY";

/// A variable name as a user typed it: trimmed; `None` when nothing is left (the default,
/// [`DEFAULT_ENV_VAR`]).
pub fn env_var_given(text: &str) -> Option<String> {
    Some(text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// A tag as a user typed it: trimmed, inner runs of spaces as one; `None` when nothing is left
/// (no tag).
pub fn tag_given(text: &str) -> Option<String> {
    let tag = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!tag.is_empty()).then_some(tag)
}

/// A typed tag as it is kept ([`tag_given`]); `None` when blank (no tag). Errors: Invalid when
/// what is left is not a tag ([`tag_problem`]).
pub fn tag_checked(text: &str) -> Result<Option<String>> {
    let Some(tag) = tag_given(text) else {
        return Ok(None);
    };
    match tag_problem(&tag) {
        Some(problem) => Err(Error::Invalid(format!("the tag {tag:?} {problem}"))),
        None => Ok(Some(tag)),
    }
}

/// What is wrong with `tag` as an environment tag, in words that follow it ("is …"); `None`
/// when it is fine: 1 to [`MAX_TAG_CHARS`] letters, digits, spaces and `- _ . / :`, as
/// [`tag_given`] leaves it. Tags are shown in lists and typed in filters and shells, so they
/// stay short and plain.
pub fn tag_problem(tag: &str) -> Option<&'static str> {
    // The message below is a literal so it can stay `&'static str`; this keeps its "32" true.
    const _: () = assert!(MAX_TAG_CHARS == 32, "tag_problem's message names the limit");
    let plain = tag
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/' | ':'));
    let count = tag.chars().count();
    if count == 0 || count > MAX_TAG_CHARS || !plain || tag_given(tag).as_deref() != Some(tag) {
        return Some(
            "is not a tag: use 1 to 32 letters, digits, spaces and - _ . / : (for example \
             prod, staging or eu-west)",
        );
    }
    None
}

/// What is wrong with `name` as the name of a shell variable to hold a token, in words that
/// follow it ("is not …"); `None` when it is fine. A POSIX shell name (letters, digits and
/// `_`, not starting with a digit), at most 64 characters, none of Authdeck's own
/// (`AUTHDECK_*`) and none that a shell or tool reads for itself ([`RESERVED_ENV_VARS`],
/// `LD_*`, `*_PROXY`, ...).
pub fn env_var_problem(name: &str) -> Option<&'static str> {
    let shell_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !shell_name || name.len() > 64 {
        return Some(
            "is not a variable name: use 1 to 64 letters, digits and _, not starting with a \
             digit (for example GITHUB_TOKEN)",
        );
    }
    let upper = name.to_ascii_uppercase();
    if upper.starts_with("AUTHDECK_") {
        return Some(
            "is taken: AUTHDECK_* names are Authdeck's own (AUTHDECK_TOKEN is the default: \
             leave the name empty for it); choose another name",
        );
    }
    let reserved = RESERVED_ENV_VARS.contains(&upper.as_str())
        || RESERVED_PREFIXES.iter().any(|p| upper.starts_with(p))
        || upper.ends_with(RESERVED_SUFFIX);
    if reserved {
        return Some(
            "is taken: shells and tools read it for themselves (PATH, HOME, BASH_ENV, LD_*, \
             *_PROXY and the like), and a token there breaks commands or leaks; choose another \
             name, such as API_TOKEN",
        );
    }
    None
}

/// Account names end up in keyring entries, file names and shell commands: keep them plain.
pub fn validate_name(name: &str) -> Result<()> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'));
    if name.is_empty() || name.len() > 64 || !ok_chars {
        return Err(Error::Invalid(format!(
            "{name:?} is not a valid account name: use 1 to 64 characters among the letters a-z \
             and A-Z, digits and . _ @ - (for example `prod-alice` or `alice@staging`)"
        )));
    }
    Ok(())
}

/// Checks a name for a new account (or a rename's new name) beyond [`validate_name`]: it
/// starts with no `-` (the CLI would read it as an option), has a letter or digit (`.` and
/// `..` read as folders), and differs from every other account's by more than letter case
/// (the Windows and macOS stores do not tell `Dev` from `dev`, so one would overwrite the
/// other's secrets). Errors: Invalid, Conflict (naming the account it clashes with), Storage.
pub fn check_new_name(conn: &Connection, name: &str) -> Result<()> {
    validate_name(name)?;
    if name.starts_with('-') {
        return Err(Error::Invalid(format!(
            "{name:?} starts with -, which commands read as an option: a name cannot start with \
             - (for example `prod-alice`)"
        )));
    }
    if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::Invalid(format!(
            "{name:?} has no letter or digit: give a name such as `prod-alice`"
        )));
    }
    let twin: Option<String> = conn
        .query_row(
            "SELECT name FROM accounts WHERE name = ?1 COLLATE NOCASE AND name <> ?1 LIMIT 1",
            [name],
            |row| row.get(0),
        )
        .optional()?;
    match twin {
        Some(twin) => Err(Error::Conflict(format!(
            "an account named {twin:?} exists, which differs from {name:?} only in letter case; \
             keyrings on Windows and macOS do not tell them apart: choose another name"
        ))),
        None => Ok(()),
    }
}

const COLUMNS: &str = "name, provider, base_url, email, overrides, allow_insecure_http, \
    created_at, updated_at, last_login_at, signed_in, session_issued_at, session_expires_at, \
    token_fingerprint, has_refresh_token, password_remembered, clock_skew_secs, secrets_origin, \
    timeout_secs, env_var, tag, pinned";

/// The account named `name`, if any.
pub fn get(conn: &Connection, name: &str) -> Result<Option<Account>> {
    // Cached: a renewal reads its account several times.
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE name = ?1");
    let row = conn
        .prepare_cached(&sql)?
        .query_row([name], read_row)
        .optional()?;
    row.transpose()
}

/// Every account, by name.
pub fn list(conn: &Connection) -> Result<Vec<Account>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts ORDER BY name");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], read_row)?;
    let mut accounts = Vec::new();
    for row in rows {
        accounts.push(row??);
    }
    Ok(accounts)
}

/// Creates the account or replaces its configuration. The session state is kept, except that
/// changing the provider, base URL or email signs it out: the stored token was issued for the
/// old ones and must not be handed out for the new.
pub fn upsert(conn: &Connection, config: &AccountConfig, now: Timestamp) -> Result<Account> {
    config.validate()?;
    let overrides = serde_json::to_string(&config.overrides)
        .map_err(|e| Error::Invalid(format!("account {}: overrides: {e}", config.name)))?;
    let now_ms = now.as_millisecond();
    conn.prepare_cached(
        "INSERT INTO accounts (name, provider, base_url, email, overrides, allow_insecure_http, \
             created_at, updated_at, timeout_secs, env_var, tag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10)
         ON CONFLICT(name) DO UPDATE SET provider = excluded.provider,
             base_url = excluded.base_url, email = excluded.email,
             overrides = excluded.overrides, allow_insecure_http = excluded.allow_insecure_http,
             timeout_secs = excluded.timeout_secs, env_var = excluded.env_var,
             tag = excluded.tag,
             updated_at = excluded.updated_at,
             -- A token belongs to the server, user and provider it came from: when any of them
             -- changes, the stored session must not be handed out for the new one.
             signed_in = CASE WHEN accounts.provider IS excluded.provider
                 AND accounts.base_url IS excluded.base_url AND accounts.email IS excluded.email
                 THEN accounts.signed_in ELSE 0 END",
    )?
    .execute(params![
        config.name,
        config.provider,
        config.base_url,
        config.email,
        overrides,
        config.allow_insecure_http,
        now_ms,
        config.timeout_secs.map(|s| s as i64),
        config.env_var,
        config.tag
    ])?;
    get(conn, &config.name)?.ok_or_else(|| not_found(&config.name))
}

/// Writes down the origin an account's secrets were given for when an older Authdeck kept
/// them without it (`secrets_origin` NULL): the origin of its base URL as stored now. Call it
/// before changing the base URL, in the same transaction, so that a failure after the change
/// (the keyring cannot drop the old secrets) still leaves them bound to the old server.
pub fn bind_secrets_origin(conn: &Connection, account: &Account) -> Result<()> {
    if account.session.secrets_origin.is_some() {
        return Ok(());
    }
    let Some(origin) = account.secrets_given_for() else {
        return Ok(());
    };
    conn.execute(
        "UPDATE accounts SET secrets_origin = ?2 WHERE name = ?1 AND secrets_origin IS NULL",
        params![account.config.name, origin],
    )?;
    Ok(())
}

/// Records the session's non-secret state after a login, refresh or logout.
pub fn set_session(
    conn: &Connection,
    name: &str,
    session: &SessionState,
    now: Timestamp,
) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE accounts SET signed_in = ?2, session_issued_at = ?3, session_expires_at = ?4,
             token_fingerprint = ?5, has_refresh_token = ?6, password_remembered = ?7,
             clock_skew_secs = ?8, updated_at = ?9, secrets_origin = ?10
         WHERE name = ?1",
        )?
        .execute(params![
            name,
            session.signed_in,
            session.issued_at.map(|t| t.as_millisecond()),
            session.expires_at.map(|t| t.as_millisecond()),
            session.token_fingerprint,
            session.has_refresh_token,
            session.password_remembered,
            session.clock_skew_secs,
            now.as_millisecond(),
            session.secrets_origin
        ])?;
    if changed == 0 {
        return Err(not_found(name));
    }
    Ok(())
}

/// Records a successful login (not a refresh) at `at`.
pub fn set_last_login(conn: &Connection, name: &str, at: Timestamp) -> Result<()> {
    let changed = conn
        .prepare_cached("UPDATE accounts SET last_login_at = ?2 WHERE name = ?1")?
        .execute(params![name, at.as_millisecond()])?;
    if changed == 0 {
        return Err(not_found(name));
    }
    Ok(())
}

/// Gives the account `from` the name `to`, keeping everything else. Errors: NotFound (no
/// `from`), Conflict (`to` exists), Invalid (`to` is not a valid name), Storage.
pub fn rename(conn: &Connection, from: &str, to: &str, now: Timestamp) -> Result<()> {
    validate_name(to)?;
    if get(conn, to)?.is_some() {
        return Err(Error::Conflict(format!(
            "an account named {to:?} exists already: choose another name, or remove that one first"
        )));
    }
    let changed = conn.execute(
        "UPDATE accounts SET name = ?2, updated_at = ?3 WHERE name = ?1",
        params![from, to, now.as_millisecond()],
    )?;
    if changed == 0 {
        return Err(not_found(from));
    }
    Ok(())
}

/// Deletes the account row; `false` when there was none. History rows are kept.
pub fn delete(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM accounts WHERE name = ?1", [name])? > 0)
}

/// The error for an account that does not exist, with the way to find the right name.
pub fn not_found(name: &str) -> Error {
    Error::NotFound(format!(
        "no account named {name:?}; `authdeck accounts` lists the accounts"
    ))
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<Account>> {
    let name: String = row.get(0)?;
    let overrides_text: String = row.get(4)?;
    let times = (
        row.get::<_, i64>(6)?,
        row.get::<_, i64>(7)?,
        row.get::<_, Option<i64>>(8)?,
        row.get::<_, Option<i64>>(10)?,
        row.get::<_, Option<i64>>(11)?,
    );
    let config = AccountConfig {
        name: name.clone(),
        provider: row.get(1)?,
        base_url: row.get(2)?,
        email: row.get(3)?,
        overrides: serde_json::Map::new(),
        allow_insecure_http: row.get(5)?,
        timeout_secs: row.get::<_, Option<i64>>(17)?.map(|s| s.max(0) as u64),
        env_var: row.get(18)?,
        tag: row.get(19)?,
    };
    let session = SessionState {
        signed_in: row.get(9)?,
        issued_at: None,
        expires_at: None,
        token_fingerprint: row.get(12)?,
        has_refresh_token: row.get(13)?,
        password_remembered: row.get(14)?,
        clock_skew_secs: row.get(15)?,
        secrets_origin: row.get(16)?,
    };
    let pinned: bool = row.get(20)?;
    Ok(finish_row(config, session, &overrides_text, times)
        .map(|account| Account { pinned, ..account }))
}

type RowTimes = (i64, i64, Option<i64>, Option<i64>, Option<i64>);

fn finish_row(
    mut config: AccountConfig,
    mut session: SessionState,
    overrides_text: &str,
    (created, updated, last_login, issued, expires): RowTimes,
) -> Result<Account> {
    let damaged = |what: &str| {
        Error::Storage(format!(
            "account {}: the stored {what} is damaged; re-create the account",
            config.name
        ))
    };
    config.overrides = match serde_json::from_str(overrides_text) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return Err(damaged("overrides")),
    };
    let time = |ms: i64| Timestamp::from_millisecond(ms).map_err(|_| damaged("time"));
    let optional_time = |ms: Option<i64>| ms.map(time).transpose();
    session.issued_at = optional_time(issued)?;
    session.expires_at = optional_time(expires)?;
    Ok(Account {
        created_at: time(created)?,
        updated_at: time(updated)?,
        last_login_at: optional_time(last_login)?,
        config,
        session,
        pinned: false,
    })
}

/// Pins the account on top of the app's list, or unpins it. Errors: NotFound, Storage.
pub fn set_pinned(conn: &Connection, name: &str, pinned: bool) -> Result<()> {
    let changed = conn.execute(
        "UPDATE accounts SET pinned = ?2 WHERE name = ?1",
        params![name, pinned],
    )?;
    match changed {
        0 => Err(not_found(name)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_variable_is_a_shell_name_that_nothing_else_reads() {
        for fine in [
            "GITHUB_TOKEN",
            "API_TOKEN",
            "_TOKEN2",
            "seal_token",
            "GIT_TOKEN",
        ] {
            assert_eq!(env_var_problem(fine), None, "{fine}");
        }
        for (bad, says) in [
            ("1X", "not a variable name"),
            ("A-B", "not a variable name"),
            ("ÄBC", "not a variable name"),
            ("", "not a variable name"),
            (&"A".repeat(65), "not a variable name"),
            ("AUTHDECK_TOKEN", "Authdeck's own"),
            ("authdeck_header", "Authdeck's own"),
            ("PATH", "read it for themselves"),
            ("path", "read it for themselves"),
            ("BASH_ENV", "read it for themselves"),
            ("http_proxy", "read it for themselves"),
            ("HTTPS_PROXY", "read it for themselves"),
            ("LD_AUDIT", "read it for themselves"),
            ("DYLD_INSERT_LIBRARIES", "read it for themselves"),
            ("NODE_OPTIONS", "read it for themselves"),
            ("GIT_SSH_COMMAND", "read it for themselves"),
            ("_", "read it for themselves"),
        ] {
            let problem = env_var_problem(bad).unwrap_or("accepted");
            assert!(problem.contains(says), "{bad}: {problem}");
        }
    }

    #[test]
    fn tags_are_short_plain_words_and_typed_spaces_fold() {
        assert_eq!(tag_given("  eu   prod "), Some("eu prod".to_string()));
        assert_eq!(tag_given(" \t "), None, "blank means no tag");
        for fine in [
            "prod",
            "staging",
            "eu-west/1",
            "Prüfung",
            "v2.1:beta",
            &"x".repeat(32),
        ] {
            assert_eq!(tag_problem(fine), None, "{fine}");
        }
        for bad in ["", " prod", "a  b", "pro;d", "a\nb", "<b>", &"x".repeat(33)] {
            assert!(tag_problem(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_checked_tag_is_folded_blank_is_none_and_a_bad_one_is_named() {
        assert_eq!(
            tag_checked("  eu   prod ").ok(),
            Some(Some("eu prod".to_string()))
        );
        assert_eq!(tag_checked(" \t ").ok(), Some(None));
        let err = tag_checked("pro;d").expect_err("not a tag");
        assert!(matches!(err, Error::Invalid(_)), "{err:?}");
        assert!(err.to_string().contains("\"pro;d\" is not a tag"), "{err}");
    }

    #[test]
    fn a_base_url_with_a_user_or_password_is_refused() {
        for url in [
            "http://user:pw@127.0.0.1:1/x",
            "https://user@api.example.com",
        ] {
            let config = AccountConfig {
                name: "a".into(),
                provider: "meetra".into(),
                base_url: url.into(),
                email: "a@b.c".into(),
                overrides: serde_json::Map::new(),
                allow_insecure_http: false,
                timeout_secs: None,
                env_var: None,
                tag: None,
            };
            let e = config.validate().unwrap_err().to_string();
            assert!(e.contains("user name or password"), "{e}");
            assert!(!e.contains("pw@"), "the password is not repeated: {e}");
        }
    }

    fn account(session: SessionState) -> Account {
        Account {
            config: AccountConfig {
                name: "a".into(),
                provider: "user-login".into(),
                base_url: "http://127.0.0.1:1".into(),
                email: "a@b.c".into(),
                overrides: serde_json::Map::new(),
                allow_insecure_http: false,
                timeout_secs: None,
                env_var: None,
                tag: None,
            },
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            last_login_at: None,
            session,
            pinned: false,
        }
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn changing_server_user_or_provider_signs_the_account_out_and_other_edits_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("a.db")).unwrap();
        let config = account(SessionState::default()).config;
        upsert(&conn, &config, at(1)).unwrap();
        let in_session = SessionState {
            signed_in: true,
            ..SessionState::default()
        };
        type Edit = fn(&mut AccountConfig);
        let cases: [(&str, Edit); 4] = [
            ("overrides", |c| {
                c.overrides.insert("x".into(), 1.into());
            }),
            ("base_url", |c| c.base_url = "http://127.0.0.1:2".into()),
            ("email", |c| c.email = "other@b.c".into()),
            ("provider", |c| c.provider = "meetra".into()),
        ];
        for (field, change) in cases {
            set_session(&conn, "a", &in_session, at(2)).unwrap();
            let mut changed = get(&conn, "a").unwrap().unwrap().config;
            change(&mut changed);
            let after = upsert(&conn, &changed, at(3)).unwrap();
            let expect_signed_in = field == "overrides";
            assert_eq!(
                after.session.signed_in, expect_signed_in,
                "after changing {field}"
            );
        }
    }

    #[test]
    fn an_older_rows_secrets_are_bound_to_its_server_before_it_moves() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("a.db")).unwrap();
        let config = account(SessionState::default()).config;
        upsert(&conn, &config, at(1)).unwrap();
        let legacy = SessionState {
            signed_in: true,
            password_remembered: true,
            ..SessionState::default()
        };
        set_session(&conn, "a", &legacy, at(2)).unwrap();
        bind_secrets_origin(&conn, &get(&conn, "a").unwrap().unwrap()).unwrap();
        let mut moved = config.clone();
        moved.base_url = "http://127.0.0.1:2".into();
        let after = upsert(&conn, &moved, at(3)).unwrap();
        assert_eq!(
            after.session.secrets_origin.as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            after.secrets_moved(),
            Some(("http://127.0.0.1:1".into(), "http://127.0.0.1:2".into())),
            "a renewal now sees the move even if dropping the secrets failed"
        );
        // A row without secrets gets no binding.
        set_session(&conn, "a", &SessionState::default(), at(4)).unwrap();
        bind_secrets_origin(&conn, &get(&conn, "a").unwrap().unwrap()).unwrap();
        assert_eq!(
            get(&conn, "a").unwrap().unwrap().session.secrets_origin,
            None
        );
    }

    fn signed_in(issued: Option<i64>, expires: Option<i64>) -> Account {
        account(SessionState {
            signed_in: true,
            issued_at: issued.map(at),
            expires_at: expires.map(at),
            ..SessionState::default()
        })
    }

    #[test]
    fn signed_out_wins_over_any_expiry() {
        let a = account(SessionState {
            signed_in: false,
            expires_at: Some(at(10_000)),
            ..SessionState::default()
        });
        assert_eq!(status(&a, at(0), None), Status::SignedOut);
    }

    #[test]
    fn no_expiry_is_unknown_expiry() {
        assert_eq!(
            status(&signed_in(None, None), at(0), None),
            Status::UnknownExpiry
        );
    }

    #[test]
    fn past_expiry_is_expired_including_the_exact_second() {
        let a = signed_in(Some(0), Some(100));
        assert_eq!(status(&a, at(100), None), Status::Expired);
        assert_eq!(status(&a, at(500), None), Status::Expired);
    }

    #[test]
    fn margin_is_ten_percent_of_lifetime_clamped() {
        // One hour: 10 % is 6 min, clamped to 5 min.
        let hour = signed_in(Some(0), Some(3600));
        assert_eq!(status(&hour, at(3600 - 301), None), Status::Valid);
        assert_eq!(status(&hour, at(3600 - 300), None), Status::Expiring);
        // Twenty minutes: 10 % is 2 min.
        let twenty = signed_in(Some(0), Some(1200));
        assert_eq!(status(&twenty, at(1200 - 121), None), Status::Valid);
        assert_eq!(status(&twenty, at(1200 - 120), None), Status::Expiring);
        // One minute: 10 % is 6 s, raised to 30 s.
        let minute = signed_in(Some(0), Some(60));
        assert_eq!(status(&minute, at(29), None), Status::Valid);
        assert_eq!(status(&minute, at(30), None), Status::Expiring);
    }

    #[test]
    fn unknown_lifetime_uses_five_minutes() {
        let a = signed_in(None, Some(10_000));
        assert_eq!(status(&a, at(10_000 - 301), None), Status::Valid);
        assert_eq!(status(&a, at(10_000 - 300), None), Status::Expiring);
    }

    #[test]
    fn explicit_margin_overrides_the_default() {
        let a = signed_in(Some(0), Some(3600));
        let margin = Some(SignedDuration::from_mins(30));
        assert_eq!(status(&a, at(1800), margin), Status::Expiring);
    }

    #[test]
    fn status_serializes_snake_case() -> Result<(), serde_json::Error> {
        assert_eq!(
            serde_json::to_string(&Status::UnknownExpiry)?,
            "\"unknown_expiry\""
        );
        assert_eq!(serde_json::to_string(&Status::SignedOut)?, "\"signed_out\"");
        Ok(())
    }

    #[test]
    fn account_names_are_plain() {
        for good in [
            "a",
            "prod-alice",
            "alice@staging",
            "A.b_c-1",
            &"x".repeat(64),
        ] {
            assert!(validate_name(good).is_ok(), "{good:?} should be accepted");
        }
        for bad in [
            "",
            "has space",
            "slash/",
            "semi;colon",
            "é",
            "#1",
            &"x".repeat(65),
        ] {
            let err = validate_name(bad).expect_err("should be refused");
            assert!(
                err.to_string().contains("1 to 64 characters"),
                "the error explains the rule: {err}"
            );
        }
    }
}
