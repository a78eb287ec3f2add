//! `onus plan`.

use std::io::IsTerminal;

use anyhow::Context as _;
use onus_model::Status;
use onus_plan::{Cloud, Strategy};

use crate::cli::{PlanArgs, PlanFormat, PlanTarget, StrategyArg};

pub(crate) fn run(args: &PlanArgs, style: onus_report::Style) -> anyhow::Result<u8> {
    let catalog = crate::setup::load_catalog(args.catalog.as_deref())?;
    let name = args.assets.display().to_string();
    let text = std::fs::read_to_string(&args.assets)
        .with_context(|| format!("cannot read assets {name}"))?;
    let kinds: Vec<&str> = catalog.asset_kinds().collect();
    let assets = onus_plan::read_assets(&text, &name, &kinds)?;
    let clouds = match args.target {
        PlanTarget::Aws => vec![Cloud::Aws],
        PlanTarget::Azure => vec![Cloud::Azure],
        PlanTarget::Both => vec![Cloud::Aws, Cloud::Azure],
    };
    let strategy = args.strategy.map(|s| match s {
        StrategyArg::Rehost => Strategy::Rehost,
        StrategyArg::Replatform => Strategy::Replatform,
        StrategyArg::Refactor => Strategy::Refactor,
        StrategyArg::Repurchase => Strategy::Repurchase,
    });
    let report = match &args.verify {
        Some(path) => {
            let rname = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read report {rname}"))?;
            crate::check_duplicate_keys(&text, &rname)?;
            let report: onus_model::AuditReport = serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "{rname}:{}:{}: not an onus.report/v1 JSON report: {e}",
                    e.line(),
                    e.column()
                )
            })?;
            Some(report)
        }
        None => None,
    };
    let verifier = report.as_ref().map(onus_plan::Verifier::new);
    let unaddressed = |pa: &onus_plan::PlannedAsset| {
        pa.targets
            .iter()
            .flat_map(|t| t.verification.iter().flatten())
            .any(|v| v.status == Status::Unaddressed)
    };
    let format = args.format.unwrap_or(
        if args.output.is_none() && std::io::stdout().is_terminal() {
            PlanFormat::Table
        } else {
            PlanFormat::Json
        },
    );
    let frameworks = crate::setup::selected_frameworks(&args.frameworks)?;
    if let Some(f) = frameworks.iter().find(|f| !f.ownership) {
        anyhow::bail!(
            "--framework {}: the framework gives no owner per service model, so no control changes owner in a move; use one that does (ccm-4.0)",
            f.id
        );
    }
    let target = crate::output::Target::new(args.output.as_deref());
    if format == PlanFormat::Json && frameworks.is_empty() {
        // JSON streams: one planned asset in memory at a time.
        let mut gaps = false;
        crate::output::write_with(&target, |w| {
            onus_plan::render::json_streamed(
                &catalog,
                &assets,
                &clouds,
                strategy,
                |pa| {
                    if let Some(v) = &verifier {
                        v.verify(pa);
                        gaps |= unaddressed(pa);
                    }
                },
                w,
            )
        })?;
        return Ok(if gaps {
            crate::EXIT_GAPS
        } else {
            crate::EXIT_OK
        });
    }
    let mut plan = onus_plan::plan(&catalog, &assets, &clouds, strategy);
    for f in &frameworks {
        for (from, to) in plan.model_moves() {
            let controls = onus_compliance::owner_changes(f, from, to)
                .into_iter()
                .map(|c| onus_plan::ControlShift {
                    id: c.control.id.clone(),
                    title: c.control.title.clone(),
                    from: c.from,
                    to: c.to,
                })
                .collect();
            plan.compliance.push(onus_plan::OwnershipShift {
                framework: f.id.clone(),
                from,
                to,
                controls,
            });
        }
    }
    let mut code = crate::EXIT_OK;
    if let Some(v) = &verifier {
        for pa in &mut plan.assets {
            v.verify(pa);
            if unaddressed(pa) {
                code = crate::EXIT_GAPS;
            }
        }
    }
    let text = match format {
        // Colour only on a terminal (and never into a file).
        PlanFormat::Table if args.output.is_none() => {
            onus_plan::render::table_styled(&plan, style, crate::output::terminal_width())
        }
        PlanFormat::Table => onus_plan::render::table(&plan),
        PlanFormat::Json => onus_plan::render::json(&plan),
        PlanFormat::Markdown => onus_plan::render::markdown(&plan),
        PlanFormat::Html => onus_plan::render::html(&plan),
    };
    crate::output::write_text(&target, &text)?;
    if matches!(format, PlanFormat::Table) && args.output.is_none() {
        crate::output::note(&format!(
            "onus plan: exit {code}: {}. Next: `--format html --output plan.html` for the side-by-side matrix, `--verify REPORT` to check the planned duties against an audit of what was deployed.",
            match (code, verifier.is_some()) {
                (crate::EXIT_GAPS, _) =>
                    "a planned customer duty is unaddressed on a deployed resource",
                (_, true) => "every verified duty is addressed or unknown",
                _ => "a plan alone fails nothing",
            }
        ));
    }
    Ok(code)
}
