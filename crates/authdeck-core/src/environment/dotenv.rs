//! A dotenv file: `NAME='value'` lines, upper-case names, after one comment line. Single quotes
//! keep a value literal for dotenv loaders and for `set -a; . ./file` in a shell alike; a value
//! holding a single quote goes in double quotes when that is still literal for both.

use super::{Variable, exported_at};
use crate::{Error, Result};
use jiff::Timestamp;
use zeroize::Zeroizing;

pub(super) fn render(title: &str, vars: &[Variable], now: Timestamp) -> Result<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(4096));
    out.push_str(&format!(
        "# {title}, exported {}: live tokens, keep this file private\n",
        exported_at(now)
    ));
    for v in vars {
        out.push_str(&v.name.to_ascii_uppercase());
        out.push('=');
        quote_into(&mut out, &v.name, &v.value)?;
        out.push('\n');
    }
    Ok(out)
}

/// Appends `value` quoted so that dotenv and a POSIX shell both read it back unchanged.
fn quote_into(out: &mut String, name: &str, value: &str) -> Result<()> {
    let (open, close) = if value.contains(['\n', '\r']) {
        return Err(unsafe_value(name));
    } else if !value.contains('\'') {
        ('\'', '\'')
    } else if !value.contains(['"', '\\', '$', '`']) {
        // dotenv reads double quotes literally but for \n; a shell for $ ` \ and ".
        ('"', '"')
    } else {
        return Err(unsafe_value(name));
    };
    out.push(open);
    out.push_str(value);
    out.push(close);
    Ok(())
}

fn unsafe_value(name: &str) -> Error {
    Error::Invalid(format!(
        "{name} cannot be written safely in a dotenv file: its value mixes quotes, `$` or `\\`, \
         or has a line break"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{now, sample};
    use super::super::{Format, render};
    use crate::Result;

    #[test]
    fn a_dotenv_file_has_upper_case_names_and_single_quoted_values() -> Result<()> {
        let text = render(Format::Dotenv, &sample(), now())?;
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("# Authdeck: dev, ci-key, exported 2027-01-15T05:13:20Z"));
        assert_eq!(lines[1], "DEV_BASE_URL='http://127.0.0.1:8787/user-login'");
        assert!(lines.contains(&"DEV_AUTH_VALUE='Bearer eyJ.a.b'"));
        assert!(lines.contains(&"CI_KEY_AUTH_HEADER='X-API-Key'"));
        assert!(lines.contains(&"CI_KEY_EXPIRES_AT=''"));
        Ok(())
    }

    #[test]
    fn quotes_stay_literal_or_the_value_is_refused() {
        let quoted = |v: &str| {
            let mut out = String::new();
            super::quote_into(&mut out, "x", v).map(|()| out)
        };
        assert_eq!(quoted("a'b").ok().as_deref(), Some("\"a'b\""));
        assert!(quoted("a'b\"c").is_err());
        assert!(quoted("a'$HOME").is_err(), "a shell would expand it");
        assert!(quoted("a\nb").is_err());
    }
}
