//! The terminal report: totals per duty and status, then the gaps grouped so a
//! person sees what to do first, then what could not be observed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use onus_model::{AuditReport, Duty, Finding, Severity, Status};

use crate::escape::terminal as t;
use crate::style::Style;

/// How many resources to list under one rule before summarising the rest.
const MAX_RESOURCES_PER_RULE: usize = 8;

/// Render the report for a person at a terminal.
pub fn render(report: &AuditReport, style: Style) -> String {
    let mut out = String::new();
    header(report, style, &mut out);
    ledger_table(report, style, &mut out);
    gaps(report, style, &mut out);
    unknowns(report, style, &mut out);
    collection_gaps(report, style, &mut out);
    out
}

fn header(report: &AuditReport, style: Style, out: &mut String) {
    let mut providers: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &report.resources {
        *providers.entry(r.provider.as_str()).or_default() += 1;
    }
    let join = |m: &BTreeMap<&str, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let models: BTreeMap<&str, usize> = report
        .summary
        .service_models
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    let _ = writeln!(
        out,
        "{} {} resources · {}",
        style.bold("onus audit:"),
        report.summary.resources,
        join(&providers)
    );
    let _ = writeln!(out, "service models: {}", join(&models));
    let _ = writeln!(out, "coverage: {}", report.coverage.line());
    if let Some(sources) = report.coverage.sources_line() {
        let _ = writeln!(out, "{}", t(&sources));
    }
    let mut source = String::new();
    if let Some(inv) = &report.run.inventory {
        source.push_str(&format!("inventory {}", t(inv)));
        if let Some(at) = report.run.collected_at {
            source.push_str(&format!(" (collected {})", at.format("%Y-%m-%d %H:%M UTC")));
        }
        source.push_str(" · ");
    }
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "{source}catalog {} · {} rules",
            t(&report.run.catalog.source),
            report.run.rules
        ))
    );
    out.push('\n');
}

fn ledger_table(report: &AuditReport, style: Style, out: &mut String) {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut head = vec!["duty".to_owned()];
    head.extend(
        Status::ALL
            .iter()
            .map(|s| style.status(*s, &s.as_str().replace('_', " "))),
    );
    table.set_header(head);
    let mut add_row = |label: String, counts: &onus_model::StatusCounts| {
        let mut row = vec![label];
        for s in Status::ALL {
            let n = counts.get(*s);
            row.push(if n > 0 && *s != Status::NotApplicable {
                style.status(*s, &n.to_string())
            } else {
                n.to_string()
            });
        }
        table.add_row(row);
    };
    for duty in Duty::ALL {
        if let Some(counts) = report.summary.duties.get(duty) {
            add_row(duty.as_str().to_owned(), counts);
        }
    }
    add_row(style.bold("total"), &report.summary.statuses);
    for i in 1..=Status::ALL.len() {
        if let Some(col) = table.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let _ = writeln!(
        out,
        "{}",
        style.bold("Duty ledger: (resource, duty) pairs by status")
    );
    let _ = writeln!(out, "{table}");
    let s = &report.summary;
    let addressed = (s.coverage * s.customer_duties as f64).round() as usize;
    let _ = writeln!(
        out,
        "Customer duty coverage: {:.0}% ({addressed} of {} customer or shared duties addressed)\n",
        s.coverage * 100.0,
        s.customer_duties
    );
}

fn gaps(report: &AuditReport, style: Style, out: &mut String) {
    let unaddressed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
        .collect();
    if unaddressed.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            style.status(
                Status::Addressed,
                "No gaps: every observed customer duty is addressed."
            )
        );
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "Gaps to close, most severe first ({} findings)",
            unaddressed.len()
        ))
    );
    // Group by (severity desc, rule): one heading per rule, the resources under it.
    let mut groups: BTreeMap<(std::cmp::Reverse<Severity>, &str), Vec<&Finding>> = BTreeMap::new();
    for f in unaddressed {
        groups
            .entry((std::cmp::Reverse(f.severity), f.rule.as_str()))
            .or_default()
            .push(f);
    }
    let names: BTreeMap<&str, (&str, &str, Option<&str>)> = report
        .resources
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                (r.kind.as_str(), r.account.as_str(), r.region.as_deref()),
            )
        })
        .collect();
    let labels: BTreeMap<&str, &str> = report
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_deref().unwrap_or(r.id.as_str())))
        .collect();
    for ((std::cmp::Reverse(severity), rule), findings) in groups {
        let first = findings[0];
        let _ = writeln!(
            out,
            "\n{} {} {} {}",
            style.severity(
                severity,
                &format!("{:<8}", severity.as_str().to_uppercase())
            ),
            style.bold(&t(rule)),
            first.duty,
            style.dim(&format!(
                "({} resource{})",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            ))
        );
        for f in findings.iter().take(MAX_RESOURCES_PER_RULE) {
            let label = labels
                .get(f.resource.as_str())
                .copied()
                .unwrap_or(&f.resource);
            let place = match names.get(f.resource.as_str()) {
                Some((kind, account, Some(region))) => {
                    format!("{}, {}/{}", t(kind), t(account), t(region))
                }
                Some((kind, account, None)) => format!("{}, {}", t(kind), t(account)),
                None => t(&f.kind).into_owned(),
            };
            let owner = if f.owner == onus_model::Owner::Shared {
                ", shared duty"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} {}",
                t(label),
                style.dim(&format!("({place}{owner})"))
            );
            let mut marks = String::new();
            if f.baseline.as_deref() == Some("new") {
                marks.push_str(" [new]");
            }
            match &f.waiver {
                Some(w) if !w.expired => marks.push_str(&format!(
                    " (waived by {} until {}: {})",
                    t(&w.owner),
                    w.expires,
                    t(&w.reason)
                )),
                Some(w) => marks.push_str(&format!(" (waiver expired {})", w.expires)),
                None => {}
            }
            let _ = writeln!(out, "    {}{}", t(&f.message), style.dim(&marks));
        }
        if findings.len() > MAX_RESOURCES_PER_RULE {
            let _ = writeln!(
                out,
                "  … and {} more (see --format json)",
                findings.len() - MAX_RESOURCES_PER_RULE
            );
        }
        let _ = writeln!(
            out,
            "  {} {} {}",
            style.dim("fix:"),
            t(&first.remediation),
            style.dim(&format!("(onus explain {})", t(rule)))
        );
    }
    out.push('\n');
}

fn unknowns(report: &AuditReport, style: Style, out: &mut String) {
    // Per duty: (not observed, outside onus's checks, the commonest not-observed reason).
    let mut per_duty: BTreeMap<Duty, (usize, usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for r in &report.resources {
        for (duty, entry) in &r.duties {
            if entry.status != Status::Unknown {
                continue;
            }
            let slot = per_duty.entry(*duty).or_default();
            if entry.rules.is_empty() {
                slot.1 += 1;
            } else {
                slot.0 += 1;
                *slot.2.entry(entry.reason.as_str()).or_default() += 1;
            }
        }
    }
    if per_duty.is_empty() {
        return;
    }
    let observed: usize = per_duty.values().map(|v| v.0).sum();
    let unchecked: usize = per_duty.values().map(|v| v.1).sum();
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "Unknown: {} duties neither passed nor failed ({observed} not observed, {unchecked} beyond what onus can check: verify by hand)",
            observed + unchecked
        ))
    );
    for (duty, (n_observed, n_unchecked, reasons)) in per_duty {
        let example = reasons
            .iter()
            .max_by_key(|(r, c)| (**c, std::cmp::Reverse(**r)))
            .map(|(r, _)| format!("  e.g. {}", t(r)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {:>3} not observed, {:>3} unchecked{}",
            style.status(Status::Unknown, &format!("{:<22}", duty.as_str())),
            n_observed,
            n_unchecked,
            style.dim(&example)
        );
    }
    out.push('\n');
}

fn collection_gaps(report: &AuditReport, style: Style, out: &mut String) {
    if report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.dim("Collection complete: no gaps recorded.")
        );
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        style.status(
            Status::Unknown,
            &format!("Audit incomplete: {} collection gap(s)", report.gaps.len())
        )
    );
    for g in &report.gaps {
        let _ = writeln!(out, "  {} {}", g.provider, t(&g.describe()));
    }
}
