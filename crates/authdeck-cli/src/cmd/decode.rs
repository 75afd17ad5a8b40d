//! `authdeck decode`: show what a JWT says, and verify it when given a key.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::http::Http;
use authdeck_core::jwt::{
    self, Inspection, KeySource, LoadError, Malformed, SignatureCheck, TimeStatus, TimeView,
    VerifyKey,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};
use std::io::{IsTerminal as _, Read as _};
use std::path::PathBuf;
use std::process::ExitCode;

/// The most a token, key file or JWKS answer may weigh: real ones are a few KiB.
const MAX_INPUT: u64 = jwt::MAX_TOKEN_BYTES as u64;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck decode eyJhbGciOi...                    # header, claims, expiry
  authdeck token dev | authdeck decode             # read the token from stdin
  authdeck decode \"Bearer eyJ...\" --json           # machine-readable
  authdeck decode TOKEN --secret-env JWT_SECRET    # the secret from an environment variable
  authdeck decode TOKEN --secret 'my HS256 secret' # (visible to other users in the process list)
  authdeck decode TOKEN --secret-base64 hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg
  authdeck decode TOKEN --key public.pem           # SPKI, PKCS#1, certificate, JWK or JWKS file
  authdeck decode TOKEN --jwks https://issuer.example.com/.well-known/jwks.json

Decoding never needs a key. With a key, the signature is checked for every JWS algorithm
(HS*, RS*, PS*, ES256/384/512, ES256K, EdDSA/Ed25519); alg \"none\" is never valid. An expired token with a good
signature is reported as such: signature validity and time validity are separate.

An encrypted token (JWE, 5 parts) cannot be read without its key: its protected header is shown,
and under --json the error (code encrypted_token) carries it as \"header\".

Exit status: 0 decoded (and, with a key, the signature is valid); 1 malformed or encrypted token,
signature not valid or not checkable with the key given (a key of a kind Authdeck cannot use),
or the JWKS URL could not be fetched; 2 bad usage (unreadable or private key, a public key given
as a secret, a URL that is not https, input over 1 MiB).")]
pub struct Args {
    /// The token (a leading `Bearer `, a whole `Authorization:` line and whitespace are fine).
    /// `-` or nothing reads stdin.
    #[arg(value_name = "TOKEN")]
    token: Option<String>,
    /// Print JSON: header, claims (or payload_text), alg, kid, times and time_status, signature,
    /// notes: everything the summary shows.
    #[arg(long)]
    pub(crate) json: bool,
    /// Verify with this shared secret (HS256/384/512), taken as UTF-8 text. One that starts
    /// with '-' is given as --secret=-VALUE.
    #[arg(long, value_name = "S", group = "verify_key")]
    secret: Option<String>,
    /// Verify with the shared secret in this environment variable (UTF-8 text), which keeps it
    /// out of the process list and the shell history.
    #[arg(long, value_name = "VAR", group = "verify_key")]
    secret_env: Option<String>,
    /// Verify with this shared secret, given as base64url or base64.
    #[arg(long, value_name = "S", group = "verify_key")]
    secret_base64: Option<String>,
    /// Verify with a public key file: PEM (SPKI, PKCS#1, X.509 certificate), JWK or JWKS.
    #[arg(long, value_name = "FILE", group = "verify_key")]
    key: Option<PathBuf>,
    /// Verify with the keys at this JWKS URL (https, or http to localhost); `kid` picks the key.
    #[arg(long, value_name = "URL", group = "verify_key")]
    jwks: Option<String>,
}

pub async fn run(args: Args) -> CmdResult {
    let key = load_key(&args).await?;
    let text = read_token(args.token.as_deref())?;
    let decoded = match jwt::decode(&text) {
        Ok(decoded) => decoded,
        Err(Malformed::Encrypted { header }) => {
            // The header is all there is to see; under --json the error carries it.
            if let (Some(header), false) = (&header, args.json) {
                let rows: Vec<[String; 3]> = header
                    .iter()
                    .map(|(name, value)| {
                        [
                            name.to_owned(),
                            jwt::plain(value).into_owned(),
                            String::new(),
                        ]
                    })
                    .collect();
                let mut out = String::new();
                section(&mut out, "Header (encrypted token)", &rows);
                print!("{out}");
            }
            return Err(Malformed::Encrypted { header }.into());
        }
        Err(malformed) => {
            return Err(Error::MalformedToken(format!(
                "not a readable JWT: {malformed}"
            )));
        }
    };
    let inspection = jwt::inspect(&decoded, Timestamp::now(), &TimeZone::system());
    let (check, verified_by) = match &key {
        None => (None, None),
        Some(Ok(key)) => {
            let (check, by) = jwt::verify_naming(&decoded, key);
            (Some(check), by)
        }
        Some(Err(reason)) => (
            Some(SignatureCheck::KeyMismatch {
                reason: reason.clone(),
            }),
            None,
        ),
    };
    let key_warnings: Vec<String> = match &key {
        Some(Ok(key)) => jwt::key_warnings(&decoded, key),
        _ => Vec::new(),
    };
    let key_warnings: Vec<&str> = key_warnings.iter().map(String::as_str).collect();
    let verdict = Verdict {
        check: check.as_ref(),
        verified_by: verified_by.as_deref(),
        key_warnings: &key_warnings,
    };
    if args.json {
        println!("{:#}", json_report(&inspection, &verdict));
    } else {
        print!("{}", human_report(&inspection, &verdict));
    }
    Ok(match check {
        Some(check) if !check.is_valid() => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

fn read_token(arg: Option<&str>) -> Result<String, Error> {
    match arg {
        Some(token) if token != "-" => Ok(token.to_owned()),
        _ => {
            let stdin = std::io::stdin();
            if arg.is_none() && stdin.is_terminal() {
                return Err(Error::Invalid(
                    "give a token: `authdeck decode TOKEN`, or pipe one: `... | authdeck decode`"
                        .into(),
                ));
            }
            let mut text = String::new();
            // Past the limit (with room for a line break) tells a token that is too large from
            // one that fits: it is refused whole, never cut and then judged.
            stdin
                .lock()
                .take(MAX_INPUT + 3)
                .read_to_string(&mut text)
                .map_err(|e| match e.kind() {
                    // Bytes that are not text cannot be a token: a malformed token, as the
                    // exit status says for the rest of them.
                    std::io::ErrorKind::InvalidData => Error::MalformedToken(
                        "not a readable JWT: the input on stdin is not UTF-8 text (a JWT is ASCII)"
                            .into(),
                    ),
                    _ => Error::Invalid(format!("could not read the token from stdin: {e}")),
                })?;
            if text.trim_end().len() as u64 > MAX_INPUT {
                return Err(Error::Invalid(format!(
                    "the input on stdin is larger than {MAX_INPUT} bytes (1 MiB), the most \
                     `authdeck decode` reads: is it really one token?"
                )));
            }
            Ok(text)
        }
    }
}

/// The key to verify with: none given, a usable key, or why the given one cannot be used.
type GivenKey = Option<Result<VerifyKey, String>>;

async fn load_key(args: &Args) -> Result<GivenKey, Error> {
    let env_secret;
    let file;
    // The flag a bad key is blamed on; a bad secret speaks for itself.
    let (source, flag) = if let Some(secret) = &args.secret {
        (KeySource::Secret(secret), None)
    } else if let Some(var) = &args.secret_env {
        env_secret = std::env::var(var).map_err(|_| {
            Error::Invalid(format!(
                "--secret-env {var}: the environment variable {var} is not set (or not UTF-8)"
            ))
        })?;
        (KeySource::Secret(&env_secret), None)
    } else if let Some(secret) = &args.secret_base64 {
        (KeySource::SecretBase64(secret), None)
    } else if let Some(path) = &args.key {
        file = read_key_file(path)?;
        (
            KeySource::File(&file),
            Some(format!("--key {}", path.display())),
        )
    } else if let Some(url) = &args.jwks {
        // The URL is named as given only when it carries no credentials (which are refused).
        let shown = match url.contains('@') {
            false => url.clone(),
            true => "URL".to_owned(),
        };
        (KeySource::JwksUrl(url), Some(format!("--jwks {shown}")))
    } else {
        return Ok(None);
    };
    match VerifyKey::load(&Http::new()?, source).await {
        Ok(key) => Ok(Some(Ok(key))),
        // A real key, or a JWKS, of a kind Authdeck cannot use (Ed448, a curve JWS does not
        // name): the token is still decoded, and the verdict says why it was not checked.
        Err(LoadError::Key(e)) if e.is_unusable_key() => Ok(Some(Err(match flag {
            Some(flag) => format!("{flag} cannot be used: {e}"),
            None => format!("the key cannot be used: {e}"),
        }))),
        Err(LoadError::Key(e)) if matches!(source, KeySource::JwksUrl(_)) => {
            Ok(Some(Err(format!(
                "{}: the answer is not a usable JWKS: {e}",
                flag.unwrap_or_default()
            ))))
        }
        Err(LoadError::Key(e)) => Err(match flag {
            Some(flag) => Error::Invalid(format!("{flag}: {e}")),
            None => e.into(),
        }),
        // The JWKS URL is not at fault for the token: decode it, and say why the signature
        // could not be checked (exit 1). A URL refused before any request is bad usage.
        Err(LoadError::Fetch(e @ Error::Invalid(_))) => Err(e),
        Err(LoadError::Fetch(e)) => Ok(Some(Err(format!(
            "{}: the keys could not be fetched: {e}",
            flag.unwrap_or_default()
        )))),
    }
}

fn read_key_file(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Invalid(format!("cannot read the key file {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Invalid(format!("cannot read the key file {}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(Error::Invalid(format!(
            "the key file {} is over 1 MiB: that is not a key",
            path.display()
        )));
    }
    Ok(bytes)
}

/// `--json`'s `signature`: `valid`; `invalid` (the key checked it and it failed: forged or
/// altered); `unverifiable` (the key cannot check this token: wrong type, no such `kid`);
/// `unsigned` (`alg: none`); `unverified` (no key given).
fn signature_word(inspection: &Inspection, check: Option<&SignatureCheck>) -> &'static str {
    match check {
        None if is_unsigned(inspection) => "unsigned",
        None => "unverified",
        Some(SignatureCheck::Valid) => "valid",
        Some(SignatureCheck::Invalid { .. }) => "invalid",
        Some(SignatureCheck::KeyMismatch { .. }) => "unverifiable",
        Some(SignatureCheck::Unsigned) => "unsigned",
    }
}

/// `alg: none` exactly, as the verifier reads it (RFC 7515 names are case-sensitive).
fn is_unsigned(inspection: &Inspection) -> bool {
    inspection.alg.as_deref().and_then(jwt::Algorithm::parse) == Some(jwt::Algorithm::None)
}

/// What the key said: the check (none without a key), the key of a set that verified the
/// token, and warnings about the keys given.
struct Verdict<'a> {
    check: Option<&'a SignatureCheck>,
    verified_by: Option<&'a str>,
    key_warnings: &'a [&'a str],
}

/// The `--json` document: the fields scripts rely on, in a stable order. It says everything
/// the readable summary says (times as RFC 3339 UTC instead of local words).
fn json_report(inspection: &Inspection, verdict: &Verdict) -> Value {
    let check = verdict.check;
    let mut out = serde_json::Map::new();
    out.insert("header".into(), Value::Object(inspection.header.to_map()));
    if let Some(claims) = &inspection.claims {
        out.insert("claims".into(), Value::Object(claims.to_map()));
    } else if let Some(text) = &inspection.payload_text {
        out.insert("payload_text".into(), Value::String(text.clone()));
    } else if let Some(b64) = &inspection.payload_base64 {
        out.insert("payload_base64".into(), Value::String(b64.clone()));
    }
    out.insert("alg".into(), json!(inspection.alg));
    out.insert("alg_description".into(), json!(inspection.alg_description));
    out.insert("kid".into(), json!(inspection.kid));
    out.insert("typ".into(), json!(inspection.typ));
    let time_of = |name: &str| {
        inspection
            .explained
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.time.as_ref())
            .map(|t| t.timestamp.to_string())
    };
    out.insert("expires_at".into(), json!(time_of("exp")));
    out.insert("expired".into(), json!(inspection.expired));
    out.insert("not_before".into(), json!(time_of("nbf")));
    out.insert(
        "not_yet_valid".into(),
        json!(inspection.time_status == TimeStatus::NotYetValid),
    );
    out.insert("issued_at".into(), json!(time_of("iat")));
    out.insert("seconds_left".into(), json!(inspection.seconds_left));
    out.insert("time_status".into(), json!(inspection.time_status));
    // A time claim that is there but unreadable, by name: never mistaken for an absent one.
    let problems: serde_json::Map<String, Value> = inspection
        .explained
        .iter()
        .filter_map(|c| Some((c.name.to_owned(), json!(c.problem.as_ref()?))))
        .collect();
    out.insert("time_problems".into(), Value::Object(problems));
    out.insert("signature".into(), json!(signature_word(inspection, check)));
    let detail = match check {
        Some(SignatureCheck::Valid) | None => None,
        Some(other) => Some(other.describe()),
    };
    out.insert("signature_detail".into(), json!(detail));
    out.insert("verified_by".into(), json!(verdict.verified_by));
    out.insert("key_warnings".into(), json!(verdict.key_warnings));
    out.insert("notes".into(), json!(inspection.notes));
    Value::Object(out)
}

/// The readable summary: sections of aligned `name  label  value` lines.
fn human_report(inspection: &Inspection, verdict: &Verdict) -> String {
    let check = verdict.check;
    let mut out = String::new();

    let mut header: Vec<[String; 3]> = Vec::new();
    for (name, value) in inspection.header.members() {
        let note = match name {
            "alg" => inspection
                .alg_description
                .unwrap_or("unknown algorithm")
                .to_owned(),
            _ => String::new(),
        };
        header.push([name.to_owned(), folded(value), note]);
    }
    section(&mut out, "Header", &header);

    if let Some(claims) = &inspection.claims {
        let mut rows: Vec<[String; 3]> = inspection
            .explained
            .iter()
            .map(|c| {
                let text = match (&c.time, &c.problem) {
                    (Some(t), _) => time_text(t),
                    (None, Some(_)) => format!("{} (not a readable time: see Notes)", c.text),
                    (None, None) => c.text.clone(),
                };
                [c.name.to_owned(), c.label.to_owned(), text]
            })
            .collect();
        for (name, value) in claims.members() {
            if !inspection.explained.iter().any(|c| c.name == name) {
                rows.push([
                    name.to_owned(),
                    String::new(),
                    jwt::plain(value).into_owned(),
                ]);
            }
        }
        section(&mut out, "Claims", &rows);
    } else if let Some(text) = &inspection.payload_text {
        out.push_str("Payload (text)\n");
        for line in text.lines() {
            out.push_str(&format!("  {}\n", shown(line)));
        }
        out.push('\n');
    } else if let Some(b64) = &inspection.payload_base64 {
        out.push_str(&format!("Payload (binary, base64)\n  {b64}\n\n"));
    }

    let time = match (inspection.time_status, &inspection.expires_at) {
        (TimeStatus::Expired, Some(exp)) => exp.relative.clone(),
        (TimeStatus::Valid, Some(exp)) => format!("valid, expires {}", exp.relative),
        (TimeStatus::Unknown, _) => match &inspection.time_problem {
            Some(problem) => format!("unknown: {problem}"),
            None => "unknown".to_owned(),
        },
        (TimeStatus::NotYetValid, _) => match inspection
            .explained
            .iter()
            .find(|c| c.name == "nbf")
            .and_then(|c| c.time.as_ref())
        {
            Some(nbf) => format!("not yet valid, usable {}", nbf.relative),
            None => "not yet valid".to_owned(),
        },
        (status, _) => status.as_str().to_owned(),
    };
    let signature = match check {
        None if is_unsigned(inspection) => {
            "unsigned (alg none): there is no signature to verify, and it proves nothing".to_owned()
        }
        None => "not verified (give --secret-env, --secret, --secret-base64, --key or --jwks)"
            .to_owned(),
        Some(check) => check.describe_by(verdict.verified_by),
    };
    section(
        &mut out,
        "Status",
        &[
            ["time".into(), time, String::new()],
            ["signature".into(), signature, String::new()],
        ],
    );

    if !inspection.notes.is_empty() || !verdict.key_warnings.is_empty() {
        out.push_str("Notes\n");
        for note in &inspection.notes {
            out.push_str(&format!("  ! {}\n", shown(&note.to_string())));
        }
        for warning in verdict.key_warnings {
            out.push_str(&format!("  ! {warning}\n"));
        }
    }
    out
}

/// A header value for the summary: an object (an embedded `jwk`, say) as `name: value`
/// pairs with long strings shortened to their ends and length, so a 400-character key is one
/// readable row; anything else as it is.
fn folded(raw: &str) -> String {
    const LONG: usize = 40;
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(members)) => {
            let parts: Vec<String> = members
                .iter()
                .map(|(name, value)| {
                    let text = match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let count = text.chars().count();
                    if count > LONG {
                        let head: String = text.chars().take(12).collect();
                        let tail: String = text.chars().skip(count - 6).collect();
                        format!("{name}: {head}…{tail} ({count} chars)")
                    } else {
                        format!("{name}: {text}")
                    }
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        _ => jwt::plain(raw).into_owned(),
    }
}

/// `2026-11-22 13:59:59 UTC (14:59:59 CET here), in 1 h 59 min`
fn time_text(t: &TimeView) -> String {
    let local = t
        .local
        .split_once(' ')
        .map(|(date, rest)| {
            let utc_date = t.utc.split(' ').next().unwrap_or_default();
            if date == utc_date {
                rest.to_owned()
            } else {
                t.local.clone()
            }
        })
        .unwrap_or_else(|| t.local.clone());
    if t.local == t.utc {
        format!("{}, {}", t.utc, t.relative)
    } else {
        format!("{} ({local} here), {}", t.utc, t.relative)
    }
}

/// Text from the token as the terminal may show it: no line of its own (a fake "signature
/// valid"), see [`crate::show::escaped`].
fn shown(text: &str) -> String {
    crate::show::escaped(text, &[])
}

/// A titled block whose first two columns are padded to a common width.
fn section(out: &mut String, title: &str, rows: &[[String; 3]]) {
    // One long value (a 100,000-character kid) must not push every other row's third column
    // off screen: only cells of a readable length set a column's width.
    const MAX_PADDED: usize = 48;
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .filter(|&n| n <= MAX_PADDED)
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    out.push_str(title);
    out.push('\n');
    // Padded by hand: a format width stops at 65,535 (a longer header member would panic).
    let pad = |text: &str, width: usize| {
        let mut padded = shown(text);
        let count = text.chars().count();
        padded.extend(std::iter::repeat_n(' ', width.saturating_sub(count)));
        padded
    };
    for [a, b, c] in rows {
        let c = shown(c);
        let line = if rows.iter().all(|r| r[1].is_empty()) {
            format!("  {}  {c}", pad(a, w0))
        } else if b.is_empty() && c.is_empty() {
            format!("  {}", shown(a))
        } else {
            format!("  {}  {}  {c}", pad(a, w0), pad(b, w1))
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
}
