//! A JSON object kept as the text it arrived in, with its top-level members indexed.
//!
//! Decoding a token validates its header and claims in one pass and records where each member
//! sits; a value is read only when asked for. Building a `serde_json::Map` of every claim costs
//! more than the whole decode-and-explain budget (2 µs), and most claims are only ever shown.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// A validated JSON object: its text and the spans of its members, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonObject {
    // A String, not a Box<str>: boxing would shrink (copy) the text base64 decoding sized.
    text: String,
    members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    key: Key,
    value: Range<usize>,
}

/// A member name: a span of the text, or its unescaped copy when the name has escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Span(Range<usize>),
    Unescaped(Box<str>),
}

/// A name's length and first seven bytes in one integer: equal names have equal tags, and
/// names shorter than 8 bytes with equal tags are equal.
fn short_tag(name: &str) -> u64 {
    // Shifted in, not copied through a byte array: storing bytes and reading them back as
    // one word stalls the CPU's store forwarding, which was most of this function's time.
    let bytes = name.as_bytes();
    let mut tag = u64::from(u8::try_from(bytes.len()).unwrap_or(u8::MAX)) << 56;
    for (i, &b) in bytes.iter().take(7).enumerate() {
        tag |= u64::from(b) << (8 * i);
    }
    tag
}

/// A text that is not a JSON object, handed back with the reason.
#[derive(Debug)]
pub(crate) struct NotObject {
    pub text: String,
    /// The parser's words when the text is not JSON at all; `None` when it is JSON, but an
    /// array, string, number, ...
    pub invalid: Option<serde_json::Error>,
}

impl JsonObject {
    /// Validates `text` as one JSON object and indexes its members.
    pub(crate) fn parse(text: String) -> Result<Self, NotObject> {
        match index(&text) {
            Ok(members) => Ok(JsonObject { text, members }),
            Err(e) if e.is_data() && serde_json::from_str::<de::IgnoredAny>(&text).is_ok() => {
                Err(NotObject {
                    text,
                    invalid: None,
                })
            }
            Err(e) => Err(NotObject {
                text,
                invalid: Some(e),
            }),
        }
    }

    /// The members in the order they appear: name and the value's JSON text. A name that
    /// appears twice is listed twice; [`JsonObject::get`] and [`JsonObject::to_map`] keep the last.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.members
            .iter()
            .map(|m| (self.key(m), &self.text[m.value.clone()]))
    }

    /// Each name once, at its first place, with its last value: the one rule for a repeated
    /// name (RFC 7519 §4 lets a parser keep the last), as [`JsonObject::get`] and
    /// [`JsonObject::to_map`] read it.
    pub fn members(&self) -> impl Iterator<Item = (&str, &str)> {
        // The last value of each name, found in one pass (get() per name would be quadratic).
        let mut last: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for (name, raw) in self.iter() {
            last.insert(name, raw);
        }
        let mut seen = std::collections::HashSet::new();
        self.iter()
            .filter(move |(name, _)| seen.insert(*name))
            .map(move |(name, raw)| (name, last.get(name).copied().unwrap_or(raw)))
    }

    /// The names that appear more than once, each once, in the order of their second
    /// appearance.
    pub fn duplicates(&self) -> Vec<&str> {
        // A token has a dozen or two members: comparing each with those before it costs less
        // than hashing them (the hashing was a quarter of explaining a typical token), and
        // comparing short tags of them first costs less than comparing the names.
        const SMALL: usize = 64;
        if self.members.len() <= SMALL {
            // One bit per tag (a one-word Bloom filter): only a name whose bit is already set
            // is compared with the names before it.
            let mut tags = [0u64; SMALL];
            let mut bits = 0u64;
            let mut twice: Vec<&str> = Vec::new();
            for (i, m) in self.members.iter().enumerate() {
                let name = self.key(m);
                let tag = short_tag(name);
                tags[i] = tag;
                let bit = 1u64 << (tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58);
                let maybe = bits & bit != 0;
                bits |= bit;
                if !maybe {
                    continue;
                }
                let seen = (0..i).any(|j| {
                    tags[j] == tag && (name.len() < 8 || self.key(&self.members[j]) == name)
                });
                if seen && !twice.contains(&name) {
                    twice.push(name);
                }
            }
            return twice;
        }
        let mut seen = std::collections::HashSet::new();
        let mut listed = std::collections::HashSet::new();
        self.iter()
            .map(|(name, _)| name)
            .filter(|name| !seen.insert(*name) && listed.insert(*name))
            .collect()
    }

    /// The JSON text of a member's value (`"joe"`, `1300819380`, `["a","b"]`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.members
            .iter()
            .rev()
            .find(|m| self.key(m) == name)
            .map(|m| &self.text[m.value.clone()])
    }

    /// A member's value when it is a JSON string, unescaped.
    pub fn get_str(&self, name: &str) -> Option<Cow<'_, str>> {
        json_str(self.get(name)?)
    }

    /// A member's value, parsed (see [`JsonObject::to_map`] for the values JSON allows and
    /// `serde_json::Value` cannot hold).
    pub fn value(&self, name: &str) -> Option<Value> {
        Some(parse_value(self.get(name)?))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The object as it arrived (whitespace and all).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The whole object, parsed: members in order, a repeated name keeps its first place and
    /// its last value (as serde_json does). A value the JSON grammar allows but
    /// `serde_json::Value` cannot hold (a number beyond ±1.8e308, nesting over 128 deep) is
    /// kept as its JSON text, in a string, rather than losing the whole object.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(name, raw)| (name.to_owned(), parse_value(raw)))
            .collect()
    }

    fn key<'a>(&'a self, m: &'a Member) -> &'a str {
        match &m.key {
            Key::Span(span) => &self.text[span.clone()],
            Key::Unescaped(k) => k,
        }
    }
}

impl serde::Serialize for JsonObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

fn parse_value(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()))
}

/// The text of a JSON string value, unescaped; `None` for any other JSON value.
pub fn json_str(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if memchr::memchr(b'\\', inner.as_bytes()).is_some() {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// Validates `text` as an object and records where its members are.
fn index(text: &str) -> Result<Vec<Member>, serde_json::Error> {
    let spans = serde_json::from_str::<Spans>(text)?;
    let base = text.as_ptr() as usize;
    // Borrowed slices point into `text`: their addresses give their offsets.
    let span = |s: &str| {
        let start = s.as_ptr() as usize - base;
        start..start + s.len()
    };
    Ok(spans
        .0
        .into_iter()
        .map(|(key, value)| Member {
            key: match key {
                Cow::Borrowed(k) => Key::Span(span(k)),
                Cow::Owned(k) => Key::Unescaped(k.into_boxed_str()),
            },
            value: span(value.get()),
        })
        .collect())
}

/// A JSON value's text for display: a string unescaped, an object or array compacted, a number
/// or null as written.
pub fn plain(raw: &str) -> Cow<'_, str> {
    match raw.as_bytes().first() {
        Some(b'"') => json_str(raw).unwrap_or(Cow::Borrowed(raw)),
        Some(b'{' | b'[') => match serde_json::from_str::<Value>(raw) {
            Ok(value) => Cow::Owned(value.to_string()),
            Err(_) => Cow::Borrowed(raw),
        },
        _ => Cow::Borrowed(raw),
    }
}

/// The members of an object as borrowed (name, value) pairs.
struct Spans<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Spans<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SpansVisitor)
    }
}

struct SpansVisitor;

impl<'de> Visitor<'de> for SpansVisitor {
    type Value = Spans<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(BorrowedKey(key)) = map.next_key()? {
            members.push((key, map.next_value::<&RawValue>()?));
        }
        Ok(Spans(members))
    }
}

/// A member name, borrowed from the text unless it had escapes.
struct BorrowedKey<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for BorrowedKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = BorrowedKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedKey(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BorrowedKey(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> JsonObject {
        JsonObject::parse(text.to_owned()).expect("a JSON object")
    }

    #[test]
    fn a_repeated_name_is_listed_once_with_its_last_value_and_named_as_a_duplicate() {
        let o =
            parse(r#"{"sub":"alice","role":"user","sub":"admin","x":1,"role":"root","sub":"eve"}"#);
        let members: Vec<_> = o.members().collect();
        assert_eq!(
            members,
            vec![("sub", "\"eve\""), ("role", "\"root\""), ("x", "1")]
        );
        assert_eq!(o.duplicates(), vec!["sub", "role"]);
        assert_eq!(o.to_map()["sub"], "eve", "the same rule as the JSON view");
        assert!(parse(r#"{"a":1}"#).duplicates().is_empty());
    }

    #[test]
    fn duplicates_are_named_the_same_way_in_small_and_large_objects() {
        // Small objects compare names pairwise, large ones hash them: the same answer.
        // Long names alike in their first bytes and length are told apart by the rest.
        for filler in [3, 200] {
            let mut text = String::from(r#"{"b":0,"a":0,"family_name1":0,"long_claim_x":0"#);
            for i in 0..filler {
                text.push_str(&format!(r#","m{i}":{i}"#));
            }
            text.push_str(r#","a":1,"family_name2":1,"b":1,"long_claim_x":1,"a":2}"#);
            assert_eq!(
                parse(&text).duplicates(),
                vec!["a", "b", "long_claim_x"],
                "{filler} fillers"
            );
        }
    }

    #[test]
    fn indexes_members_in_order_with_their_json_text() {
        let o = parse(r#" { "iss" : "joe", "exp":1300819380,"roles":["a", "b"] } "#);
        let members: Vec<_> = o.iter().collect();
        assert_eq!(
            members,
            [
                ("iss", r#""joe""#),
                ("exp", "1300819380"),
                ("roles", r#"["a", "b"]"#)
            ]
        );
        assert_eq!(o.get_str("iss").as_deref(), Some("joe"));
        assert_eq!(o.value("roles"), Some(serde_json::json!(["a", "b"])));
        assert_eq!(o.get("missing"), None);
    }

    #[test]
    fn escaped_names_and_strings_are_unescaped() {
        let o = parse(r#"{"n\u0061me":"A \"quoted\" name","plain":"x"}"#);
        assert_eq!(o.get_str("name").as_deref(), Some(r#"A "quoted" name"#));
        assert!(matches!(o.get_str("plain"), Some(Cow::Borrowed("x"))));
    }

    #[test]
    fn a_repeated_name_keeps_its_last_value_like_serde_json() {
        let o = parse(r#"{"sub":"first","sub":"last"}"#);
        assert_eq!(o.get_str("sub").as_deref(), Some("last"));
        assert_eq!(o.to_map()["sub"], "last");
        assert_eq!(o.len(), 2, "both members are listed");
    }

    #[test]
    fn a_number_beyond_f64_is_kept_as_its_text_not_lost_with_the_object() {
        let o = parse(r#"{"iat":-1e340,"sub":"x"}"#);
        let map = o.to_map();
        assert_eq!(map["iat"], "-1e340");
        assert_eq!(map["sub"], "x", "the other members are all there");
    }

    #[test]
    fn serializes_as_the_parsed_object() {
        let o = parse("{\r\n \"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
        assert_eq!(
            serde_json::to_string(&o).expect("serializes"),
            r#"{"typ":"JWT","alg":"HS256"}"#
        );
    }

    #[test]
    fn tells_other_json_from_invalid_text() {
        let other = JsonObject::parse("[1,2]".into()).expect_err("an array");
        assert!(other.invalid.is_none(), "valid JSON, not an object");
        assert_eq!(other.text, "[1,2]", "the text comes back");
        for text in ["[1,", r#"{"a":1} x"#, r#"{"a":}"#] {
            let err = JsonObject::parse(text.into()).expect_err("not JSON");
            assert!(err.invalid.is_some(), "{text} is not JSON");
        }
    }

    #[test]
    fn json_str_reads_only_strings() {
        assert_eq!(json_str(r#""a\nb""#).as_deref(), Some("a\nb"));
        assert_eq!(json_str("12"), None);
        assert_eq!(json_str("\""), None);
    }
}
