//! Property tests: for arbitrary data in names, ids, tags, messages and gap
//! errors, no renderer emits a data-derived control character, and no CSV cell is
//! a live formula.

use onus_catalog::Catalog;
use onus_model::{AuditReport, Inventory, RunInfo};
use onus_report::{Format, RenderOptions, Style};
use proptest::prelude::*;

fn demo() -> Inventory {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/demo/inventory.json"
    );
    Inventory::from_json_str(&std::fs::read_to_string(path).unwrap(), "demo").unwrap()
}

fn report_with(data: &[String]) -> AuditReport {
    let mut inventory = demo();
    for (i, r) in inventory.resources.iter_mut().enumerate() {
        let s = &data[i % data.len()];
        r.name = Some(s.clone());
        r.id = format!("{s}#{i}");
        r.account = s.clone();
        r.tags.insert("owner".to_owned(), s.clone());
    }
    for (i, g) in inventory.gaps.iter_mut().enumerate() {
        g.error = data[i % data.len()].clone();
    }
    let catalog = Catalog::builtin().unwrap();
    let at = inventory.collected_at.unwrap();
    let run = RunInfo {
        onus_version: "test".into(),
        generated_at: at,
        reference_time: at,
        inventory: Some(data[0].clone()),
        collected_at: Some(at),
        catalog: catalog.info().clone(),
        rules: 0,
    };
    let classify = |k: &str| {
        catalog
            .classify(k)
            .unwrap_or_else(|| Catalog::unclassified(k))
    };
    onus_rules::audit(&inventory, &classify, &onus_rules::Context::new(at), run)
}

fn render(report: &AuditReport, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    let options = RenderOptions {
        style: Style { color },
        trend: &[],
        width: 100,
    };
    format.render(report, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn data_control(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Strings rich in what attackers use: controls, markup, formula starters.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[=+\\-@\t\r`<>|\\[\\]()!#*_~&$\\\\\u{1b}\u{9b}\u{7}\n\u{202e}a-z0-9 ]{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_renderer_emits_data_controls_or_formulas(data in proptest::collection::vec(hostile(), 1..6)) {
        let report = report_with(&data);
        let table = render(&report, Format::Table, false);
        prop_assert!(!table.chars().any(data_control), "table: {:?}", table.chars().filter(|c| data_control(*c)).collect::<Vec<_>>());
        let coloured = render(&report, Format::Table, true);
        // Every escape in a coloured table is onus's own SGR code.
        for (i, _) in coloured.match_indices('\u{1b}') {
            let rest = &coloured[i + 1..];
            let end = rest.find('m').unwrap_or(0);
            prop_assert!(rest.starts_with('[') && end > 1 && rest[1..end].chars().all(|c| c.is_ascii_digit() || c == ';'));
        }
        let markdown = render(&report, Format::Markdown, false);
        prop_assert!(!markdown.chars().any(data_control));
        let csv = render(&report, Format::Csv, false);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            for cell in record.iter() {
                prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
            }
        }
        let junit = render(&report, Format::Junit, false);
        prop_assert!(!junit.chars().any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')));
        for format in [Format::Json, Format::Sarif, Format::Ocsf] {
            let text = render(&report, format, false);
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        }
    }
}
