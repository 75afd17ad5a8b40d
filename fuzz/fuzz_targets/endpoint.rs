//! Any base URL and endpoint path (a provider file's or an account's): `http::endpoint` never
//! panics, and a URL it accepts keeps the base's origin and stays under its path prefix, by
//! the full checks on the parsed base, whichever way `endpoint` took to accept it. A client's
//! remembered endpoint is the same URL.
#![no_main]

use authdeck_core::http::{self, Http};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((base, path)) = text.split_once('\n') else {
        return;
    };
    for insecure in [false, true] {
        let joined = http::endpoint(base, path, insecure);
        let remembered = Http::new()
            .and_then(|h| h.endpoint(base, path, insecure).and(h.endpoint(base, path, insecure)));
        assert_eq!(
            joined.as_ref().ok(),
            remembered.as_ref().ok(),
            "a remembered endpoint is the same URL"
        );
        let Ok(url) = joined else { continue };
        let base_url = url::Url::parse(base.trim()).expect("an accepted base parses");
        assert!(base_url.has_host(), "an accepted base has a host: {base:?}");
        assert_eq!(
            base_url.origin(),
            url.origin(),
            "{base:?} + {path:?} left the base's origin: {url}"
        );
        let prefix = base_url.path().trim_end_matches('/');
        assert!(
            url.path() == prefix
                || url
                    .path()
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/')),
            "{base:?} + {path:?} left the base's path: {url}"
        );
    }
});
