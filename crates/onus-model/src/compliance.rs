//! The compliance view of a report: per framework, each control with who owns
//! it per service model and the status of the customer's part.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ledger::Finding;
use crate::report::{ReportResource, StatusCounts};
use crate::vocabulary::{ControlStatus, Duty, Owner, ServiceModel, Status};

/// Who owns a control under each cloud service model (the CSA CCM's shared
/// security responsibility model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ownership {
    /// Owner under infrastructure as a service.
    pub iaas: Owner,
    /// Owner under platform as a service.
    pub paas: Owner,
    /// Owner under software as a service.
    pub saas: Owner,
}

impl Ownership {
    /// The owner for a resource of `model`; on premises the customer owns everything.
    pub const fn owner(&self, model: ServiceModel) -> Owner {
        match model {
            ServiceModel::Iaas => self.iaas,
            ServiceModel::Paas => self.paas,
            ServiceModel::Saas => self.saas,
            ServiceModel::OnPremises => Owner::Customer,
        }
    }
}

/// One resource where a control's customer part does not hold, or could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlGap {
    /// The resource's identifier.
    pub resource: String,
    /// The resource's kind.
    pub kind: String,
    /// Who owns the control for this resource (from its service model); absent
    /// when the resource is unclassified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// `unaddressed` or `unknown`.
    pub status: Status,
}

/// One control of a framework, assessed over the run's resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlResult {
    /// The control's identifier in its framework (`CEK-03`, `2.1.1`, `SC-28`).
    pub id: String,
    /// A short title, in onus's words.
    pub title: String,
    /// The domain or section it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Who owns it per service model, where the framework says (CSA CCM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Ownership>,
    /// The duties whose ledger statuses evidence it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<Duty>,
    /// The rules whose conclusions evidence it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Why it is verified by hand, for a control no API shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
    /// The rolled-up status.
    pub status: ControlStatus,
    /// Why, in one sentence.
    pub reason: String,
    /// Resources per status of the customer's part (`not_applicable`: the
    /// provider owns it for that resource's service model).
    pub counts: StatusCounts,
    /// Resources per owner of the control.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub owners: BTreeMap<Owner, usize>,
    /// The resources with gaps: unaddressed first, then unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<ControlGap>,
}

/// Controls per status, and how many onus assesses from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlSummary {
    /// Controls in the framework.
    pub controls: usize,
    /// Controls assessed from duties and rules (the rest are verified by hand).
    pub automated: usize,
    /// Controls per status.
    pub statuses: BTreeMap<ControlStatus, usize>,
}

/// One framework's compliance view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkResult {
    /// Its identifier (`ccm-4.0`, `cis-aws-5.0`, `nist-800-53-r5`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The version of the framework.
    pub version: String,
    /// Where its control ids and ownership come from.
    pub source: String,
    /// Totals.
    pub summary: ControlSummary,
    /// Every control, in the framework's order.
    pub controls: Vec<ControlResult>,
}

/// Who owns a control for `resource` and the status of the customer's part,
/// or `None` when nothing the control checks applies to the resource: the one
/// definition the assessment and every per-resource output share.
///
/// The owner comes from `ownership` for the resource's service model (on
/// premises: the customer); without it, from the ledger's owners of the mapped
/// duties and rules. A provider-owned control is `not_applicable`. Otherwise
/// the status rolls up the mapped duties' ledger statuses and the mapped
/// rules' conclusions on the resource (`findings`, the resource's own):
/// unaddressed if any is, else unknown if any is, else addressed.
pub fn control_on_resource(
    ownership: Option<&Ownership>,
    duties: &[Duty],
    rules: &[String],
    resource: &ReportResource,
    findings: &[&Finding],
) -> Option<(Option<Owner>, Status)> {
    let framework_owner = match (ownership, resource.service_model) {
        (Some(o), Some(model)) => Some(o.owner(model)),
        _ => None,
    };
    let mut status = Status::NotApplicable;
    let mut ledger_owner: Option<Owner> = None;
    // Customer over shared over provider: the strongest claim on the customer.
    let mut note_owner = |o: Owner| ledger_owner = Some(ledger_owner.map_or(o, |p| p.min(o)));
    for duty in duties {
        let Some(entry) = resource.duties.get(duty) else {
            continue;
        };
        match entry.owner {
            Some(Owner::Provider) => note_owner(Owner::Provider),
            Some(o) => {
                note_owner(o);
                status = status.roll_up(entry.status);
            }
            // An unclassified resource: nobody knows who owns it, so unknown.
            None => status = status.roll_up(entry.status),
        }
    }
    for f in findings {
        if rules.contains(&f.rule) && f.owner.is_customers() {
            note_owner(f.owner);
            status = status.roll_up(f.status);
        }
    }
    if status == Status::NotApplicable {
        return None;
    }
    Some(match framework_owner {
        Some(Owner::Provider) => (Some(Owner::Provider), Status::NotApplicable),
        Some(o) => (Some(o), status),
        None if resource.service_model.is_none() => (None, status),
        None => (ledger_owner, status),
    })
}
