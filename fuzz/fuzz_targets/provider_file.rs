//! Any text as a provider file: a provider or an error naming what is wrong, never a panic.
//! A provider that loads survives the same round trip the app's editor and overrides make.
#![no_main]

use authdeck_core::provider::Provider;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Provider::from_toml(text) {
        Ok(provider) => {
            assert!(!provider.id.is_empty(), "a loaded provider has an id");
            // No overrides: the same provider back.
            let same = provider
                .with_overrides(&serde_json::Value::Null)
                .expect("empty overrides always apply");
            assert_eq!(same.id, provider.id);
            // Through JSON and back, as overrides do: it must still validate. (`id` and
            // `base_url` are the account's own, never overrides.)
            let mut json = serde_json::to_value(&provider).expect("a provider serializes");
            if let Some(fields) = json.as_object_mut() {
                fields.remove("id");
                fields.remove("base_url");
            }
            let again = provider
                .with_overrides(&json)
                .expect("a provider's own fields are valid overrides");
            assert_eq!(again.id, provider.id);
        }
        Err(problem) => {
            assert!(!problem.to_string().is_empty(), "an error says something");
        }
    }
});
