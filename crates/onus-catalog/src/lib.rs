//! The classifier and the responsibility matrix.
//!
//! The catalog is data (`config/catalog.toml`, embedded in the binary): the
//! default owner of each [`Layer`] under each [`ServiceModel`], and for each
//! resource kind its service model plus the duties the provider shifted. A user
//! file of the same format can be merged over it ([`Catalog::with_override`]),
//! so a kind can be reclassified or a duty shifted without recompiling.

pub mod mapping;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use onus_model::{
    CatalogInfo, Classification, Duty, DutyAssignment, Gap, Inventory, Layer, Owner, Resource,
    ServiceModel, is_valid_kind,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The catalog shipped with onus.
pub const BUILTIN_CATALOG: &str = include_str!("../../../config/catalog.toml");

/// The schema identifier of catalog files.
pub const CATALOG_SCHEMA: &str = "onus.catalog/v1";

/// Why a catalog (built-in or override) could not be used. Every variant names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// Not valid TOML, or a value of the wrong type or spelling.
    #[error("{source_name}:{line}:{column}: {message}")]
    Parse {
        /// The file's name.
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// Well-formed, but not a usable catalog.
    #[error("{source_name}: at {path}: {message}")]
    Invalid {
        /// The file's name.
        source_name: String,
        /// The offending key (`matrix.paas`, `kinds."aws.s3.bucket".service_model`).
        path: String,
        /// What was wrong.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    schema: Option<String>,
    #[serde(default)]
    matrix: BTreeMap<ServiceModel, BTreeMap<Layer, Owner>>,
    #[serde(default)]
    kinds: BTreeMap<String, KindFile>,
    #[serde(default)]
    services: BTreeMap<String, ServiceFile>,
    #[serde(default)]
    migration: BTreeMap<String, BTreeMap<Strategy, BTreeMap<String, String>>>,
    #[serde(default)]
    duty_scope: BTreeMap<Duty, DutyScopeFile>,
}

/// `[duty_scope.<duty>]`: a duty that has an object on some kinds only.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DutyScopeFile {
    /// The kinds the duty applies to (added to the built-in list).
    #[serde(default)]
    kinds: Vec<String>,
    /// Its owner on those kinds in every service model, when the layer's
    /// default does not say it (threat detection is the customer's everywhere).
    owner: Option<Owner>,
    /// Why it has no object on every other kind.
    reason: Option<String>,
}

/// A duty that has an object on some kinds only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyScope {
    /// The kinds it applies to.
    pub kinds: std::collections::BTreeSet<String>,
    /// Its owner on them in every service model, when set.
    pub owner: Option<Owner>,
    /// Why it has no object on every other kind.
    pub reason: String,
}

/// A migration strategy (the "R"s of cloud migration that `onus plan` knows).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Lift and shift onto virtual machines (IaaS).
    Rehost,
    /// Move onto a managed platform (PaaS).
    Replatform,
    /// Rebuild on cloud-native services.
    Refactor,
    /// Replace with a SaaS product.
    Repurchase,
}

impl Strategy {
    /// Every strategy, in order.
    pub const ALL: [Strategy; 4] = [
        Strategy::Rehost,
        Strategy::Replatform,
        Strategy::Refactor,
        Strategy::Repurchase,
    ];

    /// The stable spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Strategy::Rehost => "rehost",
            Strategy::Replatform => "replatform",
            Strategy::Refactor => "refactor",
            Strategy::Repurchase => "repurchase",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFile {
    title: Option<String>,
    service_model: Option<ServiceModel>,
    /// Facet field -> JMESPath expression over `raw`.
    #[serde(default)]
    facets: BTreeMap<String, String>,
    #[serde(default)]
    duties: BTreeMap<Duty, ShiftFile>,
    #[serde(default)]
    not_applicable: BTreeMap<Duty, String>,
    /// The codes of the rules that judge this kind; replaces the built-in list.
    rules: Option<Vec<String>>,
}

/// A whole provider service (`aws.sqs`): every kind under it that has no entry
/// of its own is classified by the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceFile {
    title: String,
    service_model: ServiceModel,
    #[serde(default)]
    duties: BTreeMap<Duty, ShiftFile>,
    #[serde(default)]
    not_applicable: BTreeMap<Duty, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftFile {
    owner: Owner,
    note: Option<String>,
}

/// A file's shifted duties as the catalog keeps them.
fn shifts(duties: BTreeMap<Duty, ShiftFile>) -> BTreeMap<Duty, (Owner, Option<String>)> {
    duties
        .into_iter()
        .map(|(d, s)| (d, (s.owner, s.note)))
        .collect()
}

/// A duty an entry both shifts and marks not applicable: a contradiction.
fn shifted_and_not_applicable(
    duties: &BTreeMap<Duty, ShiftFile>,
    not_applicable: &BTreeMap<Duty, String>,
) -> Option<Duty> {
    duties
        .keys()
        .find(|d| not_applicable.contains_key(d))
        .copied()
}

/// Whether `code` looks like a rule code: capital letters, then digits (`NET001`).
fn is_rule_code(code: &str) -> bool {
    let digits = code.trim_start_matches(|c: char| c.is_ascii_uppercase());
    digits.len() < code.len()
        && !digits.is_empty()
        && digits.len() <= 4
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// One kind's catalog entry, after merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindEntry {
    /// Human title.
    pub title: String,
    /// Service model.
    pub service_model: ServiceModel,
    /// Duties whose owner departs from the service model's default, with the note why.
    pub shifts: BTreeMap<Duty, (Owner, Option<String>)>,
    /// Duties with no object on this kind, with the reason.
    pub not_applicable: BTreeMap<Duty, String>,
    /// The codes of the rules that judge this kind (empty for a service entry).
    pub rules: Vec<String>,
}

/// The merged catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    matrix: BTreeMap<ServiceModel, BTreeMap<Layer, Owner>>,
    kinds: BTreeMap<String, KindEntry>,
    services: BTreeMap<String, KindEntry>,
    mappings: BTreeMap<String, Vec<mapping::FacetMapping>>,
    migration: BTreeMap<String, BTreeMap<Strategy, BTreeMap<String, String>>>,
    duty_scope: BTreeMap<Duty, DutyScope>,
    info: CatalogInfo,
}

impl Catalog {
    /// The catalog shipped with onus.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        let file = parse(BUILTIN_CATALOG, "built-in catalog")?;
        let mut catalog = Catalog {
            matrix: BTreeMap::new(),
            kinds: BTreeMap::new(),
            services: BTreeMap::new(),
            mappings: BTreeMap::new(),
            migration: BTreeMap::new(),
            duty_scope: BTreeMap::new(),
            info: CatalogInfo {
                source: "built-in".to_owned(),
                sha256: String::new(),
            },
        };
        catalog.merge(file, "built-in catalog")?;
        catalog.info.sha256 = sha256_hex(&[BUILTIN_CATALOG]);
        Ok(catalog)
    }

    /// The built-in catalog with `text` (a file of the same format) merged over it:
    /// matrix cells, kinds, and a kind's fields and duties each replace their built-in counterpart.
    pub fn with_override(text: &str, source_name: &str) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::builtin()?;
        let file = parse(text, source_name)?;
        catalog.merge(file, source_name)?;
        catalog.info = CatalogInfo {
            source: source_name.to_owned(),
            sha256: sha256_hex(&[BUILTIN_CATALOG, text]),
        };
        Ok(catalog)
    }

    fn merge(&mut self, file: CatalogFile, source_name: &str) -> Result<(), CatalogError> {
        let invalid = |path: String, message: String| CatalogError::Invalid {
            source_name: source_name.to_owned(),
            path,
            message,
        };
        if let Some(schema) = &file.schema
            && schema != CATALOG_SCHEMA
        {
            return Err(invalid(
                "schema".to_owned(),
                format!(
                    "unsupported catalog schema '{schema}' (this onus reads '{CATALOG_SCHEMA}')"
                ),
            ));
        }
        for (model, layers) in file.matrix {
            self.matrix.entry(model).or_default().extend(layers);
        }
        for model in ServiceModel::ALL {
            let Some(layers) = self.matrix.get(model) else {
                return Err(invalid(
                    format!("matrix.{model}"),
                    "missing service model".to_owned(),
                ));
            };
            if let Some(layer) = Layer::ALL.iter().find(|l| !layers.contains_key(l)) {
                return Err(invalid(
                    format!("matrix.{model}"),
                    format!("missing layer '{layer}'"),
                ));
            }
        }
        for (duty, scope) in file.duty_scope {
            let path = format!("duty_scope.{duty}");
            if let Some(kind) = scope.kinds.iter().find(|k| !is_valid_kind(k)) {
                return Err(invalid(
                    format!("{path}.kinds"),
                    format!("malformed kind '{}'", onus_model::excerpt(kind, 60)),
                ));
            }
            let entry = self.duty_scope.entry(duty).or_insert_with(|| DutyScope {
                kinds: Default::default(),
                owner: None,
                reason: String::new(),
            });
            entry.kinds.extend(scope.kinds);
            if scope.owner.is_some() {
                entry.owner = scope.owner;
            }
            if let Some(reason) = scope.reason {
                entry.reason = reason;
            }
            if entry.reason.trim().is_empty() {
                return Err(invalid(
                    format!("{path}.reason"),
                    "say why the duty has no object on the other kinds".to_owned(),
                ));
            }
        }
        for (kind, entry) in file.kinds {
            let path = format!("kinds.\"{kind}\"");
            if !is_valid_kind(&kind) {
                return Err(invalid(
                    path,
                    "malformed kind (expected dotted lowercase words such as 'aws.ec2.instance')"
                        .to_owned(),
                ));
            }
            if let Some(code) = entry.rules.iter().flatten().find(|c| !is_rule_code(c)) {
                return Err(invalid(
                    format!("{path}.rules"),
                    format!(
                        "malformed rule code '{}' (expected capital letters then digits, such as 'NET001')",
                        onus_model::excerpt(code, 40)
                    ),
                ));
            }
            // One entry says one thing of a duty: shifted to an owner, or not
            // applicable, never both (whether the kind is new or overridden).
            if let Some(duty) = shifted_and_not_applicable(&entry.duties, &entry.not_applicable) {
                return Err(invalid(
                    format!("{path}.not_applicable.{duty}"),
                    "a duty cannot be both shifted and not applicable".to_owned(),
                ));
            }
            // Facet mappings: each field's expression replaces the built-in one.
            let mut compiled = Vec::new();
            for (facet, expression) in &entry.facets {
                let m = mapping::FacetMapping::new(facet, expression)
                    .map_err(|e| invalid(format!("{path}.facets.\"{facet}\""), e.to_string()))?;
                compiled.push(m);
            }
            if !compiled.is_empty() {
                let list = self.mappings.entry(kind.clone()).or_default();
                for m in compiled {
                    list.retain(|x| x.facet != m.facet);
                    list.push(m);
                }
            }
            let merged = match self.kinds.remove(&kind) {
                Some(mut existing) => {
                    if let Some(title) = entry.title {
                        existing.title = title;
                    }
                    if let Some(model) = entry.service_model {
                        existing.service_model = model;
                    }
                    for (duty, shift) in entry.duties {
                        existing.not_applicable.remove(&duty);
                        existing.shifts.insert(duty, (shift.owner, shift.note));
                    }
                    for (duty, reason) in entry.not_applicable {
                        existing.shifts.remove(&duty);
                        existing.not_applicable.insert(duty, reason);
                    }
                    if let Some(rules) = entry.rules {
                        existing.rules = rules;
                    }
                    existing
                }
                None => {
                    let service_model = entry.service_model.ok_or_else(|| {
                        invalid(
                            format!("{path}.service_model"),
                            "a new kind needs a service_model".to_owned(),
                        )
                    })?;
                    KindEntry {
                        title: entry.title.unwrap_or_else(|| kind.clone()),
                        service_model,
                        shifts: shifts(entry.duties),
                        not_applicable: entry.not_applicable,
                        rules: entry.rules.unwrap_or_default(),
                    }
                }
            };
            self.kinds.insert(kind, merged);
        }
        for (service, entry) in file.services {
            let path = format!("services.\"{service}\"");
            if !is_valid_kind(&service) || service.split('.').count() != 2 {
                return Err(invalid(
                    path,
                    "malformed service (expected provider.service, such as 'aws.sqs')".to_owned(),
                ));
            }
            if let Some(duty) = shifted_and_not_applicable(&entry.duties, &entry.not_applicable) {
                return Err(invalid(
                    format!("{path}.not_applicable.{duty}"),
                    "a duty cannot be both shifted and not applicable".to_owned(),
                ));
            }
            self.services.insert(
                service,
                KindEntry {
                    title: entry.title,
                    service_model: entry.service_model,
                    shifts: shifts(entry.duties),
                    not_applicable: entry.not_applicable,
                    rules: Vec::new(),
                },
            );
        }
        for (asset, strategies) in file.migration {
            for (strategy, clouds) in &strategies {
                for (cloud, kind) in clouds {
                    if !self.kinds.contains_key(kind) {
                        return Err(invalid(
                            format!("migration.{asset}.{}.{cloud}", strategy.as_str()),
                            format!("'{kind}' is not a classified kind"),
                        ));
                    }
                }
            }
            self.migration.entry(asset).or_default().extend(strategies);
        }
        Ok(())
    }

    /// Migration targets of an asset kind: strategy -> cloud -> resource kind.
    pub fn migration(
        &self,
        asset_kind: &str,
    ) -> Option<&BTreeMap<Strategy, BTreeMap<String, String>>> {
        self.migration.get(asset_kind)
    }

    /// The asset kinds `onus plan` knows.
    pub fn asset_kinds(&self) -> impl Iterator<Item = &str> {
        self.migration.keys().map(String::as_str)
    }

    /// The scope of a duty that has an object on some kinds only.
    pub fn duty_scope(&self, duty: Duty) -> Option<&DutyScope> {
        self.duty_scope.get(&duty)
    }

    /// Who owns `layer` under `model` by default.
    pub fn layer_owner(&self, model: ServiceModel, layer: Layer) -> Owner {
        // merge() guarantees every model has every layer.
        self.matrix
            .get(&model)
            .and_then(|l| l.get(&layer))
            .copied()
            .unwrap_or(Owner::Customer)
    }

    /// The catalog entry of a kind.
    pub fn kind(&self, kind: &str) -> Option<&KindEntry> {
        self.kinds.get(kind)
    }

    /// Every classified kind, in order.
    pub fn kinds(&self) -> impl Iterator<Item = (&str, &KindEntry)> {
        self.kinds.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// Where the catalog came from and its digest.
    pub fn info(&self) -> &CatalogInfo {
        &self.info
    }

    /// The facet mappings of a kind (JMESPath over `raw`), in facet order.
    pub fn mappings(&self, kind: &str) -> &[mapping::FacetMapping] {
        self.mappings.get(kind).map_or(&[], Vec::as_slice)
    }

    /// Every kind with facet mappings.
    pub fn mapped_kinds(&self) -> impl Iterator<Item = (&str, &[mapping::FacetMapping])> {
        self.mappings
            .iter()
            .map(|(k, m)| (k.as_str(), m.as_slice()))
    }

    /// Derive every resource's facets from its `raw` through its kind's mappings.
    /// Collectors fetch; this is where the catalog interprets. A mapping that
    /// fails on a resource becomes a collection failure of that resource (cause
    /// `mapping`) in the inventory's gaps; the others go on.
    pub fn apply_mappings(&self, inventory: &mut Inventory) {
        let mut gaps = Vec::new();
        for r in &mut inventory.resources {
            gaps.extend(self.apply_mapping(r));
        }
        inventory.gaps.extend(gaps);
    }

    /// Derive one resource's facets from its `raw` through its kind's mappings:
    /// the failures, as gaps naming the resource, the facet and the expression.
    pub fn apply_mapping(&self, resource: &mut Resource) -> Vec<Gap> {
        let Some(m) = self.mappings.get(&resource.kind) else {
            return Vec::new();
        };
        mapping::apply(m, resource)
            .into_iter()
            .map(|f| mapping_gap(resource, f))
            .collect()
    }

    /// The service entry that classifies `kind` when it has no entry of its own
    /// (`aws.sqs` for `aws.sqs.queue`).
    pub fn service(&self, kind: &str) -> Option<(&str, &KindEntry)> {
        let mut parts = kind.splitn(3, '.');
        let service = format!("{}.{}", parts.next()?, parts.next()?);
        self.services
            .get_key_value(&service)
            .map(|(k, e)| (k.as_str(), e))
    }

    /// The kinds the rule with `code` judges (the kinds whose `rules` list it), in order.
    pub fn judged_by(&self, code: &str) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|(_, e)| e.rules.iter().any(|c| c == code))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// Every classified service, in order.
    pub fn services(&self) -> impl Iterator<Item = (&str, &KindEntry)> {
        self.services.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// Classify a kind: its service model and the owner of every duty, from the
    /// kind's own entry, else from its service's. `None` when the catalog knows
    /// neither.
    pub fn classify(&self, kind: &str) -> Option<Classification> {
        let by_service;
        let entry = match self.kinds.get(kind) {
            Some(e) => e,
            None => {
                let (_, service) = self.service(kind)?;
                let resource = kind.splitn(3, '.').nth(2).unwrap_or("resource");
                by_service = KindEntry {
                    title: format!("{} {}", service.title, resource.replace(['-', '.'], " ")),
                    ..service.clone()
                };
                &by_service
            }
        };
        let duties = Duty::ALL
            .iter()
            .map(|&duty| {
                let layer = duty.layer();
                let scope = self.duty_scope.get(&duty);
                let default = scope
                    .and_then(|s| s.owner)
                    .unwrap_or_else(|| self.layer_owner(entry.service_model, layer));
                let (owner, note) = match entry.shifts.get(&duty) {
                    Some((owner, note)) => (*owner, note.clone()),
                    None => (default, None),
                };
                // A scoped duty has no object outside its kinds (a VPC holds
                // no data to classify; threat detection is the account's).
                let out_of_scope = scope
                    .filter(|s| !s.kinds.contains(kind))
                    .map(|s| s.reason.clone());
                let assignment = DutyAssignment {
                    owner,
                    layer,
                    note,
                    not_applicable: entry.not_applicable.get(&duty).cloned().or(out_of_scope),
                };
                (duty, assignment)
            })
            .collect();
        Some(Classification {
            kind: kind.to_owned(),
            title: entry.title.clone(),
            service_model: Some(entry.service_model),
            duties,
            rules: entry.rules.clone(),
        })
    }

    /// The classification given to a kind the catalog does not know: no service
    /// model, and every duty the customer's until someone says otherwise.
    pub fn unclassified(kind: &str) -> Classification {
        Classification {
            kind: kind.to_owned(),
            title: kind.to_owned(),
            service_model: None,
            duties: Duty::ALL
                .iter()
                .map(|&duty| {
                    let assignment = DutyAssignment {
                        owner: Owner::Customer,
                        layer: duty.layer(),
                        note: Some(
                            "unclassified kind: the customer's until the catalog says otherwise"
                                .to_owned(),
                        ),
                        not_applicable: None,
                    };
                    (duty, assignment)
                })
                .collect(),
            rules: Vec::new(),
        }
    }

    /// Kinds similar to `kind`, for "did you mean" hints.
    pub fn suggest(&self, kind: &str) -> Vec<&str> {
        let prefix: String = kind.split('.').take(2).collect::<Vec<_>>().join(".");
        let provider = kind.split('.').next().unwrap_or_default();
        let mut same_service: Vec<&str> = self
            .kinds
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .map(String::as_str)
            .collect();
        if same_service.is_empty() {
            same_service = self
                .kinds
                .keys()
                .filter(|k| k.split('.').next() == Some(provider))
                .map(String::as_str)
                .collect();
        }
        same_service.truncate(8);
        same_service
    }
}

fn parse(text: &str, source_name: &str) -> Result<CatalogFile, CatalogError> {
    toml::from_str(text).map_err(|err| {
        let (line, column) = err
            .span()
            .map(|s| onus_model::line_column(text, s.start))
            .unwrap_or((1, 1));
        CatalogError::Parse {
            source_name: source_name.to_owned(),
            line,
            column,
            message: err.message().to_owned(),
        }
    })
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A mapping failure on one resource as a collection failure (cause `mapping`):
/// the facet it feeds is unknown on that resource, with the reason.
fn mapping_gap(resource: &Resource, failure: mapping::MappingFailure) -> Gap {
    let top = failure
        .facet
        .split('.')
        .next()
        .unwrap_or(&failure.facet)
        .to_owned();
    Gap {
        provider: resource.provider,
        account: Some(resource.account.clone()),
        region: resource.region.clone(),
        service: "catalog".to_owned(),
        operation: format!("facet mapping {} of {}", failure.facet, resource.kind),
        cause: onus_model::GapCause::Mapping,
        error: failure.message,
        kinds: vec![resource.kind.clone()],
        facets: vec![top],
        resources: vec![resource.id.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Catalog {
        Catalog::builtin().expect("the built-in catalog parses")
    }

    #[test]
    fn builtin_classifies_every_required_kind() {
        let c = builtin();
        let required = [
            ("aws.ec2.instance", ServiceModel::Iaas),
            ("aws.ec2.volume", ServiceModel::Iaas),
            ("aws.ec2.snapshot", ServiceModel::Iaas),
            ("aws.ec2.ebs-encryption-default", ServiceModel::Iaas),
            ("aws.ec2.security-group", ServiceModel::Iaas),
            ("aws.s3.bucket", ServiceModel::Paas),
            ("aws.rds.instance", ServiceModel::Paas),
            ("aws.dynamodb.table", ServiceModel::Paas),
            ("aws.lambda.function", ServiceModel::Paas),
            ("aws.elasticbeanstalk.environment", ServiceModel::Paas),
            ("aws.iam.account", ServiceModel::Saas),
            ("aws.iam.user", ServiceModel::Saas),
            ("aws.cloudtrail.trail", ServiceModel::Saas),
            ("azure.compute.virtual-machine", ServiceModel::Iaas),
            ("azure.compute.disk", ServiceModel::Iaas),
            ("azure.network.network-security-group", ServiceModel::Iaas),
            ("azure.storage.storage-account", ServiceModel::Paas),
            ("azure.web.site", ServiceModel::Paas),
            ("azure.sql.server", ServiceModel::Paas),
            ("google.workspace.tenant", ServiceModel::Saas),
            ("microsoft.m365.tenant", ServiceModel::Saas),
            ("dropbox.business.team", ServiceModel::Saas),
            ("onprem.server", ServiceModel::OnPremises),
        ];
        for (kind, model) in required {
            let class = c
                .classify(kind)
                .unwrap_or_else(|| panic!("{kind} is not classified"));
            assert_eq!(class.service_model, Some(model), "{kind}");
            assert_eq!(class.duties.len(), Duty::ALL.len(), "{kind}");
        }
    }

    #[test]
    fn provider_shifted_duties() {
        let c = builtin();
        let owner = |kind: &str, duty: Duty| c.classify(kind).unwrap().duties[&duty].owner;
        assert_eq!(
            owner("aws.s3.bucket", Duty::EncryptionAtRest),
            Owner::Shared
        );
        assert_eq!(
            owner("aws.rds.instance", Duty::GuestOsPatching),
            Owner::Provider
        );
        assert_eq!(
            owner("aws.rds.instance", Duty::RuntimeUpdates),
            Owner::Shared
        );
        assert_eq!(
            owner("aws.dynamodb.table", Duty::EncryptionAtRest),
            Owner::Shared
        );
        assert_eq!(
            owner("aws.ec2.instance", Duty::GuestOsPatching),
            Owner::Customer
        );
        assert_eq!(owner("onprem.server", Duty::Firewall), Owner::Customer);
        assert_eq!(
            owner("google.workspace.tenant", Duty::Firewall),
            Owner::Provider
        );
    }

    #[test]
    fn every_matrix_cell_on_premises_is_customer() {
        let c = builtin();
        for layer in Layer::ALL {
            assert_eq!(
                c.layer_owner(ServiceModel::OnPremises, *layer),
                Owner::Customer
            );
        }
    }

    #[test]
    fn override_reclassifies_and_shifts() {
        let text = r#"
[matrix.paas]
monitoring = "customer"

[kinds."aws.ec2.instance"]
service_model = "paas"

[kinds."aws.s3.bucket".duties]
encryption-at-rest = { owner = "customer", note = "we require SSE-KMS" }

[kinds."aws.sagemaker.notebook"]
service_model = "paas"
"#;
        let c = Catalog::with_override(text, "mine.toml").unwrap();
        assert_eq!(
            c.classify("aws.ec2.instance").unwrap().service_model,
            Some(ServiceModel::Paas)
        );
        let s3 = c.classify("aws.s3.bucket").unwrap();
        assert_eq!(s3.duties[&Duty::EncryptionAtRest].owner, Owner::Customer);
        assert_eq!(
            s3.duties[&Duty::Logging].owner,
            Owner::Customer,
            "matrix cell override"
        );
        assert_eq!(
            c.classify("aws.sagemaker.notebook").unwrap().title,
            "aws.sagemaker.notebook"
        );
        assert_eq!(c.info().source, "mine.toml");
        assert_ne!(c.info().sha256, builtin().info().sha256);
    }

    #[test]
    fn bad_overrides_name_file_and_place() {
        let cases = [
            (
                "[matrix.paas]\nmonitoring = \"nobody\"\n",
                "bad.toml:2:14: unknown variant `nobody`",
            ),
            (
                "[kinds.\"aws.ec2.instance\"]\nservice_model = \"iaas\"\n[kinds.\"aws.ec2.instance\".duties]\nfirewal = { owner = \"customer\" }\n",
                "bad.toml:4:1: unknown variant `firewal`",
            ),
            (
                "[kinds.\"x.new\"]\ntitle = \"x\"\n",
                "bad.toml: at kinds.\"x.new\".service_model: a new kind needs a service_model",
            ),
            (
                "[kinds.\"Bad Kind\"]\nservice_model = \"iaas\"\n",
                "bad.toml: at kinds.\"Bad Kind\": malformed kind",
            ),
            (
                "schema = \"onus.catalog/v9\"\n",
                "bad.toml: at schema: unsupported catalog schema",
            ),
            ("[matrix\n", "bad.toml:1:8:"),
            (
                "[kinds.\"aws.s3.bucket\".duties]\nlogging = { owner = \"provider\" }\n[kinds.\"aws.s3.bucket\".not_applicable]\nlogging = \"no logs\"\n",
                "bad.toml: at kinds.\"aws.s3.bucket\".not_applicable.logging: a duty cannot be both shifted and not applicable",
            ),
        ];
        for (text, expected) in cases {
            let err = Catalog::with_override(text, "bad.toml")
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with(expected),
                "{text:?}\n got: {err}\nwant: {expected}"
            );
        }
    }

    #[test]
    fn unknown_kind_gets_suggestions() {
        let c = builtin();
        // A kind with no entry of its own is classified by its service (for
        // enumerated resources), but is still not a kind of its own (the CLI
        // refuses it on a resource with settings: a typo).
        assert!(c.kind("aws.ec2.instances").is_none());
        let by_service = c.classify("aws.sqs.dead-letter-queue").unwrap();
        assert_eq!(by_service.service_model, Some(ServiceModel::Paas));
        assert_eq!(by_service.title, "Amazon SQS dead letter queue");
        assert_eq!(
            c.classify("aws.ec2.transit-gateway").unwrap().service_model,
            Some(ServiceModel::Iaas)
        );
        assert!(c.classify("aws.nosuchservice.thing").is_none());
        assert!(c.services().count() > 150);
        assert!(c.suggest("aws.ec2.instances").contains(&"aws.ec2.instance"));
    }
}
