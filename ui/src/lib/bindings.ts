// Generated from authdeck-core's types and src-tauri/src/dto.rs by ts-rs: do not edit.
// Regenerate with `UPDATE_BINDINGS=1 cargo test -p authdeck-app bindings`.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type Kind = "invalid_credentials" | "user_not_found" | "invalid_password" | "account_inactive" | "account_not_verified" | "no_password_set" | "bad_request" | "rate_limited" | "server_error" | "network_error" | "protocol_error" | "rejected" | "invalid_client" | "invalid_grant" | "invalid_scope" | "access_denied" | "unauthorized_client" | "expired_token";

export type Failure = { kind: Kind, http_status: number | null, error_code: string | null, message: string | null, 
/**
 * Seconds the server asked us to wait (`Retry-After`), when it said.
 */
retry_after_secs: number | null, };

export type RawAnswer = { http_status: number, content_type: string | null, body: string, 
/**
 * The body was longer than what `body` shows.
 */
truncated: boolean, 
/**
 * The answer's headers (names in lower case), secrets hidden: cookies keep their names
 * and attributes, `Authorization` its scheme.
 */
headers: Array<[string, string]>, };

export type RawRequest = { method: string, url: string, 
/**
 * Names as the provider spells them; a value shown only when plain (`Accept`,
 * `Content-Type`) or as a credential header's scheme, any other `<redacted>`.
 */
headers: Array<[string, string]>, content_type: string | null, body: string, };

export type Problem = { file: string | null, 
/**
 * 1-based.
 */
line: number | null, 
/**
 * The key at fault, e.g. `success.token`, `kind` or `defaults.base_url`.
 */
field: string | null, 
/**
 * The suite case at fault, by name.
 */
case: string | null, message: string, };

export type ErrorCode = "invalid_input" | "provider" | "not_found" | "keyring" | "storage" | "session_expired" | "refused" | "io" | "conflict" | "malformed_token" | "encrypted_token" | "internal";

export type ErrorPayload = { code: ErrorCode, message: string, 
/**
 * The protected header of an encrypted token (code `encrypted_token`); absent otherwise,
 * so every other error keeps the two-field shape.
 */
header?: { [key in string]: JsonValue }, };

export type Status = "valid" | "expiring" | "expired" | "unknown_expiry" | "signed_out";

export type AccountConfig = { 
/**
 * The key: 1..64 characters of `A-Z a-z 0-9 . _ @ -`.
 */
name: string, 
/**
 * A preset id (`user-login`, ...) or the id of a custom provider file.
 */
provider: string, base_url: string, email: string, 
/**
 * Per-account changes to the provider spec; a JSON object this module does not interpret.
 */
overrides: { [key in string]: JsonValue }, 
/**
 * Plain `http://` to a host other than loopback is refused unless this is set.
 */
allow_insecure_http: boolean, 
/**
 * Give up on one request (login, refresh, revocation) after this many seconds, 1 to
 * [`MAX_TIMEOUT_SECS`]; `None`: [`crate::http::DEFAULT_TIMEOUT`].
 */
timeout_secs: number | null, 
/**
 * The variable name the `env` and `dotenv` copy forms and `authdeck exec` use for the
 * token (`GITHUB_TOKEN`); `None`: `AUTHDECK_TOKEN`.
 */
env_var: string | null, 
/**
 * The environment the user files the account under (`prod`, `staging`), for grouping
 * and filtering; `None`: none. See [`tag_problem`].
 */
tag: string | null, };

export type SessionState = { 
/**
 * A token is stored in the keyring for this account.
 */
signed_in: boolean, 
/**
 * When the current token was obtained; with `expires_at` it gives the token's lifetime.
 */
issued_at: string | null, 
/**
 * When the current token expires, on the local clock; `None` when nobody said.
 */
expires_at: string | null, 
/**
 * [`crate::secret::fingerprint`] of the current token.
 */
token_fingerprint: string | null, has_refresh_token: boolean, password_remembered: boolean, 
/**
 * Server time minus local time, when the server's `Date` header told us.
 */
clock_skew_secs: number | null, 
/**
 * The origin (`scheme://host:port`) the account's secrets (tokens, remembered password)
 * were given for, recorded when they were stored. Nothing is sent to another origin.
 * `None`: no secrets, or secrets kept by an Authdeck that did not record it (they count
 * as given for the account's base URL).
 */
secrets_origin: string | null, };

export type Account = { created_at: string, updated_at: string, last_login_at: string | null, 
/**
 * Pinned on top of the app's account list.
 */
pinned: boolean, 
/**
 * The key: 1..64 characters of `A-Z a-z 0-9 . _ @ -`.
 */
name: string, 
/**
 * A preset id (`user-login`, ...) or the id of a custom provider file.
 */
provider: string, base_url: string, email: string, 
/**
 * Per-account changes to the provider spec; a JSON object this module does not interpret.
 */
overrides: { [key in string]: JsonValue }, 
/**
 * Plain `http://` to a host other than loopback is refused unless this is set.
 */
allow_insecure_http: boolean, 
/**
 * Give up on one request (login, refresh, revocation) after this many seconds, 1 to
 * [`MAX_TIMEOUT_SECS`]; `None`: [`crate::http::DEFAULT_TIMEOUT`].
 */
timeout_secs: number | null, 
/**
 * The variable name the `env` and `dotenv` copy forms and `authdeck exec` use for the
 * token (`GITHUB_TOKEN`); `None`: `AUTHDECK_TOKEN`.
 */
env_var: string | null, 
/**
 * The environment the user files the account under (`prod`, `staging`), for grouping
 * and filtering; `None`: none. See [`tag_problem`].
 */
tag: string | null, 
/**
 * A token is stored in the keyring for this account.
 */
signed_in: boolean, 
/**
 * When the current token was obtained; with `expires_at` it gives the token's lifetime.
 */
issued_at: string | null, 
/**
 * When the current token expires, on the local clock; `None` when nobody said.
 */
expires_at: string | null, 
/**
 * [`crate::secret::fingerprint`] of the current token.
 */
token_fingerprint: string | null, has_refresh_token: boolean, password_remembered: boolean, 
/**
 * Server time minus local time, when the server's `Date` header told us.
 */
clock_skew_secs: number | null, 
/**
 * The origin (`scheme://host:port`) the account's secrets (tokens, remembered password)
 * were given for, recorded when they were stored. Nothing is sent to another origin.
 * `None`: no secrets, or secrets kept by an Authdeck that did not record it (they count
 * as given for the account's base URL).
 */
secrets_origin: string | null, };

export type Action = "login" | "refresh" | "relogin" | "logout" | "remove" | "forget_password" | "check" | "rename";

export type Event = { id: number, at: string, account: string, provider: string, action: Action, ok: boolean, http_status: number | null, kind: Kind | null, error_code: string | null, message: string | null, latency_ms: number | null, token_fingerprint: string | null, expires_at: string | null, note: string | null, suite_run: string | null, 
/**
 * Its request and answer are kept ([`exchanges::get`]).
 */
has_exchange: boolean, };

export type Page = { "from": "newest" } | { "from": "older_than", key: EventKey, } | { "from": "newer_than", key: EventKey, } | { "from": "oldest" };

export type EventKey = { 
/**
 * Unix milliseconds, as stored.
 */
at_ms: number, id: number, };

export type Exchange = { request: RawRequest | null, answer: RawAnswer | null, };

export type AccountEdit = { account: string, provider: string, base_url: string, email: string, 
/**
 * Replaces the account's options when given; `None` keeps them.
 */
options?: AccountOptions, };

export type AccountOptions = { 
/**
 * Changes to the provider spec for this account, `FIELD=VALUE` each (as `--set`); the
 * OAuth client id and grant have their own fields and are kept.
 */
set: Array<string>, 
/**
 * Plain http:// to a host other than localhost is allowed (passwords travel unencrypted).
 */
allow_insecure_http: boolean, 
/**
 * Give up on a request after this many seconds, 1 to 600; `None`: 30.
 */
timeout_secs: number | null, 
/**
 * The variable name of the shell and `.env` copy forms; empty or `None`: AUTHDECK_TOKEN.
 */
env_var: string | null, 
/**
 * The environment tag (`prod`, `staging`); empty or `None`: none.
 */
tag: string | null, };

export type ImportReport = { accounts: Tally, providers: Tally, 
/**
 * Changed accounts whose secrets were dropped: moved to another server (every secret) or
 * signed out by the change (their tokens).
 */
secrets_dropped: Array<string>, };

export type Tally = { added: Array<string>, changed: Array<string>, 
/**
 * Already present with the same content.
 */
skipped: Array<string>, };

export type Probe = { 
/**
 * The GET as sent, the token shown as `<redacted>`.
 */
request: RawRequest, 
/**
 * The server's answer; `None` when none came (then `failure` says why).
 */
answer: RawAnswer | null, 
/**
 * Why no answer came: the server could not be reached, timed out, or sent too much.
 */
failure: Failure | null, 
/**
 * From sending the request to the whole answer, in ms.
 */
latency_ms: number, 
/**
 * The probe first renewed the session (its token was too close to expiry).
 */
renewed: boolean, };

export type DotenvPick = { 
/**
 * The variable's name in the file.
 */
variable: string, 
/**
 * The new account's name.
 */
account: string, provider: string, base_url: string, 
/**
 * The environment tag the new account gets (`dev`); `None`: none.
 */
tag: string | null, };

export type DotenvFile = { variables: Array<DotenvVariable>, skipped_lines: number, };

export type DotenvVariable = { name: string, 
/**
 * What the value is, in words that do not show it: "a JWT, 412 characters".
 */
shape: string, 
/**
 * It looks like a token or key (a JWT, or a name that says TOKEN, KEY, SECRET, PAT…):
 * offered ticked.
 */
likely: boolean, 
/**
 * The account name to offer: the name without `_TOKEN`, `_API_KEY`…, lower case, `-`
 * for `_` (`STRIPE_API_KEY`: `stripe`).
 */
account: string, 
/**
 * A base URL from the same file: `<PREFIX>_BASE_URL` or `<PREFIX>_URL` (what
 * `authdeck export-env --format dotenv` writes), else a lone `BASE_URL` or `API_URL`.
 */
base_url: string | null, 
/**
 * When it expires: `<PREFIX>_EXPIRES_AT` (RFC 3339), else the JWT's `exp`.
 */
expires_at: string | null, };

export type LoginReport = { account: string, provider: string, email: string, base_url: string, latency_ms: number, } & ({ "ok_tag": "ok" } & SessionFacts | { "ok_tag": "failed" } & Failure);

export type Outcome = { "ok_tag": "ok" } & SessionFacts | { "ok_tag": "failed" } & Failure;

export type SessionFacts = { http_status: number, 
/**
 * On the local clock (corrected for the server's clock skew).
 */
expires_at: string | null, refreshable: boolean, 
/**
 * The token's claims as it writes them, when it is a JWT.
 */
claims: JsonValue | null, token_fingerprint: string, clock_skew_secs: number | null, notes: Array<string>, };

export type TestLogin = { latency_ms: number, http_status: number | null, expires_at: string | null, 
/**
 * The provider has a refresh flow.
 */
refreshable: boolean, failure: Failure | null, };

export type CopyFormat = "raw" | "header" | "curl" | "curl_command" | "env" | "dotenv" | "json";

export type Inspection = { header: { [key in string]: JsonValue }, 
/**
 * The payload as claims when it is a JSON object...
 */
claims: { [key in string]: JsonValue } | null, 
/**
 * ...else as text when it is UTF-8...
 */
payload_text: string | null, 
/**
 * ...else as standard base64.
 */
payload_base64: string | null, alg: string | null, alg_description: string | null, kid: string | null, typ: string | null, 
/**
 * Registered claims (iss, sub, aud, exp, nbf, iat, jti) then common ones (email, scope, ...),
 * each with a label and display text.
 */
explained: Array<ExplainedClaim>, 
/**
 * The `exp` claim's time, shared with its entry in `explained`.
 */
expires_at: TimeView | null, time_status: TimeStatus, 
/**
 * Why `time_status` is `unknown`: the `exp` or `nbf` that could not be read.
 */
time_problem: string | null, 
/**
 * True on or after `exp` (RFC 7519 4.1.4).
 */
expired: boolean, 
/**
 * Seconds until `exp`; negative once expired. Lets the UI run a live countdown.
 */
seconds_left: number | null, 
/**
 * The moment the relative texts were computed for.
 */
inspected_at: string, 
/**
 * Things worth a second look: unsigned token, odd time claims, clock skew, ...
 */
notes: Array<Note>, };

export type ExplainedClaim = { name: string, label: string, kind: ClaimKind, 
/**
 * The value as a person reads it (lists joined, strings unquoted); for a time claim, the
 * NumericDate as written, its readable forms being in `time`.
 */
text: string, 
/**
 * Set for time claims (exp, nbf, iat, auth_time) that could be read as a time.
 */
time: TimeView | null, 
/**
 * Set for a time claim that is present but no time (a string, out of range): why.
 * Such a claim is never taken for an absent one.
 */
problem: string | null, };

export type Note = { code: string, message: string, };

export type ClaimKind = "registered" | "common";

export type TimeView = { timestamp: string, unix: number, 
/**
 * `2026-11-22 04:40:58 UTC`
 */
utc: string, 
/**
 * The same moment in the given time zone, `2026-11-22 05:40:58 CET`.
 */
local: string, 
/**
 * `in 1 h 59 min`, `3 days ago`, `expired 3 days ago` (for exp).
 */
relative: string, };

export type TimeStatus = "valid" | "expired" | "not_yet_valid" | "no_expiry" | "unknown";

export type RefresherEvent = { "type": "renewed", account: string, expires_at: string | null, } | { "type": "failed", account: string, kind: Kind | null, message: string, retry_at: string, } | { "type": "stopped", account: string, kind: Kind | null, message: string, } | { "type": "cannot_renew", account: string, expires_at: string, };

export type Grant = "authorization_code" | "device_code" | "client_credentials" | "password";

export type DeviceCode = { user_code: string, verification_uri: string, 
/**
 * The URL with the code in it, to click or scan, when the server gives one.
 */
verification_uri_complete: string | null, 
/**
 * Seconds the code stays valid.
 */
expires_in_secs: number, 
/**
 * Seconds between polls.
 */
interval_secs: number, };

export type Introspection = { active: boolean, scope: string | null, client_id: string | null, username: string | null, token_type: string | null, exp: number | null, iat: number | null, nbf: number | null, sub: string | null, aud: Array<string> | null, iss: string | null, jti: string | null, };

export type Suite = { 
/**
 * Shown in reports and JUnit; the file name when absent.
 */
name?: string | null, defaults?: Defaults, case?: Array<Case>, };

export type Defaults = { 
/**
 * A provider id: a preset (`meetra`, `user-login`, ...) or a provider file's id.
 */
provider?: string | null, 
/**
 * May use `${VAR}` or `${VAR:-fallback}` (`"${SANDBOX_URL}/meetra"`). The provider's
 * documented base URL when absent.
 */
base_url?: string | null, password?: PlainPassword | null, password_env?: string | null, password_from_account?: string | null, password_keyring?: string | null, max_latency_ms?: number | null, 
/**
 * Give up on one request after this many seconds (30 when absent).
 */
timeout_secs?: number | null, 
/**
 * Allow plain http:// to a host other than loopback.
 */
allow_insecure_http?: boolean, };

export type Case = { name: string, 
/**
 * May use `${VAR}` like the base URL.
 */
email: string, 
/**
 * At most one of the four password sources; the defaults' when none. Written in the file
 * itself, so anyone who can read the file can read it: opening such a suite warns (see
 * [`Suite::plain_password_warnings`]), and the app moves it into the keyring when it saves.
 */
password?: PlainPassword | null, 
/**
 * The password is in this environment variable (CI secrets).
 */
password_env?: string | null, 
/**
 * The password this stored account remembers in the keyring.
 */
password_from_account?: string | null, 
/**
 * A password kept in the keyring under this name, for suites alone: the app puts a typed
 * password there when it saves the suite; `authdeck suites password NAME` from the CLI.
 */
password_keyring?: string | null, provider?: string | null, base_url?: string | null, 
/**
 * `true`: the login must succeed; `false`: it must fail (in any way).
 */
ok?: boolean | null, 
/**
 * The outcome kind of a failure; implies `ok = false`.
 */
kind?: Kind | null, http_status?: number | null, 
/**
 * The provider's own error code, exactly (after the provider's `code_names`).
 */
error_code?: string | null, 
/**
 * A piece of the server's error message (case-sensitive).
 */
message_contains?: string | null, 
/**
 * A regular expression (Rust `regex` syntax; `(?i)` for any case) the message must match.
 */
message_matches?: string | null, 
/**
 * The answer must come within this many milliseconds.
 */
max_latency_ms?: number | null, };

export type PlainPassword = string;

export type CaseStatus = "pass" | "fail" | "error";

export type CaseResult = { 
/**
 * The case's position in the suite file (0-based).
 */
index: number, name: string, provider: string, email: string, status: CaseStatus, 
/**
 * The expectations that did not hold (empty on pass).
 */
mismatches: Array<Mismatch>, 
/**
 * The last answer; `None` when the case could not be run.
 */
actual: Actual | null, 
/**
 * Requests sent (more than 1 after 429 retries).
 */
attempts: number, 
/**
 * Why the case could not run (status `error`).
 */
error: string | null, 
/**
 * What happened on the way, e.g. the waits a 429 asked for.
 */
notes: Array<string>, 
/**
 * From the first request to the last answer, waits included.
 */
duration_ms: number, };

export type SuiteReport = { run_id: string, name: string, file: string | null, started_at: string, duration_ms: number, passed: number, failed: number, errors: number, cases: Array<CaseResult>, };

export type Actual = { ok: boolean, 
/**
 * `None` on success.
 */
kind: Kind | null, http_status: number | null, error_code: string | null, 
/**
 * The server's message verbatim (or an excerpt of a non-JSON body).
 */
message: string | null, retry_after_secs: number | null, latency_ms: number, 
/**
 * The token's JWT claims on success (public by nature; the token itself never leaves).
 */
claims: JsonValue | null, 
/**
 * The server's answer as sent, secrets redacted (for the QA screen's raw view).
 */
raw?: RawAnswer | null, };

export type Mismatch = { 
/**
 * The suite field: `ok`, `kind`, `http_status`, `error_code`, `message_contains`,
 * `message_matches`, `max_latency_ms`.
 */
field: string, expected: string, actual: string, };

export type SuiteEntry = { title: string, 
/**
 * A file path, or `example:ID` for a built-in example.
 */
path: string, example: boolean, };

export type SuiteDoc = { title: string, path: string, 
/**
 * A built-in example: saving writes a copy to the suites folder.
 */
example: boolean, suite: Suite, 
/**
 * What the user should know about the file: each place that writes a password in it.
 */
warnings: Array<string>, };

export type ZoneOffset = { 
/**
 * The instant it applies from, in ms since the Unix epoch; `None` for the first of a list,
 * which applies to every earlier instant too.
 */
from_ms: number | null, 
/**
 * The offset, in seconds east of UTC (3600 for UTC+01:00).
 */
offset_s: number, };

export type LocalZone = { 
/**
 * Its IANA name ("Europe/Berlin"), when the system names it.
 */
name: string | null, 
/**
 * The offset in force at [`START`], then one at each of the zone's transitions up to
 * [`YEARS_AHEAD`] years after `now`: never empty.
 */
offsets: Array<ZoneOffset>, };

export type AccountView = { name: string, provider: string, provider_name: string, base_url: string, email: string, 
/**
 * An OAuth account's client id (shown where a login shows its email).
 */
client_id: string | null, 
/**
 * Signs in through an OAuth 2.0 / OpenID Connect server (its provider has `[oauth]`).
 */
oauth: boolean, 
/**
 * An OAuth account's grant (its own, or else its provider's).
 */
oauth_grant: Grant | null, status: Status, signed_in: boolean, issued_at: string | null, expires_at: string | null, 
/**
 * Seconds before expiry at which the account counts as expiring (and is refreshed).
 */
margin_secs: number, token_fingerprint: string | null, has_refresh_token: boolean, password_remembered: boolean, last_login_at: string | null, 
/**
 * The failure of the account's newest event, when that event failed.
 */
last_error: Failure | null, 
/**
 * What else is set for the account, as the edit form shows it.
 */
options: AccountOptions, 
/**
 * Pinned on top of the list.
 */
pinned: boolean, 
/**
 * When the account was made: the same account under another name (a rename from the
 * CLI) has the same one, so the app's selection follows it.
 */
created_at: string, };

export type ExportSummary = { accounts: number, providers: number, };

export type LoginInput = { account: string, provider: string, base_url: string, email: string, password: string, remember_password: boolean, 
/**
 * A one-time code for a second factor; empty for none.
 */
otp: string, 
/**
 * A TOTP secret (base32 or an otpauth:// URI) to keep in the keyring; empty for none.
 */
totp_secret: string, 
/**
 * The account's options (`--set`, `--timeout`, `--allow-insecure-http`, `--env-var`),
 * replacing the stored ones; absent: kept.
 */
options?: AccountOptions, };

export type PasteInput = { account: string, provider: string, base_url: string, 
/**
 * Whose key it is; may be empty.
 */
email: string, token: string, 
/**
 * When it expires (RFC 3339), when the user knows; else the JWT's `exp`.
 */
expires_at: string | null, 
/**
 * The account's options (`--set`, `--timeout`, `--allow-insecure-http`, `--env-var`),
 * replacing the stored ones; absent: kept.
 */
options?: AccountOptions, };

export type SignInInput = { account: string, provider: string, 
/**
 * The issuer (or the OAuth server's base URL).
 */
base_url: string, client_id: string, 
/**
 * Kept in the keyring; empty for a public client (or to keep the stored one).
 */
client_secret: string, grant: Grant, 
/**
 * The password grant's user and password; empty otherwise.
 */
email: string, password: string, remember_password: boolean, 
/**
 * The account's options (`--set`, `--timeout`, `--allow-insecure-http`, `--env-var`),
 * replacing the stored ones; absent: kept.
 */
options?: AccountOptions, };

export type SignInStage = { "stage": "browser", account: string, url: string, } | { "stage": "device", account: string, code: DeviceCode, };

export type ProxyView = { account: string, 
/**
 * `http://127.0.0.1:PORT`
 */
url: string, upstream: string, };

export type HistoryFilter = { account: string | null, action: Action | null, kind: Kind | null, ok: boolean | null, since: string | null, 
/**
 * A piece of the server's message (ASCII letters in any case); empty means any.
 */
message: string | null, 
/**
 * Which page: the newest by default.
 */
page: Page, limit: number | null, };

export type CopyReceipt = { format: CopyFormat, 
/**
 * Seconds until the clipboard is cleared, or null when clearing is off.
 */
clears_in_secs: number | null, };

export type KeyInput = { "type": "secret", "value": string } | { "type": "pem", "value": string } | { "type": "jwks", "value": string } | { "type": "jwks_url", "value": string };

export type TokenSource = { account: string, } | { token: string, };

export type ProviderView = { id: string, name: string, description: string, base_url: string | null, 
/**
 * `preset` or `file`.
 */
source: string, path: string | null, refreshable: boolean, 
/**
 * It has a login request; without one, its users paste a key or token.
 */
has_login: boolean, 
/**
 * Its login may ask for a one-time code (a second factor).
 */
second_factor: boolean, 
/**
 * An OAuth 2.0 / OpenID Connect server, and the grant it signs in with by default.
 */
oauth_grant: Grant | null, 
/**
 * The client id the provider names, if it does (else each account gives one).
 */
oauth_client_id: string | null, choices: Array<string>, docs: string | null, 
/**
 * The provider file's TOML, for the editor.
 */
toml: string, };

export type ProviderCheck = { ok: boolean, problem: Problem | null, };

export type Theme = "system" | "light" | "dark";

export type Settings = { 
/**
 * Seconds before expiry to refresh; null: 10 % of the lifetime, 30 s to 5 min.
 */
refresh_margin_secs: number | null, 
/**
 * Seconds until a copied token is cleared from the clipboard; null: never.
 */
clipboard_clear_secs: number | null, notifications: boolean, theme: Theme, 
/**
 * Accounts an older Authdeck pinned here, by name; at start they become pins in the
 * database (the account's own, which follow a rename) and this list empties.
 */
pinned: Array<string>, };

export type SandboxInfo = { url: string, accounts: Array<string>, 
/**
 * The OpenID Connect demo issuer (docs/api/oidc-demo.md) and its public client, which
 * the add-account dialog offers for a browser or device sign-in.
 */
issuer: string, issuer_client_id: string, };

export type RefreshEvent = { account: string, ok: boolean, action: Action, message: string | null, };

export type VerifyResult = { valid: boolean, message: string, };

export type QaCase = { run_id: string, result: CaseResult, };
