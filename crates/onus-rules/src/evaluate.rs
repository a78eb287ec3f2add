//! From an inventory to the duty ledger.

use std::collections::BTreeMap;

use onus_model::{
    AuditReport, Classification, Coverage, CoverageTotals, Duty, Finding, Gap, Inventory,
    KindCoverage, LedgerEntry, NotEvaluated, Owner, REPORT_SCHEMA, ReportResource, Resource,
    RuleInfo, RunInfo, Severity, Status, StatusCounts, Summary,
};

use crate::registry::registry;
use crate::rule::{Context, Outcome, Rule};

/// The duty ledger of one resource and the findings behind it.
///
/// For every duty of the classification: a provider-owned duty is
/// `not_applicable` with the reason; a duty with no object on this kind is
/// `not_applicable`; otherwise the applicable rules' outcomes roll up
/// (`unaddressed > unknown > addressed > not_applicable`), and a customer duty
/// that no rule can speak to is `unknown`. Unknown outcomes name the collection
/// gaps that explain them.
pub fn ledger_for(
    resource: &Resource,
    classification: &Classification,
    ctx: &Context,
    gaps: &[Gap],
) -> (BTreeMap<Duty, LedgerEntry>, Vec<Finding>) {
    ledger_indexed(resource, classification, ctx, &GapIndex::new(gaps), None)
}

/// The collection failures of an inventory, each with the resources it names
/// as a set: explaining an unknown outcome is then linear in the failures, not
/// in the failures times the resources they name.
pub struct GapIndex<'a> {
    gaps: Vec<(&'a Gap, Option<std::collections::HashSet<&'a str>>)>,
}

impl<'a> GapIndex<'a> {
    /// Index `gaps`.
    pub fn new(gaps: &'a [Gap]) -> GapIndex<'a> {
        GapIndex {
            gaps: gaps
                .iter()
                .map(|g| {
                    let named = (!g.resources.is_empty())
                        .then(|| g.resources.iter().map(String::as_str).collect());
                    (g, named)
                })
                .collect(),
        }
    }

    /// The failures that explain `facet` of `resource`.
    fn explaining<'s>(
        &'s self,
        resource: &'s Resource,
        facets: &'s [&'s str],
    ) -> impl Iterator<Item = &'a Gap> + 's {
        self.gaps
            .iter()
            .filter(move |(g, named)| {
                named
                    .as_ref()
                    .is_none_or(|n| n.contains(resource.id.as_str()))
                    && facets.iter().any(|f| g.affects_scope(resource, f))
            })
            .map(|(g, _)| *g)
    }
}

/// [`ledger_for`] with the failures indexed once for the whole audit.
fn ledger_indexed(
    resource: &Resource,
    classification: &Classification,
    ctx: &Context,
    gaps: &GapIndex,
    own: Option<&GapIndex>,
) -> (BTreeMap<Duty, LedgerEntry>, Vec<Finding>) {
    let mut ledger = BTreeMap::new();
    let mut findings = Vec::new();
    let model = classification
        .service_model
        .map_or("unclassified", |m| m.as_str());
    for (&duty, assignment) in &classification.duties {
        let owner = assignment.owner;
        let known_owner = classification.service_model.map(|_| owner);
        if owner == Owner::Provider {
            let mut reason = format!(
                "the provider's duty under {model} (layer {})",
                assignment.layer
            );
            if let Some(note) = &assignment.note {
                reason = format!("{reason}: {note}");
            }
            ledger.insert(
                duty,
                LedgerEntry {
                    owner: known_owner,
                    status: Status::NotApplicable,
                    reason,
                    rules: vec![],
                },
            );
            continue;
        }
        if let Some(reason) = &assignment.not_applicable {
            ledger.insert(
                duty,
                LedgerEntry {
                    owner: known_owner,
                    status: Status::NotApplicable,
                    reason: reason.clone(),
                    rules: vec![],
                },
            );
            continue;
        }
        if resource.enumerated_only {
            // Seen by whole-estate enumeration only: nothing about its settings was
            // read, so no rule may speak, and absence is never evidence.
            ledger.insert(
                duty,
                LedgerEntry {
                    owner: known_owner,
                    status: Status::Unknown,
                    reason: format!(
                        "enumerated, not evaluated in depth: onus saw this {} but did not read its settings; the duty is the customer's{} and must be verified another way",
                        resource.kind,
                        if owner == Owner::Shared { " (shared)" } else { "" }
                    ),
                    rules: vec![],
                },
            );
            continue;
        }
        let rules: Vec<&dyn Rule> = registry()
            .iter()
            .copied()
            .filter(|r| {
                r.meta().duty == duty
                    && classification.rules.iter().any(|c| c == r.meta().code)
                    && r.not_evaluated(ctx).is_none()
            })
            .collect();
        if rules.is_empty() {
            let mut reason = format!(
                "no onus rule checks {duty} on {}; the duty is the customer's{} and must be verified another way",
                resource.kind,
                if owner == Owner::Shared {
                    " (shared)"
                } else {
                    ""
                }
            );
            if let Some(note) = &assignment.note {
                reason = format!("{reason}: {note}");
            }
            ledger.insert(
                duty,
                LedgerEntry {
                    owner: known_owner,
                    status: Status::Unknown,
                    reason,
                    rules: vec![],
                },
            );
            continue;
        }
        let mut status = Status::NotApplicable;
        let mut reasons: BTreeMap<Status, Vec<String>> = BTreeMap::new();
        let mut codes = Vec::new();
        for rule in rules {
            let meta = rule.meta();
            let outcome =
                explain_unknown(rule.check(resource, ctx), resource, meta.facets, gaps, own);
            status = status.roll_up(outcome.status());
            codes.push(meta.code.to_owned());
            reasons.entry(outcome.status()).or_default().push(format!(
                "{}: {}",
                meta.code,
                outcome.message()
            ));
            let mut severity = match &outcome {
                Outcome::Unaddressed {
                    severity: Some(s), ..
                } => *s,
                _ => meta.severity,
            };
            let mut message = outcome.message().to_owned();
            // A gap on data labelled sensitive weighs more: one level up,
            // said in the message so every output shows why.
            if outcome.status() == Status::Unaddressed
                && let Some(label) = ctx.classification.raising(&resource.tags)
            {
                let raised = severity.raised();
                if raised != severity {
                    message.push_str(&format!(
                        " (severity raised from {severity} to {raised}: the data is labelled '{}')",
                        onus_model::excerpt(label.trim(), 40)
                    ));
                    severity = raised;
                }
            }
            if outcome.status() != Status::NotApplicable {
                findings.push(Finding {
                    rule: meta.code.to_owned(),
                    duty,
                    resource: resource.id.clone(),
                    kind: resource.kind.clone(),
                    owner,
                    status: outcome.status(),
                    severity,
                    message,
                    evidence: outcome.evidence().to_vec(),
                    remediation: meta.remediation.to_owned(),
                    baseline: None,
                    waiver: None,
                });
            }
        }
        let mut reason = reasons.remove(&status).unwrap_or_default().join("; ");
        // What no API shows, the catalog says how to check by hand (a SaaS
        // tenant's audit log): said with the unknown, never guessed. Only a
        // SaaS kind's customer duty carries such a note; elsewhere a note says
        // why the owner shifted, which is no way to check anything.
        if status == Status::Unknown
            && owner == Owner::Customer
            && classification.service_model == Some(onus_model::ServiceModel::Saas)
            && let Some(note) = &assignment.note
        {
            reason = format!("{reason}; check by hand: {note}");
        }
        ledger.insert(
            duty,
            LedgerEntry {
                owner: known_owner,
                status,
                reason,
                rules: codes,
            },
        );
    }
    (ledger, findings)
}

/// Add the collection gaps that explain an unknown outcome to its reason.
fn explain_unknown(
    outcome: Outcome,
    resource: &Resource,
    facets: &[&str],
    gaps: &GapIndex,
    own: Option<&GapIndex>,
) -> Outcome {
    match outcome {
        Outcome::Unknown { reason } => {
            let causes: Vec<String> = gaps
                .explaining(resource, facets)
                .chain(own.into_iter().flat_map(|o| o.explaining(resource, facets)))
                .map(Gap::describe)
                .collect();
            if causes.is_empty() {
                Outcome::Unknown { reason }
            } else {
                Outcome::Unknown {
                    reason: format!("{reason}: {}", causes.join("; ")),
                }
            }
        }
        other => other,
    }
}

/// The order of findings in every report: unaddressed first, most severe first,
/// then by rule and resource.
pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (
        a.status,
        std::cmp::Reverse(a.severity),
        &a.rule,
        &a.resource,
    )
        .cmp(&(
            b.status,
            std::cmp::Reverse(b.severity),
            &b.rule,
            &b.resource,
        ))
}

/// An audit one resource at a time: [`Auditor::add`] gives each resource's
/// ledger and findings as it is read, [`Auditor::finish`] the summary and the
/// coverage. Memory is the summaries (counts per duty, kind and service model)
/// and the classifications of the kinds seen, not the estate; [`audit`] is this
/// with every resource kept.
pub struct Auditor<'a> {
    classify: &'a (dyn Fn(&str) -> Classification + Sync),
    ctx: &'a Context,
    gaps: &'a [Gap],
    gap_index: GapIndex<'a>,
    /// Failures found while reading single resources, added to the report's gaps.
    own_gaps: Vec<Gap>,
    cache: std::collections::HashMap<String, Classification>,
    resources: usize,
    statuses: StatusCounts,
    duties: BTreeMap<Duty, StatusCounts>,
    service_models: BTreeMap<String, usize>,
    customer_duties: usize,
    customer_addressed: usize,
    unclassified: usize,
    kinds: BTreeMap<String, KindCoverage>,
    unaddressed_by_severity: BTreeMap<Severity, usize>,
    /// The codes of the rules that produced findings.
    used: std::collections::BTreeSet<&'static str>,
}

impl std::fmt::Debug for Auditor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auditor")
            .field("resources", &self.resources)
            .field("kinds", &self.kinds.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Auditor<'a> {
    /// An audit whose unknown outcomes are explained by `gaps` (the inventory's
    /// collection failures); `classify` gives a kind's classification (a catalog
    /// lookup, or the unclassified fallback).
    pub fn new(
        gaps: &'a [Gap],
        classify: &'a (dyn Fn(&str) -> Classification + Sync),
        ctx: &'a Context,
    ) -> Auditor<'a> {
        Auditor {
            classify,
            ctx,
            gaps,
            gap_index: GapIndex::new(gaps),
            own_gaps: Vec::new(),
            cache: std::collections::HashMap::new(),
            resources: 0,
            statuses: StatusCounts::default(),
            duties: Duty::ALL
                .iter()
                .map(|d| (*d, StatusCounts::default()))
                .collect(),
            service_models: BTreeMap::new(),
            customer_duties: 0,
            customer_addressed: 0,
            unclassified: 0,
            kinds: BTreeMap::new(),
            unaddressed_by_severity: BTreeMap::new(),
            used: std::collections::BTreeSet::new(),
        }
    }

    /// Classify and evaluate one resource: its ledger, and the findings behind
    /// it (in evaluation order; reports sort them with [`finding_order`]).
    pub fn add(&mut self, resource: &Resource) -> (ReportResource, Vec<Finding>) {
        self.add_with_gaps(resource, Vec::new())
    }

    /// [`Auditor::add`] for a resource with collection failures of its own found
    /// while reading it (a facet mapping that failed on it): they explain its
    /// unknown outcomes and join the report's gaps.
    pub fn add_with_gaps(
        &mut self,
        resource: &Resource,
        own: Vec<Gap>,
    ) -> (ReportResource, Vec<Finding>) {
        if !self.cache.contains_key(&resource.kind) {
            let c = (self.classify)(&resource.kind);
            self.cache.insert(resource.kind.clone(), c);
        }
        let classification = &self.cache[&resource.kind];
        self.resources += 1;
        let model = classification
            .service_model
            .map_or("unclassified", |m| m.as_str());
        match self.service_models.get_mut(model) {
            Some(n) => *n += 1,
            None => {
                self.service_models.insert(model.to_owned(), 1);
            }
        }
        if classification.service_model.is_none() {
            self.unclassified += 1;
        }
        if !self.kinds.contains_key(&resource.kind) {
            self.kinds.insert(
                resource.kind.clone(),
                KindCoverage {
                    resources: 0,
                    service_model: classification.service_model,
                    evaluated: 0,
                    enumerated_only: 0,
                    unclassified: classification.service_model.is_none(),
                },
            );
        }
        if let Some(k) = self.kinds.get_mut(&resource.kind) {
            k.resources += 1;
            if resource.enumerated_only {
                k.enumerated_only += 1;
            } else {
                k.evaluated += 1;
            }
        }
        let own_index = (!own.is_empty()).then(|| GapIndex::new(&own));
        let (ledger, findings) = ledger_indexed(
            resource,
            classification,
            self.ctx,
            &self.gap_index,
            own_index.as_ref(),
        );
        drop(own_index);
        self.own_gaps.extend(own);
        for (duty, entry) in &ledger {
            self.statuses.add(entry.status);
            if let Some(counts) = self.duties.get_mut(duty) {
                counts.add(entry.status);
            }
            if entry.owner.is_none_or(Owner::is_customers) && entry.status != Status::NotApplicable
            {
                self.customer_duties += 1;
                if entry.status == Status::Addressed {
                    self.customer_addressed += 1;
                }
            }
        }
        for f in findings.iter().filter(|f| f.status == Status::Unaddressed) {
            *self.unaddressed_by_severity.entry(f.severity).or_default() += 1;
        }
        for f in &findings {
            if !self.used.contains(f.rule.as_str())
                && let Some(rule) = crate::find(&f.rule)
            {
                self.used.insert(rule.meta().code);
            }
        }
        let resource = ReportResource {
            id: resource.id.clone(),
            provider: resource.provider,
            account: resource.account.clone(),
            region: resource.region.clone(),
            kind: resource.kind.clone(),
            name: resource.name.clone(),
            tags: resource.tags.clone(),
            service_model: classification.service_model,
            duties: ledger,
        };
        (resource, findings)
    }

    /// Add the counts of `other` (an audit of other resources of the same
    /// inventory, e.g. on another thread) to these.
    pub fn merge(&mut self, other: Auditor<'_>) {
        self.own_gaps.extend(other.own_gaps);
        self.used.extend(other.used);
        self.resources += other.resources;
        self.statuses.merge(&other.statuses);
        for (duty, counts) in &other.duties {
            self.duties.entry(*duty).or_default().merge(counts);
        }
        for (model, n) in other.service_models {
            *self.service_models.entry(model).or_default() += n;
        }
        self.customer_duties += other.customer_duties;
        self.customer_addressed += other.customer_addressed;
        self.unclassified += other.unclassified;
        for (kind, k) in other.kinds {
            match self.kinds.get_mut(&kind) {
                Some(mine) => {
                    mine.resources += k.resources;
                    mine.evaluated += k.evaluated;
                    mine.enumerated_only += k.enumerated_only;
                }
                None => {
                    self.kinds.insert(kind, k);
                }
            }
        }
        for (severity, n) in other.unaddressed_by_severity {
            *self.unaddressed_by_severity.entry(severity).or_default() += n;
        }
    }

    /// The report of everything added, without its resources and findings (the
    /// caller has them: kept, or already written). `sources` are the
    /// inventory's enumeration sources.
    pub fn finish(
        self,
        mut run: RunInfo,
        sources: Vec<onus_model::EnumerationSource>,
    ) -> AuditReport {
        run.rules = registry().len();
        let mut gaps = self.gaps.to_vec();
        let mut own = self.own_gaps;
        // Threads finish in any order; the report does not.
        own.sort_by(|a, b| (&a.resources, &a.operation).cmp(&(&b.resources, &b.operation)));
        gaps.extend(own);
        let summary = Summary {
            resources: self.resources,
            unclassified: self.unclassified,
            service_models: self.service_models,
            statuses: self.statuses,
            duties: self.duties,
            customer_duties: self.customer_duties,
            coverage: if self.customer_duties == 0 {
                1.0
            } else {
                self.customer_addressed as f64 / self.customer_duties as f64
            },
            unaddressed_by_severity: self.unaddressed_by_severity,
            gaps: gaps.len(),
            complete: gaps.is_empty(),
        };
        let kinds = self.kinds;
        let totals = CoverageTotals {
            resources: self.resources,
            evaluated: kinds.values().map(|k| k.evaluated).sum(),
            enumerated_only: kinds.values().map(|k| k.enumerated_only).sum(),
            enumerated_only_kinds: kinds.values().filter(|k| k.enumerated_only > 0).count(),
            unclassified: self.unclassified,
            kinds: kinds.len(),
        };
        AuditReport {
            schema: REPORT_SCHEMA.to_owned(),
            run,
            summary,
            resources: Vec::new(),
            findings: Vec::new(),
            gaps,
            coverage: Coverage {
                totals,
                kinds,
                sources,
                not_evaluated: registry()
                    .iter()
                    .filter_map(|r| {
                        r.not_evaluated(self.ctx).map(|reason| NotEvaluated {
                            rule: r.meta().code.to_owned(),
                            reason: reason.to_owned(),
                        })
                    })
                    .collect(),
            },
            baseline: None,
            expired_waivers: Vec::new(),
            compliance: Vec::new(),
            rules: registry()
                .iter()
                .map(|r| r.meta())
                .filter(|m| self.used.contains(m.code))
                .map(|m| RuleInfo {
                    code: m.code.to_owned(),
                    title: m.title.to_owned(),
                    duty: m.duty,
                    severity: m.severity,
                    remediation: m.remediation.to_owned(),
                    help: crate::doc_sections(m.doc),
                })
                .collect(),
        }
    }
}

/// Audit an inventory: classify every resource, evaluate every rule, roll up the ledger.
///
/// `classify` gives the classification of a kind (a catalog lookup, or the
/// unclassified fallback). `run.rules` is filled in here.
pub fn audit(
    inventory: &Inventory,
    classify: &(dyn Fn(&str) -> Classification + Sync),
    ctx: &Context,
    run: RunInfo,
) -> AuditReport {
    let mut auditor = Auditor::new(&inventory.gaps, classify, ctx);
    let mut resources = Vec::with_capacity(inventory.resources.len());
    let mut findings = Vec::new();
    for resource in &inventory.resources {
        let (r, mut found) = auditor.add(resource);
        resources.push(r);
        findings.append(&mut found);
    }
    findings.sort_by(finding_order);
    let mut report = auditor.finish(run, inventory.sources.clone());
    report.resources = resources;
    report.findings = findings;
    report
}

#[cfg(test)]
mod tests {
    use onus_model::{DutyAssignment, GapCause, Provider, ServiceModel};
    use serde_json::json;

    use super::*;
    use crate::testing::{fx, reference_time};

    fn classification(
        kind: &str,
        model: ServiceModel,
        owners: &[(Duty, Owner)],
        na: &[Duty],
    ) -> Classification {
        Classification {
            kind: kind.to_owned(),
            title: kind.to_owned(),
            service_model: Some(model),
            duties: Duty::ALL
                .iter()
                .map(|&d| {
                    let owner = owners
                        .iter()
                        .find(|(x, _)| *x == d)
                        .map_or(Owner::Customer, |(_, o)| *o);
                    let not_applicable = na.contains(&d).then(|| "nothing to protect".to_owned());
                    (
                        d,
                        DutyAssignment {
                            owner,
                            layer: d.layer(),
                            note: None,
                            not_applicable,
                        },
                    )
                })
                .collect(),
            rules: onus_catalog::Catalog::builtin()
                .expect("the built-in catalog loads")
                .kind(kind)
                .map(|k| k.rules.clone())
                .unwrap_or_default(),
        }
    }

    #[test]
    fn only_a_saas_kinds_customer_duty_says_how_to_check_by_hand() {
        let catalog = onus_catalog::Catalog::builtin().unwrap();
        let ctx = Context::new(reference_time());
        let unknown = |kind: &str, duty: Duty| {
            let r = fx("r", Status::Unknown, kind, json!({})).resource;
            let (ledger, _) = ledger_for(&r, &catalog.classify(kind).unwrap(), &ctx, &[]);
            let entry = ledger[&duty].clone();
            assert_eq!(entry.status, Status::Unknown, "{kind} {duty}");
            entry.reason
        };
        // Dropbox does not show members' two-step state: how to check it.
        let member = unknown("dropbox.business.member", Duty::IdentityAccess);
        assert!(member.contains("check by hand: "), "{member}");
        // Lambda's note says why the runtime is the customer's, not how to
        // check it: no "check by hand" on an unknown.
        let lambda = unknown("aws.lambda.function", Duty::RuntimeUpdates);
        assert!(!lambda.contains("check by hand"), "{lambda}");
    }

    #[test]
    fn ledger_rolls_up_and_explains() {
        let bucket = fx(
            "b",
            Status::Unaddressed,
            "aws.s3.bucket",
            json!({
                "public_access": {"blocked": true, "acl_grants_public": true},
                "encryption_at_rest": {"enabled": true},
            }),
        )
        .resource;
        let class = classification(
            "aws.s3.bucket",
            ServiceModel::Paas,
            &[
                (Duty::GuestOsPatching, Owner::Provider),
                (Duty::EncryptionAtRest, Owner::Shared),
            ],
            &[Duty::RuntimeUpdates],
        );
        let (ledger, findings) = ledger_for(&bucket, &class, &Context::new(reference_time()), &[]);
        assert_eq!(ledger.len(), Duty::ALL.len());

        let public = &ledger[&Duty::PublicAccess];
        assert_eq!(
            public.status,
            Status::Unaddressed,
            "PUB001 addressed + PUB002 unaddressed rolls up to unaddressed"
        );
        assert!(public.reason.contains("PUB002"), "{}", public.reason);
        assert_eq!(public.rules, vec!["PUB001", "PUB002"]);

        let patching = &ledger[&Duty::GuestOsPatching];
        assert_eq!(patching.status, Status::NotApplicable);
        assert!(
            patching
                .reason
                .starts_with("the provider's duty under paas (layer guest-os)"),
            "{}",
            patching.reason
        );

        assert_eq!(ledger[&Duty::RuntimeUpdates].status, Status::NotApplicable);
        assert_eq!(ledger[&Duty::RuntimeUpdates].reason, "nothing to protect");

        let enc = &ledger[&Duty::EncryptionAtRest];
        assert_eq!(
            (enc.owner, enc.status),
            (Some(Owner::Shared), Status::Addressed)
        );

        // No rule checks identity-access on a bucket: a customer duty nothing speaks to is unknown.
        let identity = &ledger[&Duty::IdentityAccess];
        assert_eq!(identity.status, Status::Unknown);
        assert!(
            identity
                .reason
                .contains("no onus rule checks identity-access"),
            "{}",
            identity.reason
        );

        // Findings: every non-NA outcome, with owner and severity.
        let pub002 = findings
            .iter()
            .find(|f| f.rule == "PUB002")
            .expect("PUB002 finding");
        assert_eq!(pub002.status, Status::Unaddressed);
        assert_eq!(pub002.owner, Owner::Customer);
        assert!(findings.iter().all(|f| f.status != Status::NotApplicable));
    }

    #[test]
    fn unknown_outcomes_name_the_collection_gap() {
        let instance = fx(
            "i",
            Status::Unknown,
            "aws.ec2.instance",
            json!({"identity": {"imds_v2_required": true}}),
        )
        .resource;
        let class = classification("aws.ec2.instance", ServiceModel::Iaas, &[], &[]);
        let gap = Gap {
            provider: Provider::Aws,
            account: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            service: "ssm".into(),
            operation: "DescribeInstanceInformation".into(),
            cause: GapCause::AccessDenied,
            error:
                "AccessDeniedException: not authorized to perform ssm:DescribeInstanceInformation"
                    .into(),
            kinds: vec!["aws.ec2.instance".into()],
            facets: vec!["patching".into()],
            resources: vec![],
        };
        let (ledger, _) = ledger_for(&instance, &class, &Context::new(reference_time()), &[gap]);
        let patching = &ledger[&Duty::GuestOsPatching];
        assert_eq!(
            patching.status,
            Status::Unknown,
            "a failed read is never addressed or unaddressed"
        );
        assert!(
            patching.reason.contains(
                "ssm:DescribeInstanceInformation in 111122223333/eu-west-1 failed (access-denied"
            ),
            "{}",
            patching.reason
        );
        assert_eq!(ledger[&Duty::IdentityAccess].status, Status::Addressed);
        assert!(
            !ledger[&Duty::IdentityAccess].reason.contains("ssm"),
            "gaps only explain the facets they feed"
        );
    }

    #[test]
    fn the_gap_index_explains_exactly_the_resources_a_failure_names() {
        let mut named = fx("i", Status::Unknown, "aws.ec2.instance", json!({})).resource;
        named.id = "arn:aws:ec2:eu-west-1:111122223333:instance/i-named".into();
        let mut other = named.clone();
        other.id = "arn:aws:ec2:eu-west-1:111122223333:instance/i-other".into();
        let mut resources: Vec<String> = (0..10_000).map(|i| format!("i-{i}")).collect();
        resources.push(named.id.clone());
        let gap = Gap {
            provider: Provider::Aws,
            account: None,
            region: None,
            service: "ssm".into(),
            operation: "DescribeInstancePatchStates".into(),
            cause: GapCause::ApiError,
            error: "boom".into(),
            kinds: vec![],
            facets: vec!["patching".into()],
            resources,
        };
        let gaps = [gap];
        let index = GapIndex::new(&gaps);
        for (r, expected) in [(&named, 1), (&other, 0)] {
            assert_eq!(
                index.explaining(r, &["patching"]).count(),
                expected,
                "{}",
                r.id
            );
            assert_eq!(usize::from(gaps[0].affects(r, "patching")), expected);
            assert_eq!(index.explaining(r, &["identity"]).count(), 0);
        }
    }

    fn test_run() -> RunInfo {
        RunInfo {
            onus_version: "test".into(),
            generated_at: reference_time(),
            reference_time: reference_time(),
            inventory: None,
            collected_at: None,
            catalog: onus_model::CatalogInfo {
                source: "test".into(),
                sha256: String::new(),
            },
            rules: 0,
        }
    }

    #[test]
    fn audit_counts_and_orders() {
        let inv = Inventory {
            resources: vec![
                fx(
                    "ok",
                    Status::Addressed,
                    "aws.ec2.volume",
                    json!({"encryption_at_rest": {"enabled": true}}),
                )
                .resource,
                fx(
                    "bad",
                    Status::Unaddressed,
                    "aws.ec2.volume",
                    json!({"encryption_at_rest": {"enabled": false}}),
                )
                .resource,
            ],
            ..Inventory::default()
        };
        let class = classification("aws.ec2.volume", ServiceModel::Iaas, &[], &[]);
        let run = test_run();
        let report = audit(
            &inv,
            &|_| class.clone(),
            &Context::new(reference_time()),
            run,
        );
        assert_eq!(report.run.rules, registry().len());
        assert_eq!(report.summary.resources, 2);
        assert_eq!(
            report.summary.duties[&Duty::EncryptionAtRest].unaddressed,
            1
        );
        assert_eq!(report.summary.duties[&Duty::EncryptionAtRest].addressed, 1);
        assert_eq!(report.findings[0].status, Status::Unaddressed, "gaps first");
        assert!(report.summary.complete);
        assert!(report.summary.coverage > 0.0 && report.summary.coverage < 1.0);
        // The report carries the rules behind its findings, and only those.
        let mut codes: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut carried: Vec<&str> = report.rules.iter().map(|r| r.code.as_str()).collect();
        carried.sort_unstable();
        assert_eq!(carried, codes);
        let first = &report.rules[0];
        let meta = crate::find(&first.code).unwrap().meta();
        assert_eq!(first.title, meta.title);
        assert!(
            first.help.starts_with("## What it checks"),
            "{}",
            first.help
        );
    }

    #[test]
    fn enumerated_resources_are_unknown_and_counted_in_the_coverage() {
        let mut seen = fx(
            "seen",
            Status::Unknown,
            "aws.ec2.volume",
            // Even a facet that would fail the rule is not read: enumeration only.
            json!({"encryption_at_rest": {"enabled": false}}),
        )
        .resource;
        seen.enumerated_only = true;
        let deep = fx(
            "deep",
            Status::Unaddressed,
            "aws.ec2.volume",
            json!({"encryption_at_rest": {"enabled": false}}),
        )
        .resource;
        let inv = Inventory {
            resources: vec![seen, deep],
            sources: vec![onus_model::EnumerationSource {
                provider: Provider::Aws,
                account: "1".into(),
                region: Some("us-east-1".into()),
                source: "resourcegroupstaggingapi".into(),
                status: onus_model::SourceStatus::Used,
                resources: 1,
                detail: None,
            }],
            ..Inventory::default()
        };
        let class = classification("aws.ec2.volume", ServiceModel::Iaas, &[], &[]);
        let run = test_run();
        let report = audit(
            &inv,
            &|_| class.clone(),
            &Context::new(reference_time()),
            run,
        );
        let seen = &report.resources[0];
        let entry = &seen.duties[&Duty::EncryptionAtRest];
        assert_eq!(entry.status, Status::Unknown);
        assert!(
            entry
                .reason
                .starts_with("enumerated, not evaluated in depth")
        );
        assert!(report.findings.iter().all(|f| !f.resource.contains("seen")));
        let c = &report.coverage;
        assert_eq!(
            (
                c.totals.resources,
                c.totals.evaluated,
                c.totals.enumerated_only
            ),
            (2, 1, 1)
        );
        assert_eq!(c.totals.enumerated_only_kinds, 1);
        assert_eq!(c.kinds["aws.ec2.volume"].enumerated_only, 1);
        assert_eq!(c.sources.len(), 1);
        assert_eq!(
            c.line(),
            "2 resources · 1 evaluated in depth · 1 enumerated only (1 kind) · 0 unclassified"
        );
    }
}
