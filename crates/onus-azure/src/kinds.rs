//! Kinds from Azure resource types: `Microsoft.KeyVault/vaults` →
//! `azure.keyvault.vault`, `Microsoft.Network/networkSecurityGroups` →
//! `azure.network.network-security-group`, nested types joined
//! (`Microsoft.Sql/servers/databases` → `azure.sql.server-database`).
//!
//! Resource Graph returns types lower-cased, which loses the word breaks; the
//! common types' canonical spelling is listed in [`KNOWN_TYPES`]. A type not
//! listed is read lower-cased whatever the source, so its kind is the same on
//! every read path (`Contoso.Widgets/gadgetBoxes` → `azure.contosowidgets.gadgetbox`).

use std::collections::HashMap;
use std::sync::LazyLock;

/// The canonical spelling of the resource types onus sees most often: every type
/// onus evaluates and the common ones of the main resource providers.
pub const KNOWN_TYPES: &[&str] = &[
    "Microsoft.ApiManagement/service",
    "Microsoft.App/containerApps",
    "Microsoft.App/managedEnvironments",
    "Microsoft.AppConfiguration/configurationStores",
    "Microsoft.Authorization/roleAssignments",
    "Microsoft.Automation/automationAccounts",
    "Microsoft.Automation/automationAccounts/runbooks",
    "Microsoft.Batch/batchAccounts",
    "Microsoft.Cache/redis",
    "Microsoft.Cache/redisEnterprise",
    "Microsoft.Cdn/profiles",
    "Microsoft.Cdn/profiles/endpoints",
    "Microsoft.CognitiveServices/accounts",
    "Microsoft.Compute/availabilitySets",
    "Microsoft.Compute/diskEncryptionSets",
    "Microsoft.Compute/disks",
    "Microsoft.Compute/galleries",
    "Microsoft.Compute/images",
    "Microsoft.Compute/proximityPlacementGroups",
    "Microsoft.Compute/restorePointCollections",
    "Microsoft.Compute/snapshots",
    "Microsoft.Compute/sshPublicKeys",
    "Microsoft.Compute/virtualMachineScaleSets",
    "Microsoft.Compute/virtualMachines",
    "Microsoft.Compute/virtualMachines/extensions",
    "Microsoft.ContainerInstance/containerGroups",
    "Microsoft.ContainerRegistry/registries",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.DBforMariaDB/servers",
    "Microsoft.DBforMySQL/flexibleServers",
    "Microsoft.DBforMySQL/servers",
    "Microsoft.DBforPostgreSQL/flexibleServers",
    "Microsoft.DBforPostgreSQL/servers",
    "Microsoft.DataFactory/factories",
    "Microsoft.Databricks/workspaces",
    "Microsoft.DocumentDB/databaseAccounts",
    "Microsoft.EventGrid/domains",
    "Microsoft.EventGrid/systemTopics",
    "Microsoft.EventGrid/topics",
    "Microsoft.EventHub/namespaces",
    "Microsoft.HDInsight/clusters",
    "Microsoft.Insights/actionGroups",
    "Microsoft.Insights/activityLogAlerts",
    "Microsoft.Insights/components",
    "Microsoft.Insights/dataCollectionRules",
    "Microsoft.Insights/metricAlerts",
    "Microsoft.Insights/scheduledQueryRules",
    "Microsoft.Insights/webtests",
    "Microsoft.KeyVault/managedHSMs",
    "Microsoft.KeyVault/vaults",
    "Microsoft.Kusto/clusters",
    "Microsoft.Logic/integrationAccounts",
    "Microsoft.Logic/workflows",
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.ManagedIdentity/userAssignedIdentities",
    "Microsoft.Network/applicationGateways",
    "Microsoft.Network/applicationGatewayWebApplicationFirewallPolicies",
    "Microsoft.Network/applicationSecurityGroups",
    "Microsoft.Network/azureFirewalls",
    "Microsoft.Network/bastionHosts",
    "Microsoft.Network/connections",
    "Microsoft.Network/ddosProtectionPlans",
    "Microsoft.Network/dnsZones",
    "Microsoft.Network/expressRouteCircuits",
    "Microsoft.Network/firewallPolicies",
    "Microsoft.Network/frontDoors",
    "Microsoft.Network/loadBalancers",
    "Microsoft.Network/localNetworkGateways",
    "Microsoft.Network/natGateways",
    "Microsoft.Network/networkInterfaces",
    "Microsoft.Network/networkSecurityGroups",
    "Microsoft.Network/networkWatchers",
    "Microsoft.Network/networkWatchers/flowLogs",
    "Microsoft.Network/privateDnsZones",
    "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    "Microsoft.Network/privateEndpoints",
    "Microsoft.Network/privateLinkServices",
    "Microsoft.Network/publicIPAddresses",
    "Microsoft.Network/publicIPPrefixes",
    "Microsoft.Network/routeTables",
    "Microsoft.Network/trafficManagerProfiles",
    "Microsoft.Network/virtualHubs",
    "Microsoft.Network/virtualNetworkGateways",
    "Microsoft.Network/virtualNetworks",
    "Microsoft.Network/virtualWans",
    "Microsoft.Network/vpnGateways",
    "Microsoft.NotificationHubs/namespaces",
    "Microsoft.OperationalInsights/workspaces",
    "Microsoft.OperationsManagement/solutions",
    "Microsoft.Portal/dashboards",
    "Microsoft.RecoveryServices/vaults",
    "Microsoft.Relay/namespaces",
    "Microsoft.Search/searchServices",
    "Microsoft.ServiceBus/namespaces",
    "Microsoft.SignalRService/signalR",
    "Microsoft.SignalRService/webPubSub",
    "Microsoft.Sql/managedInstances",
    "Microsoft.Sql/servers",
    "Microsoft.Sql/servers/databases",
    "Microsoft.Sql/servers/elasticPools",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.StreamAnalytics/streamingJobs",
    "Microsoft.Synapse/workspaces",
    "Microsoft.Web/certificates",
    "Microsoft.Web/connections",
    "Microsoft.Web/hostingEnvironments",
    "Microsoft.Web/serverFarms",
    "Microsoft.Web/sites",
    "Microsoft.Web/sites/slots",
    "Microsoft.Web/staticSites",
];

static CANONICAL: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    KNOWN_TYPES
        .iter()
        .map(|t| (t.to_ascii_lowercase(), *t))
        .collect()
});

/// The canonical spelling of `resource_type` when onus knows it, else the type
/// lower-cased: every read path (Resource Graph lower-cases, ARM does not)
/// then gives an unknown type the same kind.
pub fn canonical(resource_type: &str) -> std::borrow::Cow<'static, str> {
    let lower = resource_type.to_ascii_lowercase();
    match CANONICAL.get(&lower) {
        Some(t) => std::borrow::Cow::Borrowed(*t),
        None => std::borrow::Cow::Owned(lower),
    }
}

/// The singular of the last word of a (kebab) type segment.
fn singular(word: &str) -> String {
    const KEEP: &[&str] = &[
        "redis", "service", "signalr", "status", "access", "analysis",
    ];
    if KEEP.iter().any(|k| word.ends_with(k)) || word.ends_with("ss") {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

/// The kind of an Azure resource type, or `None` when the type is not
/// `Provider.Namespace/type[/subtype…]`.
pub fn kind_for_type(resource_type: &str) -> Option<String> {
    let t = canonical(resource_type);
    let (namespace, types) = t.split_once('/')?;
    let namespace = namespace
        .strip_prefix("Microsoft.")
        .or_else(|| namespace.strip_prefix("microsoft."))
        .unwrap_or(namespace);
    let namespace: String = namespace
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let segments: Vec<String> = types
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| singular(&onus_model::kebab(s)))
        .collect();
    (!namespace.is_empty() && !segments.is_empty() && segments.iter().all(|s| !s.is_empty()))
        .then(|| format!("azure.{namespace}.{}", segments.join("-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_the_evaluated_types_from_either_spelling() {
        for (t, kind) in [
            (
                "Microsoft.Compute/virtualMachines",
                "azure.compute.virtual-machine",
            ),
            (
                "microsoft.compute/virtualmachines",
                "azure.compute.virtual-machine",
            ),
            ("Microsoft.Compute/disks", "azure.compute.disk"),
            (
                "microsoft.network/networksecuritygroups",
                "azure.network.network-security-group",
            ),
            (
                "Microsoft.Storage/storageAccounts",
                "azure.storage.storage-account",
            ),
            ("microsoft.web/sites", "azure.web.site"),
            ("microsoft.sql/servers", "azure.sql.server"),
            ("microsoft.keyvault/vaults", "azure.keyvault.vault"),
            (
                "microsoft.documentdb/databaseaccounts",
                "azure.documentdb.database-account",
            ),
            (
                "microsoft.dbforpostgresql/flexibleservers",
                "azure.dbforpostgresql.flexible-server",
            ),
            (
                "microsoft.dbformysql/flexibleservers",
                "azure.dbformysql.flexible-server",
            ),
            ("microsoft.cache/redis", "azure.cache.redis"),
            (
                "microsoft.containerregistry/registries",
                "azure.containerregistry.registry",
            ),
            ("microsoft.eventhub/namespaces", "azure.eventhub.namespace"),
            (
                "microsoft.servicebus/namespaces",
                "azure.servicebus.namespace",
            ),
            (
                "microsoft.containerservice/managedclusters",
                "azure.containerservice.managed-cluster",
            ),
            (
                "microsoft.network/applicationgateways",
                "azure.network.application-gateway",
            ),
            (
                "microsoft.compute/virtualmachinescalesets",
                "azure.compute.virtual-machine-scale-set",
            ),
            ("microsoft.logic/workflows", "azure.logic.workflow"),
            (
                "microsoft.automation/automationaccounts",
                "azure.automation.automation-account",
            ),
            (
                "microsoft.network/publicipaddresses",
                "azure.network.public-ip-address",
            ),
            (
                "microsoft.sql/servers/databases",
                "azure.sql.server-database",
            ),
            (
                "microsoft.keyvault/managedhsms",
                "azure.keyvault.managed-hsm",
            ),
            (
                "microsoft.apimanagement/service",
                "azure.apimanagement.service",
            ),
            (
                "microsoft.search/searchservices",
                "azure.search.search-service",
            ),
            ("microsoft.network/dnszones", "azure.network.dns-zone"),
        ] {
            assert_eq!(kind_for_type(t).as_deref(), Some(kind), "{t}");
        }
    }

    #[test]
    fn unknown_types_get_a_stable_kind_and_garbage_none() {
        assert_eq!(
            kind_for_type("Microsoft.Fabric/capacities").as_deref(),
            Some("azure.fabric.capacity")
        );
        assert_eq!(
            kind_for_type("microsoft.fabric/capacities").as_deref(),
            Some("azure.fabric.capacity")
        );
        assert_eq!(
            kind_for_type("Contoso.Widgets/gadgetBoxes").as_deref(),
            Some("azure.contosowidgets.gadgetbox")
        );
        for bad in [
            "",
            "Microsoft.Compute",
            "/",
            "Microsoft.Compute/",
            "Microsoft.X//",
        ] {
            assert_eq!(kind_for_type(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_known_type_has_a_distinct_kind() {
        let mut kinds: Vec<String> = KNOWN_TYPES
            .iter()
            .filter_map(|t| kind_for_type(t))
            .collect();
        assert_eq!(kinds.len(), KNOWN_TYPES.len());
        kinds.sort();
        let before = kinds.len();
        kinds.dedup();
        assert_eq!(before, kinds.len());
    }
}
