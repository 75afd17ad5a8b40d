//! Templates for `authdeck inject`: any text (an `.env`, a config, a YAML) in which
//! `{{ authdeck://ACCOUNT/FIELD }}` stands for a value of an account's session, like
//! 1Password's `op inject` references. Everything else is copied as it is.
//!
//! Fields: `token`, `header` (the header value, `Bearer eyJ…`), `header_name`
//! (`Authorization`), `header_line` (`Authorization: Bearer eyJ…`), `expires_at` (RFC 3339,
//! empty when unknown), `base_url`, and `claim.NAME` (a claim of a JWT token).

use crate::{Error, Result};
use zeroize::Zeroizing;

/// What a reference asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Token,
    Header,
    HeaderName,
    HeaderLine,
    ExpiresAt,
    BaseUrl,
    Claim(String),
}

impl Field {
    fn parse(text: &str) -> Option<Field> {
        Some(match text {
            "token" => Field::Token,
            "header" => Field::Header,
            "header_name" => Field::HeaderName,
            "header_line" => Field::HeaderLine,
            "expires_at" => Field::ExpiresAt,
            "base_url" => Field::BaseUrl,
            _ => {
                let claim = text.strip_prefix("claim.")?;
                let plain = !claim.is_empty()
                    && claim
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
                return plain.then(|| Field::Claim(claim.to_string()));
            }
        })
    }
}

/// One `{{ authdeck://ACCOUNT/FIELD }}`, with where it is (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub account: String,
    pub field: Field,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug)]
enum Piece<'a> {
    Text(&'a str),
    Ref(Reference),
}

/// A parsed template: text and references, in order.
#[derive(Debug)]
pub struct Template<'a> {
    pieces: Vec<Piece<'a>>,
}

const OPEN: &str = "{{";
const SCHEME: &str = "authdeck://";

/// Reads a template. `{{` not followed by `authdeck://` (after spaces) is plain text, so
/// other template languages' braces pass through. Errors: Invalid, naming the line and
/// column of a reference that is not closed, names no account, or names an unknown field,
/// and of a mistyped one (`{{ Authdeck://…`, `{{ authdeck:/…`), which would otherwise pass
/// through unfilled.
pub fn parse(text: &str) -> Result<Template<'_>> {
    let mut pieces = Vec::new();
    let mut rest = 0;
    let mut search = 0;
    let mut place = Place::default();
    while let Some(found) = text[search..].find(OPEN) {
        let open = search + found;
        let inner = text[open + OPEN.len()..].trim_start_matches([' ', '\t']);
        if !inner.starts_with(SCHEME) {
            let mistyped = inner
                .get(..SCHEME.len() - 2)
                .is_some_and(|start| start.eq_ignore_ascii_case("authdeck:"));
            if mistyped {
                let (line, column) = place.of(text, open);
                let written: String = inner
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '}')
                    .collect();
                return Err(Error::Invalid(format!(
                    "line {line}, column {column}: \"{written}\" looks like a reference but is \
                     not one: write {{{{ authdeck://ACCOUNT/FIELD }}}} (lower case, two slashes)"
                )));
            }
            search = open + OPEN.len();
            continue;
        }
        let (line, column) = place.of(text, open);
        let at = |why: String| Error::Invalid(format!("line {line}, column {column}: {why}"));
        let body_start = text.len() - inner.len() + SCHEME.len();
        let close = text[body_start..]
            .find("}}")
            .map(|i| body_start + i)
            .filter(|&c| !text[body_start..c].contains('\n'))
            .ok_or_else(|| at("the reference is not closed with }} on its line".into()))?;
        let body = text[body_start..close].trim_end_matches([' ', '\t']);
        let (account, field) = body.split_once('/').ok_or_else(|| {
            at(format!(
                "\"{body}\" names no field: write authdeck://ACCOUNT/token (or header, \
                 header_name, header_line, expires_at, base_url, claim.NAME)"
            ))
        })?;
        if crate::accounts::validate_name(account).is_err() {
            return Err(at(format!("\"{account}\" is not an account name")));
        }
        let field = Field::parse(field).ok_or_else(|| {
            at(format!(
                "unknown field \"{field}\": use token, header, header_name, header_line, \
                 expires_at, base_url or claim.NAME"
            ))
        })?;
        pieces.push(Piece::Text(&text[rest..open]));
        pieces.push(Piece::Ref(Reference {
            account: account.to_string(),
            field,
            line,
            column,
        }));
        rest = close + 2;
        search = rest;
    }
    pieces.push(Piece::Text(&text[rest..]));
    Ok(Template { pieces })
}

/// Where the scan is: lines are counted from the previous reference on, not from the start,
/// so a template with many references is read in one pass.
#[derive(Default)]
struct Place {
    /// Byte offset counted up to, and the 0-based line and byte where that line starts.
    upto: usize,
    line: usize,
    line_start: usize,
}

impl Place {
    /// 1-based line and column (in characters) of byte `at`, which is at or after the last one.
    fn of(&mut self, text: &str, at: usize) -> (usize, usize) {
        for (i, byte) in text.as_bytes()[self.upto..at].iter().enumerate() {
            if *byte == b'\n' {
                self.line += 1;
                self.line_start = self.upto + i + 1;
            }
        }
        self.upto = at;
        (self.line + 1, text[self.line_start..at].chars().count() + 1)
    }
}

impl Template<'_> {
    /// Every reference, in order.
    pub fn references(&self) -> impl Iterator<Item = &Reference> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Ref(r) => Some(r),
            Piece::Text(_) => None,
        })
    }

    /// The text with each reference replaced by `value(reference)`, in a buffer zeroized on
    /// drop. Errors: the first error `value` returns.
    pub fn render(
        &self,
        mut value: impl FnMut(&Reference) -> Result<Zeroizing<String>>,
    ) -> Result<Zeroizing<String>> {
        let mut out = Zeroizing::new(String::new());
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Ref(r) => out.push_str(&value(r)?),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<Reference> {
        parse(text).unwrap().references().cloned().collect()
    }

    #[test]
    fn references_are_found_with_their_place_and_the_rest_is_kept() {
        let text =
            "A={{ authdeck://dev/token }}\nB={{authdeck://ci-key@x/claim.sub}} {{ other }}\n";
        let found = refs(text);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].line, found[0].column), (1, 3));
        assert_eq!(found[1].field, Field::Claim("sub".into()));
        assert_eq!((found[1].account.as_str(), found[1].line), ("ci-key@x", 2));
        let out = parse(text)
            .unwrap()
            .render(|r| Ok(Zeroizing::new(format!("<{}>", r.account))))
            .unwrap();
        assert_eq!(&*out, "A=<dev>\nB=<ci-key@x> {{ other }}\n");
    }

    #[test]
    fn a_bad_reference_names_its_line_and_column() {
        for (text, needle) in [
            (
                "x\n  {{ authdeck://dev/tokn }}",
                "line 2, column 3: unknown field \"tokn\"",
            ),
            ("{{ authdeck://dev }}", "names no field"),
            ("{{ authdeck://dev/token\n}}", "not closed"),
            ("{{ authdeck://bad name/token }}", "not an account name"),
            ("{{ authdeck://dev/claim. }}", "unknown field"),
            ("a {{ Authdeck://dev/token }}", "looks like a reference"),
            ("{{ authdeck:/dev/token }}", "looks like a reference"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn places_stay_right_after_many_references_on_many_lines() {
        let mut text = String::new();
        for _ in 0..500 {
            text.push_str("é {{ authdeck://dev/token }}\n\n");
        }
        text.push_str("ab {{ authdeck://dev/nope }}");
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains("line 1001, column 4:"), "{e}");
        let last = parse(&text[..text.len() - 28])
            .unwrap()
            .references()
            .last()
            .cloned();
        assert_eq!(last.map(|r| (r.line, r.column)), Some((999, 3)));
    }

    #[test]
    fn braces_of_other_template_languages_pass_through() {
        let text = "{{ .Values.x }} {{}} {{ {{ authdeck://a/token }}";
        let out = parse(text)
            .unwrap()
            .render(|_| Ok(Zeroizing::new("T".into())))
            .unwrap();
        assert_eq!(&*out, "{{ .Values.x }} {{}} {{ T");
    }
}
