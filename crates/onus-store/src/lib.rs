//! The onus history store: every audit run, whole or not at all, in SQLite (the
//! embedded default) or PostgreSQL (for fleets), through one sqlx code path.
//!
//! A run keeps its metadata, the duty ledger, the findings and the gaps in
//! tables keyed by stable identities (resource, duty) and (resource, rule,
//! duty), and the full JSON report so any run can be re-rendered in any format.
//! Everything a run writes happens in one transaction: a process killed at any
//! moment leaves earlier runs intact and no half-stored run visible.

mod diff;
mod store_url;

use std::path::Path;

use chrono::{DateTime, Utc};
use onus_model::AuditReport;
use serde::{Deserialize, Serialize};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

pub use diff::{DutyChange, RunDiff, RunView, diff};
pub use store_url::StoreUrl;

/// Why the store could not be used. Messages never contain the URL's password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not `sqlite:PATH` or `postgres://…`.
    #[error("unsupported store URL '{0}' (expected sqlite:PATH or postgres://USER@HOST/DB)")]
    Url(String),
    /// The database refused or failed.
    #[error("store {store}: {message}")]
    Database {
        /// The store, password removed.
        store: String,
        /// The error.
        message: String,
    },
    /// No such run.
    #[error("no run '{0}' in the store (`onus history` lists them)")]
    NoRun(String),
}

/// A run identifier: the time (so identifiers sort by time) and 48 random bits,
/// so sharded runners that start in the same microsecond, all as PID 1 in their
/// containers, never collide in one store.
pub fn run_id(at: DateTime<Utc>) -> Result<String, StoreError> {
    let mut random = [0u8; 6];
    getrandom::fill(&mut random).map_err(|e| StoreError::Database {
        store: "(run identity)".to_owned(),
        message: format!("no randomness from the operating system: {e}"),
    })?;
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}-{hex}", at.format("%Y%m%dT%H%M%S%.6fZ")))
}

/// A URL fit for messages: the password and secret parameters masked.
pub fn redact(url: &str) -> String {
    StoreUrl::new(url).redacted()
}

/// One stored run, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Run identifier (sortable by time).
    pub id: String,
    /// When the report was generated.
    pub created_at: DateTime<Utc>,
    /// What was audited (inventory path, cloud and scope).
    pub scope: String,
    /// onus version.
    pub onus_version: String,
    /// Catalog digest.
    pub catalog_sha256: String,
    /// Resources.
    pub resources: i64,
    /// (resource, duty) pairs per status.
    pub unaddressed: i64,
    /// Unknown pairs.
    pub unknown: i64,
    /// Addressed pairs.
    pub addressed: i64,
    /// Not-applicable pairs.
    pub not_applicable: i64,
    /// Customer duties and their addressed share.
    pub coverage: f64,
    /// Collection complete.
    pub complete: bool,
}

/// One stored run's compliance view of one framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlTrendPoint {
    /// Run identifier.
    pub run: String,
    /// When it ran.
    pub created_at: DateTime<Utc>,
    /// What it audited.
    pub scope: String,
    /// Controls per status.
    pub statuses: std::collections::BTreeMap<onus_model::ControlStatus, usize>,
    /// The unaddressed controls, each with its count of unaddressed resources.
    pub failing: Vec<(String, usize)>,
}

/// Migrations, applied in order, each in its own transaction; portable SQL for SQLite and PostgreSQL.
const MIGRATIONS: &[&[&str]] = &[
    &[
        "CREATE TABLE onus_runs (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, scope TEXT NOT NULL, onus_version TEXT NOT NULL, \
     catalog_sha256 TEXT NOT NULL, resources BIGINT NOT NULL, unaddressed BIGINT NOT NULL, unknown BIGINT NOT NULL, \
     addressed BIGINT NOT NULL, not_applicable BIGINT NOT NULL, coverage DOUBLE PRECISION NOT NULL, complete BIGINT NOT NULL, report TEXT NOT NULL)",
        "CREATE INDEX onus_runs_scope ON onus_runs (scope, created_at)",
        "CREATE TABLE onus_ledger (run_id TEXT NOT NULL REFERENCES onus_runs (id) ON DELETE CASCADE, resource TEXT NOT NULL, kind TEXT NOT NULL, \
     duty TEXT NOT NULL, owner TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (run_id, resource, duty))",
        "CREATE TABLE onus_findings (run_id TEXT NOT NULL REFERENCES onus_runs (id) ON DELETE CASCADE, resource TEXT NOT NULL, rule TEXT NOT NULL, \
     duty TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (run_id, resource, rule, duty))",
        "CREATE TABLE onus_gaps (run_id TEXT NOT NULL REFERENCES onus_runs (id) ON DELETE CASCADE, idx BIGINT NOT NULL, provider TEXT NOT NULL, \
     account TEXT NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL, cause TEXT NOT NULL, error TEXT NOT NULL, PRIMARY KEY (run_id, idx))",
    ],
    // 2: a run is compact. The report is stored compressed (LZ4, base64 in TEXT so
    // the column means the same on SQLite and PostgreSQL) instead of as text beside
    // a ledger row per resource and duty and a finding row per finding; the trend
    // reads a row of counts per duty. Runs stored before keep their rows and text.
    &[
        "ALTER TABLE onus_runs ADD COLUMN report_lz4 TEXT",
        "CREATE TABLE onus_duty_counts (run_id TEXT NOT NULL REFERENCES onus_runs (id) ON DELETE CASCADE, duty TEXT NOT NULL, \
     unaddressed BIGINT NOT NULL, unknown BIGINT NOT NULL, addressed BIGINT NOT NULL, not_applicable BIGINT NOT NULL, PRIMARY KEY (run_id, duty))",
    ],
    // 3: the compliance view of a run (`--framework`): per control its status
    // and resources per status, so `onus history --framework` shows the trend.
    &[
        "CREATE TABLE onus_control_counts (run_id TEXT NOT NULL REFERENCES onus_runs (id) ON DELETE CASCADE, framework TEXT NOT NULL, \
     control TEXT NOT NULL, status TEXT NOT NULL, unaddressed BIGINT NOT NULL, unknown BIGINT NOT NULL, addressed BIGINT NOT NULL, \
     not_applicable BIGINT NOT NULL, PRIMARY KEY (run_id, framework, control))",
    ],
];

/// An open store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    name: String,
    url: StoreUrl,
    sqlite: bool,
}

impl Store {
    /// Open (and migrate) `sqlite:PATH` or `postgres://…`.
    pub async fn open(url: &StoreUrl) -> Result<Store, StoreError> {
        install_default_drivers();
        let secret = url.clone();
        let name = url.redacted();
        let url = url.expose();
        let (connect, sqlite) = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Database {
                    store: name.clone(),
                    message: e.to_string(),
                })?;
            }
            (format!("sqlite://{path}?mode=rwc"), true)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_owned(), false)
        } else {
            return Err(StoreError::Url(name));
        };
        let err = |e: sqlx::Error| StoreError::Database {
            store: name.clone(),
            message: secret.scrub(&e.to_string()),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 1 } else { 4 })
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 10000")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&connect)
            .await
            .map_err(err)?;
        let store = Store {
            pool,
            name,
            url: secret,
            sqlite,
        };
        store.migrate().await?;
        Ok(store)
    }

    fn err(&self, e: sqlx::Error) -> StoreError {
        StoreError::Database {
            store: self.name.clone(),
            message: self.url.scrub(&e.to_string()),
        }
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::query("CREATE TABLE IF NOT EXISTS onus_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
            .execute(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        for (i, statements) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
            let done: Option<i64> =
                sqlx::query("SELECT version FROM onus_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| self.err(e))?
                    .map(|r| r.try_get::<i64, _>(0).unwrap_or(version));
            if done.is_some() {
                continue;
            }
            for s in *statements {
                sqlx::query(s)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.err(e))?;
            }
            sqlx::query("INSERT INTO onus_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(version)
                .bind(Utc::now().to_rfc3339())
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
            tx.commit().await.map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Store a run in one transaction; returns its identifier.
    pub async fn save(&self, report: &AuditReport, scope: &str) -> Result<String, StoreError> {
        let mut z = compressor();
        // Writing into memory cannot fail.
        let _ = serde_json::to_writer(&mut z, report);
        let compressed = z.finish().unwrap_or_default();
        self.save_compressed(report, &compressed, scope).await
    }

    /// Store a run whose JSON report (compact or pretty) went through a
    /// [`compressor`] into `compressed`, and whose summary, collection failures
    /// and run information are `head`'s (its resources and findings are not
    /// read: a streamed audit never holds them).
    pub async fn save_compressed(
        &self,
        head: &AuditReport,
        compressed: &[u8],
        scope: &str,
    ) -> Result<String, StoreError> {
        let id = run_id(head.run.generated_at)?;
        let s = &head.summary;
        let packed = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(compressed)
        };
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        sqlx::query(
            "INSERT INTO onus_runs (id, created_at, scope, onus_version, catalog_sha256, resources, unaddressed, unknown, addressed, \
             not_applicable, coverage, complete, report, report_lz4) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&id)
        .bind(head.run.generated_at.to_rfc3339())
        .bind(scope)
        .bind(&head.run.onus_version)
        .bind(&head.run.catalog.sha256)
        .bind(s.resources as i64)
        .bind(s.statuses.unaddressed as i64)
        .bind(s.statuses.unknown as i64)
        .bind(s.statuses.addressed as i64)
        .bind(s.statuses.not_applicable as i64)
        .bind(s.coverage)
        .bind(i64::from(s.complete))
        .bind("")
        .bind(packed)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        for (duty, c) in &s.duties {
            sqlx::query("INSERT INTO onus_duty_counts (run_id, duty, unaddressed, unknown, addressed, not_applicable) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id)
                .bind(duty.as_str())
                .bind(c.unaddressed as i64)
                .bind(c.unknown as i64)
                .bind(c.addressed as i64)
                .bind(c.not_applicable as i64)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
        }
        for f in &head.compliance {
            for c in &f.controls {
                sqlx::query("INSERT INTO onus_control_counts (run_id, framework, control, status, unaddressed, unknown, addressed, not_applicable) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&id)
                    .bind(&f.id)
                    .bind(&c.id)
                    .bind(c.status.as_str())
                    .bind(c.counts.unaddressed as i64)
                    .bind(c.counts.unknown as i64)
                    .bind(c.counts.addressed as i64)
                    .bind(c.counts.not_applicable as i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.err(e))?;
            }
        }
        for (i, g) in head.gaps.iter().enumerate() {
            sqlx::query("INSERT INTO onus_gaps (run_id, idx, provider, account, service, operation, cause, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&id)
                .bind(i as i64)
                .bind(g.provider.as_str())
                .bind(g.account.clone().unwrap_or_default())
                .bind(&g.service)
                .bind(&g.operation)
                .bind(g.cause.as_str())
                .bind(&g.error)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(id)
    }

    fn summary(row: &sqlx::any::AnyRow) -> Result<RunSummary, sqlx::Error> {
        Ok(RunSummary {
            id: row.try_get("id")?,
            created_at: row
                .try_get::<String, _>("created_at")?
                .parse()
                .unwrap_or_default(),
            scope: row.try_get("scope")?,
            onus_version: row.try_get("onus_version")?,
            catalog_sha256: row.try_get("catalog_sha256")?,
            resources: row.try_get("resources")?,
            unaddressed: row.try_get("unaddressed")?,
            unknown: row.try_get("unknown")?,
            addressed: row.try_get("addressed")?,
            not_applicable: row.try_get("not_applicable")?,
            coverage: row.try_get("coverage")?,
            complete: row.try_get::<i64, _>("complete")? != 0,
        })
    }

    /// The newest runs first.
    pub async fn runs(&self, limit: i64) -> Result<Vec<RunSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, created_at, scope, onus_version, catalog_sha256, resources, unaddressed, unknown, addressed, not_applicable, coverage, complete \
             FROM onus_runs ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(Self::summary)
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// The last `limit` runs of `scope`, oldest first, with gaps per duty.
    pub async fn trend(
        &self,
        scope: &str,
        limit: i64,
    ) -> Result<Vec<onus_model::TrendPoint>, StoreError> {
        let rows = sqlx::query("SELECT id, created_at, coverage FROM onus_runs WHERE scope = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
            .bind(scope)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        let mut points = Vec::new();
        for r in rows.iter().rev() {
            let id: String = r.try_get("id").map_err(|e| self.err(e))?;
            let mut counts = sqlx::query("SELECT duty, unaddressed FROM onus_duty_counts WHERE run_id = $1 AND unaddressed > 0")
                .bind(&id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
            if counts.is_empty() {
                // A run stored before the counts (one ledger row per pair).
                counts = sqlx::query("SELECT duty, COUNT(*) FROM onus_ledger WHERE run_id = $1 AND status = 'unaddressed' GROUP BY duty")
                    .bind(&id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| self.err(e))?;
            }
            let gaps = counts
                .iter()
                .filter_map(|c| {
                    let duty: onus_model::Duty = c.try_get::<String, _>(0).ok()?.parse().ok()?;
                    Some((duty, usize::try_from(c.try_get::<i64, _>(1).ok()?).ok()?))
                })
                .collect();
            points.push(onus_model::TrendPoint {
                run: id,
                created_at: r
                    .try_get::<String, _>("created_at")
                    .map_err(|e| self.err(e))?
                    .parse()
                    .unwrap_or_default(),
                coverage: r.try_get("coverage").map_err(|e| self.err(e))?,
                gaps,
            });
        }
        Ok(points)
    }

    /// The last `limit` runs stored with `framework`'s compliance view, oldest
    /// first: controls per status, and the failing controls with their
    /// unaddressed resources.
    pub async fn control_trend(
        &self,
        framework: &str,
        limit: i64,
    ) -> Result<Vec<ControlTrendPoint>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, created_at, scope FROM onus_runs WHERE id IN (SELECT run_id FROM onus_control_counts WHERE framework = $1) \
             ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(framework)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        let mut points = Vec::new();
        for r in rows.iter().rev() {
            let id: String = r.try_get("id").map_err(|e| self.err(e))?;
            let counts = sqlx::query(
                "SELECT control, status, unaddressed FROM onus_control_counts WHERE run_id = $1 AND framework = $2 ORDER BY control",
            )
            .bind(&id)
            .bind(framework)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
            let mut statuses = std::collections::BTreeMap::new();
            let mut failing = Vec::new();
            for c in &counts {
                let control: String = c.try_get(0).map_err(|e| self.err(e))?;
                let status: String = c.try_get(1).map_err(|e| self.err(e))?;
                let unaddressed: i64 = c.try_get(2).map_err(|e| self.err(e))?;
                let Ok(status) = status.parse::<onus_model::ControlStatus>() else {
                    continue;
                };
                *statuses.entry(status).or_insert(0usize) += 1;
                if status == onus_model::ControlStatus::Unaddressed {
                    failing.push((control, usize::try_from(unaddressed).unwrap_or(0)));
                }
            }
            points.push(ControlTrendPoint {
                run: id,
                created_at: r
                    .try_get::<String, _>("created_at")
                    .map_err(|e| self.err(e))?
                    .parse()
                    .unwrap_or_default(),
                scope: r.try_get("scope").map_err(|e| self.err(e))?,
                statuses,
                failing,
            });
        }
        Ok(points)
    }

    /// What [`diff`] reads of run `id`, parsed without the rest of the report.
    pub async fn run_view(&self, id: &str) -> Result<RunView, StoreError> {
        self.stored(id).await
    }

    /// A stored run's report.
    pub async fn report(&self, id: &str) -> Result<AuditReport, StoreError> {
        self.stored(id).await
    }

    /// Run `id`'s report, parsed as `T`.
    async fn stored<T: serde::de::DeserializeOwned>(&self, id: &str) -> Result<T, StoreError> {
        let row = sqlx::query("SELECT report, report_lz4 FROM onus_runs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::NoRun(id.to_owned()))?;
        let corrupt = |message: String| StoreError::Database {
            store: self.name.clone(),
            message: format!("run {id}: {message}"),
        };
        let packed: Option<String> = row.try_get(1).map_err(|e| self.err(e))?;
        let json = match packed.filter(|p| !p.is_empty()) {
            Some(packed) => unpack(&packed).map_err(corrupt)?,
            None => row
                .try_get::<String, _>(0)
                .map_err(|e| self.err(e))?
                .into_bytes(),
        };
        serde_json::from_slice(&json).map_err(|e| corrupt(e.to_string()))
    }

    /// The last two runs of the scope of the newest run: (older, newer).
    pub async fn last_two(&self) -> Result<Option<(String, String)>, StoreError> {
        let Some(latest) = self.runs(1).await?.into_iter().next() else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT id FROM onus_runs WHERE scope = $1 ORDER BY created_at DESC, id DESC LIMIT 2",
        )
        .bind(&latest.scope)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .collect();
        Ok(match ids.as_slice() {
            [newer, older] => Some((older.clone(), newer.clone())),
            _ => None,
        })
    }

    /// Delete runs, keeping the newest `keep` and/or those newer than `older_than`. Returns how many went.
    pub async fn prune(
        &self,
        keep: Option<i64>,
        older_than: Option<DateTime<Utc>>,
    ) -> Result<u64, StoreError> {
        let all = self.runs(i64::MAX).await?;
        let doomed: Vec<&RunSummary> = all
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                keep.is_some_and(|k| *i as i64 >= k) || older_than.is_some_and(|t| r.created_at < t)
            })
            .map(|(_, r)| r)
            .collect();
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        // The ledger, findings and gaps go with their run (ON DELETE CASCADE; SQLite
        // enforces it because every connection turns foreign_keys on).
        for r in &doomed {
            sqlx::query("DELETE FROM onus_runs WHERE id = $1")
                .bind(&r.id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(doomed.len() as u64)
    }

    /// SQLite: `PRAGMA integrity_check`; PostgreSQL: a consistency query. `Ok(())` when sound.
    pub async fn check(&self) -> Result<(), StoreError> {
        if self.sqlite {
            let row = sqlx::query("PRAGMA integrity_check")
                .fetch_one(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
            let verdict: String = row.try_get(0).map_err(|e| self.err(e))?;
            if verdict != "ok" {
                return Err(StoreError::Database {
                    store: self.name.clone(),
                    message: format!("integrity check: {verdict}"),
                });
            }
        }
        for table in [
            "onus_ledger",
            "onus_findings",
            "onus_gaps",
            "onus_duty_counts",
        ] {
            let orphans: i64 = sqlx::query(&format!(
                "SELECT COUNT(*) FROM {table} WHERE run_id NOT IN (SELECT id FROM onus_runs)"
            ))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.err(e))?
            .try_get(0)
            .map_err(|e| self.err(e))?;
            if orphans > 0 {
                return Err(StoreError::Database {
                    store: self.name.clone(),
                    message: format!("{orphans} rows of {table} without a run"),
                });
            }
        }
        Ok(())
    }
}

/// Where a report's JSON is written to be stored: an LZ4 frame in memory
/// (stored as base64 text).
pub fn compressor() -> lz4_flex::frame::FrameEncoder<Vec<u8>> {
    lz4_flex::frame::FrameEncoder::new(Vec::new())
}

/// The report JSON a stored run holds.
fn unpack(packed: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    use std::io::Read as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .map_err(|e| format!("stored report is not base64: {e}"))?;
    let mut json = Vec::new();
    lz4_flex::frame::FrameDecoder::new(bytes.as_slice())
        .read_to_end(&mut json)
        .map_err(|e| format!("stored report does not decompress: {e}"))?;
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_are_unique_at_the_same_instant_and_sort_by_time() {
        let at = Utc::now();
        let ids: std::collections::BTreeSet<String> =
            (0..1000).map(|_| run_id(at).unwrap()).collect();
        assert_eq!(ids.len(), 1000);
        let later = run_id(at + chrono::Duration::microseconds(1)).unwrap();
        assert!(ids.iter().all(|id| *id < later));
    }

    fn report() -> AuditReport {
        let mut counts = onus_model::StatusCounts::default();
        counts.add(onus_model::Status::Unaddressed);
        counts.add(onus_model::Status::Unaddressed);
        let mut report: AuditReport = serde_json::from_value(serde_json::json!({
            "schema": "onus.report/v1",
            "run": {"onus_version": "0.0.1", "generated_at": "2026-01-01T00:00:00Z",
                    "reference_time": "2026-01-01T00:00:00Z", "catalog": {"source": "built-in", "sha256": ""}, "rules": 1},
            "summary": {"resources": 1, "unclassified": 0, "service_models": {}, "statuses": {"unaddressed": 2, "unknown": 0, "addressed": 0, "not_applicable": 0},
                        "duties": {}, "customer_duties": 2, "coverage": 0.0, "unaddressed_by_severity": {}, "gaps": 0, "complete": true},
            "resources": [], "findings": [], "gaps": []
        }))
        .unwrap();
        report
            .summary
            .duties
            .insert(onus_model::Duty::ALL[0], counts);
        report
    }

    /// A store written before runs were compact (report as text, a ledger row
    /// per resource and duty) is migrated in place, and its runs read as before
    /// beside a compact one.
    #[test]
    fn runs_stored_before_the_compact_layout_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let url = StoreUrl::new(format!("sqlite:{}", path.display()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let old = report();
        let duty = onus_model::Duty::ALL[0].as_str();
        rt.block_on(async {
            install_default_drivers();
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                .connect(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .unwrap();
            sqlx::query("CREATE TABLE onus_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
                .execute(&pool)
                .await
                .unwrap();
            for statement in MIGRATIONS[0] {
                sqlx::query(statement).execute(&pool).await.unwrap();
            }
            sqlx::query("INSERT INTO onus_migrations (version, applied_at) VALUES (1, 'then')")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO onus_runs VALUES ('r-old', '2026-01-01T00:00:00+00:00', 'scope', '0.0.1', '', 1, 2, 0, 0, 0, 0.0, 1, $1)",
            )
            .bind(serde_json::to_string(&old).unwrap())
            .execute(&pool)
            .await
            .unwrap();
            for resource in ["a", "b"] {
                sqlx::query("INSERT INTO onus_ledger VALUES ('r-old', $1, 'aws.s3.bucket', $2, 'customer', 'unaddressed')")
                    .bind(resource)
                    .bind(duty)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;

            let store = Store::open(&url).await.unwrap();
            assert_eq!(store.report("r-old").await.unwrap(), old);
            let mut new = report();
            new.run.generated_at = "2026-02-01T00:00:00Z".parse().unwrap();
            let id = store.save(&new, "scope").await.unwrap();
            assert_eq!(store.report(&id).await.unwrap(), new);
            let trend = store.trend("scope", 10).await.unwrap();
            assert_eq!(trend.len(), 2);
            for point in &trend {
                assert_eq!(point.gaps.get(&onus_model::Duty::ALL[0]), Some(&2), "{point:?}");
            }
            store.check().await.unwrap();
        });
    }
}
