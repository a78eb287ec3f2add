//! The compliance view in every format that is read by a person: a summary
//! line per framework, the failing controls, and (HTML) every control grouped
//! by domain with its owner and the resources behind its status.

use std::fmt::Write as _;

use onus_model::{
    AuditReport, ControlResult, ControlStatus, FrameworkResult, Owner, Ownership, Status,
};

use crate::escape::{markdown_code as md_code, markdown_text as md_text, terminal as t};
use crate::html::esc;
use crate::style::Style;

/// How many failing controls the table and Markdown list per framework.
const MAX_LISTED: usize = 40;

/// How many resources the HTML lists under one control before summarising.
const MAX_RESOURCES: usize = 200;

/// "197 controls: 23 unaddressed · 4 not applicable · 170 manual (verify by hand)".
pub fn summary_line(f: &FrameworkResult) -> String {
    let mut parts = Vec::new();
    for s in ControlStatus::ALL {
        let n = f.summary.statuses.get(s).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        parts.push(match s {
            ControlStatus::Manual => format!("{n} manual (verify by hand)"),
            ControlStatus::NotApplicable => format!("{n} not applicable"),
            _ => format!("{n} {s}"),
        });
    }
    format!(
        "{} controls, {} assessed from the ledger: {}",
        f.summary.controls,
        f.summary.automated,
        parts.join(" · ")
    )
}

/// "iaas shared · paas provider · saas provider".
pub fn ownership_text(o: &Ownership) -> String {
    format!("iaas {} · paas {} · saas {}", o.iaas, o.paas, o.saas)
}

/// "shared 31, customer 2": how many resources each owner holds the control for.
pub fn owners_text(c: &ControlResult) -> String {
    c.owners
        .iter()
        .map(|(o, n)| format!("{o} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn failing(f: &FrameworkResult) -> impl Iterator<Item = &ControlResult> {
    f.controls
        .iter()
        .filter(|c| matches!(c.status, ControlStatus::Unaddressed))
        .chain(
            f.controls
                .iter()
                .filter(|c| matches!(c.status, ControlStatus::Unknown)),
        )
}

fn status_of(s: ControlStatus) -> Status {
    match s {
        ControlStatus::Unaddressed => Status::Unaddressed,
        ControlStatus::Unknown | ControlStatus::Manual => Status::Unknown,
        ControlStatus::Addressed => Status::Addressed,
        ControlStatus::NotApplicable => Status::NotApplicable,
    }
}

/// The table's compliance section.
pub fn table(report: &AuditReport, style: Style, width: usize, out: &mut String) {
    for f in &report.compliance {
        let _ = writeln!(
            out,
            "{}",
            style.bold(&format!(
                "Compliance: {} {} ({})",
                t(&f.title),
                t(&f.version),
                t(&f.id)
            ))
        );
        let _ = writeln!(out, "  {}", summary_line(f));
        let failing: Vec<&ControlResult> = failing(f).collect();
        for c in failing.iter().take(MAX_LISTED) {
            let owners = owners_text(c);
            let line = format!(
                "{} {} {}: {}{}",
                style.status(status_of(c.status), c.status.as_str()),
                t(&c.id),
                t(&c.title),
                t(&c.reason),
                if owners.is_empty() {
                    String::new()
                } else {
                    format!(" (owner: {owners})")
                }
            );
            let _ = writeln!(out, "{}", crate::table::wrap(&line, width, "  ", "      "));
        }
        if failing.len() > MAX_LISTED {
            let _ = writeln!(
                out,
                "  ... and {} more failing controls (the JSON and HTML reports list every one)",
                failing.len() - MAX_LISTED
            );
        }
        let manual = f
            .summary
            .statuses
            .get(&ControlStatus::Manual)
            .copied()
            .unwrap_or(0);
        if manual > 0 {
            let _ = writeln!(
                out,
                "{}",
                crate::table::wrap(
                    &format!(
                        "{manual} controls no API shows are left to verify by hand, with their owner: `onus explain ID` shows one; the HTML report lists them."
                    ),
                    width,
                    "  ",
                    "  "
                )
            );
        }
        out.push('\n');
    }
}

/// The Markdown compliance section.
pub fn markdown(report: &AuditReport, out: &mut String) {
    for f in &report.compliance {
        let _ = writeln!(
            out,
            "### Compliance: {} {} ({})\n\n{}\n",
            md_text(&f.title),
            md_text(&f.version),
            md_code(&f.id),
            summary_line(f)
        );
        let failing: Vec<&ControlResult> = failing(f).collect();
        if failing.is_empty() {
            out.push_str("No control assessed from the ledger fails.\n\n");
            continue;
        }
        out.push_str(
            "| control | status | title | owner per resource | why |\n|---|---|---|---|---|\n",
        );
        for c in failing.iter().take(MAX_LISTED) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md_code(&c.id),
                c.status,
                md_text(&c.title),
                md_text(&owners_text(c)),
                md_text(&c.reason)
            );
        }
        if failing.len() > MAX_LISTED {
            let _ = writeln!(
                out,
                "\n…and {} more failing controls (the JSON and HTML reports list every one).",
                failing.len() - MAX_LISTED
            );
        }
        out.push('\n');
    }
}

/// A control status as a person reads it.
pub fn status_label(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Unaddressed => "unaddressed",
        ControlStatus::Unknown => "unknown",
        ControlStatus::Addressed => "addressed",
        ControlStatus::NotApplicable => "not applicable",
        ControlStatus::Manual => "verify by hand",
    }
}

fn owner_class(o: Owner) -> &'static str {
    match o {
        Owner::Customer => "customer",
        Owner::Shared => "shared",
        Owner::Provider => "provider",
    }
}

/// The HTML compliance pages: one section per framework, controls grouped by
/// domain, each with its owners and, folded, the resources with gaps.
pub fn html(report: &AuditReport, out: &mut String) {
    for f in &report.compliance {
        let _ = write!(
            out,
            "<section class=\"compliance\" id=\"compliance-{}\"><h2>Compliance: {} {} <code>{}</code></h2><p>{}</p><p class=\"legend\">Source: {}. Owner per service model from the framework; the owner of each resource from its service model. A control no API shows is <b>manual</b>: verify it by hand; onus never reports it addressed.</p>",
            esc(&f.id),
            esc(&f.title),
            esc(&f.version),
            esc(&f.id),
            esc(&summary_line(f)),
            esc(&f.source)
        );
        let mut domain: Option<&str> = None;
        let mut open = false;
        for c in &f.controls {
            if open && c.domain.as_deref() != domain {
                out.push_str("</tbody></table>");
                open = false;
            }
            if !open {
                domain = c.domain.as_deref();
                let _ = write!(
                    out,
                    "<h3>{}</h3><table class=\"controls\"><thead><tr><th>control</th><th>title</th><th>owner (iaas · paas · saas)</th><th>status</th><th>resources</th></tr></thead><tbody>",
                    esc(domain.unwrap_or("Controls"))
                );
                open = true;
            }
            let ownership = c.ownership.as_ref().map_or(String::new(), |o| {
                [o.iaas, o.paas, o.saas]
                    .iter()
                    .map(|x| format!("<span class=\"{}\">{}</span>", owner_class(*x), x))
                    .collect::<Vec<_>>()
                    .join(" · ")
            });
            let mut detail = esc(&c.reason);
            if !c.owners.is_empty() {
                let _ = write!(detail, "<br>owner per resource: {}", esc(&owners_text(c)));
            }
            if !c.gaps.is_empty() {
                let _ = write!(
                    detail,
                    "<details><summary>{} resource(s) with gaps</summary><ul>",
                    c.gaps.len()
                );
                for g in c.gaps.iter().take(MAX_RESOURCES) {
                    let _ = write!(
                        detail,
                        "<li class=\"{}\">{} <code>{}</code> ({}{})</li>",
                        g.status.as_str(),
                        g.status.as_str().replace('_', " "),
                        esc(&g.resource),
                        esc(&g.kind),
                        g.owner.map_or(String::new(), |o| format!(", owner {o}"))
                    );
                }
                if c.gaps.len() > MAX_RESOURCES {
                    let _ = write!(
                        detail,
                        "<li>… and {} more (the JSON report lists every one)</li>",
                        c.gaps.len() - MAX_RESOURCES
                    );
                }
                detail.push_str("</ul></details>");
            }
            let _ = write!(
                out,
                "<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"status\">{}</td><td>{}</td></tr>",
                c.status.as_str(),
                esc(&c.id),
                esc(&c.title),
                ownership,
                status_label(c.status),
                detail
            );
        }
        if open {
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
}

/// The compliance CSV: one row per control and resource it applies to (a
/// manual control: one row, without a resource, to verify by hand).
pub fn csv(report: &AuditReport) -> String {
    use std::collections::HashMap;
    let mut by_resource: HashMap<&str, Vec<&onus_model::Finding>> = HashMap::new();
    for f in &report.findings {
        by_resource.entry(f.resource.as_str()).or_default().push(f);
    }
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let cell = |s: &str| crate::escape::csv_cell(s).into_owned();
    let _ = w.write_record([
        "framework",
        "control",
        "domain",
        "title",
        "control_status",
        "resource",
        "kind",
        "service_model",
        "owner",
        "status",
    ]);
    for f in &report.compliance {
        for c in &f.controls {
            let head = [
                cell(&f.id),
                cell(&c.id),
                cell(c.domain.as_deref().unwrap_or("")),
                cell(&c.title),
                c.status.as_str().to_owned(),
            ];
            if c.manual.is_some() {
                let mut row = head.to_vec();
                row.extend([
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "manual".to_owned(),
                ]);
                let _ = w.write_record(&row);
                continue;
            }
            for r in &report.resources {
                let fs = by_resource
                    .get(r.id.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let Some((owner, status)) = onus_model::control_on_resource(
                    c.ownership.as_ref(),
                    &c.duties,
                    &c.rules,
                    r,
                    fs,
                ) else {
                    continue;
                };
                let mut row = head.to_vec();
                row.extend([
                    cell(&r.id),
                    cell(&r.kind),
                    r.service_model
                        .map_or(String::new(), |m| m.as_str().to_owned()),
                    owner.map_or(String::new(), |o| o.as_str().to_owned()),
                    status.as_str().to_owned(),
                ]);
                let _ = w.write_record(&row);
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The controls of the report's frameworks that a rule's conclusions evidence
/// (by the rule's code or its duty), as `framework/control` names.
pub(crate) struct ControlIndex<'a> {
    report: &'a AuditReport,
}

impl<'a> ControlIndex<'a> {
    pub(crate) fn new(report: &'a AuditReport) -> ControlIndex<'a> {
        ControlIndex { report }
    }

    /// `(framework id, control id)` of every control `rule` (checking `duty`) evidences.
    pub(crate) fn controls(&self, rule: &str, duty: onus_model::Duty) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        for f in &self.report.compliance {
            for c in &f.controls {
                if c.rules.iter().any(|r| r == rule) || c.duties.contains(&duty) {
                    out.push((f.id.as_str(), c.id.as_str()));
                }
            }
        }
        out
    }
}
