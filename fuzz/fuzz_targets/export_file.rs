//! Any text as an export file (`authdeck import`, Settings' Import accounts…), which may come
//! from another machine or a colleague: an export or an error naming what is wrong, never a
//! panic. Each account's overrides then go through what an import and the app's form do with
//! them: applied over its preset, shown as `--set` lines and read back, a line taken back.
#![no_main]

use authdeck_core::deck::{AccountOptions, Export};
use authdeck_core::provider::{self, Catalog};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let export = match Export::from_json(text, "fuzz") {
        Ok(export) => export,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an error says something");
            return;
        }
    };
    let presets = Catalog::presets();
    for account in &export.accounts {
        if let Ok(preset) = presets.get(&account.provider) {
            let _ = preset.with_overrides(&serde_json::Value::Object(account.overrides.clone()));
        }
        let options = AccountOptions::of(account);
        let _ = provider::overrides_from_assignments(&options.set);
        let mut overrides = account.overrides.clone();
        for line in &options.set {
            if let Some((field, _)) = line.split_once('=') {
                let _ = provider::remove_override(&mut overrides, field);
            }
        }
    }
});
