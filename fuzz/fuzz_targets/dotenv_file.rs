//! Any bytes as a `.env` file ("Import from .env" in the app), which a developer may have
//! written by hand or another tool made: its variables and a count of unreadable lines, never
//! a panic; what is offered never shows a value.
#![no_main]

use authdeck_core::environment::dotenv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (pairs, skipped) = dotenv::read(data);
    let file = dotenv::offer(&pairs, skipped);
    assert!(file.variables.len() <= pairs.len());
    for variable in &file.variables {
        assert!(authdeck_core::accounts::validate_name(&variable.account).is_ok());
        let (_, value) = pairs
            .iter()
            .find(|(name, _)| *name == variable.name)
            .expect("an offered variable is in the file");
        let value = value.expose();
        // Long enough not to be found by chance in the words of the offer.
        if value.len() >= 12 {
            assert!(!variable.shape.contains(value), "the shape shows no value");
        }
    }
});
