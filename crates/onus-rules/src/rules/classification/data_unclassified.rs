use onus_model::{Duty, Evidence, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// That a data store (a bucket, a volume or snapshot, a database, a cache,
    /// a queue or stream that persists, a warehouse, a search domain) carries
    /// a classification label: a tag with one of the configured keys
    /// (`data-classification`, `DataClassification`, `classification`,
    /// `confidentiality` by default, compared case-insensitively) whose value
    /// is on the configured scale (`public`, `internal`, `confidential`,
    /// `restricted` by default). Configure both in `onus.toml`:
    /// `[classification] keys = [...]`, `scale = [...]`, `raise = [...]`.
    ///
    /// A missing label is a gap only where the resource's tags were read:
    /// it carries other tags, or the collector recorded where it read them
    /// (`sources.tags`: the resource's own description, or the tagging API,
    /// which lists every tagged resource of a region, so one it does not list
    /// has none). Otherwise whether it is labelled is unknown.
    ///
    /// ## Why it matters
    /// Knowing what data you hold and how sensitive it is stays with you in
    /// every service model: the provider stores the bytes, not their meaning.
    /// Without a label nobody can tell which public bucket holds customer
    /// records, and every gap weighs the same. With one, a gap on a store
    /// labelled `confidential` or `restricted` is raised one severity level in
    /// every output (the `raise` list), so it sorts first.
    ///
    /// ## How to address
    /// Tag the store with its classification, e.g.
    /// `aws s3api put-bucket-tagging --bucket NAME --tagging 'TagSet=[{Key=data-classification,Value=confidential}]'`,
    /// `az tag update --resource-id ID --operation merge --tags data-classification=internal`,
    /// or a label on Google Cloud. A discovery service (Amazon Macie,
    /// Microsoft Purview, Google Sensitive Data Protection) helps decide the
    /// value; it does not replace the label.
    ///
    /// ## References
    /// - AWS Well-Architected, SEC07-BP01 Identify the data within your workload: <https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_data_classification_identify_data.html>
    /// - CSA CCM v4 DSP-04 (data classification); NIST SP 800-53 RA-2 (security categorization)
    pub struct DataUnclassified {
        code: "CLS001",
        title: "Data store not classified",
        duty: Duty::DataClassification,
        severity: Severity::Medium,
        facets: &["tags"],
        remediation: "Tag the store with its classification (data-classification = public, internal, confidential or restricted).",
    }
}

impl Rule for DataUnclassified {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome {
        let policy = &ctx.classification;
        match policy.label(&resource.tags) {
            Some((key, value)) => {
                let ev = vec![Evidence {
                    facet: format!("tags.{key}"),
                    pointer: None,
                    observed: value.into(),
                }];
                if policy.on_scale(value) {
                    Outcome::addressed(
                        format!("Labelled '{}' (tag {key})", value.trim()),
                        ev,
                    )
                } else {
                    Outcome::unaddressed(
                        format!(
                            "The label '{}' (tag {key}) is not on the classification scale ({})",
                            onus_model::excerpt(value, 60),
                            policy.scale.join(", ")
                        ),
                        ev,
                    )
                }
            }
            None if resource.tags.is_empty() && resource.source_of("tags").is_none() => {
                Outcome::Unknown {
                    reason: "the resource's tags were not read: whether it carries a classification label is unknown".to_owned(),
                }
            }
            None => Outcome::unaddressed(
                format!(
                    "No classification label: none of the tags {} is set ({} tag(s) read)",
                    policy.keys.join(", "),
                    resource.tags.len()
                ),
                vec![Evidence {
                    facet: "tags".to_owned(),
                    // Tags are the resource's own field, not a place in `raw`.
                    pointer: None,
                    observed: serde_json::json!(resource.tags.keys().collect::<Vec<_>>()),
                }],
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        let tagged = |name, tags: serde_json::Value, expect| {
            let mut f = fx(name, expect, "aws.s3.bucket", json!({}));
            f.resource.tags = serde_json::from_value(tags).expect("tags");
            f
        };
        vec![
            tagged(
                "labelled-restricted",
                json!({"data-classification": "restricted"}),
                Addressed,
            ),
            tagged(
                "labelled-other-key-and-case",
                json!({"DataClassification": "Internal"}),
                Addressed,
            ),
            tagged("no-label", json!({"team": "payments"}), Unaddressed),
            tagged("tags-not-read", json!({}), Unknown),
            {
                // The collector read the tags (the tagging API lists none).
                let mut f = fx(
                    "no-tags-read-as-none",
                    Unaddressed,
                    "aws.s3.bucket",
                    json!({}),
                );
                f.resource.raw = json!({"Tags": []});
                f.resource
                    .sources
                    .insert("tags".to_owned(), "/Tags".to_owned());
                f
            },
            tagged(
                "off-scale",
                json!({"classification": "top-secret"}),
                Unaddressed,
            ),
        ]
    }
}
