//! Plan outputs: terminal table, JSON, Markdown, HTML.

use std::fmt::Write as _;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use onus_model::{Duty, Status};
use onus_report::html::esc;

use crate::plan::{Plan, Shift, TargetPlan};

fn duties(t: &TargetPlan, shift: Shift) -> String {
    duties_joined(t, shift, "\n")
}

/// The duties of `shift`, joined by `sep` (a line break in the terminal
/// table; `, ` in a Markdown cell, which must stay on one line).
fn duties_joined(t: &TargetPlan, shift: Shift, sep: &str) -> String {
    let d: Vec<&str> = t
        .duties
        .iter()
        .filter(|d| d.shift == shift)
        .map(|d| d.duty.as_str())
        .collect();
    if d.is_empty() {
        "-".to_owned()
    } else {
        // In the terminal, one duty a line: columns stay narrow, and no name
        // breaks mid-word.
        d.join(sep)
    }
}

/// A readable plan for a file: 100 columns, no colour.
pub fn table(plan: &Plan) -> String {
    table_styled(plan, onus_report::Style::PLAIN, 100)
}

/// A readable plan for a terminal `width` columns wide (tables wrap their
/// cells to fit, as the audit's table does), in colour when `style` says so:
/// each asset in bold, an asset without a target in the unknown colour.
pub fn table_styled(plan: &Plan, style: onus_report::Style, width: usize) -> String {
    let width = u16::try_from(width.clamp(40, 400)).unwrap_or(100);
    let mut out = String::new();
    for pa in &plan.assets {
        let a = &pa.asset;
        let _ = writeln!(
            out,
            "{} ({}; {}{}{})",
            style.bold(&onus_report::escape::terminal(&a.name)),
            onus_report::escape::terminal(&a.kind),
            format!("{:?}", a.classification).to_lowercase(),
            if a.internet_facing {
                ", internet-facing"
            } else {
                ""
            },
            a.os.as_deref()
                .map(|o| format!(", {}", onus_report::escape::terminal(o)))
                .unwrap_or_default()
        );
        if pa.targets.is_empty() {
            let clouds: Vec<&str> = plan.clouds.iter().map(|c| c.as_str()).collect();
            let why = match &a.target {
                Some(own) if !clouds.iter().any(|c| own.starts_with(&format!("{c}."))) => format!(
                    "its own target {own} is not a kind of the cloud planned for ({}); plan with --target {}",
                    clouds.join(", "),
                    own.split('.').next().unwrap_or("both")
                ),
                Some(own) => {
                    format!("its own target {own} has no entry in the catalog's [targets]")
                }
                None => format!(
                    "the catalog's [targets] name no {} kind for {} under the chosen strategy",
                    clouds.join(" or "),
                    a.kind
                ),
            };
            let line = onus_report::escape::terminal(&format!("no target: {why}")).into_owned();
            let wrapped = textwrap::fill(
                &line,
                textwrap::Options::new(usize::from(width))
                    .initial_indent("  ")
                    .subsequent_indent("    ")
                    .break_words(false),
            );
            let _ = writeln!(out, "{}\n", style.status(Status::Unknown, &wrapped));
            continue;
        }
        for t in &pa.targets {
            // The target on a line of its own, then its duties in three
            // columns one duty a line (no duty name is ever split), then the
            // first controls as wrapped prose: it fits 80 columns.
            let _ = writeln!(
                out,
                "  {} → {} ({})",
                t.strategy.as_str(),
                t.kind,
                t.service_model.as_str()
            );
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
            table.set_header(vec![
                "moves to provider",
                "becomes shared",
                "stays with you",
            ]);
            table.add_row(vec![
                duties(t, Shift::Moves),
                duties(t, Shift::Shared),
                duties(t, Shift::Stays),
            ]);
            let _ = writeln!(out, "{table}");
            let first: Vec<String> = t
                .checklist
                .iter()
                .take(3)
                .map(|c| {
                    format!(
                        "{} {} ({})",
                        c.priority,
                        c.duty,
                        if c.rules.is_empty() {
                            "by hand".to_owned()
                        } else {
                            c.rules
                                .iter()
                                .map(|r| r.code.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        }
                    )
                })
                .collect();
            if !first.is_empty() {
                let line = format!("first controls: {}", first.join("; "));
                let wrapped = textwrap::fill(
                    &line,
                    textwrap::Options::new(usize::from(width).max(20))
                        .initial_indent("  ")
                        .subsequent_indent("    ")
                        .break_words(false),
                );
                let _ = writeln!(out, "{wrapped}");
            }
        }
        for t in pa.targets.iter().filter(|t| t.verification.is_some()) {
            let v = t.verification.as_deref().unwrap_or_default();
            let list: Vec<String> = v
                .iter()
                .map(|v| format!("{} {}", v.duty, v.status))
                .collect();
            let _ = writeln!(
                out,
                "  verified {} {}: {}",
                t.cloud.as_str(),
                t.kind,
                list.join(", ")
            );
        }
        out.push('\n');
    }
    let mut totals = Table::new();
    totals
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    totals.set_header(vec![
        "strategy",
        "cloud",
        "assets",
        "moves",
        "shared",
        "stays",
        "new controls",
        "not applicable",
    ]);
    for t in &plan.totals {
        totals.add_row(vec![
            t.strategy.as_str().to_owned(),
            t.cloud.as_str().to_owned(),
            t.assets.to_string(),
            t.moves.to_string(),
            t.shared.to_string(),
            t.stays.to_string(),
            t.appears.to_string(),
            t.not_applicable.to_string(),
        ]);
    }
    let _ = writeln!(
        out,
        "Duty-instances per strategy and cloud (against on-premises, where every duty is yours):\n{totals}"
    );
    compliance_text(plan, &mut out);
    out
}

/// The plan as JSON (`onus.plan/v1`).
pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default() + "\n"
}

/// The plan of `assets` as JSON, written one asset at a time: the same bytes
/// as [`json`] of [`crate::plan`], with one planned asset in memory at a time.
/// `each` may complete an asset (verification) before it is written.
pub fn json_streamed(
    catalog: &onus_catalog::Catalog,
    assets: &[crate::Asset],
    clouds: &[crate::Cloud],
    strategy: Option<crate::Strategy>,
    mut each: impl FnMut(&mut crate::PlannedAsset),
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let skeleton = |totals| {
        let text = json(&Plan {
            schema: crate::PLAN_SCHEMA.to_owned(),
            clouds: clouds.to_vec(),
            assets: Vec::new(),
            totals,
            compliance: Vec::new(),
        });
        let (before, after) = onus_report::json::around_array(&text, "assets", 2)
            .map_or((text.clone(), String::new()), |(b, a)| {
                (b.to_owned(), a.to_owned())
            });
        (before, after)
    };
    let (before, _) = skeleton(Vec::new());
    out.write_all(before.as_bytes())?;
    let mut totals = crate::TotalsBuilder::default();
    let mut bytes = Vec::new();
    for (i, asset) in assets.iter().enumerate() {
        let mut planned = crate::plan_asset(catalog, asset, clouds, strategy);
        each(&mut planned);
        totals.add(&planned);
        bytes.clear();
        onus_report::json::element(&planned, &mut bytes);
        out.write_all(onus_report::json::separator(i))?;
        out.write_all(&bytes)?;
    }
    onus_report::json::close_at(out, assets.len(), 2)?;
    let (_, after) = skeleton(totals.finish(clouds));
    out.write_all(after.as_bytes())
}

/// The plan as Markdown: asset names, kinds and reasons escaped as the
/// audit's Markdown escapes them (no link, HTML, mention or heading from
/// data), every table cell on one line.
pub fn markdown(plan: &Plan) -> String {
    use onus_report::escape::{markdown_code as code, markdown_text as text};
    let mut out = String::from("## onus plan: who owns which duty after the move\n\n");
    out.push_str("| strategy | cloud | assets | moves | shared | stays | new controls |\n|---|---|---|---|---|---|---|\n");
    for t in &plan.totals {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            t.strategy.as_str(),
            t.cloud.as_str(),
            t.assets,
            t.moves,
            t.shared,
            t.stays,
            t.appears
        );
    }
    for pa in &plan.assets {
        let _ = writeln!(
            out,
            "\n### {} {}\n",
            text(&pa.asset.name),
            code(&pa.asset.kind)
        );
        out.push_str("| strategy | target | layers to the provider | moves | shared | stays |\n|---|---|---|---|---|---|\n");
        for t in &pa.targets {
            let layers: Vec<&str> = t
                .layers
                .iter()
                .filter(|(_, o)| *o == onus_model::Owner::Provider)
                .map(|(l, _)| l.as_str())
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} | {} |",
                t.strategy.as_str(),
                t.cloud.as_str(),
                code(&t.kind),
                layers.join(", "),
                duties_joined(t, Shift::Moves, ", "),
                duties_joined(t, Shift::Shared, ", "),
                duties_joined(t, Shift::Stays, ", ")
            );
        }
        for t in pa
            .targets
            .iter()
            .filter_map(|t| t.verification.as_ref().map(|v| (t, v)))
        {
            let _ = writeln!(out, "\nVerification of {}:\n", code(&t.0.kind));
            for v in t.1 {
                let _ = writeln!(out, "- {}: **{}** {}", v.duty, v.status, text(&v.reason));
            }
        }
    }
    compliance_markdown(plan, &mut out);
    out
}

/// The plan as one self-contained HTML page: per asset, a side-by-side matrix of
/// duties on premises and on each target.
pub fn html(plan: &Plan) -> String {
    let mut out = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>onus plan</title><style>\
body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem}\
.customer,.stays{background:#fde2e1}.shared{background:#fff4cc}.provider,.moves{background:#e3f6e5}.not-applicable{color:#888}\
.addressed{background:#e3f6e5}.unaddressed{background:#fde2e1}.unknown{background:#fff4cc}</style></head><body><h1>onus plan</h1>",
    );
    for pa in &plan.assets {
        let _ = write!(
            out,
            "<h2>{}</h2><p>{} · {:?}{}</p><table><tr><th>duty</th><th>on-premises</th>",
            esc(&pa.asset.name),
            esc(&pa.asset.kind),
            pa.asset.classification,
            if pa.asset.internet_facing {
                " · internet-facing"
            } else {
                ""
            }
        );
        for t in &pa.targets {
            let _ = write!(
                out,
                "<th>{} · {}<br>{}</th>",
                t.strategy.as_str(),
                t.cloud.as_str(),
                esc(&t.kind)
            );
        }
        out.push_str("</tr>");
        for (i, (layer, _)) in pa
            .targets
            .first()
            .map(|t| t.layers.clone())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let _ = write!(
                out,
                "<tr><td><i>layer</i> {layer}</td><td class=\"customer\">customer</td>"
            );
            for t in &pa.targets {
                let owner = t.layers.get(i).map_or("", |(_, o)| o.as_str());
                let _ = write!(out, "<td class=\"{owner}\">{owner}</td>");
            }
            out.push_str("</tr>");
        }
        for d in Duty::ALL {
            let _ = write!(out, "<tr><td>{d}</td><td class=\"customer\">customer</td>");
            for t in &pa.targets {
                let shift = t.duties.iter().find(|x| x.duty == *d);
                let v = t
                    .verification
                    .as_ref()
                    .and_then(|v| v.iter().find(|v| v.duty == *d))
                    .map(|v| v.status);
                let (class, text) = match shift {
                    Some(s) => (
                        s.shift.as_str(),
                        s.after.map_or("n/a".to_owned(), |o| o.as_str().to_owned()),
                    ),
                    None => ("not-applicable", "n/a".to_owned()),
                };
                let verified = v
                    .map(|s: Status| format!(" <span class=\"{0}\">({0})</span>", s.as_str()))
                    .unwrap_or_default();
                let _ = write!(out, "<td class=\"{class}\">{text}{verified}</td>");
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    compliance_html(plan, &mut out);
    out.push_str("</body></html>\n");
    out
}

fn shift_heading(shift: &crate::OwnershipShift) -> String {
    format!(
        "{}: {} → {}: {} control(s) change owner",
        shift.framework,
        shift.from,
        shift.to,
        shift.controls.len()
    )
}

/// The plan's `--framework` section for the terminal: per move, the
/// controls grouped by their change of owner (ids only; Markdown, HTML and
/// JSON give titles).
fn compliance_text(plan: &Plan, out: &mut String) {
    use onus_report::escape::terminal as t;
    for shift in &plan.compliance {
        let _ = writeln!(out, "\n{}", t(&shift_heading(shift)));
        let mut groups: std::collections::BTreeMap<
            (onus_model::Owner, onus_model::Owner),
            Vec<&str>,
        > = std::collections::BTreeMap::new();
        for c in &shift.controls {
            groups.entry((c.from, c.to)).or_default().push(&c.id);
        }
        for ((from, to), ids) in groups {
            let line = if ids.len() <= 40 {
                let ids: Vec<String> = ids.iter().map(|i| t(i).into_owned()).collect();
                format!("{from} → {to} ({}): {}", ids.len(), ids.join(" "))
            } else {
                format!(
                    "{from} → {to}: {} controls (--format markdown, html or json lists them)",
                    ids.len()
                )
            };
            let options = textwrap::Options::new(100)
                .initial_indent("  ")
                .subsequent_indent("    ")
                .break_words(false)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            let _ = writeln!(out, "{}", textwrap::fill(&line, options));
        }
    }
}

/// The plan's `--framework` section in Markdown.
fn compliance_markdown(plan: &Plan, out: &mut String) {
    use onus_report::escape::{markdown_code as code, markdown_text as text};
    for shift in &plan.compliance {
        let _ = writeln!(
            out,
            "\n### {}\n\n<details><summary>controls</summary>\n\n| control | title | before | after |\n|---|---|---|---|",
            text(&shift_heading(shift))
        );
        for c in &shift.controls {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&c.id),
                text(&c.title),
                c.from,
                c.to
            );
        }
        out.push_str("\n</details>\n");
    }
}

/// The plan's `--framework` section in HTML.
fn compliance_html(plan: &Plan, out: &mut String) {
    for shift in &plan.compliance {
        let _ = write!(
            out,
            "<h2>{}</h2><table><tr><th>control</th><th>title</th><th>before</th><th>after</th></tr>",
            esc(&shift_heading(shift))
        );
        for c in &shift.controls {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td class=\"{}\">{}</td></tr>",
                esc(&c.id),
                esc(&c.title),
                c.from,
                c.from,
                c.to,
                c.to
            );
        }
        out.push_str("</table>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_plan_is_the_plan_built_in_memory() {
        let catalog = onus_catalog::Catalog::builtin().unwrap();
        let kinds: Vec<&str> = catalog.asset_kinds().collect();
        let text = include_str!("../../../examples/premigration/assets.csv");
        let assets = crate::read_assets(text, "assets.csv", &kinds).unwrap();
        for clouds in [
            vec![crate::Cloud::Aws],
            vec![crate::Cloud::Aws, crate::Cloud::Azure],
        ] {
            let plan = crate::plan(&catalog, &assets, &clouds, None);
            assert!(!plan.assets.is_empty() && !plan.totals.is_empty());
            let mut out = Vec::new();
            json_streamed(&catalog, &assets, &clouds, None, |_| {}, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), json(&plan));
        }
        let mut out = Vec::new();
        json_streamed(&catalog, &[], &[crate::Cloud::Aws], None, |_| {}, &mut out).unwrap();
        let empty = crate::plan(&catalog, &[], &[crate::Cloud::Aws], None);
        assert_eq!(String::from_utf8(out).unwrap(), json(&empty));
    }
}
