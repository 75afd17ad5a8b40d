//! An Insomnia export (format 4, the JSON Insomnia writes with Export and reads with Import >
//! From file): a workspace, its base environment left empty, and one sub-environment holding
//! the variables. Imported into an existing collection, only the sub-environment is added
//! (Insomnia's import takes sub-environments and ignores a base environment of another
//! workspace, so the user's base environment is never overwritten); imported as a new
//! collection, it becomes the active environment.
//!
//! Format 4 has no per-variable secret type: the sub-environment is marked private
//! (`isPrivate`), which keeps it out of Insomnia's sync and Git. Requests use `{{ _.dev_token }}`.

use super::{Variable, exported_at, json_pretty};
use crate::Result;
use jiff::Timestamp;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use zeroize::Zeroizing;

const WORKSPACE_ID: &str = "wrk_authdeck";
const BASE_ID: &str = "env_authdeck_base";
const ENV_ID: &str = "env_authdeck";

#[derive(Serialize)]
struct Export<'a> {
    _type: &'static str,
    __export_format: u8,
    __export_date: String,
    __export_source: String,
    resources: [Resource<'a>; 3],
}

#[derive(Serialize)]
#[serde(untagged)]
enum Resource<'a> {
    Workspace {
        _id: &'static str,
        _type: &'static str,
        #[serde(rename = "parentId")]
        parent_id: Option<&'static str>,
        name: &'static str,
        description: &'static str,
        scope: &'static str,
    },
    Environment {
        _id: &'static str,
        _type: &'static str,
        #[serde(rename = "parentId")]
        parent_id: &'static str,
        name: &'a str,
        data: Data<'a>,
        #[serde(rename = "dataPropertyOrder")]
        order: Option<Order<'a>>,
        color: Option<&'static str>,
        #[serde(rename = "isPrivate")]
        private: bool,
        #[serde(rename = "metaSortKey")]
        sort_key: i64,
    },
}

/// `{"name": "value", …}` in the variables' order.
struct Data<'a>(&'a [Variable]);

impl Serialize for Data<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for v in self.0 {
            map.serialize_entry(&v.name, v.value.as_str())?;
        }
        map.end()
    }
}

/// Insomnia keeps the order of an environment's keys as `{"&": [names]}`.
#[derive(Serialize)]
struct Order<'a> {
    #[serde(rename = "&")]
    keys: Vec<&'a str>,
}

pub(super) fn render(title: &str, vars: &[Variable], now: Timestamp) -> Result<Zeroizing<String>> {
    json_pretty(&Export {
        _type: "export",
        __export_format: 4,
        __export_date: exported_at(now),
        __export_source: format!("authdeck:v{}", env!("CARGO_PKG_VERSION")),
        resources: [
            Resource::Workspace {
                _id: WORKSPACE_ID,
                _type: "workspace",
                parent_id: None,
                name: "Authdeck",
                description: "",
                scope: "collection",
            },
            Resource::Environment {
                _id: BASE_ID,
                _type: "environment",
                parent_id: WORKSPACE_ID,
                name: "Base Environment",
                data: Data(&[]),
                order: None,
                color: None,
                private: false,
                sort_key: 0,
            },
            Resource::Environment {
                _id: ENV_ID,
                _type: "environment",
                parent_id: BASE_ID,
                name: title,
                data: Data(vars),
                order: Some(Order {
                    keys: vars.iter().map(|v| v.name.as_str()).collect(),
                }),
                color: None,
                private: true,
                sort_key: 1,
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{now, sample};
    use super::super::{Format, render};
    use crate::{Error, Result};

    #[test]
    fn an_insomnia_export_holds_one_private_sub_environment() -> Result<()> {
        let text = render(Format::Insomnia, &sample(), now())?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::Invalid(e.to_string()))?;
        assert_eq!(json["_type"], "export");
        assert_eq!(json["__export_format"], 4);
        let resources = json["resources"].as_array().cloned().unwrap_or_default();
        let types: Vec<&str> = resources
            .iter()
            .map(|r| r["_type"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(types, ["workspace", "environment", "environment"]);
        let (workspace, base, env) = (&resources[0], &resources[1], &resources[2]);
        assert_eq!(base["parentId"], workspace["_id"]);
        assert_eq!(base["data"], serde_json::json!({}), "the base stays empty");
        assert_eq!(env["parentId"], base["_id"], "a sub-environment");
        assert_eq!(env["isPrivate"], true);
        assert_eq!(env["name"], "Authdeck: dev, ci-key");
        assert_eq!(env["data"]["dev_auth_value"], "Bearer eyJ.a.b");
        assert_eq!(env["data"]["ci_key_auth_header"], "X-API-Key");
        assert_eq!(env["dataPropertyOrder"]["&"][0], "dev_base_url");
        Ok(())
    }
}
