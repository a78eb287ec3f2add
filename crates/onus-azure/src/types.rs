//! The Azure resource types onus evaluates in depth: one row each, the same
//! shape as the AWS service table. A row names the type, its kind, the
//! per-resource reads that deepen it, and its mapping. Every other type is
//! enumerated (Resource Graph or the generic ARM list) and classified by the
//! catalog, its customer duties `unknown`.
//!
//! Adding a type is a row here, its api-version and RBAC action in
//! [`crate::arm::API`] (and `config/azure-reader-role.json`), and a catalog
//! entry whose JMESPath mappings read the ARM payload; a Rust mapping function
//! only where an expression cannot carry the logic (NSG rule order, patch
//! assessments).

use std::collections::BTreeMap;

use onus_model::Resource;
use serde_json::Value;

use crate::map;

/// One per-resource read that deepens a type: `GET {id}/{suffix}`.
#[derive(Debug)]
pub struct Deepen {
    /// The path below the resource id (`instanceView`, `firewallRules`).
    pub suffix: &'static str,
    /// Its entry in [`crate::arm::API`] (api-version and RBAC action).
    pub api: &'static str,
    /// A list (followed by `nextLink`) rather than one object.
    pub list: bool,
    /// Where the answer goes in `raw` (and the mapping's name for it).
    pub key: &'static str,
    /// The gap's operation name when the read fails.
    pub operation: &'static str,
    /// The facets the read feeds.
    pub facets: &'static [&'static str],
}

/// The successful deepening reads of one resource, by [`Deepen::key`].
pub type Deepened = BTreeMap<&'static str, Value>;

/// A mapping from an ARM payload (plus its deepening reads) to a resource.
pub type Mapper =
    fn(subscription: &str, kind: &str, v: &Value, more: &Deepened) -> Option<Resource>;

/// One resource type read in depth.
#[derive(Debug)]
pub struct AzureType {
    /// The type, canonically spelt (`Microsoft.KeyVault/vaults`).
    pub resource_type: &'static str,
    /// Its kind.
    pub kind: &'static str,
    /// Per-resource reads.
    pub deepen: &'static [Deepen],
    /// Its mapping: a Rust function, or [`map::generic`] for the catalog's
    /// declarative mappings (the deepening reads land in `raw`).
    pub map: Mapper,
}

/// Every type onus evaluates in depth.
pub const TYPES: &[AzureType] = &[
    AzureType {
        resource_type: "Microsoft.Compute/virtualMachines",
        kind: "azure.compute.virtual-machine",
        deepen: &[Deepen {
            suffix: "instanceView",
            api: "Microsoft.Compute/virtualMachines/instanceView",
            list: false,
            key: "instanceView",
            operation: "virtualMachines/instanceView/read",
            facets: &["patching"],
        }],
        map: |s, _, v, more| map::virtual_machine(s, v, more.get("instanceView")),
    },
    AzureType {
        resource_type: "Microsoft.Compute/disks",
        kind: "azure.compute.disk",
        deepen: &[],
        map: |s, _, v, _| map::disk(s, v),
    },
    AzureType {
        resource_type: "Microsoft.Network/networkSecurityGroups",
        kind: "azure.network.network-security-group",
        deepen: &[],
        map: |s, _, v, _| map::network_security_group(s, v),
    },
    AzureType {
        resource_type: "Microsoft.Storage/storageAccounts",
        kind: "azure.storage.storage-account",
        deepen: &[],
        map: |s, _, v, _| map::storage_account(s, v),
    },
    AzureType {
        resource_type: "Microsoft.Web/sites",
        kind: "azure.web.site",
        deepen: &[Deepen {
            suffix: "config/web",
            api: "Microsoft.Web/sites/config",
            list: false,
            key: "config",
            operation: "sites/config/read",
            facets: &["transport", "runtime"],
        }],
        map: |s, _, v, more| map::site(s, v, more.get("config")),
    },
    AzureType {
        resource_type: "Microsoft.Sql/servers",
        kind: "azure.sql.server",
        deepen: &[Deepen {
            suffix: "firewallRules",
            api: "Microsoft.Sql/servers/firewallRules",
            list: true,
            key: "firewallRules",
            operation: "servers/firewallRules/read",
            facets: &["network"],
        }],
        map: |s, _, v, more| {
            let rules = more.get("firewallRules").and_then(Value::as_array);
            map::sql_server(s, v, rules.map(Vec::as_slice))
        },
    },
    AzureType {
        resource_type: "Microsoft.KeyVault/vaults",
        kind: "azure.keyvault.vault",
        deepen: &[],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.DocumentDB/databaseAccounts",
        kind: "azure.documentdb.database-account",
        deepen: &[],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.DBforPostgreSQL/flexibleServers",
        kind: "azure.dbforpostgresql.flexible-server",
        deepen: &[
            Deepen {
                suffix: "firewallRules",
                api: "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
                list: true,
                key: "firewallRules",
                operation: "flexibleServers/firewallRules/read",
                facets: &["network"],
            },
            Deepen {
                suffix: "configurations/require_secure_transport",
                api: "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
                list: false,
                key: "requireSecureTransport",
                operation: "flexibleServers/configurations/read",
                facets: &["transport"],
            },
        ],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.DBforMySQL/flexibleServers",
        kind: "azure.dbformysql.flexible-server",
        deepen: &[
            Deepen {
                suffix: "firewallRules",
                api: "Microsoft.DBforMySQL/flexibleServers/firewallRules",
                list: true,
                key: "firewallRules",
                operation: "flexibleServers/firewallRules/read",
                facets: &["network"],
            },
            Deepen {
                suffix: "configurations/require_secure_transport",
                api: "Microsoft.DBforMySQL/flexibleServers/configurations",
                list: false,
                key: "requireSecureTransport",
                operation: "flexibleServers/configurations/read",
                facets: &["transport"],
            },
        ],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.Cache/redis",
        kind: "azure.cache.redis",
        deepen: &[],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.ContainerRegistry/registries",
        kind: "azure.containerregistry.registry",
        deepen: &[],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.EventHub/namespaces",
        kind: "azure.eventhub.namespace",
        deepen: &[Deepen {
            suffix: "networkRuleSets/default",
            api: "Microsoft.EventHub/namespaces/networkRuleSets",
            list: false,
            key: "networkRuleSet",
            operation: "namespaces/networkRuleSets/read",
            facets: &["public_access"],
        }],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.ServiceBus/namespaces",
        kind: "azure.servicebus.namespace",
        deepen: &[Deepen {
            suffix: "networkRuleSets/default",
            api: "Microsoft.ServiceBus/namespaces/networkRuleSets",
            list: false,
            key: "networkRuleSet",
            operation: "namespaces/networkRuleSets/read",
            facets: &["public_access"],
        }],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.ContainerService/managedClusters",
        kind: "azure.containerservice.managed-cluster",
        deepen: &[],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.Network/applicationGateways",
        kind: "azure.network.application-gateway",
        deepen: &[],
        map: map::generic,
    },
    AzureType {
        resource_type: "Microsoft.Compute/virtualMachineScaleSets",
        kind: "azure.compute.virtual-machine-scale-set",
        deepen: &[],
        map: map::generic,
    },
];

/// Types read with their properties for another type's sake (a VM's network
/// interfaces name its NSGs); their own resources are enumerated only.
pub const HELPERS: &[&str] = &["Microsoft.Network/networkInterfaces"];

/// The row of a resource type, in any spelling.
pub fn row(resource_type: &str) -> Option<&'static AzureType> {
    TYPES
        .iter()
        .find(|t| t.resource_type.eq_ignore_ascii_case(resource_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_its_kind_from_its_type_and_its_reads_in_the_api_table() {
        for t in TYPES {
            assert_eq!(
                crate::kinds::kind_for_type(t.resource_type).as_deref(),
                Some(t.kind),
                "{}",
                t.resource_type
            );
            assert!(
                crate::arm::API
                    .iter()
                    .any(|(a, _, _)| *a == t.resource_type),
                "{}",
                t.resource_type
            );
            for d in t.deepen {
                assert!(
                    crate::arm::API.iter().any(|(a, _, _)| *a == d.api),
                    "{}",
                    d.api
                );
            }
        }
        for h in HELPERS {
            assert!(crate::arm::API.iter().any(|(a, _, _)| a == h), "{h}");
        }
    }
}
