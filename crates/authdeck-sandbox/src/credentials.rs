//! The JSON fields of a login or refresh request, read leniently like the real servers do.

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

    /// The field as a non-empty string; `None` when missing, empty, or not a string.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(Value::String(text)) if !text.is_empty() => Some(text),
            _ => None,
        }
    }
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
    fn a_body_that_is_not_a_json_object_has_no_fields() {
        assert_eq!(Fields::parse(b"email=a&password=b").text("email"), None);
        assert_eq!(Fields::parse(b"[1,2]").text("email"), None);
    }
}
