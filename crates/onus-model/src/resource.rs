//! A deployed resource as a collector saw it.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::facets::Facets;

/// Who runs the resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Microsoft Azure.
    Azure,
    /// Google Cloud.
    Gcp,
    /// Google (Google Workspace).
    Google,
    /// Microsoft's SaaS (Microsoft 365).
    Microsoft,
    /// Dropbox.
    Dropbox,
    /// The customer's own data centre.
    OnPremises,
}

impl Provider {
    /// The stable spelling used in outputs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
            Provider::Google => "google",
            Provider::Microsoft => "microsoft",
            Provider::Dropbox => "dropbox",
            Provider::OnPremises => "on-premises",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Define a struct whose first fields say which resource it is (id,
/// provider, account, region, kind, name, tags), followed by its own: one
/// definition of those fields for the inventory's [`Resource`] and the
/// report's [`crate::ReportResource`].
macro_rules! resource_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($own:tt)* }) => {
        $(#[$meta])*
        pub struct $name {
            /// The provider's own identifier (ARN, Azure resource ID, tenant ID).
            pub id: String,
            /// Who runs it.
            pub provider: $crate::resource::Provider,
            /// AWS account ID, Azure subscription ID, SaaS tenant.
            pub account: String,
            /// Region or location; absent for global resources.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub region: Option<String>,
            /// Dotted lowercase kind, e.g. `aws.ec2.instance`, `azure.compute.virtual-machine`.
            pub kind: String,
            /// Human-readable name.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub name: Option<String>,
            /// Tags or labels (matched by planned assets and waivers).
            #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            pub tags: std::collections::BTreeMap<String, String>,
            $($own)*
        }
    };
}
pub(crate) use resource_struct;

resource_struct! {
    /// One deployed resource.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Resource {
    /// Normalised observations. Absent means not observed.
    #[serde(default)]
    pub facets: Facets,
    /// Where each facet field came from: a facet path (`encryption_at_rest.enabled`)
    /// mapped to a JSON Pointer into `raw` (`/Encrypted`), so evidence can be checked.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
    /// The provider payload (or the part of it that was read), kept for evidence.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub raw: serde_json::Value,
    /// Seen only by whole-estate enumeration (tagging API, AWS Config, Resource
    /// Graph): classified, but its settings were not read, so its customer duties
    /// are `unknown` ("enumerated, not evaluated in depth").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enumerated_only: bool,
    }
}

impl Resource {
    /// A readable label: the name when there is one, else the identifier.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The JSON Pointer into `raw` that a facet field was read from, if the collector recorded it.
    pub fn source_of(&self, facet_path: &str) -> Option<&str> {
        self.sources.get(facet_path).map(String::as_str)
    }
}

/// Whether `kind` is a well-formed kind: at least two dot-separated segments of
/// lowercase ASCII letters, digits and hyphens.
pub fn is_valid_kind(kind: &str) -> bool {
    let segments: Vec<&str> = kind.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert!(is_valid_kind("aws.ec2.instance"));
        assert!(is_valid_kind("azure.compute.virtual-machine"));
        assert!(!is_valid_kind("aws"));
        assert!(!is_valid_kind("AWS.EC2.Instance"));
        assert!(!is_valid_kind("aws..x"));
        assert!(!is_valid_kind("aws.ec2 instance"));
    }
}

/// Whether `id` (an account or subscription) falls in shard `index` of `count`
/// (1-based): a stable FNV-1a hash, so N scheduled runners split an organisation
/// the same way every time.
pub fn in_shard(id: &str, index: u32, count: u32) -> bool {
    if count <= 1 {
        return true;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % u64::from(count) == u64::from(index.saturating_sub(1))
}

#[cfg(test)]
mod shard_tests {
    use super::in_shard;

    #[test]
    fn every_id_in_exactly_one_shard() {
        for i in 0..500 {
            let id = format!("{:012}", 111_122_223_333u64 + i);
            assert_eq!((1..=4).filter(|s| in_shard(&id, *s, 4)).count(), 1);
        }
        let in_first = (0..1000).filter(|i| in_shard(&i.to_string(), 1, 4)).count();
        assert!(
            (150..350).contains(&in_first),
            "roughly a quarter: {in_first}"
        );
    }
}
