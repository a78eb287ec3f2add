//! One self-contained HTML file (no network at view time): the summary, the
//! responsibility matrix per service model, and the duty ledger with filters by
//! provider, service model, duty and status.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use onus_model::{AuditReport, Duty, Owner, Status, TrendPoint};

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
try{new URLSearchParams(location.hash.slice(1)).forEach((v,k)=>{document.querySelectorAll('select[data-k]').forEach(s=>{if(s.dataset.k===k&&[...s.options].some(o=>o.value===v))s.value=v})})}catch(e){}\
document.querySelectorAll('select[data-k]').forEach(s=>s.addEventListener('change',f));f();";

/// An inline SVG chart of coverage (line, right axis 0–100%) and gaps per duty
/// (stacked bars) over stored runs, oldest left.
pub fn trend_svg(points: &[TrendPoint]) -> String {
    const W: f64 = 720.0;
    const H: f64 = 220.0;
    const PAD: f64 = 30.0;
    const COLORS: [&str; 9] = [
        "#c0392b", "#d35400", "#f39c12", "#8e44ad", "#2980b9", "#16a085", "#27ae60", "#7f8c8d",
        "#2c3e50",
    ];
    let n = points.len().max(1) as f64;
    let max = points
        .iter()
        .map(|p| p.gaps.values().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = (W - 2.0 * PAD) / n;
    let mut svg = format!(
        "<svg id=\"trend\" width=\"{W}\" height=\"{}\" role=\"img\" aria-label=\"trend of the last {} runs\">",
        H + 40.0,
        points.len()
    );
    for (i, p) in points.iter().enumerate() {
        let mut y = H - PAD;
        for (k, d) in Duty::ALL.iter().enumerate() {
            let v = p.gaps.get(d).copied().unwrap_or(0) as f64;
            if v == 0.0 {
                continue;
            }
            let h = v / max * (H - 2.0 * PAD);
            y -= h;
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{} {d}: {v}</title></rect>",
                PAD + i as f64 * step + step * 0.15,
                step * 0.7,
                COLORS[k],
                esc(&p.run)
            );
        }
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{:.1},{:.1}",
                PAD + i as f64 * step + step / 2.0,
                H - PAD - p.coverage * (H - 2.0 * PAD)
            )
        })
        .collect();
    let _ = write!(
        svg,
        "<polyline class=\"coverage\" fill=\"none\" stroke=\"#111\" stroke-width=\"2\" points=\"{}\"/>",
        line.join(" ")
    );
    let _ = write!(
        svg,
        "<text x=\"{PAD}\" y=\"14\" font-size=\"12\">gaps per duty (bars, max {max}) · coverage (line, 0–100%)</text>"
    );
    for (k, d) in Duty::ALL.iter().enumerate() {
        let _ = write!(
            svg,
            "<rect x=\"{:.0}\" y=\"{:.0}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"10\">{d}</text>",
            PAD + (k % 5) as f64 * 135.0,
            H + (k / 5) as f64 * 16.0,
            COLORS[k],
            PAD + (k % 5) as f64 * 135.0 + 14.0,
            H + 9.0 + (k / 5) as f64 * 16.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The report as one HTML page.
pub fn render(report: &AuditReport) -> String {
    render_with_trend(report, &[])
}

/// The report as one HTML page, with the trend of stored runs when given.
pub fn render_with_trend(report: &AuditReport, trend: &[TrendPoint]) -> String {
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

    let _ = write!(
        out,
        "<p id=\"coverage\">coverage: {}</p>",
        esc(&report.coverage.line())
    );
    if let Some(sources) = report.coverage.sources_line() {
        let _ = write!(out, "<p>{}</p>", esc(&sources));
    }
    if !trend.is_empty() {
        let _ = write!(
            out,
            "<h2>Trend of the last {} runs</h2>{}",
            trend.len(),
            trend_svg(trend)
        );
    }

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
