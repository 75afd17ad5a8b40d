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
/// column of a reference that is not closed, names no account, or names an unknown field.
pub fn parse(text: &str) -> Result<Template<'_>> {
    let mut pieces = Vec::new();
    let mut rest = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find(OPEN) {
        let open = search + found;
        let inner = text[open + OPEN.len()..].trim_start_matches([' ', '\t']);
        if !inner.starts_with(SCHEME) {
            search = open + OPEN.len();
            continue;
        }
        let (line, column) = position(text, open);
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

/// 1-based line and column (in characters) of byte `at`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
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
