//! The inventory: what a collector saw, and what it could not read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resource::{Provider, Resource, is_valid_kind};

/// The schema identifier every inventory carries in its `schema` field.
pub const INVENTORY_SCHEMA: &str = "onus.inventory/v1";

/// What kind of failure left a gap in collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GapCause {
    /// The credentials lack a permission.
    AccessDenied,
    /// Throttled beyond the retries.
    Throttled,
    /// The API answered with an error (HTTP 5xx, unsupported operation).
    ApiError,
    /// The region is not enabled for the account, or the service is not offered there.
    RegionUnavailable,
    /// The endpoint could not be reached (connection refused, DNS).
    Unreachable,
    /// The call ran out of time (`--timeout`, `--operation-timeout`): the
    /// endpoint accepted the connection, or not, but never answered in time.
    TimedOut,
    /// The API answered, but onus could not read what it said into facets (a
    /// policy document it cannot evaluate, a mapping expression that failed on
    /// this resource): the facets it feeds are unknown for that resource.
    Mapping,
    /// More than onus reads: one response past the byte limit
    /// (`--max-response-mib`), one listing past its item or byte budget, or a
    /// read past the run's request budget (`--max-requests`). What was read
    /// before is kept; the rest is not read.
    TooLarge,
    /// Anything else; the message says what.
    Other,
}

impl GapCause {
    /// The stable spelling used in outputs.
    pub const fn as_str(self) -> &'static str {
        match self {
            GapCause::AccessDenied => "access-denied",
            GapCause::Throttled => "throttled",
            GapCause::ApiError => "api-error",
            GapCause::RegionUnavailable => "region-unavailable",
            GapCause::Unreachable => "unreachable",
            GapCause::TimedOut => "timed-out",
            GapCause::Mapping => "mapping",
            GapCause::TooLarge => "too-large",
            GapCause::Other => "other",
        }
    }
}

/// One (provider, account, region, service, operation) that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// The provider whose API failed.
    pub provider: Provider,
    /// The account or subscription; absent when the failure was not account-specific.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region; absent for global services or when every region failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The service, as the provider names it (`ssm`, `s3`, `Microsoft.Compute`).
    pub service: String,
    /// The operation that failed (`DescribeInstanceInformation`).
    pub operation: String,
    /// The kind of failure.
    pub cause: GapCause,
    /// The error as the API reported it (error code and message; never credentials).
    pub error: String,
    /// The resource kinds whose facets this operation feeds; empty means every kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// The facets this operation feeds (`patching`, `public_access`); empty means every facet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<String>,
    /// The resources affected, when the failure was for particular resources; empty means all in scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
}

impl Gap {
    /// Whether this gap explains why `facet` of `resource` was not observed.
    pub fn affects(&self, resource: &Resource, facet: &str) -> bool {
        self.affects_scope(resource, facet)
            && (self.resources.is_empty() || self.resources.contains(&resource.id))
    }

    /// Whether the failure's scope (provider, account, region, kinds, facets)
    /// covers `facet` of `resource`, leaving out the list of named resources (an
    /// index checks that list once per audit instead of once per resource).
    pub fn affects_scope(&self, resource: &Resource, facet: &str) -> bool {
        self.provider == resource.provider
            && self.account.as_ref().is_none_or(|a| *a == resource.account)
            && match (&self.region, &resource.region) {
                (Some(g), Some(r)) => g == r,
                _ => true,
            }
            && (self.kinds.is_empty() || self.kinds.contains(&resource.kind))
            && (self.facets.is_empty() || self.facets.iter().any(|f| f == facet))
    }

    /// A one-line description: `ssm:DescribeInstanceInformation in 111122223333/eu-west-1 (access-denied: ...)`.
    pub fn describe(&self) -> String {
        let scope = match (&self.account, &self.region) {
            (Some(a), Some(r)) => format!(" in {a}/{r}"),
            (Some(a), None) => format!(" in {a}"),
            (None, Some(r)) => format!(" in {r}"),
            (None, None) => String::new(),
        };
        format!(
            "{}:{}{} failed ({}: {})",
            self.service,
            self.operation,
            scope,
            self.cause.as_str(),
            self.error
        )
    }
}

/// The collector that wrote an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectorInfo {
    /// Collector name (`onus-aws`, `onus-azure`, `hand-written`).
    pub name: String,
    /// Collector version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Resources and collection gaps: the input of every audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Always `onus.inventory/v1`.
    #[schemars(extend("const" = "onus.inventory/v1"))]
    pub schema: String,
    /// When collection finished. Age-based rules (access key age, patch assessment age)
    /// measure against this time, so re-auditing an old inventory gives the same answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<DateTime<Utc>>,
    /// Who wrote the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<CollectorInfo>,
    /// What was deployed.
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// What could not be read.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// The whole-estate enumeration sources and how each fared, per scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::coverage::EnumerationSource>,
}

impl Default for Inventory {
    fn default() -> Self {
        Inventory {
            schema: INVENTORY_SCHEMA.to_owned(),
            collected_at: None,
            collector: None,
            resources: Vec::new(),
            gaps: Vec::new(),
            sources: Vec::new(),
        }
    }
}

/// Why an inventory could not be read. Every variant names the input and the location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// Not JSON at all, or cut short.
    #[error("{source_name}:{line}:{column}: malformed JSON: {message}")]
    Syntax {
        /// The input's name (a path, `-` for standard input).
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// JSON, but not an `onus.inventory/v1` document.
    #[error("{source_name}:{line}:{column}: at {path}: {message}")]
    Schema {
        /// The input's name.
        source_name: String,
        /// JSON path of the offending value (`resources[3].facets.network`).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// Another schema (or another version of this one).
    #[error(
        "{source_name}: at schema: unsupported inventory schema '{found}' (this onus reads '{INVENTORY_SCHEMA}')"
    )]
    UnsupportedSchema {
        /// The input's name.
        source_name: String,
        /// The `schema` value found.
        found: String,
    },
    /// A semantic violation: a malformed kind, a duplicate identifier.
    #[error("{source_name}: at {path}: {message}")]
    Invalid {
        /// The input's name.
        source_name: String,
        /// JSON path of the offending value.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl Gap {
    /// A collection task that ended abnormally (a panic inside a collector): a
    /// recorded failure, so the run finishes and says what it missed.
    pub fn task_failed(provider: Provider, error: impl std::fmt::Display) -> Gap {
        Gap {
            provider,
            account: None,
            region: None,
            service: "onus".to_owned(),
            operation: "collect".to_owned(),
            cause: GapCause::Other,
            error: format!("a collection task failed: {error}"),
            kinds: vec![],
            facets: vec![],
            resources: vec![],
        }
    }
}

impl Inventory {
    /// A collector's inventory, collected now, in the order every collector
    /// writes: resources by (account, kind, id), failures by (account, region,
    /// service, operation), sources by (account, region, source).
    pub fn collected(
        collector: &str,
        version: &str,
        mut resources: Vec<Resource>,
        mut gaps: Vec<Gap>,
        mut sources: Vec<crate::EnumerationSource>,
    ) -> Inventory {
        resources.sort_by(|a, b| (&a.account, &a.kind, &a.id).cmp(&(&b.account, &b.kind, &b.id)));
        gaps.sort_by(|a, b| {
            (&a.account, &a.region, &a.service, &a.operation).cmp(&(
                &b.account,
                &b.region,
                &b.service,
                &b.operation,
            ))
        });
        sources.sort_by(|a, b| {
            (&a.account, &a.region, &a.source).cmp(&(&b.account, &b.region, &b.source))
        });
        Inventory {
            schema: INVENTORY_SCHEMA.to_owned(),
            collected_at: Some(Utc::now()),
            collector: Some(CollectorInfo {
                name: collector.to_owned(),
                version: Some(version.to_owned()),
            }),
            resources,
            gaps,
            sources,
        }
    }

    /// Parse and validate an inventory. `source_name` names the input in errors.
    pub fn from_json_str(text: &str, source_name: &str) -> Result<Inventory, InventoryError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let inventory: Inventory = match serde_path_to_error::deserialize(&mut de) {
            Ok(inventory) => inventory,
            Err(err) => return Err(Self::explain(text, source_name, err)),
        };
        // Reject trailing garbage after the document.
        if let Err(err) = de.end() {
            return Err(InventoryError::Syntax {
                source_name: source_name.to_owned(),
                line: err.line(),
                column: err.column(),
                message: strip_position(&err.to_string()),
            });
        }
        if let Err(d) = crate::json::check_duplicate_keys(text) {
            return Err(InventoryError::Schema {
                source_name: source_name.to_owned(),
                path: d.path,
                line: d.line,
                column: d.column,
                message: format!(
                    "duplicate key '{}' (JSON keeps only one of them, hiding the other)",
                    d.key
                ),
            });
        }
        if inventory.schema != INVENTORY_SCHEMA {
            return Err(InventoryError::UnsupportedSchema {
                source_name: source_name.to_owned(),
                found: inventory.schema,
            });
        }
        inventory.validate(source_name)?;
        Ok(inventory)
    }

    fn explain(
        text: &str,
        source_name: &str,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> InventoryError {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let (line, column) = (inner.line(), inner.column());
        let message = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Data => {
                // A document of another schema fails on its fields first; say so plainly.
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
                    && let Some(found) = value.get("schema").and_then(|s| s.as_str())
                    && found != INVENTORY_SCHEMA
                {
                    return InventoryError::UnsupportedSchema {
                        source_name: source_name.to_owned(),
                        found: found.to_owned(),
                    };
                }
                InventoryError::Schema {
                    source_name: source_name.to_owned(),
                    path: if path == "." {
                        "(document)".to_owned()
                    } else {
                        path
                    },
                    line,
                    column,
                    message,
                }
            }
            _ => InventoryError::Syntax {
                source_name: source_name.to_owned(),
                line,
                column,
                message,
            },
        }
    }

    fn validate(&self, source_name: &str) -> Result<(), InventoryError> {
        self.validate_head(source_name)?;
        let latest = self.latest_observation();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, r) in self.resources.iter().enumerate() {
            validate_resource(i, r, latest, source_name)?;
            if let Some(first) = seen.insert(&r.id, i) {
                return Err(InventoryError::Invalid {
                    source_name: source_name.to_owned(),
                    path: format!("resources[{i}].id"),
                    message: format!(
                        "duplicate resource id '{}' (first at resources[{first}])",
                        r.id
                    ),
                });
            }
        }
        Ok(())
    }

    /// The checks of everything but the resources.
    pub(crate) fn validate_head(&self, source_name: &str) -> Result<(), InventoryError> {
        // Time before 1970 is no cloud's: such a stamp is forged or broken, and an
        // early `collected_at` would make every access key look new.
        if let Some(at) = self.collected_at
            && at < DateTime::<Utc>::UNIX_EPOCH
        {
            return Err(InventoryError::Invalid {
                source_name: source_name.to_owned(),
                path: "collected_at".to_owned(),
                message: format!("{at} is before 1970"),
            });
        }
        for (i, g) in self.gaps.iter().enumerate() {
            if let Some(k) = g.kinds.iter().find(|k| !is_valid_kind(k)) {
                return Err(InventoryError::Invalid {
                    source_name: source_name.to_owned(),
                    path: format!("gaps[{i}].kinds"),
                    message: format!("malformed resource kind '{k}'"),
                });
            }
        }
        Ok(())
    }

    /// The latest time a resource may carry: nothing observed can be newer than
    /// the collection that observed it (five minutes of clock skew between the
    /// cloud and the collector allowed).
    pub(crate) fn latest_observation(&self) -> Option<DateTime<Utc>> {
        self.collected_at
            .map(|at| at + chrono::Duration::minutes(5))
    }

    /// Serialise as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        // Serialising these plain data types cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The checks of one resource, `resources[i]` (all but duplicate ids): its
/// times, kind, id and evidence pointers.
pub(crate) fn validate_resource(
    i: usize,
    r: &Resource,
    latest: Option<DateTime<Utc>>,
    source_name: &str,
) -> Result<(), InventoryError> {
    let invalid = |path: String, message: String| InventoryError::Invalid {
        source_name: source_name.to_owned(),
        path,
        message,
    };
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    let check_time = |path: String, at: DateTime<Utc>| -> Result<(), InventoryError> {
        if at < epoch {
            return Err(invalid(path, format!("{at} is before 1970")));
        }
        if let Some(latest) = latest
            && at > latest
        {
            return Err(invalid(
                path,
                format!(
                    "{at} is after the inventory's collected_at ({})",
                    latest - chrono::Duration::minutes(5)
                ),
            ));
        }
        Ok(())
    };
    if let Some(keys) = r
        .facets
        .identity
        .as_ref()
        .and_then(|id| id.access_keys.as_ref())
    {
        for (k, key) in keys.iter().enumerate() {
            check_time(
                format!("resources[{i}].facets.identity.access_keys[{k}].created"),
                key.created,
            )?;
        }
    }
    if let Some(at) = r.facets.patching.as_ref().and_then(|p| p.last_assessed) {
        check_time(format!("resources[{i}].facets.patching.last_assessed"), at)?;
    }
    if !is_valid_kind(&r.kind) {
        return Err(invalid(
            format!("resources[{i}].kind"),
            format!(
                "malformed resource kind '{}' (expected dotted lowercase words such as 'aws.ec2.instance')",
                r.kind
            ),
        ));
    }
    if r.id.trim().is_empty() {
        return Err(invalid(
            format!("resources[{i}].id"),
            "empty resource id".to_owned(),
        ));
    }
    for (facet, pointer) in &r.sources {
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return Err(invalid(
                format!("resources[{i}].sources.{facet}"),
                format!("'{pointer}' is not a JSON Pointer (it must start with '/')"),
            ));
        }
    }
    Ok(())
}

/// serde_json appends " at line L column C" to its messages; the error already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The JSON Schema of the inventory format, generated from the Rust types.
pub fn inventory_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Inventory)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "schema": "onus.inventory/v1",
  "resources": [
    {"id": "vol-1", "provider": "aws", "account": "111122223333", "region": "eu-west-1",
     "kind": "aws.ec2.volume", "facets": {"encryption_at_rest": {"enabled": false}}}
  ]
}"#;

    #[test]
    fn reads_a_minimal_inventory() {
        let inv = Inventory::from_json_str(MINIMAL, "m.json").unwrap();
        assert_eq!(inv.resources.len(), 1);
        let enc = inv.resources[0].facets.encryption_at_rest.as_ref().unwrap();
        assert_eq!(enc.enabled, Some(false));
        assert_eq!(enc.key_source, None, "absent stays absent");
    }

    #[test]
    fn truncated_input_names_the_line() {
        let cut = &MINIMAL[..MINIMAL.len() - 20];
        let err = Inventory::from_json_str(cut, "cut.json").unwrap_err();
        let InventoryError::Syntax { line, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(*line, 5);
        assert!(err.to_string().starts_with("cut.json:5:"), "{err}");
    }

    #[test]
    fn schema_violation_names_the_path() {
        let bad = MINIMAL.replace("\"enabled\": false", "\"enabled\": \"no\"");
        let err = Inventory::from_json_str(&bad, "bad.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad.json:5:80: at resources[0].facets.encryption_at_rest.enabled: invalid type: string \"no\", expected a boolean"
        );
    }

    #[test]
    fn misspelt_facet_is_rejected_not_ignored() {
        let bad = MINIMAL.replace("\"enabled\"", "\"enabeld\"");
        let err = Inventory::from_json_str(&bad, "typo.json").unwrap_err();
        assert!(err.to_string().contains("unknown field `enabeld`"), "{err}");
        assert!(
            err.to_string()
                .contains("resources[0].facets.encryption_at_rest"),
            "{err}"
        );
    }

    #[test]
    fn other_schema_versions_are_refused() {
        let other = MINIMAL.replace("onus.inventory/v1", "onus.inventory/v2");
        let err = Inventory::from_json_str(&other, "v2.json").unwrap_err();
        assert!(
            matches!(err, InventoryError::UnsupportedSchema { .. }),
            "{err}"
        );
    }

    #[test]
    fn malformed_kind_and_duplicate_ids() {
        let bad = MINIMAL.replace("aws.ec2.volume", "EC2 Volume");
        let err = Inventory::from_json_str(&bad, "k.json").unwrap_err();
        assert!(
            err.to_string()
                .contains("at resources[0].kind: malformed resource kind"),
            "{err}"
        );

        let mut inv = Inventory::from_json_str(MINIMAL, "m.json").unwrap();
        inv.resources.push(inv.resources[0].clone());
        let text = inv.to_json_pretty();
        let err = Inventory::from_json_str(&text, "dup.json").unwrap_err();
        assert!(
            err.to_string().contains("duplicate resource id 'vol-1'"),
            "{err}"
        );
    }

    #[test]
    fn trailing_garbage_is_refused() {
        let err = Inventory::from_json_str(&format!("{MINIMAL} x"), "t.json").unwrap_err();
        assert!(matches!(err, InventoryError::Syntax { .. }), "{err}");
    }

    #[test]
    fn gap_scope_matching() {
        let inv = Inventory::from_json_str(MINIMAL, "m.json").unwrap();
        let r = &inv.resources[0];
        let mut gap = Gap {
            provider: Provider::Aws,
            account: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            service: "ec2".into(),
            operation: "DescribeVolumes".into(),
            cause: GapCause::AccessDenied,
            error: "AccessDenied".into(),
            kinds: vec!["aws.ec2.volume".into()],
            facets: vec![],
            resources: vec![],
        };
        assert!(gap.affects(r, "encryption_at_rest"));
        gap.region = Some("us-east-1".into());
        assert!(!gap.affects(r, "encryption_at_rest"));
        gap.region = None;
        gap.facets = vec!["patching".into()];
        assert!(!gap.affects(r, "encryption_at_rest"));
        assert!(gap.affects(r, "patching"));
    }

    mod no_panic {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
                let _ = Inventory::from_json_str(&s, "p.json");
            }

            #[test]
            fn mutated_inventories_never_panic(cut in 0usize..400, pos in 0usize..400, byte in any::<u8>()) {
                let mut bytes = MINIMAL.as_bytes().to_vec();
                let p = pos % bytes.len();
                bytes[p] = byte;
                bytes.truncate(cut.max(1).min(bytes.len()));
                let text = String::from_utf8_lossy(&bytes);
                let _ = Inventory::from_json_str(&text, "p.json");
            }

            #[test]
            fn json_shaped_values_never_panic(v in json_value()) {
                let doc = serde_json::json!({"schema": INVENTORY_SCHEMA, "resources": [v]});
                let _ = Inventory::from_json_str(&doc.to_string(), "p.json");
            }
        }

        fn json_value() -> impl Strategy<Value = serde_json::Value> {
            let leaf = prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                "[a-z._/-]{0,12}".prop_map(serde_json::Value::from),
            ];
            leaf.prop_recursive(4, 32, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                    prop::collection::btree_map(
                        prop_oneof![
                            Just("id".to_owned()),
                            Just("kind".to_owned()),
                            Just("provider".to_owned()),
                            Just("account".to_owned()),
                            Just("facets".to_owned()),
                            Just("network".to_owned()),
                            Just("ingress".to_owned()),
                            Just("identity".to_owned()),
                            "[a-z_]{1,8}"
                        ],
                        inner,
                        0..5
                    )
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
                ]
            })
        }
    }
}
