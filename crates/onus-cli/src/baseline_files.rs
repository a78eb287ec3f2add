//! Baselines and waivers on the command line.

use std::path::Path;

use anyhow::{Context as _, bail};
use onus_model::{AuditReport, FindingRef, Waiver};
use serde::{Deserialize, Serialize};

/// The compact baseline format.
pub const BASELINE_SCHEMA: &str = "onus.baseline/v1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    schema: String,
    findings: Vec<FindingRef>,
}

/// Read a baseline: a JSON report or an `onus baseline` file.
pub(crate) fn load_baseline(path: &Path) -> anyhow::Result<Vec<FindingRef>> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read baseline {name}"))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{name}:{}:{}: malformed JSON: {e}", e.line(), e.column()))?;
    crate::check_duplicate_keys(&text, &name)?;
    match value["schema"].as_str() {
        Some(onus_model::REPORT_SCHEMA) => {
            let report: AuditReport = serde_json::from_value(value)
                .map_err(|e| anyhow::anyhow!("{name}: not a readable onus.report/v1: {e}"))?;
            Ok(onus_engine::baseline::gap_refs(&report))
        }
        Some(BASELINE_SCHEMA) => {
            let file: BaselineFile = serde_json::from_value(value)
                .map_err(|e| anyhow::anyhow!("{name}: not a readable {BASELINE_SCHEMA}: {e}"))?;
            Ok(file.findings)
        }
        other => bail!(
            "{name}: at schema: expected '{}' or '{BASELINE_SCHEMA}', found {other:?}",
            onus_model::REPORT_SCHEMA
        ),
    }
}

/// `onus baseline --from REPORT --out FILE`.
pub(crate) fn write_baseline(from: &Path, out: &Path) -> anyhow::Result<u8> {
    let findings = load_baseline(from)?;
    let text = serde_json::to_string_pretty(&BaselineFile {
        schema: BASELINE_SCHEMA.to_owned(),
        findings,
    })? + "\n";
    crate::output::write_text(&crate::output::Target::new(Some(out)), &text)?;
    Ok(crate::EXIT_OK)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    waivers: Vec<WaiverFile>,
    #[serde(default)]
    classification: Option<ClassificationFile>,
}

/// `[classification]`: the tag keys that carry a data store's label, the
/// accepted values, and the values whose gaps are raised one severity level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassificationFile {
    keys: Option<Vec<String>>,
    scale: Option<Vec<String>>,
    raise: Option<Vec<String>>,
}

/// What `onus.toml` configures.
#[derive(Debug, Default)]
pub(crate) struct Config {
    /// Accepted gaps.
    pub(crate) waivers: Vec<Waiver>,
    /// How data stores say how sensitive their data is.
    pub(crate) classification: onus_rules::ClassificationPolicy,
}

/// Read a configuration file (`onus.toml`): waivers and the classification policy.
pub(crate) fn load_config(path: &Path) -> anyhow::Result<Config> {
    let name = path.display().to_string();
    let waivers = load_waivers(path)?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration {name}"))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut classification = onus_rules::ClassificationPolicy::default();
    if let Some(c) = file.classification {
        let list = |field: &str, v: Option<Vec<String>>| -> anyhow::Result<Option<Vec<String>>> {
            match v {
                Some(v) if v.is_empty() || v.iter().any(|s| s.trim().is_empty()) => bail!(
                    "{name}: at classification.{field}: give at least one value, none of them empty"
                ),
                other => Ok(other),
            }
        };
        if let Some(keys) = list("keys", c.keys)? {
            classification.keys = keys;
        }
        if let Some(scale) = list("scale", c.scale)? {
            classification.scale = scale;
        }
        if let Some(raise) = c.raise {
            if let Some(v) = raise.iter().find(|v| !classification.on_scale(v)) {
                bail!(
                    "{name}: at classification.raise: '{v}' is not on the scale ({})",
                    classification.scale.join(", ")
                );
            }
            classification.raise = raise;
        }
    }
    Ok(Config {
        waivers,
        classification,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    resource: String,
    rule: Option<String>,
    duty: Option<onus_model::Duty>,
    reason: String,
    owner: String,
    expires: toml::value::Datetime,
}

/// Read the waivers of a configuration file (`onus.toml`).
fn load_waivers(path: &Path) -> anyhow::Result<Vec<Waiver>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration {name}"))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |s| onus_model::line_column(&text, s.start));
        anyhow::anyhow!("{name}:{line}:{col}: {}", e.message())
    })?;
    file.waivers
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            let date = w.expires.date.ok_or_else(|| {
                anyhow::anyhow!("{name}: at waivers[{i}].expires: a date (YYYY-MM-DD) is required")
            })?;
            let expires = chrono::NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| {
                anyhow::anyhow!("{name}: at waivers[{i}].expires: not a calendar date")
            })?;
            if w.reason.trim().is_empty() || w.owner.trim().is_empty() {
                bail!("{name}: at waivers[{i}]: a waiver needs a reason and an owner");
            }
            if let Some(r) = &w.rule
                && r != "*"
                && onus_rules::find(r).is_none()
            {
                bail!("{name}: at waivers[{i}].rule: unknown rule '{r}'");
            }
            Ok(Waiver {
                resource: w.resource,
                rule: w.rule,
                duty: w.duty.map(|d| d.as_str().to_owned()),
                reason: w.reason,
                owner: w.owner,
                expires,
                expired: false,
            })
        })
        .collect()
}
