//! The fields of a login or refresh request (a JSON object or a urlencoded form), read
//! leniently like the real servers do.

use serde_json::{Map, Value};

/// The top-level fields of a request body. A body that is not a JSON object has no fields, so
/// every API answers it the way it answers missing fields.
#[derive(Debug, Default)]
pub(crate) struct Fields(Map<String, Value>);

impl Fields {
    pub(crate) fn parse(body: &[u8]) -> Fields {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Fields(map),
            _ => Fields::default(),
        }
    }

    /// The fields of an `application/x-www-form-urlencoded` body; a repeated name keeps its
    /// last value.
    pub(crate) fn parse_form(body: &[u8]) -> Fields {
        let mut map = Map::new();
        for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            map.insert(form_decode(name), Value::String(form_decode(value)));
        }
        Fields(map)
    }

    /// The field as a non-empty string; `None` when missing, empty, or not a string.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(Value::String(text)) if !text.is_empty() => Some(text),
            _ => None,
        }
    }
}

/// Undoes form encoding: `+` is a space, `%XY` a byte; a broken escape stays as it is.
pub(crate) fn form_decode(text: &[u8]) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut bytes = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let escaped = match text.get(i..i + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)),
            _ => None,
        };
        match (text[i], escaped) {
            (_, Some((high, low))) => {
                // Two hex digits are at most 255.
                bytes.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
                continue;
            }
            (b'+', None) => bytes.push(b' '),
            (other, None) => bytes.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_non_string_fields_count_as_missing() {
        let fields = Fields::parse(br#"{"email":"","password":5,"x":"y"}"#);
        assert_eq!(fields.text("email"), None);
        assert_eq!(fields.text("password"), None);
        assert_eq!(fields.text("x"), Some("y"));
    }

    #[test]
    fn form_bodies_are_decoded() {
        let fields = Fields::parse_form(
            b"username=alice%2Bttl5%40formlogin.test&password=a+b%21&x=%zz&flag",
        );
        assert_eq!(fields.text("username"), Some("alice+ttl5@formlogin.test"));
        assert_eq!(fields.text("password"), Some("a b!"));
        assert_eq!(fields.text("x"), Some("%zz"), "a broken escape is kept");
        assert_eq!(fields.text("flag"), None, "a name without value is empty");
    }

    #[test]
    fn a_body_that_is_not_a_json_object_has_no_fields() {
        assert_eq!(Fields::parse(b"email=a&password=b").text("email"), None);
        assert_eq!(Fields::parse(b"[1,2]").text("email"), None);
    }
}
