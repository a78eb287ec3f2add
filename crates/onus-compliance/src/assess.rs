//! From the ledger to per-control status, with the owner per resource.

use std::collections::{BTreeMap, HashMap};

use onus_model::{
    AuditReport, ControlGap, ControlResult, ControlStatus, ControlSummary, Finding,
    FrameworkResult, Owner, ReportResource, ServiceModel, Status, StatusCounts,
};

use crate::framework::{Control, Framework};

/// The compliance view of `report` for each of `frameworks`.
pub fn assess(frameworks: &[&Framework], report: &AuditReport) -> Vec<FrameworkResult> {
    let findings = findings_by_resource(&report.findings);
    frameworks
        .iter()
        .map(|f| assess_framework(f, &report.resources, &findings))
        .collect()
}

/// The findings of each resource, for controls evidenced by rules.
fn findings_by_resource(findings: &[Finding]) -> HashMap<&str, Vec<&Finding>> {
    let mut by: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings {
        by.entry(f.resource.as_str()).or_default().push(f);
    }
    by
}

/// One framework over the resources (with their findings).
pub fn assess_framework(
    framework: &Framework,
    resources: &[ReportResource],
    findings: &HashMap<&str, Vec<&Finding>>,
) -> FrameworkResult {
    let mut summary = ControlSummary {
        controls: framework.controls.len(),
        automated: framework.automated(),
        statuses: BTreeMap::new(),
    };
    // Looked up once, not once per control.
    let per_resource: Vec<&[&Finding]> = resources
        .iter()
        .map(|r| findings.get(r.id.as_str()).map_or(&[][..], Vec::as_slice))
        .collect();
    let scope = Scope {
        resources,
        findings: &per_resource,
        models: {
            let mut models: BTreeMap<Option<ServiceModel>, usize> = BTreeMap::new();
            for r in resources {
                *models.entry(r.service_model).or_default() += 1;
            }
            models
        },
    };
    let controls: Vec<ControlResult> = framework
        .controls
        .iter()
        .map(|c| {
            let result = assess_control(framework, c, &scope);
            *summary.statuses.entry(result.status).or_default() += 1;
            result
        })
        .collect();
    FrameworkResult {
        id: framework.id.clone(),
        title: framework.title.clone(),
        version: framework.version.clone(),
        source: framework.source.clone(),
        summary,
        controls,
    }
}

/// Who owns `control` for `resource` and the status of the customer's part,
/// or `None` when nothing the control checks applies to the resource (see
/// [`onus_model::control_on_resource`]). A manual control yields the owner
/// with `unknown` ("verify by hand"), or `not_applicable` where the provider
/// owns it.
pub fn control_resource(
    control: &Control,
    resource: &ReportResource,
    findings: &[&Finding],
) -> Option<(Option<Owner>, Status)> {
    if control.is_automated() {
        return onus_model::control_on_resource(
            control.ownership.as_ref(),
            &control.duties,
            &control.rules,
            resource,
            findings,
        );
    }
    let owner = match (&control.ownership, resource.service_model) {
        (Some(o), Some(model)) => Some(o.owner(model)),
        (Some(_), None) => None,
        (None, _) => Some(Owner::Customer),
    };
    let status = if owner == Some(Owner::Provider) {
        Status::NotApplicable
    } else {
        Status::Unknown
    };
    Some((owner, status))
}

/// The resources of a run, with what every control reads of them.
struct Scope<'a> {
    resources: &'a [ReportResource],
    /// The findings of each resource, in the order of `resources`.
    findings: &'a [&'a [&'a Finding]],
    /// Resources per service model (`None`: unclassified).
    models: BTreeMap<Option<ServiceModel>, usize>,
}

/// A manual control's owners: one per resource, from its service model alone,
/// so counted per service model rather than per resource.
fn manual_owners(control: &Control, scope: &Scope<'_>) -> (BTreeMap<Owner, usize>, usize, usize) {
    let mut owners: BTreeMap<Owner, usize> = BTreeMap::new();
    let (mut seen, mut customers) = (0, 0);
    for (model, n) in &scope.models {
        let owner = match (&control.ownership, model) {
            (Some(o), Some(m)) => Some(o.owner(*m)),
            (Some(_), None) => None,
            (None, _) => Some(Owner::Customer),
        };
        seen += n;
        if let Some(o) = owner {
            *owners.entry(o).or_default() += n;
        }
        if owner != Some(Owner::Provider) {
            customers += n;
        }
    }
    (owners, seen, customers)
}

fn assess_control(framework: &Framework, control: &Control, scope: &Scope<'_>) -> ControlResult {
    let mut counts = StatusCounts::default();
    let mut owners: BTreeMap<Owner, usize> = BTreeMap::new();
    let mut gaps = Vec::new();
    let mut customers = 0usize;
    let mut resources_seen = 0usize;
    if !control.is_automated() {
        (owners, resources_seen, customers) = manual_owners(control, scope);
    }
    let automated = if control.is_automated() {
        scope.resources
    } else {
        &[]
    };
    for (r, fs) in automated.iter().zip(scope.findings) {
        let Some((owner, status)) = control_resource(control, r, fs) else {
            continue;
        };
        resources_seen += 1;
        if let Some(o) = owner {
            *owners.entry(o).or_default() += 1;
        }
        if owner != Some(Owner::Provider) {
            customers += 1;
        }
        counts.add(status);
        if matches!(status, Status::Unaddressed | Status::Unknown) {
            gaps.push(ControlGap {
                resource: r.id.clone(),
                kind: r.kind.clone(),
                owner,
                status,
            });
        }
    }
    gaps.sort_by(|a, b| (a.status, &a.resource).cmp(&(b.status, &b.resource)));
    let (status, reason) = if let Some(why) = &control.manual {
        if resources_seen > 0 && customers == 0 {
            (
                ControlStatus::NotApplicable,
                "the provider owns it for every resource in scope".to_owned(),
            )
        } else {
            (ControlStatus::Manual, format!("verify by hand: {why}"))
        }
    } else {
        let status = [Status::Unaddressed, Status::Unknown, Status::Addressed]
            .into_iter()
            .find(|s| counts.get(*s) > 0)
            .unwrap_or(Status::NotApplicable);
        let applicable = counts.unaddressed + counts.unknown + counts.addressed;
        let reason = match status {
            Status::Unaddressed => format!(
                "unaddressed on {} of {applicable} resource(s){}",
                counts.unaddressed,
                if counts.unknown > 0 {
                    format!(", unknown on {}", counts.unknown)
                } else {
                    String::new()
                }
            ),
            Status::Unknown => format!(
                "not observed on {} of {applicable} resource(s)",
                counts.unknown
            ),
            Status::Addressed => format!("addressed on all {applicable} resource(s) it applies to"),
            Status::NotApplicable if counts.not_applicable > 0 => {
                "the provider owns it for every resource in scope".to_owned()
            }
            Status::NotApplicable => "nothing it checks is in scope".to_owned(),
        };
        (ControlStatus::from(status), reason)
    };
    ControlResult {
        id: control.id.clone(),
        title: control.title.clone(),
        domain: framework.domain_title(control).map(str::to_owned),
        ownership: control.ownership,
        duties: control.duties.clone(),
        rules: control.rules.clone(),
        manual: control.manual.clone(),
        status,
        reason,
        counts,
        owners,
        gaps,
    }
}

/// A control whose owner changes when a resource moves between service models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerChange<'f> {
    /// The control.
    pub control: &'f Control,
    /// Its owner before the move.
    pub from: Owner,
    /// Its owner after.
    pub to: Owner,
}

/// The controls of `framework` whose owner differs between `from` and `to`
/// (only frameworks that give ownership have any).
pub fn owner_changes(
    framework: &Framework,
    from: ServiceModel,
    to: ServiceModel,
) -> Vec<OwnerChange<'_>> {
    framework
        .controls
        .iter()
        .filter_map(|c| {
            let o = c.ownership?;
            let (a, b) = (o.owner(from), o.owner(to));
            (a != b).then_some(OwnerChange {
                control: c,
                from: a,
                to: b,
            })
        })
        .collect()
}
