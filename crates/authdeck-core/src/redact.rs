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
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::cell::RefCell;
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
    // Most texts hold no `eyJ` at all: found without the regex's own setup, by a searcher
    // built once (building one per text cost more than most searches).
    static START: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    START
        .get_or_init(|| memchr::memmem::Finder::new(b"eyJ"))
        .find(text.as_bytes())?;
    let pattern = jwt_pattern()?;
    pattern
        .is_match(text)
        .then(|| pattern.replace_all(text, REDACTED).into_owned())
}

/// `value` as it may be shown, as JSON text (`pretty`: indented): every secret-shaped value
/// hidden as it is written, except at the pointers in `safe`, which are written as they are
/// (not passed to `fill` either). Objects and arrays under a secret-named key are walked, not
/// hidden whole, so `{"token": {"expires_at": ...}}` keeps its expiry. `fill` gives each
/// string's text first (a request template's placeholders filled in); an answer passes
/// [`as_is`]. Two JWT-shaped member names both read `<redacted>`: both members are written,
/// each hidden by its own rules. `room`: bytes to make room for up front (an answer's own
/// length), so the text is not copied as it grows.
///
/// Written in one pass over the value, without a hidden copy of it: every kept answer and
/// every shown request goes through here.
pub fn json_text<F>(value: &Value, safe: &[&str], fill: F, pretty: bool, room: usize) -> String
where
    F: for<'t> Fn(&'t str) -> Cow<'t, str>,
{
    let at = RefCell::new(String::new());
    let node = Node {
        value,
        safe,
        fill: &fill,
        secret_key: false,
        at: &at,
    };
    let mut out = Vec::with_capacity(room);
    let written = match pretty {
        true => serde_json::to_writer_pretty(&mut out, &node),
        false => serde_json::to_writer(&mut out, &node),
    };
    // Writing to a Vec fails only on a map key that is not a string, which a Value never
    // has; and serde_json writes UTF-8. Were either so, nothing is shown rather than a part.
    match written {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// A string's text as it is: the `fill` of an answer.
pub fn as_is(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text)
}

/// One value of [`json_text`]'s walk. `at` is its JSON Pointer, kept only when some pointers
/// are safe: one buffer for the whole walk, each member's name pushed on the way down and cut
/// on the way back.
struct Node<'a, F> {
    value: &'a Value,
    safe: &'a [&'a str],
    fill: &'a F,
    /// Whether the nearest member name above names a secret.
    secret_key: bool,
    at: &'a RefCell<String>,
}

impl<F> Node<'_, F> {
    fn child<'c>(&'c self, value: &'c Value, secret_key: bool) -> Node<'c, F> {
        Node {
            value,
            safe: self.safe,
            fill: self.fill,
            secret_key,
            at: self.at,
        }
    }
}

impl<F> Serialize for Node<'_, F>
where
    F: for<'t> Fn(&'t str) -> Cow<'t, str>,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap as _, SerializeSeq as _};
        let tracked = !self.safe.is_empty();
        if tracked && self.safe.contains(&self.at.borrow().as_str()) {
            return self.value.serialize(serializer);
        }
        match self.value {
            Value::String(text) => {
                let text = (self.fill)(text);
                if self.secret_key && !text.is_empty() {
                    serializer.serialize_str(REDACTED)
                } else {
                    match jwts_in(&text) {
                        Some(cut) => serializer.serialize_str(&cut),
                        None => serializer.serialize_str(&text),
                    }
                }
            }
            Value::Number(_) if self.secret_key => serializer.serialize_str(REDACTED),
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, member) in members {
                    let len = self.at.borrow().len();
                    if tracked {
                        let mut at = self.at.borrow_mut();
                        at.push('/');
                        push_pointer_token(&mut at, name);
                    }
                    // A key is a string too: a JWT used as one is hidden (found by fuzzing).
                    let key = jwts_in(name);
                    let member = self.child(member, names_secret(name));
                    map.serialize_entry(key.as_deref().unwrap_or(name), &member)?;
                    self.at.borrow_mut().truncate(len);
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for (i, item) in items.iter().enumerate() {
                    let len = self.at.borrow().len();
                    if tracked {
                        use std::fmt::Write as _;
                        // Writing to a String cannot fail.
                        let _ = write!(self.at.borrow_mut(), "/{i}");
                    }
                    seq.serialize_element(&self.child(item, self.secret_key))?;
                    self.at.borrow_mut().truncate(len);
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
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
    if framing_header(name) {
        return jwts_in(value).unwrap_or_else(|| value.to_string());
    }
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

/// Headers most answers carry, which say how the answer is framed and cached, never who is
/// talking. Their values are shown as they are (but for a JWT in them) without the checks
/// for the names above, which every header of every kept answer went through. Lower case,
/// as HTTP/2 and our HTTP client give every name; another spelling takes the long way to the
/// same result.
fn framing_header(name: &str) -> bool {
    matches!(
        name,
        "content-type"
            | "content-length"
            | "content-encoding"
            | "content-language"
            | "date"
            | "server"
            | "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "cache-control"
            | "pragma"
            | "expires"
            | "vary"
            | "etag"
            | "last-modified"
            | "accept-ranges"
            | "age"
            | "via"
            | "strict-transport-security"
            | "x-content-type-options"
            | "x-frame-options"
            | "access-control-allow-origin"
            | "access-control-allow-methods"
            | "access-control-allow-headers"
            | "access-control-max-age"
            | "retry-after"
    )
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

/// Secrets to cut out of texts: an answer's body and every header, a failure's words. Most
/// of these texts are short, and a short one is searched by the secret's first byte
/// ([`memchr`]) with the rest compared where it is found; a long one by a searcher built for
/// the secret's first 16 bytes, once, the first time a long text comes.
pub(crate) struct Cuts<'a> {
    secrets: Vec<Cut<'a>>,
}

/// One secret to cut, its first byte, and its searcher once a long text needed it.
struct Cut<'a> {
    secret: &'a str,
    first: u8,
    finder: std::cell::OnceCell<memchr::memmem::Finder<'a>>,
}

/// Shorter secrets are not cut: a 3-character password would cut words out of every answer.
const SHORTEST_CUT: usize = 4;

// An empty secret would match everywhere and never move the search on.
const _: () = assert!(SHORTEST_CUT > 0);

/// Texts up to this many bytes are searched byte by byte: a secret's first byte is found by
/// memchr and the rest compared, at most `LONG_TEXT` compares of the secret, no searcher to
/// build. Longer texts take the searcher, built once per secret, which skips most places
/// where the secret cannot start.
const LONG_TEXT: usize = 1024;

impl<'a> Cuts<'a> {
    /// Secrets shorter than [`SHORTEST_CUT`] bytes are left out.
    pub(crate) fn new(secrets: &[&'a str]) -> Cuts<'a> {
        Cuts {
            secrets: secrets
                .iter()
                .filter(|secret| secret.len() >= SHORTEST_CUT)
                .filter_map(|secret| {
                    Some(Cut {
                        secret,
                        first: *secret.as_bytes().first()?,
                        finder: std::cell::OnceCell::new(),
                    })
                })
                .collect(),
        }
    }

    /// Cuts every secret out of `text`, wiping the text it replaces (it held the secret).
    pub(crate) fn apply(&self, text: &mut String) {
        for Cut {
            secret,
            first,
            finder,
        } in &self.secrets
        {
            let found = match text.len() <= LONG_TEXT {
                true => without(text, secret, &FirstByte(*first)),
                false => without(text, secret, finder.get_or_init(|| probe(secret))),
            };
            if let Some(redacted) = found {
                drop(Zeroizing::new(std::mem::replace(text, redacted)));
            }
        }
    }
}

/// A searcher for `secret`'s first (up to) 16 bytes, cut on a char boundary.
fn probe(secret: &str) -> memchr::memmem::Finder<'_> {
    let len = (1..=secret.len().min(16))
        .rev()
        .find(|&i| secret.is_char_boundary(i))
        .unwrap_or(secret.len());
    memchr::memmem::Finder::new(&secret.as_bytes()[..len])
}

/// Where a secret may start in a text: found by a searcher for its first bytes, or by its
/// first byte alone.
trait Start {
    fn find(&self, haystack: &[u8]) -> Option<usize>;
}

impl Start for memchr::memmem::Finder<'_> {
    fn find(&self, haystack: &[u8]) -> Option<usize> {
        memchr::memmem::Finder::find(self, haystack)
    }
}

/// A secret's first byte: found by memchr, with no searcher to build.
struct FirstByte(u8);

impl Start for FirstByte {
    fn find(&self, haystack: &[u8]) -> Option<usize> {
        memchr::memchr(self.0, haystack)
    }
}

/// `text` with every `secret` in it replaced by `<redacted>`; `None` when there is none.
/// `start` finds where the secret may begin; after a place where the rest does not match, the
/// search goes on from the next byte, so a secret whose start repeats (`0000…`, `abab…`) is
/// never skipped over.
fn without(text: &str, secret: &str, start: &impl Start) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = bytes.get(from..).and_then(|rest| start.find(rest)) {
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
        let cut_once = without(&body, token, &probe(token)).expect("the token is there");
        assert_eq!(cut(&body, token), cut_once);
        let long = format!("{body}{}", " ".repeat(LONG_TEXT));
        assert_eq!(
            cut(&long, token),
            without(&long, token, &FirstByte(b'e')).expect("the token is there"),
            "a long text, searched by the searcher, is cut as a short one is"
        );
        assert_eq!(
            cut_once,
            format!(r#"{{"token":"<redacted>","again":"<redacted><redacted>","near":"{near}"}}"#)
        );
        assert_eq!(cut(&body, "not-in-there"), body);
        // A secret whose first 16 bytes repeat: a place where only they match must not make
        // the search skip the real one, nor a cut one hide the next.
        let zeros = format!("{}X", "0".repeat(16));
        assert_eq!(cut(&format!("0{zeros}"), &zeros), "0<redacted>");
        let pad = " ".repeat(LONG_TEXT);
        assert_eq!(
            cut(&format!("{pad}0{zeros}"), &zeros),
            format!("{pad}0<redacted>"),
            "nor in a long text"
        );
        let long = "a".repeat(17);
        assert_eq!(cut(&long.repeat(2), &long), "<redacted><redacted>");
        assert_eq!(
            cut(&format!("{long}a{long}"), &long),
            "<redacted><redacted>a"
        );
        assert_eq!(cut("pässwörd!", "pässwörd"), "<redacted>!");
        assert_eq!(
            cut(&format!("{pad}ä pässwörd!"), "pässwörd"),
            format!("{pad}ä <redacted>!"),
            "a secret starting with a multibyte character, in a long text"
        );
        assert_eq!(
            cut("anything", ""),
            "anything",
            "an empty secret matches nothing"
        );
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    /// `value` as [`json_text`] shows it, read back.
    fn json(value: &mut Value, safe: &[&str]) {
        *value = serde_json::from_str(&json_text(value, safe, as_is, false, 0))
            .expect("the shown text is JSON");
    }

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
    fn a_safe_pointer_reaches_through_escaped_names_and_indexes_and_nothing_else() {
        let answer = json!({
            "a/b": {"token": "t-1"}, "m~n": [{"secret": "s-1"}, {"secret": "s-2"}],
            "token": "t-2",
        });
        let shown: Value = serde_json::from_str(&json_text(
            &answer,
            &["/a~1b/token", "/m~0n/1"],
            as_is,
            false,
            0,
        ))
        .expect("JSON");
        assert_eq!(shown["a/b"]["token"], "t-1");
        assert_eq!(shown["m~n"][1]["secret"], "s-2");
        assert_eq!(shown["m~n"][0]["secret"], REDACTED);
        assert_eq!(shown["token"], REDACTED);
    }

    #[test]
    fn plain_values_under_a_secret_key_and_a_safe_root_are_shown_as_their_rules_say() {
        let answer = json!({
            "pin": [1234, "x", "", true, null], "token": "", "key": {"n": 5},
            JWT: 1, format!("{JWT} x"): 2,
        });
        let shown = json_text(&answer, &[], as_is, false, 0);
        assert_eq!(
            shown,
            r#"{"pin":["<redacted>","<redacted>","",true,null],"token":"","key":{"n":5},"<redacted>":1,"<redacted> x":2}"#,
            "an array under a secret key hides each value; empty, true and null say nothing; \
             a member of an object under one is hidden by its own name"
        );
        let twice = json!({JWT: 1, "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.c2ln": 2});
        assert_eq!(
            json_text(&twice, &[], as_is, false, 0),
            r#"{"<redacted>":1,"<redacted>":2}"#,
            "two JWT-shaped names are both written, both hidden"
        );
        assert_eq!(
            json_text(&answer, &[""], as_is, false, 0),
            answer.to_string(),
            "a safe root is the whole answer as it is"
        );
    }

    #[test]
    fn fill_gives_each_string_before_it_is_hidden_and_pretty_indents() {
        let template = json!({"user": "{email}", "password": "{password}", "n": [1, "{email}"]});
        fn fill(text: &str) -> Cow<'_, str> {
            Cow::Owned(text.replace("{email}", "a@b.c").replace("{password}", "pw"))
        }
        let shown = json_text(&template, &[], fill, true, 0);
        assert_eq!(
            shown,
            "{\n  \"user\": \"a@b.c\",\n  \"password\": \"<redacted>\",\n  \"n\": [\n    1,\n    \"a@b.c\"\n  ]\n}"
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
    fn a_framing_header_is_shown_as_the_checks_by_name_would_show_it() {
        for name in [
            "content-type",
            "content-length",
            "content-encoding",
            "content-language",
            "date",
            "server",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "cache-control",
            "pragma",
            "expires",
            "vary",
            "etag",
            "last-modified",
            "accept-ranges",
            "age",
            "via",
            "strict-transport-security",
            "x-content-type-options",
            "x-frame-options",
            "access-control-allow-origin",
            "access-control-allow-methods",
            "access-control-allow-headers",
            "access-control-max-age",
            "retry-after",
        ] {
            assert!(framing_header(name), "{name}");
            // The same name in another case takes the checks by name: the same result.
            let upper = name.to_ascii_uppercase();
            assert!(!framing_header(&upper));
            for value in ["text/plain; charset=utf-8", "120", JWT, "a, b=c"] {
                assert_eq!(
                    header(name, value),
                    header(&upper, value),
                    "{name}: {value}"
                );
            }
        }
        assert_eq!(header("server", &format!("x {JWT}")), "x <redacted>");
        assert!(!framing_header("x-api-key") && !framing_header("set-cookie"));
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
