//! Redaction by shape: what is kept of a server's answer (history, the QA view, the app) hides
//! everything that looks like a secret, not only the values we know are secrets. A provider
//! file with a wrong token path would otherwise put the real token in the history in clear.
//!
//! Deny by default: every JWT-shaped string, every value under a key that names a token,
//! secret, password, cookie, session or key, every `Set-Cookie` and `Authorization` header;
//! unless the provider marks the field safe (`raw_safe`, JSON Pointers). Then [`Cuts`] takes
//! out every secret we know of (what was sent, the tokens that came back) wherever it still is.

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// What replaces a hidden value.
pub const REDACTED: &str = "<redacted>";

/// Words that, inside a key or header name, mark its value as a secret.
const SECRET_WORDS: [&str; 10] = [
    "token",
    "secret",
    "password",
    "passwd",
    "cookie",
    "session",
    "key",
    "credential",
    "authorization",
    "otp",
];

// An empty word would match every name.
const _: () = {
    let mut i = 0;
    while i < SECRET_WORDS.len() {
        assert!(!SECRET_WORDS[i].is_empty());
        i += 1;
    }
};

/// Names that are secrets on their own but too short to search for inside other words.
const SECRET_NAMES: [&str; 4] = ["sid", "pwd", "pin", "auth"];

/// Names with a secret's word in them that hold no secret: OAuth's `token_type` ("Bearer"),
/// expiry and count fields. Their values stay readable.
const NOT_SECRET: [&str; 6] = [
    "token_type",
    "tokentype",
    "expires_in",
    "session_expires_at",
    "key_id",
    "kid",
];

/// The key or header `name` names a secret (`access_token`, `X-Api-Key`, `sessionId`).
pub fn names_secret(name: &str) -> bool {
    !NOT_SECRET.iter().any(|n| name.eq_ignore_ascii_case(n))
        && (has_secret_word(name) || SECRET_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n)))
}

/// Whether `name` holds one of [`SECRET_WORDS`], ignoring ASCII case. This runs for every
/// member and header of every answer kept: one automaton over all the words (built once)
/// reads the name once, where a search per word read it ten times.
fn has_secret_word(name: &str) -> bool {
    static WORDS: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(SECRET_WORDS)
            .ok()
    });
    // `None` never happens (ten short literals); were it so, every name would read as a
    // secret's: hidden rather than shown.
    words.as_ref().is_none_or(|words| words.is_match(name))
}

/// Three base64url segments, the first starting like a JSON object (`eyJ`): a JWS/JWT.
/// `None` never happens (the pattern is a constant, compiled in a test).
fn jwt_pattern() -> Option<&'static Regex> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*").ok())
        .as_ref()
}

/// `text` with every JWT-shaped run replaced; `None` when it holds none.
pub fn jwts_in(text: &str) -> Option<String> {
    // Most texts hold no `eyJ` at all: found without the regex's own setup.
    memchr::memmem::find(text.as_bytes(), b"eyJ")?;
    let pattern = jwt_pattern()?;
    pattern
        .is_match(text)
        .then(|| pattern.replace_all(text, REDACTED).into_owned())
}

/// Hides, in place, every secret-shaped value of a JSON answer, except at the pointers in
/// `safe`. Objects and arrays under a secret-named key are walked, not hidden whole, so
/// `{"token": {"expires_at": ...}}` keeps its expiry.
pub fn json(value: &mut Value, safe: &[&str]) {
    walk(value, &mut String::new(), false, safe);
}

/// `at` is the JSON Pointer of `value`: one buffer for the whole walk, each member's name
/// pushed on the way down and cut on the way back.
fn walk(value: &mut Value, at: &mut String, secret_key: bool, safe: &[&str]) {
    if safe.contains(&at.as_str()) {
        return;
    }
    match value {
        Value::String(s) => {
            if secret_key && !s.is_empty() {
                *s = REDACTED.into();
            } else if let Some(cut) = jwts_in(s) {
                *s = cut;
            }
        }
        Value::Number(_) if secret_key => *value = Value::String(REDACTED.into()),
        Value::Object(members) => {
            let len = at.len();
            for (name, member) in members.iter_mut() {
                at.push('/');
                push_pointer_token(at, name);
                walk(member, at, names_secret(name), safe);
                at.truncate(len);
            }
            // A key is a string too: a JWT used as one is hidden (found by fuzzing). Rare, so
            // the object is rebuilt only then.
            if members.keys().any(|name| jwts_in(name).is_some()) {
                for (name, member) in std::mem::take(members) {
                    members.insert(jwts_in(&name).unwrap_or(name), member);
                }
            }
        }
        Value::Array(items) => {
            let len = at.len();
            for (i, item) in items.iter_mut().enumerate() {
                use std::fmt::Write as _;
                // Writing to a String cannot fail.
                let _ = write!(at, "/{i}");
                walk(item, at, secret_key, safe);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// A member name as a JSON Pointer reference token (RFC 6901 section 3: `~` as `~0`, `/` as
/// `~1`).
fn push_pointer_token(at: &mut String, name: &str) {
    for c in name.chars() {
        match c {
            '~' => at.push_str("~0"),
            '/' => at.push_str("~1"),
            c => at.push(c),
        }
    }
}

/// A header as it may be shown: `Set-Cookie` keeps each cookie's name and attributes,
/// `Authorization` its scheme; other secret-named headers and JWT-shaped values are hidden.
pub fn header(name: &str, value: &str) -> String {
    let is = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
    let shown = if is(&["set-cookie", "cookie"]) {
        let cookie = is(&["cookie"]);
        value
            .split(';')
            .enumerate()
            .map(|(i, part)| {
                let part = part.trim();
                // The first pair of Set-Cookie, and every pair of Cookie, is a cookie.
                match part.split_once('=') {
                    Some((n, _)) if i == 0 || cookie => format!("{n}={REDACTED}"),
                    _ => part.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    } else if is(&["authorization", "proxy-authorization"]) {
        match value.trim().split_once(' ') {
            Some((scheme, _)) => format!("{scheme} {REDACTED}"),
            None => REDACTED.into(),
        }
    } else if is(&["location", "content-location", "refresh", "link"]) {
        // A redirect may carry a code or a token in its query or fragment (`#access_token=`).
        url_values_hidden(value)
    } else if names_secret(name) {
        REDACTED.into()
    } else {
        value.to_string()
    };
    // Whatever the header's shape, a JWT in it (a malformed cookie, an attribute) is hidden.
    jwts_in(&shown).unwrap_or(shown)
}

/// `value` (a URL, or text holding one) with every value of its query and fragment as
/// [`REDACTED`]: `/cb?code=abc#state=x` reads `/cb?code=<redacted>#state=<redacted>`. Names
/// stay; a part without `=` is hidden whole.
pub fn url_values_hidden(value: &str) -> String {
    let Some(at) = value.find(['?', '#']) else {
        return value.to_string();
    };
    let (head, tail) = value.split_at(at);
    let mut out = String::with_capacity(value.len());
    out.push_str(head);
    let mut part = String::new();
    let hide = |part: &str, out: &mut String| match part.split_once('=') {
        Some((name, _)) => {
            out.push_str(name);
            out.push('=');
            out.push_str(REDACTED);
        }
        None if !part.is_empty() => out.push_str(REDACTED),
        None => {}
    };
    for c in tail.chars() {
        if matches!(c, '?' | '#' | '&' | ';') {
            hide(&part, &mut out);
            part.clear();
            out.push(c);
        } else {
            part.push(c);
        }
    }
    hide(&part, &mut out);
    out
}

/// Secrets to cut out of texts, each searcher built once for all the texts of an answer (its
/// body and every header). A searcher looks for a secret's first 16 bytes and the rest is
/// compared where they are found: building a searcher for a whole token costs more than the
/// searches.
pub(crate) struct Cuts<'a> {
    secrets: Vec<(&'a str, memchr::memmem::Finder<'a>)>,
}

/// Shorter secrets are not cut: a 3-character password would cut words out of every answer.
const SHORTEST_CUT: usize = 4;

impl<'a> Cuts<'a> {
    /// Secrets shorter than [`SHORTEST_CUT`] bytes are left out.
    pub(crate) fn new(secrets: &[&'a str]) -> Cuts<'a> {
        Cuts {
            secrets: secrets
                .iter()
                .filter(|secret| secret.len() >= SHORTEST_CUT)
                .filter_map(|secret| {
                    let probe_len = (1..=secret.len().min(16))
                        .rev()
                        .find(|&i| secret.is_char_boundary(i))?;
                    let probe = memchr::memmem::Finder::new(&secret.as_bytes()[..probe_len]);
                    Some((*secret, probe))
                })
                .collect(),
        }
    }

    /// Cuts every secret out of `text`, wiping the text it replaces (it held the secret).
    pub(crate) fn apply(&self, text: &mut String) {
        for (secret, probe) in &self.secrets {
            if let Some(redacted) = without(text, secret, probe) {
                drop(Zeroizing::new(std::mem::replace(text, redacted)));
            }
        }
    }
}

/// `text` with every `secret` in it replaced by `<redacted>`; `None` when there is none.
/// `probe` finds the secret's first bytes; after a place where only those match, the search
/// goes on from the next byte, so a secret whose start repeats (`0000…`, `abab…`) is never
/// skipped over.
fn without(text: &str, secret: &str, probe: &memchr::memmem::Finder<'_>) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = bytes.get(from..).and_then(|rest| probe.find(rest)) {
        let at = from + found;
        if !bytes[at..].starts_with(secret.as_bytes()) {
            from = at + 1;
            continue;
        }
        // A match of valid UTF-8 in valid UTF-8 starts and ends on char boundaries; were it
        // not so, the whole text is hidden rather than a secret kept.
        let Some(before) = text.get(copied..at) else {
            return Some(REDACTED.into());
        };
        out.push_str(before);
        out.push_str(REDACTED);
        copied = at + secret.len();
        from = copied;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn without_cuts_every_occurrence_and_leaves_near_misses() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let near = &token[..30];
        let body = format!(r#"{{"token":"{token}","again":"{token}{token}","near":"{near}"}}"#);
        let cut = |text: &str, secret: &str| {
            let mut text = text.to_string();
            Cuts::new(&[secret]).apply(&mut text);
            text
        };
        let cuts = Cuts::new(&[token]);
        let (secret, probe) = &cuts.secrets[0];
        let cut_once = without(&body, secret, probe).expect("the token is there");
        assert_eq!(cut(&body, token), cut_once);
        assert_eq!(
            cut_once,
            format!(r#"{{"token":"<redacted>","again":"<redacted><redacted>","near":"{near}"}}"#)
        );
        assert_eq!(cut(&body, "not-in-there"), body);
        // A secret whose first 16 bytes repeat: a place where only they match must not make
        // the search skip the real one, nor a cut one hide the next.
        let zeros = format!("{}X", "0".repeat(16));
        assert_eq!(cut(&format!("0{zeros}"), &zeros), "0<redacted>");
        let long = "a".repeat(17);
        assert_eq!(cut(&long.repeat(2), &long), "<redacted><redacted>");
        assert_eq!(
            cut(&format!("{long}a{long}"), &long),
            "<redacted><redacted>a"
        );
        assert_eq!(cut("pässwörd!", "pässwörd"), "<redacted>!");
        assert_eq!(
            cut("anything", ""),
            "anything",
            "an empty secret matches nothing"
        );
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    #[test]
    fn the_jwt_pattern_compiles() {
        assert!(jwt_pattern().is_some());
    }

    #[test]
    fn secrets_at_paths_no_spec_names_are_hidden_by_their_key_or_shape() {
        let mut answer = json!({
            "data": {"token": "opaque-123", "user": {"name": "Ann", "sessionId": 42}},
            "debug": {"echo": format!("got {JWT} ok"), "api_key": "k-1", "note": "fine"},
            "list": [{"refresh_token": "r-1"}],
            "error_code": "E1",
        });
        json(&mut answer, &[]);
        let text = answer.to_string();
        for secret in ["opaque-123", "k-1", "r-1", JWT, "42"] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert_eq!(answer["debug"]["echo"], "got <redacted> ok");
        let mut keyed = json!({ JWT: 1 });
        json(&mut keyed, &[]);
        assert_eq!(
            keyed,
            json!({"<redacted>": 1}),
            "a JWT as a key is hidden too"
        );
        assert_eq!(answer["data"]["user"]["name"], "Ann", "plain fields stay");
        assert_eq!(answer["debug"]["note"], "fine");
        assert_eq!(answer["error_code"], "E1", "an error code is not a secret");
        let mut typed = json!({"token_type": "Bearer", "access_token": "t"});
        json(&mut typed, &[]);
        assert_eq!(typed["token_type"], "Bearer", "token_type names no secret");
    }

    #[test]
    fn a_field_marked_safe_is_shown_as_is() {
        let mut answer = json!({"session_count": 3, "token": {"expires_at": "2030", "id": "t"}});
        json(&mut answer, &["/session_count"]);
        assert_eq!(answer["session_count"], 3);
        assert_eq!(
            answer["token"]["expires_at"], "2030",
            "an object under a secret key is walked, not hidden whole"
        );
    }

    #[test]
    fn a_redirect_keeps_its_path_and_names_but_not_the_values_of_its_query_or_fragment() {
        assert_eq!(
            header(
                "Location",
                "https://app.test/cb?code=abc123&state=s1#access_token=opaque9"
            ),
            "https://app.test/cb?code=<redacted>&state=<redacted>#access_token=<redacted>"
        );
        assert_eq!(header("location", "/next"), "/next", "nothing to hide");
        assert_eq!(header("Location", "/cb?opaque-key"), "/cb?<redacted>");
        assert_eq!(header("Content-Location", "/x?t=1&"), "/x?t=<redacted>&");
    }

    #[test]
    fn cookie_and_authorization_headers_keep_names_and_scheme_only() {
        assert_eq!(
            header("Set-Cookie", "sid=abc123; Max-Age=3600; Path=/; HttpOnly"),
            "sid=<redacted>; Max-Age=3600; Path=/; HttpOnly"
        );
        assert_eq!(header("authorization", "Bearer abc"), "Bearer <redacted>");
        assert_eq!(header("X-Subject-Token", "abc"), "<redacted>");
        assert_eq!(header("X-Echo", JWT), "<redacted>");
        assert_eq!(
            header("Set-Cookie", &format!("{{\"t\":\"{JWT}\"}}; Path=/")),
            "{\"t\":\"<redacted>\"}; Path=/",
            "a JWT in a value that is no cookie pair is still hidden (found by fuzzing)"
        );
        assert_eq!(
            header("Content-Type", "application/json"),
            "application/json"
        );
    }
}
