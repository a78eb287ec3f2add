//! `onus audit`.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::Utc;
use onus_catalog::Catalog;
use onus_model::{AuditReport, Inventory, RunInfo};
use onus_report::{Format, Style};

use crate::cli::{AuditArgs, FailOn};
use crate::output::Target;
use crate::{EXIT_GAPS, EXIT_INCOMPLETE, EXIT_OK};

/// The name of an inventory input in messages (`-` is standard input).
fn input_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Open an inventory for a streamed read: the file, or standard input copied
/// to a temporary file (the reader scans it twice).
fn open_input(path: &Path) -> anyhow::Result<std::fs::File> {
    let name = input_name(path);
    if path == Path::new("-") {
        let mut spool = tempfile::tempfile().context("cannot create a temporary file")?;
        std::io::copy(&mut std::io::stdin().lock(), &mut spool)
            .with_context(|| format!("cannot read inventory {name}"))?;
        spool
            .seek(std::io::SeekFrom::Start(0))
            .context("cannot read back standard input")?;
        Ok(spool)
    } else {
        std::fs::File::open(path).with_context(|| format!("cannot read inventory {name}"))
    }
}

/// Why a streamed read of `input` failed, named as the whole-document reader
/// names it (its message has the line, column and path of the first problem).
fn explain(
    mut input: std::fs::File,
    name: &str,
    failure: onus_engine::stream::Failure,
    catalog: &Catalog,
    allow_unclassified: bool,
) -> anyhow::Error {
    use onus_engine::stream::Failure;
    let streamed = match failure {
        Failure::Io(e) => {
            return anyhow::Error::new(e).context(format!("cannot read inventory {name}"));
        }
        Failure::Invalid(m) => m,
    };
    let mut text = String::new();
    if input.seek(std::io::SeekFrom::Start(0)).is_ok() && input.read_to_string(&mut text).is_ok() {
        let checked = Inventory::from_json_str(&text, name)
            .map_err(anyhow::Error::from)
            .and_then(|mut inventory| {
                if !allow_unclassified {
                    check_kinds(&inventory, catalog, name)?;
                }
                catalog.apply_mappings(&mut inventory);
                Ok(())
            });
        if let Err(e) = checked {
            return e;
        }
    }
    anyhow::anyhow!("{name}: {streamed}")
}

/// Refuse kinds the catalog does not know on resources with settings, naming
/// where they are.
fn check_kinds(inventory: &Inventory, catalog: &Catalog, source: &str) -> anyhow::Result<()> {
    let unknown: Vec<(usize, &str)> = inventory
        .resources
        .iter()
        .enumerate()
        // An enumerated resource of a type the catalog does not know is reported
        // as unclassified (the coverage says so); a resource with settings and an
        // unknown kind is more likely a typo.
        .filter(|(_, r)| !r.enumerated_only && catalog.kind(&r.kind).is_none())
        .map(|(i, r)| (i, r.kind.as_str()))
        .collect();
    let Some(&(first, kind)) = unknown.first() else {
        return Ok(());
    };
    let suggestions = catalog.suggest(kind);
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (known kinds nearby: {})", suggestions.join(", "))
    };
    let more = match unknown.len() {
        1 => String::new(),
        n => format!("; {} more resource(s) of unknown kinds", n - 1),
    };
    bail!(
        "{source}: at resources[{first}].kind: unknown resource kind '{kind}'{hint}{more}. \
         Classify it in a catalog file (--catalog FILE) or pass --allow-unclassified to audit it as unclassified"
    )
}

/// The exit code under `fail_on`, from the report's summary and the count of
/// open (unwaived unaddressed) findings, new ones apart.
fn policy_exit(report: &AuditReport, tally: onus_engine::stream::Tally, fail_on: &[FailOn]) -> u8 {
    let s = &report.summary;
    if fail_on.contains(&FailOn::Never) {
        return EXIT_OK;
    }
    // Gaps under an active waiver are reported but do not fail the run.
    let gaps = (fail_on.contains(&FailOn::Unaddressed) && tally.open > 0)
        || (fail_on.contains(&FailOn::New) && tally.new > 0)
        || (fail_on.contains(&FailOn::Unknown) && s.statuses.unknown > 0);
    if gaps {
        EXIT_GAPS
    } else if fail_on.contains(&FailOn::Incomplete) && !s.complete {
        EXIT_INCOMPLETE
    } else {
        EXIT_OK
    }
}

/// The tally of a report held in memory.
fn tally(report: &AuditReport) -> onus_engine::stream::Tally {
    let open = |f: &&onus_model::Finding| {
        f.status == onus_model::Status::Unaddressed && !onus_engine::waivers::is_waived(f)
    };
    onus_engine::stream::Tally {
        open: report.findings.iter().filter(open).count(),
        new: report
            .findings
            .iter()
            .filter(open)
            .filter(|f| f.baseline.as_deref() == Some("new"))
            .count(),
    }
}

pub(crate) fn run(args: AuditArgs, style: Style) -> anyhow::Result<u8> {
    if args.fail_on.contains(&FailOn::Never) && args.fail_on.len() > 1 {
        bail!("--fail-on never cannot be combined with other policies");
    }
    if args.max_access_key_age < 1 {
        bail!(
            "--max-access-key-age must be at least 1 day (got {})",
            args.max_access_key_age
        );
    }
    if args.shard.is_some() && args.inventory.is_some() {
        bail!(
            "--shard splits a collection (onus audit aws|azure|gcp|m365|workspace|dropbox), not an inventory file"
        );
    }
    if args.fail_on.contains(&FailOn::New) && args.baseline.is_none() {
        bail!(
            "--fail-on new needs --baseline FILE (a previous JSON report or `onus baseline` file)"
        );
    }
    let output = Target::new(args.output.as_deref());
    let formats = crate::output::resolve_formats(&args.format, &output)?;

    let catalog = crate::setup::load_catalog(args.catalog.as_deref())?;
    let frameworks = crate::setup::selected_frameworks(&args.frameworks)?;
    crate::setup::check_compliance_formats(&formats, &frameworks)?;
    // Read every input file before collecting, so a typo fails in a second, not after a collection.
    let baseline = match &args.baseline {
        Some(path) => Some((path.clone(), crate::baseline_files::load_baseline(path)?)),
        None => None,
    };
    let config = args
        .config
        .clone()
        .or_else(|| Some(PathBuf::from("onus.toml")).filter(|p| p.is_file()));
    let config = match &config {
        Some(path) => crate::baseline_files::load_config(path)?,
        None => crate::baseline_files::Config::default(),
    };
    let waivers = config.waivers;
    let now = Utc::now();
    let context = |reference_time| {
        let mut ctx = onus_rules::Context::new(reference_time);
        ctx.require_customer_managed_keys = args.require_customer_managed_keys;
        ctx.max_access_key_age_days = args.max_access_key_age;
        ctx.classification = config.classification.clone();
        ctx
    };
    let run_info = |reference_time, inventory: Option<String>, collected_at| RunInfo {
        onus_version: env!("CARGO_PKG_VERSION").to_owned(),
        generated_at: now,
        reference_time,
        inventory,
        collected_at,
        catalog: catalog.info().clone(),
        rules: 0,
    };
    let (report, tally) = if let Some(path) = &args.inventory {
        // An inventory file streams: read resource by resource, and (for JSON
        // without a store) written as it is evaluated.
        let name = input_name(path);
        let input = open_input(path)?;
        let reopen = input
            .try_clone()
            .context("cannot read the inventory twice")?;
        let inventory = match onus_engine::stream::open(input) {
            Ok(inventory) => inventory,
            Err(f) => return Err(explain(reopen, &name, f, &catalog, args.allow_unclassified)),
        };
        let collected_at = inventory.head.collected_at;
        let reference_time = collected_at.unwrap_or(now);
        let ctx = context(reference_time);
        let setup = onus_engine::stream::Setup {
            catalog: &catalog,
            ctx: &ctx,
            run: run_info(reference_time, Some(name.clone()), collected_at),
            baseline: baseline
                .as_ref()
                .map(|(p, refs)| (refs.as_slice(), p.display().to_string())),
            waivers: &waivers,
            today: now.date_naive(),
            allow_unclassified: args.allow_unclassified,
        };
        if formats == [Format::Json] && frameworks.is_empty() {
            let mut spool = onus_engine::stream::JsonSpool::new()
                .context("cannot create a temporary file for the report")?;
            let (head, tally) = match onus_engine::stream::audit(inventory, setup, &mut spool) {
                Ok(done) => done,
                Err(f) => return Err(explain(reopen, &name, f, &catalog, args.allow_unclassified)),
            };
            // With a store, the report is compressed as it is written (the run
            // keeps it), never held whole.
            let mut compressed = args.store.as_ref().map(|_| onus_store::compressor());
            crate::output::write_with(&output, |w| match &mut compressed {
                Some(z) => spool.write(&head, &mut onus_engine::stream::Tee(w, z)),
                None => spool.write(&head, w),
            })?;
            if let (Some(store), Some(z)) = (&args.store, compressed) {
                let bytes = z.finish().context("cannot compress the report")?;
                match crate::history::save_compressed(store, &head, &bytes, &store_scope(&args)) {
                    Ok(id) => crate::output::note(&format!("onus: stored run {id}")),
                    Err(e) => {
                        return Err(
                            e.context("the report was written but the run could not be stored")
                        );
                    }
                }
            }
            let code = policy_exit(&head, tally, &args.fail_on);
            if let Target::Path(p) = &output
                && !args.quiet
            {
                crate::output::note(&verdict(&[p.display().to_string()], &head, code));
            }
            return Ok(code);
        }
        let mut collect = onus_engine::stream::Collect::default();
        match onus_engine::stream::audit(inventory, setup, &mut collect) {
            Ok((head, tally)) => (collect.into_report(head), tally),
            Err(f) => return Err(explain(reopen, &name, f, &catalog, args.allow_unclassified)),
        }
    } else {
        if args.clouds.is_empty() {
            bail!(
                "nothing to audit: give a cloud or SaaS tenant to collect from (`onus audit aws`, `onus audit aws m365`) or an inventory (`onus audit --inventory FILE`)"
            )
        }
        // Each cloud once, in the order given (`aws m365 aws` is `aws m365`).
        let mut clouds = args.clouds.clone();
        let mut seen = std::collections::HashSet::new();
        clouds.retain(|c| seen.insert(*c));
        let mut inventory = Inventory::default();
        for &cloud in &clouds {
            let collected = crate::collect::collect(
                cloud,
                &args.aws,
                &args.azure,
                &args.gcp,
                &args.saas,
                &args.timeouts,
                args.shard,
            )?;
            inventory = crate::collect::merge(inventory, collected);
        }
        let source = clouds
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join("+");
        if !args.allow_unclassified {
            check_kinds(&inventory, &catalog, &source)?;
        }
        // The catalog interprets: facets from `raw` through the kinds' mappings.
        // A mapping that fails on a resource is a gap of that resource, not the run's end.
        catalog.apply_mappings(&mut inventory);
        // Nothing reads `raw` after the mappings (rules read facets, evidence points
        // into `raw` by pointer, the report never copies it): free it before the
        // audit builds the report beside the inventory.
        for r in &mut inventory.resources {
            r.raw = serde_json::Value::Null;
        }
        let reference_time = inventory.collected_at.unwrap_or(now);
        let ctx = context(reference_time);
        let classify = |kind: &str| {
            catalog
                .classify(kind)
                .unwrap_or_else(|| Catalog::unclassified(kind))
        };
        let run = run_info(reference_time, None, inventory.collected_at);
        let mut report = onus_rules::audit(&inventory, &classify, &ctx, run);
        if let Some((path, baseline)) = &baseline {
            onus_engine::baseline::apply_baseline(
                &mut report,
                baseline,
                &path.display().to_string(),
            );
        }
        onus_engine::waivers::apply_waivers(&mut report, &waivers, now.date_naive());
        let tally = tally(&report);
        (report, tally)
    };

    let mut report = report;
    crate::setup::add_compliance(&mut report, &frameworks);

    let mut trend = Vec::new();
    if let Some(store) = &args.store {
        let scope = store_scope(&args);
        match crate::history::save(store, &report, &scope, formats.contains(&Format::Html)) {
            Ok((id, points)) => {
                crate::output::note(&format!("onus: stored run {id}"));
                trend = points;
            }
            Err(e) => {
                // The report is not lost because the store failed: write it, then fail.
                crate::output::write_outputs(&report, &formats, &output, style, &[])?;
                return Err(e.context("the report was written but the run could not be stored"));
            }
        }
    }
    let written = crate::output::write_outputs(&report, &formats, &output, style, &trend)?;
    let code = policy_exit(&report, tally, &args.fail_on);
    if !written.is_empty() && !args.quiet {
        crate::output::note(&verdict(&written, &report, code));
    } else if formats == [Format::Table] && !args.quiet {
        crate::output::note(&next_step(&report, code));
    }
    Ok(code)
}

/// What a stored run audited: the inventory, or the cloud and its scope.
fn store_scope(args: &AuditArgs) -> String {
    match (&args.inventory, args.clouds.is_empty()) {
        (Some(p), _) => format!("inventory:{}", p.display()),
        (None, false) => {
            let mut scope = args
                .clouds
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join("+");
            if let Some(r) = &args.aws.regions {
                scope.push_str(&format!(":{}", r.join(",")));
            }
            if !args.azure.subscriptions.is_empty() {
                scope.push_str(&format!(":{}", args.azure.subscriptions.join(",")));
            }
            if !args.gcp.projects.is_empty() {
                scope.push_str(&format!(":{}", args.gcp.projects.join(",")));
            }
            if let Some((i, n)) = args.shard {
                scope.push_str(&format!("#shard={i}/{n}"));
            }
            scope
        }
        (None, true) => "unknown".to_owned(),
    }
}

/// The line after the table on standard output: the exit code and why, and
/// where to go next.
pub(crate) fn next_step(report: &AuditReport, code: u8) -> String {
    let s = &report.summary.statuses;
    let why = match code {
        EXIT_GAPS => "the --fail-on policy found gaps to close",
        EXIT_INCOMPLETE => "some of the estate could not be read (collection failures)",
        _ => "nothing fails the --fail-on policy",
    };
    format!(
        "onus: exit {code}: {why} ({} {}, {} unknown). Next: `--format html --output onus.html` for the browsable report, `onus explain CODE` for a rule, `--fail-on` to choose what fails a run.",
        s.unaddressed,
        if s.unaddressed == 1 { "gap" } else { "gaps" },
        s.unknown
    )
}

/// The line after writing files: what was written and the verdict
/// (`onus: wrote reports/onus.sarif, reports/onus.html: 45 gaps, 12 unknown; exit 1`).
pub(crate) fn verdict(written: &[String], report: &AuditReport, code: u8) -> String {
    let s = &report.summary.statuses;
    let mut parts = vec![format!(
        "{} {}",
        s.unaddressed,
        if s.unaddressed == 1 { "gap" } else { "gaps" }
    )];
    parts.push(format!("{} unknown", s.unknown));
    if !report.gaps.is_empty() {
        parts.push(format!(
            "{} collection {}",
            report.gaps.len(),
            if report.gaps.len() == 1 {
                "failure"
            } else {
                "failures"
            }
        ));
    }
    format!(
        "onus: wrote {}: {}; exit {code}",
        crate::safe(&written.join(", ")),
        parts.join(", ")
    )
}
