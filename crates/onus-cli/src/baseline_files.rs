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
pub(crate) fn load_waivers(path: &Path) -> anyhow::Result<Vec<Waiver>> {
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
