//! Plain tables for `onus matrix` and `onus rules`.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use onus_model::{Classification, Duty, Layer, Owner, ServiceModel, Severity};

use crate::escape::terminal as t;
use crate::style::Style;

fn owner_cell(owner: Owner, style: Style) -> String {
    match owner {
        Owner::Customer => style.bold("customer"),
        Owner::Shared => "shared".to_owned(),
        Owner::Provider => style.dim("provider"),
    }
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// The default matrix: layers down, service models across.
pub fn render_matrix(owner: &dyn Fn(ServiceModel, Layer) -> Owner, style: Style) -> String {
    let mut table = new_table();
    let mut head = vec!["layer".to_owned()];
    head.extend(ServiceModel::ALL.iter().map(|m| m.as_str().to_owned()));
    table.set_header(head);
    for layer in Layer::ALL {
        let mut row = vec![layer.as_str().to_owned()];
        row.extend(
            ServiceModel::ALL
                .iter()
                .map(|m| owner_cell(owner(*m, *layer), style)),
        );
        table.add_row(row);
    }
    table.to_string()
}

/// The classified kinds: kind, title, service model.
pub fn render_kinds(kinds: &[(&str, &str, ServiceModel)]) -> String {
    let mut table = new_table();
    table.set_header(vec!["kind", "title", "service model"]);
    for (kind, title, model) in kinds {
        table.add_row(vec![t(kind), t(title), model.as_str().into()]);
    }
    table.to_string()
}

/// One kind's duties: duty, layer, owner, and why where it departs from the default.
pub fn render_kind(class: &Classification, style: Style) -> String {
    let mut table = new_table();
    table.set_header(vec!["duty", "layer", "owner", "note"]);
    for (duty, a) in &class.duties {
        let (owner, note) = match &a.not_applicable {
            Some(reason) => (style.dim("not applicable"), t(reason).into_owned()),
            None => (
                owner_cell(a.owner, style),
                t(a.note.as_deref().unwrap_or_default()).into_owned(),
            ),
        };
        table.add_row(vec![
            duty.as_str().to_owned(),
            a.layer.as_str().to_owned(),
            owner,
            note,
        ]);
    }
    let model = class.service_model.map_or("unclassified", |m| m.as_str());
    format!("{} ({}): {model}\n{table}", t(&class.kind), t(&class.title))
}

/// The rule list: code, duty, severity, title.
pub fn render_rules(rules: &[(&str, Duty, Severity, &str)], style: Style) -> String {
    let mut table = new_table();
    table.set_header(vec!["code", "duty", "severity", "title"]);
    for (code, duty, severity, title) in rules {
        table.add_row(vec![
            (*code).to_owned(),
            duty.as_str().to_owned(),
            style.severity(*severity, severity.as_str()),
            (*title).to_owned(),
        ]);
    }
    table.to_string()
}

/// The framework list of `onus frameworks`: id, title, version, controls,
/// automated (count and share). Text from a user's framework file is shown
/// escaped.
pub fn render_frameworks(rows: &[[String; 5]], _style: Style) -> String {
    let mut table = new_table();
    table.set_header(vec!["id", "title", "version", "controls", "automated"]);
    for row in rows {
        table.add_row(
            row.iter()
                .map(|cell| crate::escape::terminal(cell).into_owned())
                .collect::<Vec<_>>(),
        );
    }
    table.to_string()
}
