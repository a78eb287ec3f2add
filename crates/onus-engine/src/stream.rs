//! The offline audit, one resource at a time.
//!
//! An inventory file is read resource by resource
//! ([`onus_model::stream::StreamedInventory`]); each resource is mapped,
//! evaluated ([`onus_rules::Auditor`]) and handed to a [`Sink`]. The JSON
//! report streams: resources go to a spool file as they are evaluated, findings
//! to sorted runs on disk merged at the end (the report lists them most severe
//! first), and nothing reaches the output until the whole inventory has been
//! read and checked, so a bad resource near the end never leaves half a report.
//! Memory is the summaries, the ids seen, and a bounded buffer of findings.
//! Other formats collect the report in memory ([`Collect`]).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::{Mutex, mpsc};

use crate::baseline::BaselineMarker;
use crate::waivers::Waivers;
use onus_catalog::Catalog;
use onus_model::stream::{StreamError, StreamedInventory};
use onus_model::{AuditReport, Finding, ReportResource, RunInfo, Severity, Status};
use onus_report::json;

/// Where each evaluated resource goes.
pub trait Sink {
    /// What a worker thread makes of one resource for this sink.
    type Item: Send;
    /// Prepare one resource's ledger and findings (baseline and waivers
    /// applied) on a worker thread.
    fn prepare(resource: ReportResource, findings: Vec<Finding>) -> Self::Item;
    /// Take one prepared resource, in inventory order.
    fn add(&mut self, item: Self::Item) -> io::Result<()>;
}

/// Keep everything: the report in memory, for the formats that need it whole.
#[derive(Debug, Default)]
pub struct Collect {
    resources: Vec<ReportResource>,
    findings: Vec<Finding>,
}

impl Collect {
    /// The report: `head` with the resources and the findings in report order.
    pub fn into_report(mut self, mut head: AuditReport) -> AuditReport {
        self.findings.sort_by(onus_rules::finding_order);
        head.resources = self.resources;
        head.findings = self.findings;
        head
    }
}

impl Sink for Collect {
    type Item = (ReportResource, Vec<Finding>);
    fn prepare(resource: ReportResource, findings: Vec<Finding>) -> Self::Item {
        (resource, findings)
    }
    fn add(&mut self, (resource, mut findings): Self::Item) -> io::Result<()> {
        self.resources.push(resource);
        self.findings.append(&mut findings);
        Ok(())
    }
}

/// A finding as a record: a key whose bytes sort like
/// [`onus_rules::finding_order`] (status, severity descending, rule, resource),
/// then the finding's JSON. `key_len` bytes of `bytes` are the key.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    key_len: usize,
    bytes: Vec<u8>,
}

impl Record {
    fn of(f: &Finding) -> Record {
        let status = Status::ALL.iter().position(|s| *s == f.status);
        let severity = Severity::ALL.iter().position(|s| *s == f.severity);
        let mut bytes = Vec::with_capacity(1024);
        bytes.push(status.unwrap_or(0) as u8);
        bytes.push(u8::MAX - severity.unwrap_or(0) as u8);
        // Rule codes have no NUL: the terminator keeps `NET1` before `NET10`.
        bytes.extend_from_slice(f.rule.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(f.resource.as_bytes());
        let key_len = bytes.len();
        json::element(f, &mut bytes);
        Record { key_len, bytes }
    }

    fn key(&self) -> &[u8] {
        &self.bytes[..self.key_len]
    }

    fn json(&self) -> &[u8] {
        &self.bytes[self.key_len..]
    }
}

/// A writer that writes to both (the output, and the store's compressor).
pub struct Tee<'a, B: Write>(pub &'a mut dyn Write, pub &'a mut B);

impl<B: Write> std::fmt::Debug for Tee<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tee").finish_non_exhaustive()
    }
}

impl<B: Write> Write for Tee<'_, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }
}

/// Findings buffered up to this many bytes, then sorted and spilled as a run.
const RUN_BYTES: usize = 64 << 20;

/// The JSON report as it streams: resources spooled in order, findings in
/// sorted runs.
#[derive(Debug)]
pub struct JsonSpool {
    resources: File,
    /// Resources not yet written to `resources` (each with its separator),
    /// and their size.
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    resource_count: usize,
    buffer: Vec<Record>,
    buffered: usize,
    runs: Vec<File>,
    finding_count: usize,
    run_bytes: usize,
}

impl JsonSpool {
    pub fn new() -> io::Result<JsonSpool> {
        Ok(JsonSpool {
            resources: tempfile::tempfile()?,
            pending: Vec::new(),
            pending_bytes: 0,
            resource_count: 0,
            buffer: Vec::new(),
            buffered: 0,
            runs: Vec::new(),
            finding_count: 0,
            run_bytes: RUN_BYTES,
        })
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buffer.sort_unstable_by(|a, b| a.key().cmp(b.key()));
        let mut out = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
        for record in self.buffer.drain(..) {
            write_record(&mut out, &record)?;
        }
        self.buffered = 0;
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        self.runs.push(file);
        Ok(())
    }

    /// Write the report: `head` around the spooled resources and findings.
    pub fn write(mut self, head: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
        if !self.runs.is_empty() && !self.buffer.is_empty() {
            self.spill()?;
        }
        self.flush_resources()?;
        let mut resources = self.resources;
        resources.seek(SeekFrom::Start(0))?;
        let resource_count = self.resource_count;
        let finding_count = self.finding_count;
        let buffer = std::mem::take(&mut self.buffer);
        let runs = std::mem::take(&mut self.runs);
        tracing::debug!(
            resources = resource_count,
            findings = finding_count,
            runs = runs.len(),
            "writing the JSON report"
        );
        json::Skeleton::new(head).write(
            out,
            |w| {
                // Large reads and writes: the spool can be gigabytes.
                let mut chunk = vec![0u8; 1 << 20];
                loop {
                    let n = resources.read(&mut chunk)?;
                    if n == 0 {
                        break;
                    }
                    w.write_all(&chunk[..n])?;
                }
                tracing::debug!("resources written");
                Ok(resource_count)
            },
            |w| {
                if runs.is_empty() {
                    let mut buffer = buffer;
                    buffer.sort_unstable_by(|a, b| a.key().cmp(b.key()));
                    for (i, record) in buffer.iter().enumerate() {
                        w.write_all(json::separator(i))?;
                        w.write_all(record.json())?;
                    }
                } else {
                    merge(runs, w)?;
                }
                Ok(finding_count)
            },
        )
    }
}

impl JsonSpool {
    /// Write the pending resources in one vectored write (no copy into a buffer).
    fn flush_resources(&mut self) -> io::Result<()> {
        let mut slices: Vec<io::IoSlice<'_>> =
            self.pending.iter().map(|b| io::IoSlice::new(b)).collect();
        let mut rest = slices.as_mut_slice();
        while !rest.is_empty() {
            let n = self.resources.write_vectored(rest)?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            io::IoSlice::advance_slices(&mut rest, n);
        }
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(())
    }
}

impl Sink for JsonSpool {
    type Item = (Vec<u8>, Vec<Record>);
    fn prepare(resource: ReportResource, findings: Vec<Finding>) -> Self::Item {
        // Every element with the separator of a later one; the first drops its comma.
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend_from_slice(json::separator(1));
        json::element(&resource, &mut bytes);
        (bytes, findings.iter().map(Record::of).collect())
    }

    fn add(&mut self, (mut bytes, findings): Self::Item) -> io::Result<()> {
        if self.resource_count == 0 {
            bytes.remove(0);
        }
        self.pending_bytes += bytes.len();
        self.pending.push(bytes);
        self.resource_count += 1;
        if self.pending_bytes >= 1 << 20 || self.pending.len() >= 512 {
            self.flush_resources()?;
        }
        for record in findings {
            self.buffered += record.bytes.len() + 32;
            self.buffer.push(record);
            self.finding_count += 1;
        }
        if self.buffered > self.run_bytes {
            self.spill()?;
        }
        Ok(())
    }
}

fn write_record(out: &mut impl Write, record: &Record) -> io::Result<()> {
    out.write_all(&(record.key_len as u64).to_le_bytes())?;
    out.write_all(&(record.bytes.len() as u64).to_le_bytes())?;
    out.write_all(&record.bytes)
}

/// Read the next record of a run into `record` (reusing its allocation);
/// false at the end of the run.
fn read_record(input: &mut impl Read, record: &mut Record) -> io::Result<bool> {
    let mut key_len = [0u8; 8];
    match input.read_exact(&mut key_len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(e),
    }
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    record.key_len = u64::from_le_bytes(key_len) as usize;
    record.bytes.clear();
    record.bytes.resize(u64::from_le_bytes(len) as usize, 0);
    input.read_exact(&mut record.bytes)?;
    Ok(true)
}

/// The next record of a run, ordered by key for the merge's heap.
#[derive(Debug, PartialEq, Eq)]
struct Head(Record, usize);

impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.0.key(), self.1).cmp(&(other.0.key(), other.1))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Merge sorted runs into `out`, with the array's separators.
fn merge(runs: Vec<File>, out: &mut dyn Write) -> io::Result<()> {
    let mut readers: Vec<BufReader<File>> = runs
        .into_iter()
        .map(|f| BufReader::with_capacity(256 << 10, f))
        .collect();
    let mut heap = BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        let mut record = Record {
            key_len: 0,
            bytes: Vec::new(),
        };
        if read_record(r, &mut record)? {
            heap.push(Reverse(Head(record, i)));
        }
    }
    // Large writes: the findings can be gigabytes.
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let mut n = 0;
    while let Some(Reverse(Head(mut record, i))) = heap.pop() {
        out.write_all(json::separator(n))?;
        out.write_all(record.json())?;
        n += 1;
        if read_record(&mut readers[i], &mut record)? {
            heap.push(Reverse(Head(record, i)));
        }
    }
    out.flush()
}

/// Scan an inventory's structure and read everything but its resources.
pub fn open<R: Read + Seek>(input: R) -> Result<StreamedInventory<R>, Failure> {
    StreamedInventory::open::<Failure>(input).map_err(failure)
}

/// What a streamed audit needs besides the input.
pub struct Setup<'a> {
    pub catalog: &'a Catalog,
    pub ctx: &'a onus_rules::Context,
    pub run: RunInfo,
    pub baseline: Option<(&'a [onus_model::FindingRef], String)>,
    pub waivers: &'a [onus_model::Waiver],
    pub today: chrono::NaiveDate,
    pub allow_unclassified: bool,
}

impl std::fmt::Debug for Setup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("run", &self.run)
            .field("today", &self.today)
            .field("allow_unclassified", &self.allow_unclassified)
            .finish_non_exhaustive()
    }
}

/// A streamed audit that could not finish.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The inventory is not valid (a message of the streamed reader; the
    /// caller names the place by reading it the classic way).
    #[error("invalid inventory: {0}")]
    Invalid(String),
    /// Reading the input or writing a spool failed.
    #[error(transparent)]
    Io(io::Error),
}

/// The counts the exit code needs (the findings themselves may be on disk).
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Unaddressed findings not waived.
    pub open: usize,
    /// Of those, the ones the baseline does not have.
    pub new: usize,
}

/// Resources per batch handed to a worker thread.
const BATCH: usize = 256;

/// A batch of resources: their bytes, the span of each, the index of the first.
struct Batch {
    number: usize,
    first: usize,
    bytes: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

/// A worker's result for one batch: each resource's id and prepared item.
type Prepared<T> = Result<Vec<(Box<str>, T)>, Failure>;

/// A batch's number and what the worker made of it.
type Done<T> = (usize, Prepared<T>);

/// Audit `inventory` resource by resource into `sink`; the report's head
/// (summary, coverage, collection failures, baseline comparison, expired
/// waivers). The main thread cuts the resources out of the input; worker
/// threads (one a core) parse, map, evaluate and prepare them in batches;
/// the sink takes them back in inventory order.
pub fn audit<R: Read + Seek, S: Sink>(
    mut inventory: StreamedInventory<R>,
    setup: Setup<'_>,
    sink: &mut S,
) -> Result<(AuditReport, Tally), Failure> {
    let classify = |kind: &str| {
        setup
            .catalog
            .classify(kind)
            .unwrap_or_else(|| Catalog::unclassified(kind))
    };
    let gaps = std::mem::take(&mut inventory.head.gaps);
    let latest = inventory.latest_observation();
    let waivers = Waivers::new(setup.waivers, setup.today);
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8);
    let (job_tx, job_rx) = mpsc::sync_channel::<Batch>(workers * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done<S::Item>>();
    let (auditor, marker, tally, result) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let done_tx = done_tx.clone();
                let (job_rx, gaps, classify, waivers, setup) =
                    (&job_rx, &gaps, &classify, &waivers, &setup);
                scope.spawn(move || {
                    let mut auditor = onus_rules::Auditor::new(gaps, classify, setup.ctx);
                    let mut marker = setup
                        .baseline
                        .as_ref()
                        .map(|(refs, source)| BaselineMarker::new(refs, source));
                    let mut tally = Tally::default();
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok(batch) = job else { break };
                        let result = evaluate::<S>(
                            &batch,
                            latest,
                            setup,
                            &mut auditor,
                            &mut marker,
                            waivers,
                            &mut tally,
                        );
                        if done_tx.send((batch.number, result)).is_err() {
                            break;
                        }
                    }
                    (auditor, marker, tally)
                })
            })
            .collect();
        drop(done_tx);

        let mut order = InOrder {
            pending: BTreeMap::new(),
            next: 0,
            ids: foldhash::HashSet::default(),
        };
        let mut batch = Batch {
            number: 0,
            first: 0,
            bytes: Vec::new(),
            spans: Vec::new(),
        };
        let mut sent = 0;
        let scanned = inventory.for_each_element(|i, bytes| {
            if batch.spans.is_empty() {
                batch.first = i;
            }
            let start = batch.bytes.len();
            batch.bytes.extend_from_slice(bytes);
            batch.spans.push((start, batch.bytes.len()));
            if batch.spans.len() >= BATCH {
                let next = Batch {
                    number: batch.number + 1,
                    first: 0,
                    bytes: Vec::with_capacity(batch.bytes.capacity()),
                    spans: Vec::with_capacity(BATCH),
                };
                let full = std::mem::replace(&mut batch, next);
                if job_tx.send(full).is_err() {
                    return Err(stopped());
                }
                sent += 1;
                while let Ok(done) = done_rx.try_recv() {
                    order.take(done, sink)?;
                }
            }
            Ok(())
        });
        let mut result = scanned.map(|_| ()).map_err(failure);
        if result.is_ok() && !batch.spans.is_empty() {
            if job_tx.send(batch).is_ok() {
                sent += 1;
            } else {
                result = Err(stopped());
            }
        }
        drop(job_tx);
        if result.is_ok() {
            while order.next < sent {
                match done_rx.recv() {
                    Ok(done) => {
                        if let Err(f) = order.take(done, sink) {
                            result = Err(f);
                            break;
                        }
                    }
                    Err(_) => {
                        result = Err(stopped());
                        break;
                    }
                }
            }
        }
        let mut merged: Option<(onus_rules::Auditor<'_>, Option<BaselineMarker<'_>>, Tally)> = None;
        for handle in handles {
            let Ok((auditor, marker, tally)) = handle.join() else {
                result = Err(stopped());
                continue;
            };
            merged = Some(match merged {
                None => (auditor, marker, tally),
                Some((mut a, mut m, mut t)) => {
                    a.merge(auditor);
                    if let (Some(m), Some(other)) = (&mut m, marker) {
                        m.merge(other);
                    }
                    t.open += tally.open;
                    t.new += tally.new;
                    (a, m, t)
                }
            });
        }
        let (a, m, t) = merged.unwrap_or_else(|| {
            (
                onus_rules::Auditor::new(&gaps, &classify, setup.ctx),
                None,
                Tally::default(),
            )
        });
        (a, m, t, result)
    });
    result?;
    tracing::debug!("inventory read and evaluated");
    let sources = std::mem::take(&mut inventory.head.sources);
    let run = setup.run.clone();
    let head_baseline = marker.map(BaselineMarker::finish);
    let mut head = auditor.finish(run, sources);
    head.baseline = head_baseline;
    head.expired_waivers = waivers.expired();
    Ok((head, tally))
}

/// Worker results put back in inventory order, ids checked for duplicates.
struct InOrder<T> {
    pending: BTreeMap<usize, Prepared<T>>,
    next: usize,
    ids: foldhash::HashSet<Box<str>>,
}

impl<T> InOrder<T> {
    fn take<S: Sink<Item = T>>(&mut self, (n, done): Done<T>, sink: &mut S) -> Result<(), Failure> {
        self.pending.insert(n, done);
        while let Some(done) = self.pending.remove(&self.next) {
            self.next += 1;
            for (id, item) in done? {
                if let Some(id) = self.ids.replace(id) {
                    return Err(Failure::Invalid(format!("duplicate resource id '{id}'")));
                }
                sink.add(item).map_err(Failure::Io)?;
            }
        }
        Ok(())
    }
}

/// Parse, check, map and evaluate one batch on a worker thread.
fn evaluate<S: Sink>(
    batch: &Batch,
    latest: Option<chrono::DateTime<chrono::Utc>>,
    setup: &Setup<'_>,
    auditor: &mut onus_rules::Auditor<'_>,
    marker: &mut Option<BaselineMarker<'_>>,
    waivers: &Waivers,
    tally: &mut Tally,
) -> Prepared<S::Item> {
    let mut items = Vec::with_capacity(batch.spans.len());
    for (k, &(a, b)) in batch.spans.iter().enumerate() {
        let i = batch.first + k;
        let mut resource = onus_model::stream::parse_resource(i, &batch.bytes[a..b], latest)
            .map_err(Failure::Invalid)?;
        if !setup.allow_unclassified
            && !resource.enumerated_only
            && setup.catalog.kind(&resource.kind).is_none()
        {
            return Err(Failure::Invalid(format!(
                "unknown resource kind '{}'",
                resource.kind
            )));
        }
        // A mapping that fails on this resource is a gap of this resource.
        let failures = setup.catalog.apply_mapping(&mut resource);
        // Rules read facets; evidence points into `raw` by pointer.
        resource.raw = serde_json::Value::Null;
        let (ledger, mut findings) = auditor.add_with_gaps(&resource, failures);
        for f in &mut findings {
            if let Some(m) = marker.as_mut() {
                m.mark(f);
            }
            waivers.apply(f);
            if f.status == Status::Unaddressed && !crate::waivers::is_waived(f) {
                tally.open += 1;
                if f.baseline.as_deref() == Some("new") {
                    tally.new += 1;
                }
            }
        }
        items.push((resource.id.into_boxed_str(), S::prepare(ledger, findings)));
    }
    Ok(items)
}

/// A worker thread ended early (it panicked): the audit cannot finish.
fn stopped() -> Failure {
    Failure::Io(io::Error::other("a worker thread stopped"))
}

fn failure(e: StreamError<Failure>) -> Failure {
    match e {
        StreamError::Invalid(m) => Failure::Invalid(m),
        StreamError::Io(e) => Failure::Io(e),
        StreamError::Consumer(f) => f,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use onus_model::{FindingRef, Inventory, Waiver};

    use super::*;

    const DEMO: &str = include_str!("../../../examples/demo/inventory.json");

    /// The JSON report of `text` streamed through a spool that spills a run
    /// every `run_bytes`, and the report built in memory by `onus_rules::audit`.
    fn both(text: &str, run_bytes: usize) -> (String, String) {
        let catalog = Catalog::builtin().unwrap();
        let inventory = Inventory::from_json_str(text, "demo").unwrap();
        let at = inventory.collected_at.unwrap();
        let ctx = onus_rules::Context::new(at);
        let run = RunInfo {
            onus_version: "test".into(),
            generated_at: at,
            reference_time: at,
            inventory: Some("demo".into()),
            collected_at: Some(at),
            catalog: catalog.info().clone(),
            rules: 0,
        };
        let baseline = vec![FindingRef {
            rule: "ENC001".into(),
            duty: onus_model::Duty::ALL[0],
            resource: "gone".into(),
        }];
        let first = inventory.resources[3].id.clone();
        let waivers = vec![Waiver {
            resource: first,
            rule: None,
            duty: None,
            reason: "accepted".into(),
            owner: "team".into(),
            expires: chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap(),
            expired: false,
        }];
        let today = at.date_naive();

        let mut expected = inventory.clone();
        catalog.apply_mappings(&mut expected);
        let classify = |kind: &str| {
            catalog
                .classify(kind)
                .unwrap_or_else(|| Catalog::unclassified(kind))
        };
        let mut report = onus_rules::audit(&expected, &classify, &ctx, run.clone());
        crate::baseline::apply_baseline(&mut report, &baseline, "base.json");
        crate::waivers::apply_waivers(&mut report, &waivers, today);

        let setup = Setup {
            catalog: &catalog,
            ctx: &ctx,
            run,
            baseline: Some((&baseline, "base.json".into())),
            waivers: &waivers,
            today,
            allow_unclassified: false,
        };
        let mut spool = JsonSpool::new().unwrap();
        spool.run_bytes = run_bytes;
        let streamed = open(Cursor::new(text.as_bytes().to_vec())).unwrap();
        let (head, tally) = audit(streamed, setup, &mut spool).unwrap();
        assert!(spool.finding_count > 0);
        let spilled = spool.runs.len();
        let mut out = Vec::new();
        spool.write(&head, &mut out).unwrap();
        if run_bytes < 10_000 {
            assert!(spilled > 2, "the merge is exercised ({spilled} runs)");
        }
        let open = report
            .findings
            .iter()
            .filter(|f| f.status == Status::Unaddressed && !crate::waivers::is_waived(f))
            .count();
        assert_eq!(tally.open, open);
        (String::from_utf8(out).unwrap(), json::render(&report))
    }

    #[test]
    fn the_streamed_report_is_the_report_built_in_memory() {
        for run_bytes in [RUN_BYTES, 4096] {
            let (streamed, in_memory) = both(DEMO, run_bytes);
            assert_eq!(streamed, in_memory, "runs of {run_bytes} bytes");
        }
    }

    #[test]
    fn collection_failures_before_the_resources_explain_them_alike() {
        // The demo lists its gaps after the resources (the streamed reader
        // finds them in its first pass); here they come first.
        let mut doc: serde_json::Value = serde_json::from_str(DEMO).unwrap();
        let object = doc.as_object_mut().unwrap();
        let gaps = object.shift_remove("gaps").unwrap();
        assert!(!gaps.as_array().unwrap().is_empty());
        let resources = object.shift_remove("resources").unwrap();
        object.insert("gaps".into(), gaps);
        object.insert("resources".into(), resources);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let (streamed, in_memory) = both(&text, 4096);
        assert_eq!(streamed, in_memory);
        assert!(
            streamed.contains("failed (access-denied"),
            "a gap explains an unknown"
        );
    }
}
