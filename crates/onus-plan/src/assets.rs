//! The asset list: CSV (a CMDB export) or JSON.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use onus_catalog::Strategy;

/// How sensitive an asset's data is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    /// Public.
    Public,
    /// Internal.
    Internal,
    /// Confidential.
    Confidential,
    /// Restricted (regulated, secret).
    Restricted,
}

/// One asset to migrate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// Unique name; deployed resources carry it in the tag `onus:asset`.
    pub name: String,
    /// Asset kind: server, database, file-share, object-store, web-application,
    /// function, batch-job, mail, identity-directory, backup.
    pub kind: String,
    /// Operating system, when the asset has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Data classification.
    pub classification: Classification,
    /// Reachable from the internet.
    #[serde(default)]
    pub internet_facing: bool,
    /// Business criticality (free text: low, medium, high, critical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<String>,
    /// The chosen strategy, when decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// The chosen target resource kind, when decided (e.g. `aws.rds.instance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// Why an asset list could not be read. Every variant names the file and the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetError {
    /// Malformed input at a line and column (CSV: the field number).
    #[error("{file}:{line}:{column}: {message}")]
    At {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column (for CSV, the field number).
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A problem with the file as a whole.
    #[error("{file}: {message}")]
    File {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// serde_json appends " at line L column C"; the error already says where.
fn strip_position(message: &str) -> String {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
        .to_owned()
}

const REQUIRED: [&str; 3] = ["name", "kind", "classification"];

fn truthy(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Read an asset list. JSON when the text starts with `[` or `{`, else CSV with a
/// header row (columns in any order; extra columns ignored; names case-insensitive,
/// spaces and hyphens read as underscores). `known_kinds` are the asset kinds the
/// catalog can plan.
pub fn read_assets(text: &str, file: &str, known_kinds: &[&str]) -> Result<Vec<Asset>, AssetError> {
    let at = |line: u64, column: u64, message: String| AssetError::At {
        file: file.to_owned(),
        line,
        column,
        message,
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let assets: Vec<(u64, u64, Asset)> = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(trimmed);
        let list: Vec<Asset> = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            at(
                inner.line() as u64,
                inner.column() as u64,
                format!("at {path}: {}", strip_position(&inner.to_string())),
            )
        })?;
        de.end().map_err(|e| {
            at(
                e.line() as u64,
                e.column() as u64,
                "trailing data after the asset list".to_owned(),
            )
        })?;
        if let Err(d) = onus_model::json::check_duplicate_keys(trimmed) {
            return Err(at(
                d.line as u64,
                d.column as u64,
                format!("at {}: duplicate key '{}'", d.path, d.key),
            ));
        }
        list.into_iter()
            .enumerate()
            .map(|(i, a)| (i as u64 + 1, 1, a))
            .collect()
    } else {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(trimmed.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| at(1, 1, e.to_string()))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase().replace([' ', '-'], "_"))
            .collect();
        for (i, required) in REQUIRED.iter().enumerate() {
            if !headers.iter().any(|h| h == required) {
                return Err(at(
                    1,
                    i as u64 + 1,
                    format!(
                        "missing required column '{required}' (columns: {})",
                        headers.join(", ")
                    ),
                ));
            }
        }
        let col = |name: &str| headers.iter().position(|h| h == name);
        let mut out = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("malformed row: {len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                at(line, 1, message)
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let get = |name: &str| {
                col(name)
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .to_owned()
            };
            let field = |name: &str| col(name).map_or(1, |i| i as u64 + 1);
            let name = get("name");
            if name.is_empty() {
                return Err(at(line, field("name"), "empty asset name".into()));
            }
            let classification = match get("classification").to_ascii_lowercase().as_str() {
                "public" => Classification::Public,
                "internal" => Classification::Internal,
                "confidential" => Classification::Confidential,
                "restricted" => Classification::Restricted,
                other => {
                    return Err(at(
                        line,
                        field("classification"),
                        format!(
                            "unknown classification '{other}' (public, internal, confidential, restricted)"
                        ),
                    ));
                }
            };
            let internet_facing = truthy(&get("internet_facing")).ok_or_else(|| {
                at(
                    line,
                    field("internet_facing"),
                    format!(
                        "internet_facing must be yes or no, not '{}'",
                        get("internet_facing")
                    ),
                )
            })?;
            let strategy = match get("strategy").to_ascii_lowercase().as_str() {
                "" => None,
                s => Some(
                    Strategy::ALL
                        .into_iter()
                        .find(|x| x.as_str() == s)
                        .ok_or_else(|| at(line, field("strategy"), format!("unknown strategy '{s}' (rehost, replatform, refactor, repurchase)")))?,
                ),
            };
            let opt = |s: String| (!s.is_empty()).then_some(s);
            let asset = Asset {
                name,
                kind: get("kind").to_ascii_lowercase().replace([' ', '_'], "-"),
                os: opt(get("os")),
                classification,
                internet_facing,
                criticality: opt(get("criticality")),
                strategy,
                target: opt(get("target")),
            };
            out.push((line, field("kind"), asset));
        }
        out
    };
    let mut seen = std::collections::HashSet::new();
    for (line, column, a) in &assets {
        if !known_kinds.contains(&a.kind.as_str()) {
            return Err(at(
                *line,
                *column,
                format!(
                    "unknown asset kind '{}' (known: {})",
                    a.kind,
                    known_kinds.join(", ")
                ),
            ));
        }
        if !seen.insert(a.name.clone()) {
            return Err(at(*line, 1, format!("duplicate asset name '{}'", a.name)));
        }
    }
    if assets.is_empty() {
        return Err(AssetError::File {
            file: file.to_owned(),
            message: "no assets".into(),
        });
    }
    Ok(assets.into_iter().map(|(_, _, a)| a).collect())
}

/// The JSON Schema of the JSON asset list (an array of assets).
pub fn assets_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Vec<Asset>)).unwrap_or_default()
}
