//! Markdown for a pull-request comment or a CI job summary: totals, new gaps
//! first, details folded.

use std::fmt::Write as _;

use onus_model::{AuditReport, Duty, Finding, Status};

use crate::escape::{markdown_code as code, markdown_text as text};

/// A resource as a reader knows it: its name, with its id beside it in a code
/// span when the two differ (both escaped).
fn resource_label(names: &Names, id: &str) -> String {
    match names.get(id) {
        Some(name) if *name != id => format!("{} ({})", text(name), code(id)),
        _ => code(id),
    }
}

/// Resource names by id, built once per report.
type Names<'a> = std::collections::HashMap<&'a str, &'a str>;

fn names(report: &AuditReport) -> Names<'_> {
    report
        .resources
        .iter()
        .filter_map(|r| Some((r.id.as_str(), r.name.as_deref()?)))
        .collect()
}

fn gap_table(out: &mut String, names: &Names, findings: &[&Finding]) {
    let _ = writeln!(
        out,
        "| severity | rule | duty | resource | finding |\n|---|---|---|---|---|"
    );
    for f in findings {
        let waived = match &f.waiver {
            Some(w) if !w.expired => format!(
                " _(waived by {} until {}: {})_",
                text(&w.owner),
                w.expires,
                text(&w.reason)
            ),
            Some(w) => format!(" _(waiver expired {})_", w.expires),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {}{} |",
            f.severity,
            code(&f.rule),
            f.duty,
            resource_label(names, &f.resource),
            text(&f.message),
            waived
        );
    }
}

/// The report as Markdown.
pub fn render(report: &AuditReport) -> String {
    let names = names(report);
    let s = &report.summary;
    let mut out = String::from("## onus: shared responsibility audit\n\n");
    let _ = writeln!(
        out,
        "**{} resources** · **{} gaps** (unaddressed) · {} unknown · {} addressed · coverage of customer duties **{:.0}%**{}\n",
        s.resources,
        s.statuses.unaddressed,
        s.statuses.unknown,
        s.statuses.addressed,
        s.coverage * 100.0,
        if s.complete {
            String::new()
        } else {
            format!(" · ⚠ audit incomplete: {} collection failure(s)", s.gaps)
        }
    );
    let _ = writeln!(out, "Coverage: {}\n", report.coverage.line());
    if let Some(line) = report.coverage.not_evaluated_line() {
        let _ = writeln!(out, "{}\n", text(&line));
    }
    if let Some(sources) = report.coverage.sources_line() {
        let _ = writeln!(out, "{}\n", text(&sources));
    }
    if let Some(unseen) = report.coverage.unseen_line() {
        let _ = writeln!(out, "{}\n", text(&unseen));
    }
    let gaps: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
        .collect();
    if let Some(b) = &report.baseline {
        let new: Vec<&Finding> = gaps
            .iter()
            .copied()
            .filter(|f| f.baseline.as_deref() == Some("new"))
            .collect();
        let _ = writeln!(
            out,
            "Against the baseline {}: **{} new**, {} existing, {} resolved.\n",
            code(&b.source),
            b.new,
            b.existing,
            b.resolved.len()
        );
        if new.is_empty() {
            out.push_str("No new gaps.\n\n");
        } else {
            out.push_str("### New gaps\n\n");
            gap_table(&mut out, &names, &new);
            out.push('\n');
        }
        if !b.resolved.is_empty() {
            out.push_str("<details><summary>Resolved since the baseline</summary>\n\n");
            for r in &b.resolved {
                let _ = writeln!(
                    out,
                    "- {} {} on {}",
                    code(&r.rule),
                    r.duty,
                    code(&r.resource)
                );
            }
            out.push_str("\n</details>\n\n");
        }
    }
    let _ = writeln!(
        out,
        "| duty | unaddressed | unknown | addressed | not applicable |\n|---|---|---|---|---|"
    );
    for d in Duty::ALL {
        if let Some(c) = s.duties.get(d) {
            let _ = writeln!(
                out,
                "| {d} | {} | {} | {} | {} |",
                c.unaddressed, c.unknown, c.addressed, c.not_applicable
            );
        }
    }
    out.push('\n');
    if !gaps.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>All {} unaddressed findings ({} gaps), most severe first</summary>\n",
            gaps.len(),
            s.statuses.unaddressed
        );
        gap_table(&mut out, &names, &gaps);
        out.push_str("\n</details>\n\n");
    }
    crate::compliance::markdown(report, &mut out);
    if !report.expired_waivers.is_empty() {
        out.push_str("### Expired waivers\n\n");
        for w in &report.expired_waivers {
            let _ = writeln!(
                out,
                "- {} {} (owner {}, expired {}): {}",
                code(&w.resource),
                code(w.rule.as_deref().unwrap_or("*")),
                text(&w.owner),
                w.expires,
                text(&w.reason)
            );
        }
        out.push('\n');
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} collection failure(s)</summary>\n",
            report.gaps.len()
        );
        for g in &report.gaps {
            let _ = writeln!(out, "- {} {}", g.provider, text(&g.describe()));
        }
        out.push_str("\n</details>\n");
    }
    out
}
