//! A Bruno environment file (`.bru`), the file Bruno keeps in a collection's `environments/`
//! folder and reloads when it changes: `vars { name: value }`.
//!
//! The tokens go in `vars`, not `vars:secret [ … ]`: Bruno's `vars:secret` lists names only and
//! keeps their values in its own encrypted store, outside the file, so a token written there
//! would arrive empty. In Bruno, ticking "Secret" on a variable afterwards moves its value out
//! of the file.

use super::Variable;
use crate::{Error, Result};
use zeroize::Zeroizing;

pub(super) fn render(vars: &[Variable]) -> Result<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(4096));
    out.push_str("vars {\n");
    for v in vars {
        // One line per value, trimmed by Bruno's reader: a line break or edge spaces would
        // change what it reads.
        if v.value.contains(['\n', '\r']) || v.value.trim() != v.value.as_str() {
            return Err(Error::Invalid(format!(
                "{} cannot be written in a Bruno environment: its value has a line break or \
                 spaces at an end",
                v.name
            )));
        }
        out.push_str("  ");
        out.push_str(&v.name);
        out.push_str(": ");
        out.push_str(&v.value);
        out.push('\n');
    }
    out.push_str("}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{now, sample};
    use super::super::{Format, render};
    use crate::Result;

    #[test]
    fn a_bru_file_has_one_vars_block_with_a_line_per_variable() -> Result<()> {
        let text = render(Format::Bruno, &sample(), now())?;
        assert!(text.starts_with("vars {\n  dev_base_url: http://127.0.0.1:8787/user-login\n"));
        assert!(
            text.contains("\n  dev_auth_value: Bearer eyJ.a.b\n"),
            "{}",
            *text
        );
        assert!(text.contains("\n  ci_key_expires_at: \n"), "{}", *text);
        assert!(text.ends_with("\n}\n"));
        Ok(())
    }

    #[test]
    fn a_value_bruno_would_read_differently_is_refused() {
        let mut entries = sample();
        entries[0].base_url = "http://x\n}".into();
        let err = render(Format::Bruno, &entries, now())
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("base_url")),
            "{err:?}"
        );
    }
}
