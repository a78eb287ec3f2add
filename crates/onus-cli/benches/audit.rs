//! Throughput of the offline audit: parse an inventory, classify, evaluate every
//! rule, roll up the ledger, render JSON and the table.
//!
//! `cargo bench -p onus-cli --bench audit [-- RESOURCES]` (default 50 000). The
//! inventory is the demo estate replicated with fresh identifiers, so every rule
//! and every status is exercised at scale. Target: well under a second for
//! 50 000 resources in a release build.

use std::time::{Duration, Instant};

use onus_catalog::Catalog;
use onus_model::{CatalogInfo, Inventory, RunInfo};

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(50_000);
    let demo_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/demo/inventory.json"
    );
    let demo = std::fs::read_to_string(demo_path).expect("demo inventory");
    let demo = Inventory::from_json_str(&demo, "demo").expect("demo parses");

    let mut big = demo.clone();
    big.resources = (0..n)
        .map(|i| {
            let mut r = demo.resources[i % demo.resources.len()].clone();
            r.id = format!("{}#{i}", r.id);
            r
        })
        .collect();
    let text = serde_json::to_string(&big).expect("serialise");

    let catalog = Catalog::builtin().expect("catalog");
    let classify = |kind: &str| {
        catalog
            .classify(kind)
            .unwrap_or_else(|| Catalog::unclassified(kind))
    };
    let now = chrono::Utc::now();
    let run = || RunInfo {
        onus_version: "bench".into(),
        generated_at: now,
        reference_time: now,
        inventory: None,
        collected_at: None,
        catalog: CatalogInfo {
            source: "built-in".into(),
            sha256: String::new(),
        },
        rules: 0,
    };

    let mut best = [Duration::MAX; 4];
    let mut best_sarif = Duration::MAX;
    let mut best_ocsf = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let inv = Inventory::from_json_str(&text, "bench").expect("parse");
        let parsed = t.elapsed();
        let t = Instant::now();
        let ctx = onus_rules::Context::new(inv.collected_at.unwrap_or(now));
        let report = onus_rules::audit(&inv, &classify, &ctx, run());
        let audited = t.elapsed();
        let t = Instant::now();
        let json = onus_report::json::render(&report);
        let json_time = t.elapsed();
        let t = Instant::now();
        let table = onus_report::table::render(&report, onus_report::Style::PLAIN, 100);
        let table_time = t.elapsed();
        let t = Instant::now();
        let sarif = onus_report::sarif::render(&report);
        best_sarif = best_sarif.min(t.elapsed());
        let t = Instant::now();
        let ocsf = onus_report::ocsf::render(&report);
        best_ocsf = best_ocsf.min(t.elapsed());
        std::hint::black_box((json.len(), table.len(), sarif.len(), ocsf.len()));
        for (b, d) in best
            .iter_mut()
            .zip([parsed, audited, json_time, table_time])
        {
            *b = (*b).min(d);
        }
    }
    let total: Duration = best.iter().sum();
    println!(
        "resources: {n} ({} MiB of inventory JSON)",
        text.len() / (1 << 20)
    );
    println!("parse+validate: {:>8.1} ms", best[0].as_secs_f64() * 1e3);
    println!("audit:          {:>8.1} ms", best[1].as_secs_f64() * 1e3);
    println!("render json:    {:>8.1} ms", best[2].as_secs_f64() * 1e3);
    println!("render table:   {:>8.1} ms", best[3].as_secs_f64() * 1e3);
    println!(
        "render sarif:   {:>8.1} ms (not in the total)",
        best_sarif.as_secs_f64() * 1e3
    );
    println!(
        "render ocsf:    {:>8.1} ms (not in the total)",
        best_ocsf.as_secs_f64() * 1e3
    );
    println!(
        "total (best of 5): {:.1} ms, {:.0} resources/s",
        total.as_secs_f64() * 1e3,
        n as f64 / total.as_secs_f64()
    );
}
