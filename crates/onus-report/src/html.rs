//! One self-contained HTML file (no network at view time). It opens on the gaps,
//! most severe first: the summary with clickable status badges, collection
//! failures and coverage, statuses per duty at a glance (inline SVG), the duty
//! ledger (severity, fix, account and region; filters by provider, service
//! model, duty and status), then the responsibility matrix with its legend.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use onus_model::{AuditReport, Duty, Owner, Severity, Status, TrendPoint};

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    Esc(s).to_string()
}

/// Text escaped for HTML as it is formatted (no copy of the text).
#[derive(Debug, Clone, Copy)]
pub struct Esc<'a>(pub &'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}\
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}\
.unaddressed{background:#fde2e1}.unknown{background:#fff4cc}.addressed{background:#e3f6e5}.not_applicable{color:#888}.manual{background:#eef1fb}\
.customer{font-weight:bold}.provider{color:#888}.cards span{display:inline-block;margin-right:1.5rem;font-size:1.2rem}\
select{margin-right:1rem}button.badge{font:inherit;border:1px solid #bbb;border-radius:1rem;padding:.2rem .8rem;margin-right:.6rem;cursor:pointer}\
td.reason{min-width:12rem;max-width:30rem;overflow-wrap:break-word}td.fix{min-width:10rem;max-width:22rem;overflow-wrap:break-word}#ledger{width:100%}#ledger td{font-size:.88rem}td.sev,td.acct{white-space:nowrap}td.res,td.kind{max-width:16rem;overflow-wrap:anywhere}.wide{overflow-x:auto}.sev-critical{color:#fff;background:#8e1b10}.sev-high{color:#8e1b10;font-weight:bold}\
.sev-medium{color:#a35a00}.sev-low,.sev-info{color:#555}.failures{border-left:4px solid #d35400;padding-left:1rem}.legend{color:#555;font-size:.9rem}";

const SCRIPT: &str = "function f(){const v={};document.querySelectorAll('select[data-k]').forEach(s=>v[s.dataset.k]=s.value);\
let n=0;document.querySelectorAll('#ledger tbody tr').forEach(r=>{const ok=Object.keys(v).every(k=>!v[k]||r.dataset[k]===v[k]);\
r.style.display=ok?'':'none';if(ok)n++});document.getElementById('shown').textContent=n}\
try{new URLSearchParams(location.hash.slice(1)).forEach((v,k)=>{document.querySelectorAll('select[data-k]').forEach(s=>{if(s.dataset.k===k&&[...s.options].some(o=>o.value===v))s.value=v})})}catch(e){}\
document.querySelectorAll('select[data-k]').forEach(s=>s.addEventListener('change',f));\
document.querySelectorAll('button[data-status]').forEach(b=>b.addEventListener('click',()=>{const s=document.querySelector('select[data-k=status]');s.value=b.dataset.status;f()}));f();";

/// One label per status, the same in every part of the page.
fn label(s: Status) -> &'static str {
    match s {
        Status::Unaddressed => "unaddressed",
        Status::Unknown => "unknown",
        Status::Addressed => "addressed",
        Status::NotApplicable => "not applicable",
    }
}

/// Statuses per duty as stacked horizontal bars: the picture at a glance.
fn status_bars(report: &AuditReport) -> String {
    const ORDER: [(Status, &str); 4] = [
        (Status::Unaddressed, "#e74c3c"),
        (Status::Unknown, "#f1c40f"),
        (Status::Addressed, "#27ae60"),
        (Status::NotApplicable, "#cfd4d8"),
    ];
    let mut per: BTreeMap<Duty, BTreeMap<Status, usize>> = BTreeMap::new();
    for r in &report.resources {
        for (d, e) in &r.duties {
            *per.entry(*d).or_default().entry(e.status).or_default() += 1;
        }
    }
    let (label_w, bar_w, row_h) = (170.0, 480.0, 22.0);
    let h = row_h * Duty::ALL.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg id=\"glance\" width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"statuses per duty\">",
        label_w + bar_w + 20.0
    );
    for (i, d) in Duty::ALL.iter().enumerate() {
        let y = i as f64 * row_h;
        let counts = per.get(d).cloned().unwrap_or_default();
        let total = counts.values().sum::<usize>().max(1) as f64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.0}\" font-size=\"12\">{d}</text>",
            y + 15.0
        );
        let mut x = label_w;
        for (st, colour) in ORDER {
            let n = counts.get(&st).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let w = n as f64 / total * bar_w;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{:.0}\" width=\"{w:.1}\" height=\"{:.0}\" fill=\"{colour}\"><title>{d}: {n} {}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                label(st)
            );
            x += w;
        }
    }
    let y = row_h * Duty::ALL.len() as f64 + 16.0;
    for (k, (st, colour)) in ORDER.iter().enumerate() {
        let x = label_w + k as f64 * 120.0;
        let _ = write!(
            svg,
            "<rect x=\"{x:.0}\" y=\"{:.0}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{:.0}\" y=\"{y:.0}\" font-size=\"11\">{}</text>",
            y - 9.0,
            x + 14.0,
            label(*st)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// An inline SVG chart of coverage (line, right axis 0–100%) and gaps per duty
/// (stacked bars) over stored runs, oldest left.
pub fn trend_svg(points: &[TrendPoint]) -> String {
    const W: f64 = 720.0;
    const H: f64 = 220.0;
    const PAD: f64 = 30.0;
    const COLORS: [&str; Duty::ALL.len()] = [
        "#c0392b", "#d35400", "#f39c12", "#8e44ad", "#2980b9", "#16a085", "#27ae60", "#7f8c8d",
        "#2c3e50", "#b03a2e", "#1f618d",
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
        esc(&report
            .run
            .generated_at
            .format("%Y-%m-%d %H:%M UTC")
            .to_string()),
        esc(report.run.inventory.as_deref().unwrap_or("live collection"))
    );
    // The badges filter the ledger by status.
    let _ = write!(
        out,
        "<div class=\"cards\" id=\"summary\"><span><b id=\"resources\">{}</b> resources</span>\
<button class=\"badge unaddressed\" data-status=\"unaddressed\"><b id=\"gaps\">{}</b> gaps (unaddressed)</button>\
<button class=\"badge unknown\" data-status=\"unknown\"><b>{}</b> unknown</button>\
<button class=\"badge addressed\" data-status=\"addressed\"><b>{}</b> addressed</button>\
<button class=\"badge\" data-status=\"\">all</button><span>coverage <b>{:.0}%</b></span></div>",
        s.resources,
        s.statuses.unaddressed,
        s.statuses.unknown,
        s.statuses.addressed,
        s.coverage * 100.0
    );
    if !report.gaps.is_empty() {
        let _ = write!(
            out,
            "<div class=\"failures\" id=\"failures\"><h2>Collection failures ({}): the duties they fed are unknown</h2><ul>",
            report.gaps.len()
        );
        for g in &report.gaps {
            let _ = write!(out, "<li>{} {}</li>", g.provider, esc(&g.describe()));
        }
        out.push_str("</ul></div>");
    }
    let _ = write!(
        out,
        "<p id=\"coverage\">coverage: {}</p>",
        esc(&report.coverage.line())
    );
    if let Some(line) = report.coverage.not_evaluated_line() {
        let _ = write!(out, "<p>{}</p>", esc(&line));
    }
    if let Some(sources) = report.coverage.sources_line() {
        let _ = write!(out, "<p>{}</p>", esc(&sources));
    }
    if let Some(unseen) = report.coverage.unseen_line() {
        let _ = write!(out, "<p>{}</p>", esc(&unseen));
    }
    let _ = write!(
        out,
        "<h2>At a glance: statuses per duty</h2>{}",
        status_bars(report)
    );
    if !trend.is_empty() {
        let _ = write!(
            out,
            "<h2>Trend of the last {} runs</h2>{}",
            trend.len(),
            trend_svg(trend)
        );
    }
    ledger(report, &mut out);
    matrix(report, &mut out);
    crate::compliance::html(report, &mut out);
    let _ = writeln!(out, "<script>{SCRIPT}</script></body></html>");
    out
}

/// One ledger row: (status rank, severity, resource, duty, entry).
type Row<'a> = (
    usize,
    std::cmp::Reverse<Option<Severity>>,
    &'a onus_model::ReportResource,
    Duty,
    &'a onus_model::LedgerEntry,
);

/// The ledger: gaps first, most severe first; filters, opening on the gaps.
fn ledger(report: &AuditReport, out: &mut String) {
    // The most severe unaddressed finding of each (resource, duty), with its fix.
    let mut worst: std::collections::HashMap<(&str, Duty), (Severity, &str)> =
        std::collections::HashMap::new();
    for f in &report.findings {
        if f.status != Status::Unaddressed {
            continue;
        }
        let slot = worst
            .entry((f.resource.as_str(), f.duty))
            .or_insert((f.severity, f.remediation.as_str()));
        if f.severity > slot.0 {
            *slot = (f.severity, f.remediation.as_str());
        }
    }
    let rank = |st: Status| match st {
        Status::Unaddressed => 0,
        Status::Unknown => 1,
        Status::Addressed => 2,
        Status::NotApplicable => 3,
    };
    let mut rows: Vec<Row> = Vec::new();
    for r in &report.resources {
        for (d, e) in &r.duties {
            let sev = worst.get(&(r.id.as_str(), *d)).map(|w| w.0);
            rows.push((rank(e.status), std::cmp::Reverse(sev), r, *d, e));
        }
    }
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));

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
    // The page opens on the gaps when there are any.
    let opening = if report.summary.statuses.unaddressed > 0 {
        "unaddressed"
    } else {
        ""
    };
    // About 600 bytes a row: one allocation instead of doublings of a large page.
    out.reserve(rows.len() * 640);
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
    out.push_str("<label>status <select data-k=\"status\"><option value=\"\">all</option>");
    for st in Status::ALL {
        let selected = if st.as_str() == opening {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            st.as_str(),
            label(*st)
        );
    }
    out.push_str("</select></label>");
    out.push_str("<span id=\"shown\"></span> rows</p><div class=\"wide\"><table id=\"ledger\"><thead><tr><th>severity</th><th>resource</th><th>kind</th><th>account</th><th>region</th><th>duty</th><th>owner</th><th>status</th><th>reason</th><th>fix</th></tr></thead><tbody>");
    for (_, std::cmp::Reverse(sev), r, d, e) in rows {
        let model = r.service_model.map_or("unclassified", |m| m.as_str());
        let owner = e.owner.map_or("", |o| o.as_str());
        let fix = worst.get(&(r.id.as_str(), d)).map_or("", |w| w.1);
        let sev = sev.map_or("", Severity::as_str);
        let _ = write!(
            out,
            "<tr class=\"{st}\" data-provider=\"{p}\" data-model=\"{model}\" data-duty=\"{d}\" data-status=\"{st}\"><td class=\"sev sev-{sev}\">{sev}</td><td class=\"res\" title=\"{id}\">{name}</td><td class=\"kind\">{kind}</td><td class=\"acct\">{account}</td><td>{region}</td><td>{d}</td><td class=\"{owner}\">{owner}</td><td>{label}</td><td class=\"reason\">{reason}</td><td class=\"fix\">{fix}</td></tr>",
            st = e.status.as_str(),
            label = label(e.status),
            p = r.provider.as_str(),
            id = Esc(&r.id),
            name = Esc(r.name.as_deref().unwrap_or(&r.id)),
            kind = Esc(&r.kind),
            account = Esc(&r.account),
            region = Esc(r.region.as_deref().unwrap_or("")),
            reason = Esc(&e.reason),
            fix = Esc(fix),
        );
    }
    out.push_str("</tbody></table></div>");
}

/// The responsibility matrix per service model, as observed on the audited kinds.
fn matrix(report: &AuditReport, out: &mut String) {
    out.push_str(
        "<h2>Responsibility per service model</h2><p class=\"legend\">Each cell counts the (resource, duty) pairs of that service model by who owns the duty: <span class=\"customer\">customer</span>, shared, <span class=\"provider\">provider</span>, or not applicable (the kind has no such object).</p><table id=\"matrix\"><thead><tr><th>duty</th>",
    );
    let mut models: BTreeMap<String, BTreeMap<Duty, BTreeMap<&'static str, usize>>> =
        BTreeMap::new();
    for r in &report.resources {
        let m = r
            .service_model
            .map_or("unclassified".to_owned(), |m| m.as_str().to_owned());
        for (d, e) in &r.duties {
            let owner = match (e.status, e.owner) {
                (Status::NotApplicable, Some(Owner::Customer | Owner::Shared)) => "not applicable",
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
                        .map(|(k, n)| {
                            format!("<span class=\"{}\">{k} {n}</span>", k.replace(' ', "_"))
                        })
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}
