//! What a rule is.

use chrono::{DateTime, Utc};
use onus_model::{Duty, Evidence, Resource, Severity, Status};

/// Settings and facts every rule may consult.
#[derive(Debug, Clone)]
pub struct Context {
    /// The time age-based checks measure against (the inventory's collection time).
    pub reference_time: DateTime<Utc>,
    /// Access keys older than this many days are a gap.
    pub max_access_key_age_days: i64,
    /// A patch assessment older than this many days no longer counts as evidence.
    pub max_patch_assessment_age_days: i64,
    /// Encryption at rest must use customer-managed keys.
    pub require_customer_managed_keys: bool,
    /// How data stores say how sensitive their data is.
    pub classification: ClassificationPolicy,
}

/// How a data store says how sensitive its data is: a tag with one of `keys`
/// (compared case-insensitively, the first configured key found wins) whose
/// value is on `scale` (case-insensitively). A gap on a resource whose label
/// is in `raise` is raised one severity level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassificationPolicy {
    /// The tag keys that carry the label, in order of preference.
    pub keys: Vec<String>,
    /// The accepted values, least sensitive first.
    pub scale: Vec<String>,
    /// The values whose gaps are raised one severity level.
    pub raise: Vec<String>,
}

impl Default for ClassificationPolicy {
    fn default() -> Self {
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect();
        ClassificationPolicy {
            keys: words(&[
                "data-classification",
                "DataClassification",
                "classification",
                "confidentiality",
            ]),
            scale: words(&["public", "internal", "confidential", "restricted"]),
            raise: words(&["confidential", "restricted"]),
        }
    }
}

impl ClassificationPolicy {
    /// The resource's label: `(tag key, value)` of the first configured key it carries.
    pub fn label<'r>(
        &self,
        tags: &'r std::collections::BTreeMap<String, String>,
    ) -> Option<(&'r str, &'r str)> {
        self.keys.iter().find_map(|key| {
            tags.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(k, v)| (k.as_str(), v.as_str()))
        })
    }

    /// Whether `value` is on the scale.
    pub fn on_scale(&self, value: &str) -> bool {
        self.scale
            .iter()
            .any(|s| s.eq_ignore_ascii_case(value.trim()))
    }

    /// The label that raises the severity of the resource's gaps, if any.
    pub fn raising<'r>(
        &self,
        tags: &'r std::collections::BTreeMap<String, String>,
    ) -> Option<&'r str> {
        let (_, value) = self.label(tags)?;
        self.raise
            .iter()
            .any(|r| r.eq_ignore_ascii_case(value.trim()))
            .then_some(value)
    }
}

impl Context {
    /// The default settings, measuring ages against `reference_time`.
    pub fn new(reference_time: DateTime<Utc>) -> Context {
        Context {
            reference_time,
            max_access_key_age_days: 90,
            max_patch_assessment_age_days: 30,
            require_customer_managed_keys: false,
            classification: ClassificationPolicy::default(),
        }
    }
}

/// A rule's metadata.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `NET001`.
    pub code: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// The duty the rule checks.
    pub duty: Duty,
    /// Severity of an unaddressed outcome.
    pub severity: Severity,
    /// Facets the rule reads (top-level facet names), to attribute collection gaps.
    pub facets: &'static [&'static str],
    /// One-line remediation for findings.
    pub remediation: &'static str,
    /// The rule's documentation (its doc comment), Markdown.
    pub doc: &'static str,
}

/// What a rule concluded about one resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Evidence shows the duty is met.
    Addressed {
        /// What was concluded.
        message: String,
        /// What was observed.
        evidence: Vec<Evidence>,
    },
    /// Evidence shows the duty is not met.
    Unaddressed {
        /// What was concluded.
        message: String,
        /// What was observed; never empty.
        evidence: Vec<Evidence>,
        /// A severity other than the rule's, where evidence warrants.
        severity: Option<Severity>,
    },
    /// The data needed was not observed.
    Unknown {
        /// What was missing.
        reason: String,
    },
    /// Nothing for this rule to check on this resource.
    NotApplicable {
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// The status this outcome counts as.
    pub fn status(&self) -> Status {
        match self {
            Outcome::Addressed { .. } => Status::Addressed,
            Outcome::Unaddressed { .. } => Status::Unaddressed,
            Outcome::Unknown { .. } => Status::Unknown,
            Outcome::NotApplicable { .. } => Status::NotApplicable,
        }
    }

    /// The message or reason.
    pub fn message(&self) -> &str {
        match self {
            Outcome::Addressed { message, .. } | Outcome::Unaddressed { message, .. } => message,
            Outcome::Unknown { reason } | Outcome::NotApplicable { reason } => reason,
        }
    }

    /// The evidence (empty for unknown and not applicable).
    pub fn evidence(&self) -> &[Evidence] {
        match self {
            Outcome::Addressed { evidence, .. } | Outcome::Unaddressed { evidence, .. } => evidence,
            _ => &[],
        }
    }

    pub(crate) fn addressed(message: impl Into<String>, evidence: Vec<Evidence>) -> Outcome {
        Outcome::Addressed {
            message: message.into(),
            evidence,
        }
    }

    pub(crate) fn unaddressed(message: impl Into<String>, evidence: Vec<Evidence>) -> Outcome {
        Outcome::Unaddressed {
            message: message.into(),
            evidence,
            severity: None,
        }
    }

    pub(crate) fn not_observed(facet_path: &str) -> Outcome {
        Outcome::Unknown {
            reason: format!("{facet_path} was not observed"),
        }
    }

    pub(crate) fn not_applicable(reason: impl Into<String>) -> Outcome {
        Outcome::NotApplicable {
            reason: reason.into(),
        }
    }
}

/// One rule.
pub trait Rule: Sync + std::fmt::Debug {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Check a resource of a kind the catalog lists this rule for (the
    /// catalog's `rules`, not the rule, says which kinds it judges).
    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome;

    /// Why this run's settings switch the rule off (and what would switch it
    /// on), or `None` when it runs. A rule switched off judges nothing: the
    /// ledger holds no finding of it and the coverage names it. (Not
    /// applicable would say the duty has no object; unknown would say
    /// something could not be read; neither is true.)
    fn not_evaluated(&self, _ctx: &Context) -> Option<&'static str> {
        None
    }

    /// Fixture resources with the status each must produce.
    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture>;
}

/// Evidence for one facet field of a resource, with the JSON Pointer into `raw`
/// that the collector recorded for it (or for its parent list).
pub(crate) fn evidence(resource: &Resource, facet: &str, observed: serde_json::Value) -> Evidence {
    let pointer = resource.source_of(facet).map(str::to_owned).or_else(|| {
        // `network.ingress[3]` -> the pointer of `network.ingress` plus `/3`.
        let (list, rest) = facet.split_once('[')?;
        let index = rest.strip_suffix(']')?;
        resource.source_of(list).map(|p| format!("{p}/{index}"))
    });
    Evidence {
        facet: facet.to_owned(),
        pointer,
        observed,
    }
}

/// Define a rule: its doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            code: $code:literal,
            title: $title:literal,
            duty: $duty:expr,
            severity: $severity:expr,
            facets: $facets:expr,
            remediation: $remediation:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            /// This rule's metadata.
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                title: $title,
                duty: $duty,
                severity: $severity,
                facets: $facets,
                remediation: $remediation,
                doc: concat!($($doc, "\n"),+),
            };
        }
    };
}
pub(crate) use declare_rule;

/// The documentation with the one leading space rustdoc keeps on each line removed.
pub fn doc_sections(doc: &str) -> String {
    doc.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The outcome of a yes/no observation: not observed is unknown; `good` is
/// addressed; the other value is unaddressed. Evidence names the facet either way.
pub(crate) fn flag(
    resource: &Resource,
    facet: &str,
    observed: Option<bool>,
    good: bool,
    addressed: impl Into<String>,
    unaddressed: impl Into<String>,
) -> Outcome {
    match observed {
        None => Outcome::not_observed(facet),
        Some(v) => {
            let ev = vec![evidence(resource, facet, v.into())];
            if v == good {
                Outcome::addressed(addressed, ev)
            } else {
                Outcome::unaddressed(unaddressed, ev)
            }
        }
    }
}
