//! `--store`, `onus history`, `onus diff`, `onus report`, `onus prune`.

use std::fmt::Write as _;

use anyhow::{Context as _, bail};
use onus_model::AuditReport;
use onus_store::{RunDiff, Store, StoreUrl};

use crate::cli::{DiffArgs, HistoryArgs, HistoryFormat, PruneArgs, ReportArgs};

/// The default store: `sqlite:` under the user's data directory.
pub(crate) fn default_url() -> String {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share"))
        })
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    format!("sqlite:{}", base.join("onus/history.db").display())
}

fn resolve(url: Option<&StoreUrl>) -> StoreUrl {
    match url {
        Some(u) if u.expose() != "default" && !u.expose().is_empty() => u.clone(),
        _ => StoreUrl::new(
            std::env::var("ONUS_STORE")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(default_url),
        ),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn open(rt: &tokio::runtime::Runtime, url: Option<&StoreUrl>) -> anyhow::Result<Store> {
    Ok(rt.block_on(Store::open(&resolve(url)))?)
}

/// How many runs the HTML trend shows.
pub(crate) const TREND_RUNS: i64 = 10;

/// Store a run; returns its identifier and, when asked, the trend of its scope.
pub(crate) fn save(
    url: &StoreUrl,
    report: &AuditReport,
    scope: &str,
    with_trend: bool,
) -> anyhow::Result<(String, Vec<onus_model::TrendPoint>)> {
    let rt = runtime()?;
    let store = open(&rt, Some(url))?;
    let id = rt.block_on(store.save(report, scope))?;
    let trend = if with_trend {
        rt.block_on(store.trend(scope, TREND_RUNS))?
    } else {
        Vec::new()
    };
    Ok((id, trend))
}

/// Store a streamed run: `head` (no resources or findings) and its JSON
/// report, compressed as it was written.
pub(crate) fn save_compressed(
    url: &StoreUrl,
    head: &AuditReport,
    compressed: &[u8],
    scope: &str,
) -> anyhow::Result<String> {
    let rt = runtime()?;
    let store = open(&rt, Some(url))?;
    Ok(rt.block_on(store.save_compressed(head, compressed, scope))?)
}

pub(crate) fn history(args: &HistoryArgs) -> anyhow::Result<u8> {
    let rt = runtime()?;
    let store = open(&rt, args.store.store.as_ref())?;
    if args.check {
        rt.block_on(store.check())?;
    }
    if let Some(framework) = &args.framework {
        let points = rt.block_on(store.control_trend(framework, args.limit))?;
        let text = control_trend_text(framework, &points, args.format)?;
        crate::output::stdout(&text)?;
        return Ok(crate::EXIT_OK);
    }
    let runs = rt.block_on(store.runs(args.limit))?;
    let text = match args.format {
        HistoryFormat::Json => serde_json::to_string_pretty(&runs)? + "\n",
        HistoryFormat::Table | HistoryFormat::Markdown => {
            let mut out = String::from(
                "| run | created | scope | resources | unaddressed | unknown | addressed | coverage | complete |\n|---|---|---|---|---|---|---|---|---|\n",
            );
            for r in &runs {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {:.0}% | {} |",
                    r.id,
                    r.created_at.format("%Y-%m-%d %H:%M"),
                    r.scope,
                    r.resources,
                    r.unaddressed,
                    r.unknown,
                    r.addressed,
                    r.coverage * 100.0,
                    if r.complete { "yes" } else { "no" }
                );
            }
            if runs.is_empty() {
                out.push_str("\n(no runs stored yet: `onus audit ... --store`)\n");
            }
            out
        }
    };
    crate::output::stdout(&text)?;
    Ok(crate::EXIT_OK)
}

/// `onus history --framework ID`: one row per run, controls per status, and
/// the failing controls (with their unaddressed resources).
fn control_trend_text(
    framework: &str,
    points: &[onus_store::ControlTrendPoint],
    format: HistoryFormat,
) -> anyhow::Result<String> {
    use onus_model::ControlStatus;
    if format == HistoryFormat::Json {
        return Ok(serde_json::to_string_pretty(points)? + "\n");
    }
    let mut out = String::from(
        "| run | created | scope | unaddressed | unknown | addressed | not applicable | manual | failing controls (unaddressed resources) |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for p in points {
        let n = |s: ControlStatus| p.statuses.get(&s).copied().unwrap_or(0);
        let failing: Vec<String> = p
            .failing
            .iter()
            .map(|(c, k)| format!("{c} ({k})"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            p.run,
            p.created_at.format("%Y-%m-%d %H:%M"),
            crate::safe(&p.scope),
            n(ControlStatus::Unaddressed),
            n(ControlStatus::Unknown),
            n(ControlStatus::Addressed),
            n(ControlStatus::NotApplicable),
            n(ControlStatus::Manual),
            crate::safe(&failing.join(", "))
        );
    }
    if points.is_empty() {
        let _ = writeln!(
            out,
            "\n(no run stored with the {} view yet: `onus audit ... --framework {} --store`)",
            crate::safe(framework),
            crate::safe(framework)
        );
    }
    Ok(out)
}

fn render_diff(d: &RunDiff, format: HistoryFormat) -> anyhow::Result<String> {
    if format == HistoryFormat::Json {
        return Ok(serde_json::to_string_pretty(d)? + "\n");
    }
    let mut out = format!("## onus diff {} → {}\n\n", d.old, d.new);
    let _ = writeln!(
        out,
        "{} new gap(s), {} resolved, {} status change(s), {} resource(s) appeared, {} disappeared\n",
        d.new_gaps.len(),
        d.resolved_gaps.len(),
        d.changed.len(),
        d.appeared.len(),
        d.disappeared.len()
    );
    for (title, list) in [
        ("New gaps", &d.new_gaps),
        ("Resolved gaps", &d.resolved_gaps),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            for g in list {
                let _ = writeln!(out, "- `{}` {} on `{}`", g.rule, g.duty, g.resource);
            }
            out.push('\n');
        }
    }
    if !d.changed.is_empty() {
        out.push_str("### Changed statuses\n\n");
        for c in &d.changed {
            let _ = writeln!(out, "- `{}` {}: {} → {}", c.resource, c.duty, c.from, c.to);
        }
        out.push('\n');
    }
    for (title, list) in [
        ("Kinds appeared", &d.kinds_appeared),
        ("Kinds disappeared", &d.kinds_disappeared),
        ("Appeared", &d.appeared),
        ("Disappeared", &d.disappeared),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            for r in list {
                let _ = writeln!(out, "- `{r}`");
            }
            out.push('\n');
        }
    }
    Ok(out)
}

pub(crate) fn diff(args: &DiffArgs) -> anyhow::Result<u8> {
    let rt = runtime()?;
    let store = open(&rt, args.store.store.as_ref())?;
    let (old, new) = match (&args.old, &args.new) {
        (Some(o), Some(n)) => (o.clone(), n.clone()),
        _ => match rt.block_on(store.last_two())? {
            Some(pair) => pair,
            None => bail!(
                "fewer than two runs of the same scope in the store; name two runs (`onus history` lists them)"
            ),
        },
    };
    let (a, b) = (
        rt.block_on(store.run_view(&old))?,
        rt.block_on(store.run_view(&new))?,
    );
    let d = onus_store::diff(&old, &a, &new, &b);
    crate::output::stdout(&render_diff(&d, args.format)?)?;
    Ok(if d.new_gaps.is_empty() {
        crate::EXIT_OK
    } else {
        crate::EXIT_GAPS
    })
}

pub(crate) fn report(args: &ReportArgs, style: onus_report::Style) -> anyhow::Result<u8> {
    let rt = runtime()?;
    let store = open(&rt, args.store.store.as_ref())?;
    let frameworks = crate::setup::selected_frameworks(&args.frameworks)?;
    let mut report = rt.block_on(store.report(&args.run))?;
    crate::setup::add_compliance(&mut report, &frameworks);
    let output = crate::output::Target::new(args.output.as_deref());
    let formats = crate::output::resolve_formats(&args.format, &output)?;
    crate::setup::check_compliance_formats(&formats, &frameworks)?;
    let written = crate::output::write_outputs(&report, &formats, &output, style, &[])?;
    if !written.is_empty() {
        crate::output::note(&format!("onus: wrote {}", crate::safe(&written.join(", "))));
    }
    Ok(crate::EXIT_OK)
}

pub(crate) fn prune(args: &PruneArgs) -> anyhow::Result<u8> {
    let cutoff = match args.older_than {
        None => None,
        Some(age) => {
            let age = chrono::Duration::from_std(age)
                .map_err(|_| anyhow::anyhow!("--older-than: {age:?} is too long"))?;
            Some(
                chrono::Utc::now()
                    .checked_sub_signed(age)
                    .ok_or_else(|| anyhow::anyhow!("--older-than: too long"))?,
            )
        }
    };
    let rt = runtime()?;
    let store = open(&rt, args.store.store.as_ref())?;
    let n = rt.block_on(store.prune(args.keep, cutoff))?;
    crate::output::note(&format!("onus: pruned {n} run(s)"));
    Ok(crate::EXIT_OK)
}
