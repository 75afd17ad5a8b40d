//! JSON Pointer lookup (RFC 6901), as `serde_json::Value::pointer` reads it, without its two
//! allocations per reference token: a provider file's pointers (`/token`, `/data/expires_at`)
//! are read in every answer of every login and refresh, and they rarely hold an escape.

use serde_json::Value;
use std::borrow::Cow;

/// The value at `pointer` in `value`; `None` when there is none. `""` is the whole value; a
/// pointer that does not start with `/` finds nothing (RFC 6901 section 3). An array index is
/// digits without a leading zero, as `Value::pointer` takes it.
pub fn at<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(value, |target, token| {
        let token = unescaped(token);
        match target {
            Value::Object(members) => members.get(token.as_ref()),
            Value::Array(items) => index(&token).and_then(|i| items.get(i)),
            _ => None,
        }
    })
}

/// A reference token with `~1` read as `/` and then `~0` as `~` (section 4: in that order,
/// so `~01` is `~1`).
fn unescaped(token: &str) -> Cow<'_, str> {
    match token.contains('~') {
        true => Cow::Owned(token.replace("~1", "/").replace("~0", "~")),
        false => Cow::Borrowed(token),
    }
}

/// An array index: `0`, or digits not starting with `0` (section 4).
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_pointer_finds_what_serde_json_finds() {
        let doc = json!({
            "token": "t", "a/b": 1, "m~n": 2, "~1": 3, "": 4, " ": 5,
            "list": [10, {"x": [20]}], "0": "zero", "nested": {"0": {"01": "y"}},
        });
        for pointer in [
            "",
            "/",
            "/token",
            "/a~1b",
            "/m~0n",
            "/~01",
            "/ ",
            "/list/0",
            "/list/1/x/0",
            "/list/01",
            "/list/+1",
            "/list/-",
            "/list/9",
            "/0",
            "/nested/0/01",
            "token",
            "/token/0",
            "/list/1/x/0/deeper",
            "/a/b",
            "/m~n",
            "/~",
            "/list/1.0",
        ] {
            assert_eq!(at(&doc, pointer), doc.pointer(pointer), "at {pointer:?}");
        }
        assert_eq!(at(&doc, "/~01"), Some(&json!(3)), "~01 reads as ~1, not /");
        assert_eq!(at(&doc, "/list/1/x/0"), Some(&json!(20)));
        assert_eq!(at(&doc, "/list/01"), None, "a leading zero is no index");
    }
}
