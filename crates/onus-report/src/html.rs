//! One self-contained HTML file (no network at view time): the summary, the
//! responsibility matrix per service model, and the duty ledger with filters by
//! provider, service model, duty and status.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use onus_model::{AuditReport, Duty, Owner, Status};

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}\
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}\
.unaddressed{background:#fde2e1}.unknown{background:#fff4cc}.addressed{background:#e3f6e5}.not_applicable{color:#888}\
.customer{font-weight:bold}.provider{color:#888}.cards span{display:inline-block;margin-right:1.5rem;font-size:1.2rem}\
select{margin-right:1rem}";

const SCRIPT: &str = "function f(){const v={};document.querySelectorAll('select[data-k]').forEach(s=>v[s.dataset.k]=s.value);\
let n=0;document.querySelectorAll('#ledger tbody tr').forEach(r=>{const ok=Object.keys(v).every(k=>!v[k]||r.dataset[k]===v[k]);\
r.style.display=ok?'':'none';if(ok)n++});document.getElementById('shown').textContent=n}\
new URLSearchParams(location.hash.slice(1)).forEach((v,k)=>{const s=document.querySelector('select[data-k=\"'+k+'\"]');if(s)s.value=v});\
document.querySelectorAll('select[data-k]').forEach(s=>s.addEventListener('change',f));f();";

/// The report as one HTML page.
pub fn render(report: &AuditReport) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>onus audit</title><style>{STYLE}</style></head><body>"
    );
    let _ = write!(
        out,
        "<h1>onus: shared responsibility audit</h1><p>generated {} · {}</p>",
        esc(&report.run.generated_at.to_rfc3339()),
        esc(report.run.inventory.as_deref().unwrap_or("live collection"))
    );
    let _ = write!(
        out,
        "<div class=\"cards\" id=\"summary\"><span><b id=\"resources\">{}</b> resources</span><span class=\"unaddressed\"><b id=\"gaps\">{}</b> unaddressed</span><span class=\"unknown\"><b>{}</b> unknown</span><span class=\"addressed\"><b>{}</b> addressed</span><span>coverage <b>{:.0}%</b></span></div>",
        s.resources,
        s.statuses.unaddressed,
        s.statuses.unknown,
        s.statuses.addressed,
        s.coverage * 100.0
    );

    // The matrix per service model, as observed on the audited kinds.
    out.push_str(
        "<h2>Responsibility per service model</h2><table id=\"matrix\"><thead><tr><th>duty</th>",
    );
    let mut models: BTreeMap<String, BTreeMap<Duty, BTreeMap<&'static str, usize>>> =
        BTreeMap::new();
    for r in &report.resources {
        let m = r
            .service_model
            .map_or("unclassified".to_owned(), |m| m.as_str().to_owned());
        for (d, e) in &r.duties {
            let owner = match (e.status, e.owner) {
                (Status::NotApplicable, Some(Owner::Customer | Owner::Shared)) => "n/a",
                (_, Some(o)) => o.as_str(),
                (_, None) => "customer",
            };
            *models
                .entry(m.clone())
                .or_default()
                .entry(*d)
                .or_default()
                .entry(owner)
                .or_default() += 1;
        }
    }
    for m in models.keys() {
        let _ = write!(out, "<th>{}</th>", esc(m));
    }
    out.push_str("</tr></thead><tbody>");
    for d in Duty::ALL {
        let _ = write!(out, "<tr><td>{d}</td>");
        for owners in models.values() {
            let cell = owners
                .get(d)
                .map(|o| {
                    o.iter()
                        .map(|(k, n)| format!("<span class=\"{k}\">{k} ({n})</span>"))
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");

    // The ledger with filters.
    let mut values: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for r in &report.resources {
        values
            .entry("provider")
            .or_default()
            .insert(r.provider.as_str().to_owned());
        values.entry("model").or_default().insert(
            r.service_model
                .map_or("unclassified".into(), |m| m.as_str().to_owned()),
        );
    }
    values.insert(
        "duty",
        Duty::ALL.iter().map(|d| d.as_str().to_owned()).collect(),
    );
    values.insert(
        "status",
        Status::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
    );
    out.push_str("<h2>Duty ledger</h2><p>");
    for (k, vs) in &values {
        let _ = write!(
            out,
            "<label>{k} <select data-k=\"{k}\"><option value=\"\">all</option>"
        );
        for v in vs {
            let _ = write!(out, "<option>{}</option>", esc(v));
        }
        out.push_str("</select></label>");
    }
    out.push_str("<span id=\"shown\"></span> rows</p><table id=\"ledger\"><thead><tr><th>resource</th><th>kind</th><th>model</th><th>duty</th><th>owner</th><th>status</th><th>reason</th></tr></thead><tbody>");
    for r in &report.resources {
        let model = r.service_model.map_or("unclassified", |m| m.as_str());
        for (d, e) in &r.duties {
            let owner = e.owner.map_or("", |o| o.as_str());
            let _ = write!(
                out,
                "<tr class=\"{st}\" data-provider=\"{p}\" data-model=\"{model}\" data-duty=\"{d}\" data-status=\"{st}\"><td title=\"{id}\">{name}</td><td>{kind}</td><td>{model}</td><td>{d}</td><td class=\"{owner}\">{owner}</td><td>{st}</td><td>{reason}</td></tr>",
                st = e.status.as_str(),
                p = r.provider.as_str(),
                id = esc(&r.id),
                name = esc(r.name.as_deref().unwrap_or(&r.id)),
                kind = esc(&r.kind),
                reason = esc(&e.reason),
            );
        }
    }
    out.push_str("</tbody></table>");
    if !report.gaps.is_empty() {
        out.push_str("<h2>Collection gaps</h2><ul>");
        for g in &report.gaps {
            let _ = write!(out, "<li>{} {}</li>", g.provider, esc(&g.describe()));
        }
        out.push_str("</ul>");
    }
    let _ = writeln!(out, "<script>{SCRIPT}</script></body></html>");
    out
}
