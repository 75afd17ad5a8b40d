//! Any JSON Pointer (a provider file's `success.token`, `errors.code`, `{answer:/…}`) into any
//! JSON answer: `pointer::at` never panics and finds exactly what serde_json's own
//! `Value::pointer` finds (RFC 6901), which it replaces on the login path.
//!
//! Input layout: the pointer, a line break, the JSON document.
#![no_main]

use authdeck_core::pointer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((at, document)) = text.split_once('\n') else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(document) else {
        return;
    };
    assert_eq!(pointer::at(&value, at), value.pointer(at), "{at:?} in {document}");
});
