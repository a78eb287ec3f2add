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

/// How many (kind, reason) groups to list under one unknown duty.
const MAX_UNKNOWN_GROUPS: usize = 4;

/// Render the report for a person at a terminal, prose wrapped to `width`.
pub fn render(report: &AuditReport, style: Style, width: usize) -> String {
    let mut out = String::new();
    header(report, style, &mut out);
    ledger_table(report, style, &mut out);
    gaps(report, style, width, &mut out);
    unknowns(report, style, width, &mut out);
    collection_gaps(report, style, width, &mut out);
    crate::compliance::table(report, style, width, &mut out);
    out
}

/// `text` wrapped to `width`, the first line after `first`, the others after
/// `rest` (ANSI styling does not count towards the width).
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
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
    if let Some(line) = report.coverage.not_evaluated_line() {
        let _ = writeln!(out, "{}", t(&line));
    }
    if let Some(sources) = report.coverage.sources_line() {
        let _ = writeln!(out, "{}", t(&sources));
    }
    if let Some(unseen) = report.coverage.unseen_line() {
        let _ = writeln!(out, "{}", t(&unseen));
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

fn gaps(report: &AuditReport, style: Style, width: usize, out: &mut String) {
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
            "Gaps to close, most severe first ({} gaps, {} findings)",
            report.summary.statuses.unaddressed,
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
            let line = format!("{} {}", t(label), style.dim(&format!("({place}{owner})")));
            let _ = writeln!(out, "{}", wrap(&line, width, "  ", "      "));
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
            let line = format!("{}{}", t(&f.message), style.dim(&marks));
            let _ = writeln!(out, "{}", wrap(&line, width, "    ", "    "));
        }
        if findings.len() > MAX_RESOURCES_PER_RULE {
            let _ = writeln!(
                out,
                "  … and {} more (see --format json)",
                findings.len() - MAX_RESOURCES_PER_RULE
            );
        }
        let line = format!(
            "fix: {} {}",
            t(&first.remediation),
            style.dim(&format!("(onus explain {})", t(rule)))
        );
        let _ = writeln!(out, "{}", wrap(&line, width, "  ", "       "));
    }
    out.push('\n');
}

fn unknowns(report: &AuditReport, style: Style, width: usize, out: &mut String) {
    // Per duty: (not observed, beyond onus's checks, and the resources by
    // (kind, reason), so that there is something concrete to verify by hand).
    type Groups<'a> = BTreeMap<(&'a str, &'a str), Vec<&'a str>>;
    let mut per_duty: BTreeMap<Duty, (usize, usize, Groups)> = BTreeMap::new();
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
            }
            // The reason in short: the long forms are in Markdown and JSON.
            let reason = if entry
                .reason
                .starts_with("enumerated, not evaluated in depth")
            {
                "enumerated, not evaluated in depth"
            } else if entry.rules.is_empty() {
                "no onus rule for this kind"
            } else {
                entry.reason.as_str()
            };
            slot.2
                .entry((r.kind.as_str(), reason))
                .or_default()
                .push(r.name.as_deref().unwrap_or(r.id.as_str()));
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
            "Unknown: {} duties neither passed nor failed ({observed} not observed, {unchecked} beyond what onus can check): verify by hand",
            observed + unchecked
        ))
    );
    for (duty, (n_observed, n_unchecked, groups)) in per_duty {
        let _ = writeln!(
            out,
            "  {} {:>3} not observed, {:>3} unchecked",
            style.status(Status::Unknown, &format!("{:<22}", duty.as_str())),
            n_observed,
            n_unchecked,
        );
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        for ((kind, reason), names) in groups.iter().take(MAX_UNKNOWN_GROUPS) {
            let shown: Vec<String> = names.iter().take(3).map(|n| t(n).into_owned()).collect();
            let more = if names.len() > 3 {
                format!(", … {} more", names.len() - 3)
            } else {
                String::new()
            };
            let line = format!(
                "{}× {} — {} {}",
                names.len(),
                t(kind),
                t(reason),
                style.dim(&format!("({}{more})", shown.join(", ")))
            );
            let _ = writeln!(out, "{}", wrap(&line, width, "    ", "      "));
        }
        if groups.len() > MAX_UNKNOWN_GROUPS {
            let _ = writeln!(
                out,
                "    {}",
                style.dim(&{
                    let more = groups.len() - MAX_UNKNOWN_GROUPS;
                    format!(
                        "… {more} more {} (--format markdown or json lists every one)",
                        if more == 1 {
                            "kind and reason"
                        } else {
                            "kinds and reasons"
                        }
                    )
                })
            );
        }
    }
    out.push('\n');
}

fn collection_gaps(report: &AuditReport, style: Style, width: usize, out: &mut String) {
    if report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.dim("Collection complete: nothing failed to be read.")
        );
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        style.status(
            Status::Unknown,
            &format!(
                "Audit incomplete: {} collection failure(s)",
                report.gaps.len()
            )
        )
    );
    for g in &report.gaps {
        let line = format!("{} {}", g.provider, t(&g.describe()));
        let _ = writeln!(out, "{}", wrap(&line, width, "  ", "    "));
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn prose_wraps_at_the_width_with_its_indents_and_never_inside_a_name() {
        let text = "fix: Remove the rule or narrow its source; use Session Manager, Azure Bastion or a VPN instead of an open administrative port (vm-legacy-win)";
        let out = wrap(text, 60, "  ", "       ");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 2, "{out}");
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{out}");
        assert!(lines[0].starts_with("  fix:") && lines[1].starts_with("       "));
        assert!(
            out.contains("(vm-legacy-win)"),
            "hyphenated names stay whole: {out}"
        );
        // Styling does not count towards the width.
        let styled = format!("\u{1b}[2m{}\u{1b}[0m", "x ".repeat(25));
        assert_eq!(wrap(&styled, 60, "", "").lines().count(), 1);
    }
}
