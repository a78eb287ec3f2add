//! Planning and verification.

use std::collections::BTreeMap;

use onus_catalog::{Catalog, Strategy};
use onus_model::{AuditReport, Duty, Layer, Owner, ServiceModel, Status};
use serde::{Deserialize, Serialize};

use crate::assets::{Asset, Classification};

/// The schema identifier of the JSON plan.
pub const PLAN_SCHEMA: &str = "onus.plan/v1";

/// A target cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    /// AWS (and, for repurchase, the SaaS products the catalog pairs with it).
    Aws,
    /// Azure (and Microsoft's SaaS).
    Azure,
}

impl Cloud {
    /// The stable spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Azure => "azure",
        }
    }
}

/// What happens to a duty that the customer owns on premises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shift {
    /// The provider takes it over.
    Moves,
    /// Customer and provider share it.
    Shared,
    /// It stays with the customer.
    Stays,
    /// It has no object on the target.
    NotApplicable,
}

impl Shift {
    /// The stable spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Shift::Moves => "moves",
            Shift::Shared => "shared",
            Shift::Stays => "stays",
            Shift::NotApplicable => "not-applicable",
        }
    }
}

/// One duty before and after the move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyShift {
    /// The duty.
    pub duty: Duty,
    /// Its layer.
    pub layer: Layer,
    /// Owner on premises (always the customer).
    pub before: Owner,
    /// Owner on the target; absent when the duty has no object there.
    pub after: Option<Owner>,
    /// The shift.
    pub shift: Shift,
    /// Why, where the catalog says (provider shifts, not-applicable reasons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A rule that will verify a control after the move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// Rule code.
    pub code: String,
    /// Rule title.
    pub title: String,
}

/// A control to put in place for a duty that stays (or is shared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlItem {
    /// The duty.
    pub duty: Duty,
    /// `high`, `medium` or `low`, from classification and exposure.
    pub priority: String,
    /// The score behind the priority (higher first).
    pub score: u8,
    /// The rules that will verify it; empty when onus cannot observe it (verify by hand).
    pub rules: Vec<RuleRef>,
    /// A setting that does not exist on premises: a new control to set up.
    pub new_in_cloud: bool,
}

/// Verification of one planned customer duty against an audit report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The duty.
    pub duty: Duty,
    /// Its status on the deployed resources (rolled up); unknown when none is deployed.
    pub status: Status,
    /// The deployed resources matched.
    pub resources: Vec<String>,
    /// Why.
    pub reason: String,
}

/// One (asset, strategy, cloud) target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetPlan {
    /// Strategy.
    pub strategy: Strategy,
    /// Cloud.
    pub cloud: Cloud,
    /// Target resource kind.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// Its service model.
    pub service_model: ServiceModel,
    /// Every layer of the stack: its owner on the target (customer on premises).
    pub layers: Vec<(Layer, Owner)>,
    /// Every duty before and after.
    pub duties: Vec<DutyShift>,
    /// Controls for the duties that stay or are shared, highest priority first.
    pub checklist: Vec<ControlItem>,
    /// With `--verify`: the deployed state of each checklist duty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Vec<Verification>>,
}

impl TargetPlan {
    /// Count of duties with `shift`.
    pub fn count(&self, shift: Shift) -> usize {
        self.duties.iter().filter(|d| d.shift == shift).count()
    }
}

/// An asset with its targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedAsset {
    /// The asset as read.
    pub asset: Asset,
    /// Its candidate targets.
    pub targets: Vec<TargetPlan>,
}

/// Duty-instances per (strategy, cloud).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Strategy.
    pub strategy: Strategy,
    /// Cloud.
    pub cloud: Cloud,
    /// Assets with a target under this strategy and cloud.
    pub assets: usize,
    /// Duty-instances that move to the provider.
    pub moves: usize,
    /// Duty-instances that become shared.
    pub shared: usize,
    /// Duty-instances that stay with the customer.
    pub stays: usize,
    /// Duty-instances whose controls are new in the cloud (of those that stay or are shared).
    pub appears: usize,
    /// Duty-instances with no object on the target.
    pub not_applicable: usize,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Always `onus.plan/v1`.
    pub schema: String,
    /// Clouds planned for.
    pub clouds: Vec<Cloud>,
    /// Every asset with its targets.
    pub assets: Vec<PlannedAsset>,
    /// Totals per strategy and cloud.
    pub totals: Vec<Totals>,
    /// With `--framework`: the controls whose owner changes with each move
    /// between service models the plan makes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<OwnershipShift>,
}

/// The controls of a framework whose owner changes between two service models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnershipShift {
    /// The framework's id.
    pub framework: String,
    /// The service model the workload leaves (on premises: the customer owns everything).
    pub from: ServiceModel,
    /// The service model it moves to.
    pub to: ServiceModel,
    /// Every control that changes owner.
    pub controls: Vec<ControlShift>,
}

/// One control's owner before and after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlShift {
    /// The control's id.
    pub id: String,
    /// Its short title.
    pub title: String,
    /// Its owner before.
    pub from: Owner,
    /// Its owner after.
    pub to: Owner,
}

impl Plan {
    /// The moves between service models the plan makes: from on premises to
    /// each target's model, and from IaaS to PaaS or SaaS where the plan
    /// offers both (rehost against replatform or repurchase).
    pub fn model_moves(&self) -> Vec<(ServiceModel, ServiceModel)> {
        let models: std::collections::BTreeSet<ServiceModel> = self
            .assets
            .iter()
            .flat_map(|a| a.targets.iter().map(|t| t.service_model))
            .collect();
        let mut moves: Vec<(ServiceModel, ServiceModel)> = models
            .iter()
            .filter(|m| **m != ServiceModel::OnPremises)
            .map(|m| (ServiceModel::OnPremises, *m))
            .collect();
        if models.contains(&ServiceModel::Iaas) {
            for m in [ServiceModel::Paas, ServiceModel::Saas] {
                if models.contains(&m) {
                    moves.push((ServiceModel::Iaas, m));
                }
            }
        }
        moves
    }
}

fn weight(c: Classification) -> u8 {
    match c {
        Classification::Public => 0,
        Classification::Internal => 1,
        Classification::Confidential => 2,
        Classification::Restricted => 3,
    }
}

/// The priority of a control: classification, plus exposure for the duties that
/// guard the way in, plus sensitivity for the duties that guard the data.
fn score(asset: &Asset, duty: Duty) -> u8 {
    let mut s = weight(asset.classification);
    if asset.internet_facing
        && matches!(
            duty,
            Duty::PublicAccess | Duty::Firewall | Duty::EncryptionInTransit | Duty::IdentityAccess
        )
    {
        s += 3;
    }
    if asset.classification >= Classification::Confidential
        && matches!(
            duty,
            Duty::EncryptionAtRest | Duty::PublicAccess | Duty::Backup
        )
    {
        s += 2;
    }
    if asset.internet_facing && duty == Duty::GuestOsPatching {
        s += 1;
    }
    s
}

fn target(
    catalog: &Catalog,
    asset: &Asset,
    strategy: Strategy,
    cloud: Cloud,
    kind: &str,
) -> Option<TargetPlan> {
    let class = catalog.classify(kind)?;
    let onprem = catalog.classify("onprem.server");
    let mut duties = Vec::new();
    let mut checklist = Vec::new();
    for (&duty, a) in &class.duties {
        let (after, shift) = match (&a.not_applicable, a.owner) {
            (Some(_), _) => (None, Shift::NotApplicable),
            (None, Owner::Provider) => (Some(Owner::Provider), Shift::Moves),
            (None, Owner::Shared) => (Some(Owner::Shared), Shift::Shared),
            (None, Owner::Customer) => (Some(Owner::Customer), Shift::Stays),
        };
        duties.push(DutyShift {
            duty,
            layer: a.layer,
            before: Owner::Customer,
            after,
            shift,
            note: a.not_applicable.clone().or(a.note.clone()),
        });
        if matches!(shift, Shift::Stays | Shift::Shared) {
            let rules: Vec<&dyn onus_rules::Rule> = onus_rules::registry()
                .iter()
                .copied()
                .filter(|r| r.meta().duty == duty && class.rules.iter().any(|c| c == r.meta().code))
                .collect();
            // New in the cloud: every rule that checks it here is about a cloud-only setting.
            let new_in_cloud = onprem.as_ref().is_some_and(|o| {
                !rules.is_empty()
                    && rules
                        .iter()
                        .all(|r| !o.rules.iter().any(|c| c == r.meta().code))
            });
            let s = score(asset, duty);
            checklist.push(ControlItem {
                duty,
                priority: (if s >= 5 {
                    "high"
                } else if s >= 3 {
                    "medium"
                } else {
                    "low"
                })
                .to_owned(),
                score: s,
                rules: rules
                    .iter()
                    .map(|r| RuleRef {
                        code: r.meta().code.to_owned(),
                        title: r.meta().title.to_owned(),
                    })
                    .collect(),
                new_in_cloud,
            });
        }
    }
    checklist.sort_by(|a, b| b.score.cmp(&a.score).then(a.duty.cmp(&b.duty)));
    let model = class.service_model?;
    Some(TargetPlan {
        strategy,
        cloud,
        kind: kind.to_owned(),
        title: class.title,
        service_model: model,
        layers: Layer::ALL
            .iter()
            .map(|&l| (l, catalog.layer_owner(model, l)))
            .collect(),
        duties,
        checklist,
        verification: None,
    })
}

/// Plan every asset: the duty shifts and the checklist per target, and the
/// totals per strategy and cloud.
pub fn plan(
    catalog: &Catalog,
    assets: &[Asset],
    clouds: &[Cloud],
    strategy: Option<Strategy>,
) -> Plan {
    let mut totals = TotalsBuilder::default();
    let planned: Vec<PlannedAsset> = assets
        .iter()
        .map(|asset| {
            let planned = plan_asset(catalog, asset, clouds, strategy);
            totals.add(&planned);
            planned
        })
        .collect();
    Plan {
        schema: PLAN_SCHEMA.to_owned(),
        clouds: clouds.to_vec(),
        assets: planned,
        totals: totals.finish(clouds),
        compliance: Vec::new(),
    }
}

/// Plan one asset: a target per strategy and cloud the catalog's migration
/// table offers (narrowed by the asset's own strategy and target, or `strategy`).
pub fn plan_asset(
    catalog: &Catalog,
    asset: &Asset,
    clouds: &[Cloud],
    strategy: Option<Strategy>,
) -> PlannedAsset {
    let mut targets = Vec::new();
    if let Some(table) = catalog.migration(&asset.kind) {
        for (&s, by_cloud) in table {
            if asset.strategy.or(strategy).is_some_and(|want| want != s) {
                continue;
            }
            for &cloud in clouds {
                let Some(kind) = by_cloud.get(cloud.as_str()) else {
                    continue;
                };
                if asset.target.as_ref().is_some_and(|t| t != kind) {
                    continue;
                }
                targets.extend(target(catalog, asset, s, cloud, kind));
            }
        }
    }
    PlannedAsset {
        asset: asset.clone(),
        targets,
    }
}

/// The totals per strategy and cloud, counted one planned asset at a time.
#[derive(Debug, Default)]
pub struct TotalsBuilder {
    counts: BTreeMap<(Strategy, Cloud), [usize; 6]>,
}

impl TotalsBuilder {
    /// Count `planned`'s targets.
    pub fn add(&mut self, planned: &PlannedAsset) {
        for t in &planned.targets {
            let c = self.counts.entry((t.strategy, t.cloud)).or_default();
            c[0] += 1;
            c[1] += t.count(Shift::Moves);
            c[2] += t.count(Shift::Shared);
            c[3] += t.count(Shift::Stays);
            c[4] += t.checklist.iter().filter(|c| c.new_in_cloud).count();
            c[5] += t.count(Shift::NotApplicable);
        }
    }

    /// The totals, by strategy then in the order of `clouds`.
    pub fn finish(self, clouds: &[Cloud]) -> Vec<Totals> {
        let mut totals = Vec::new();
        for s in Strategy::ALL {
            for &cloud in clouds {
                let Some(c) = self.counts.get(&(s, cloud)) else {
                    continue;
                };
                totals.push(Totals {
                    strategy: s,
                    cloud,
                    assets: c[0],
                    moves: c[1],
                    shared: c[2],
                    stays: c[3],
                    appears: c[4],
                    not_applicable: c[5],
                });
            }
        }
        totals
    }
}

/// The tag that ties a deployed resource to a planned asset.
pub const ASSET_TAG: &str = "onus:asset";

/// Verify a plan against an audit report: for each target, the resources of the
/// target's kind tagged `onus:asset=<asset name>`, and per checklist duty their
/// rolled-up status (unknown when nothing is deployed).
pub fn verify(plan: &mut Plan, report: &AuditReport) {
    let verifier = Verifier::new(report);
    for pa in &mut plan.assets {
        verifier.verify(pa);
    }
}

/// A report's deployed resources indexed by kind and asset tag, to verify
/// planned assets one at a time.
#[derive(Debug)]
pub struct Verifier<'r> {
    deployed: std::collections::HashMap<(&'r str, &'r str), Vec<&'r onus_model::ReportResource>>,
}

impl<'r> Verifier<'r> {
    /// Index `report`'s resources that carry the asset tag.
    pub fn new(report: &'r AuditReport) -> Verifier<'r> {
        let mut deployed: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
        for r in &report.resources {
            if let Some(asset) = r.tags.get(ASSET_TAG) {
                deployed
                    .entry((r.kind.as_str(), asset.as_str()))
                    .or_default()
                    .push(r);
            }
        }
        Verifier { deployed }
    }

    /// Fill in the verification of every target of `pa`.
    pub fn verify(&self, pa: &mut PlannedAsset) {
        for t in &mut pa.targets {
            let deployed: &[&onus_model::ReportResource] = self
                .deployed
                .get(&(t.kind.as_str(), pa.asset.name.as_str()))
                .map_or(&[], Vec::as_slice);
            let checks = t
                .checklist
                .iter()
                .map(|c| {
                    if deployed.is_empty() {
                        return Verification {
                            duty: c.duty,
                            status: Status::Unknown,
                            resources: vec![],
                            reason: format!(
                                "no {} tagged {ASSET_TAG}={} in the report",
                                t.kind, pa.asset.name
                            ),
                        };
                    }
                    let mut status = Status::NotApplicable;
                    let mut reasons = Vec::new();
                    for r in deployed {
                        if let Some(e) = r.duties.get(&c.duty) {
                            status = status.roll_up(e.status);
                            reasons.push(format!(
                                "{}: {}",
                                r.name.as_deref().unwrap_or(&r.id),
                                e.reason
                            ));
                        }
                    }
                    Verification {
                        duty: c.duty,
                        status,
                        resources: deployed.iter().map(|r| r.id.clone()).collect(),
                        reason: reasons.join("; "),
                    }
                })
                .collect();
            t.verification = Some(checks);
        }
    }
}
