//! The forms a token takes when handed to other tools (clipboard, `authdeck token`).

use crate::secret::Secret;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CopyFormat"))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The token alone.
    #[default]
    Raw,
    /// `Authorization: Bearer <token>`
    Header,
    /// `-H 'Authorization: Bearer <token>'`, to paste into a curl command.
    Curl,
    /// `export AUTHDECK_TOKEN='<token>'`
    Env,
    /// `{"account", "token", "token_type", "expires_at"}`
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Raw,
        Format::Header,
        Format::Curl,
        Format::Env,
        Format::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Header => "header",
            Format::Curl => "curl",
            Format::Env => "env",
            Format::Json => "json",
        }
    }
}

/// The token in `format`, in a buffer zeroized on drop.
pub fn render(
    format: Format,
    account: &str,
    token: &Secret,
    expires_at: Option<Timestamp>,
) -> Zeroizing<String> {
    let t = token.expose();
    Zeroizing::new(match format {
        Format::Raw => t.to_string(),
        Format::Header => format!("Authorization: Bearer {t}"),
        Format::Curl => format!("-H 'Authorization: Bearer {}'", shell_quoted_body(t)),
        Format::Env => format!("export AUTHDECK_TOKEN='{}'", shell_quoted_body(t)),
        Format::Json => serde_json::json!({
            "account": account,
            "token": t,
            "token_type": "Bearer",
            "expires_at": expires_at.map(|e| e.to_string()),
        })
        .to_string(),
    })
}

/// Inside single quotes only `'` needs care; tokens never hold one, but a provider might.
fn shell_quoted_body(t: &str) -> String {
    t.replace('\'', r"'\''")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_has_the_documented_shape() {
        let s = Secret::new("abc.def.ghi");
        let at = Timestamp::from_second(1_800_000_000).ok();
        assert_eq!(&*render(Format::Raw, "a", &s, at), "abc.def.ghi");
        assert_eq!(
            &*render(Format::Header, "a", &s, at),
            "Authorization: Bearer abc.def.ghi"
        );
        assert_eq!(
            &*render(Format::Curl, "a", &s, at),
            "-H 'Authorization: Bearer abc.def.ghi'"
        );
        assert_eq!(
            &*render(Format::Env, "a", &s, at),
            "export AUTHDECK_TOKEN='abc.def.ghi'"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(Format::Json, "a", &s, at)).unwrap();
        assert_eq!(json["account"], "a");
        assert_eq!(json["token"], "abc.def.ghi");
        assert_eq!(json["token_type"], "Bearer");
        assert_eq!(json["expires_at"], "2027-01-15T08:00:00Z");
    }

    #[test]
    fn a_quote_in_a_token_cannot_break_out_of_the_shell_string() {
        let s = Secret::new("a'b");
        assert_eq!(
            &*render(Format::Env, "x", &s, None),
            r"export AUTHDECK_TOKEN='a'\''b'"
        );
    }
}
