//! What several commands load: the catalog, the compliance frameworks.

use std::path::Path;

use anyhow::{Context as _, bail};
use onus_catalog::Catalog;

/// Load the built-in catalog, with `path` merged over it when given.
pub(crate) fn load_catalog(path: Option<&Path>) -> anyhow::Result<Catalog> {
    match path {
        None => Ok(Catalog::builtin()?),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read catalog {}", path.display()))?;
            let catalog = Catalog::with_override(&text, &path.display().to_string())?;
            for (kind, entry) in catalog.kinds() {
                if let Some(code) = entry.rules.iter().find(|c| onus_rules::find(c).is_none()) {
                    bail!(
                        "{}: at kinds.\"{kind}\".rules: unknown rule '{code}' (`onus rules` lists the rules)",
                        path.display()
                    );
                }
            }
            Ok(catalog)
        }
    }
}

/// The rule codes a framework file may name.
fn rule_codes() -> Vec<&'static str> {
    onus_rules::registry()
        .iter()
        .map(|r| r.meta().code)
        .collect()
}

/// The built-in frameworks, with the files of `dir` added when given.
pub(crate) fn load_frameworks(dir: Option<&Path>) -> anyhow::Result<onus_compliance::Frameworks> {
    let codes = rule_codes();
    let mut frameworks = onus_compliance::Frameworks::builtin(&codes)?;
    if let Some(dir) = dir {
        frameworks.load_dir(dir, &codes)?;
    }
    Ok(frameworks)
}

/// The frameworks `--framework` asks for, loaded and checked before any work
/// starts (an unknown id is a usage error, not a surprise after collection).
pub(crate) fn selected_frameworks(
    args: &crate::cli::FrameworkArgs,
) -> anyhow::Result<Vec<onus_compliance::Framework>> {
    if args.ids.is_empty() {
        if let Some(dir) = &args.dir.dir {
            // Check the files even when no framework is asked for: a broken
            // file is reported now, not on the run that needs it.
            load_frameworks(Some(dir))?;
        }
        return Ok(Vec::new());
    }
    let all = load_frameworks(args.dir.dir.as_deref())?;
    let mut chosen: Vec<onus_compliance::Framework> = Vec::new();
    for id in &args.ids {
        let f = all.get(id.trim())?;
        if !chosen.iter().any(|c| c.id == f.id) {
            chosen.push(f.clone());
        }
    }
    Ok(chosen)
}

/// Refuse `--format compliance-csv` without a framework to fill it.
pub(crate) fn check_compliance_formats(
    formats: &[onus_report::Format],
    frameworks: &[onus_compliance::Framework],
) -> anyhow::Result<()> {
    if frameworks.is_empty() && formats.contains(&onus_report::Format::ComplianceCsv) {
        bail!(
            "--format compliance-csv needs --framework ID (`onus frameworks` lists them), e.g. --framework ccm-4.0"
        );
    }
    Ok(())
}

/// Add the compliance view of `frameworks` to `report`.
pub(crate) fn add_compliance(
    report: &mut onus_model::AuditReport,
    frameworks: &[onus_compliance::Framework],
) {
    if frameworks.is_empty() {
        return;
    }
    let refs: Vec<&onus_compliance::Framework> = frameworks.iter().collect();
    report.compliance = onus_compliance::assess(&refs, report);
}
