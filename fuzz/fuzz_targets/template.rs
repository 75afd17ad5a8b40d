//! Any text as an `authdeck inject` template: references or an error naming a line, never a
//! panic; text without a reference comes out unchanged, and a filled template keeps all the
//! text around its references.
#![no_main]

use authdeck_core::template;
use libfuzzer_sys::fuzz_target;
use zeroize::Zeroizing;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match template::parse(text) {
        Ok(tpl) => {
            let count = tpl.references().count();
            for r in tpl.references() {
                assert!(r.line >= 1 && r.column >= 1, "a place is 1-based");
            }
            let filled = tpl
                .render(|_| Ok(Zeroizing::new(String::new())))
                .expect("rendering with values never fails");
            if count == 0 {
                assert_eq!(filled.as_str(), text, "no reference: the text as it is");
            } else {
                assert!(filled.len() < text.len(), "each reference is taken out");
            }
        }
        Err(e) => assert!(e.to_string().contains("line "), "an error names its line: {e}"),
    }
});
