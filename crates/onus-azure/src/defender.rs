//! Microsoft Defender for Cloud: the plans a subscription's present resource
//! types need, and whether each is on (`Standard`) or off (`Free`). Recorded
//! on the subscription resource, `raw.pricings` as the API returned them and
//! `raw.presentTypes` the types they were matched against.

use std::collections::{BTreeMap, BTreeSet};

use onus_model::{Provider, Resource, ThreatDetection};
use serde_json::{Value, json};

/// The kind of a subscription resource.
pub const SUBSCRIPTION: &str = "azure.resources.subscription";

/// The service detecting threats to an Azure subscription.
const SERVICE: &str = "Microsoft Defender for Cloud";

/// The Defender plan (its `pricings` name) that covers each resource type onus sees.
const PLANS: &[(&str, &str)] = &[
    ("Microsoft.Compute/virtualMachines", "VirtualMachines"),
    (
        "Microsoft.Compute/virtualMachineScaleSets",
        "VirtualMachines",
    ),
    ("Microsoft.Storage/storageAccounts", "StorageAccounts"),
    ("Microsoft.Sql/servers", "SqlServers"),
    ("Microsoft.KeyVault/vaults", "KeyVaults"),
    ("Microsoft.Web/sites", "AppServices"),
    ("Microsoft.ContainerService/managedClusters", "Containers"),
    ("Microsoft.ContainerRegistry/registries", "Containers"),
    (
        "Microsoft.DBforPostgreSQL/flexibleServers",
        "OpenSourceRelationalDatabases",
    ),
    (
        "Microsoft.DBforMySQL/flexibleServers",
        "OpenSourceRelationalDatabases",
    ),
    ("Microsoft.DocumentDB/databaseAccounts", "CosmosDbs"),
];

/// The subscription resource, with its Defender plans read (or the read's
/// error), the types present in it, and the types whose listing failed.
pub fn subscription(
    sub: &str,
    present: &BTreeSet<String>,
    unlisted: &BTreeSet<String>,
    pricings: Result<Vec<Value>, String>,
) -> Resource {
    let mut raw = json!({
        "id": format!("/subscriptions/{sub}"),
        "presentTypes": present.iter().collect::<Vec<_>>(),
    });
    if !unlisted.is_empty() {
        raw["unlistedTypes"] = json!(unlisted.iter().collect::<Vec<_>>());
    }
    match pricings {
        Ok(p) => raw["pricings"] = Value::Array(p),
        Err(e) => raw["pricingsError"] = Value::String(onus_model::api_text(&e)),
    }
    let coverage = coverage(&raw);
    let mut r = Resource {
        id: format!("/subscriptions/{sub}"),
        provider: Provider::Azure,
        account: sub.to_owned(),
        region: None,
        kind: SUBSCRIPTION.to_owned(),
        name: None,
        tags: Default::default(),
        facets: Default::default(),
        sources: Default::default(),
        raw: Value::Null,
        enumerated_only: false,
    };
    r.facets.threat_detection = Some(ThreatDetection {
        service: Some(SERVICE.to_owned()),
        coverage,
        supporting: Vec::new(),
    });
    r.sources.insert(
        "threat_detection.coverage".to_owned(),
        "/pricings".to_owned(),
    );
    r.raw = raw;
    r
}

/// Per plan a present type needs (`Defender for StorageAccounts`): on when
/// its pricing tier is `Standard`, off when `Free`; not known when the plans
/// could not be read or the plan is not in the answer. A plan whose types'
/// listing failed (`unlistedTypes`) counts when it is on and is not known
/// otherwise: whether the subscription needs it is not known, so off is no
/// finding and no pass.
pub fn coverage(raw: &Value) -> BTreeMap<String, Option<bool>> {
    let types = |key: &str| -> BTreeSet<String> {
        raw[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let (present, unlisted) = (types("presentTypes"), types("unlistedTypes"));
    let plans_of = |set: &BTreeSet<String>| -> BTreeSet<&'static str> {
        PLANS
            .iter()
            .filter(|(t, _)| set.contains(&t.to_ascii_lowercase()))
            .map(|(_, plan)| *plan)
            .collect()
    };
    let (needed, maybe) = (plans_of(&present), plans_of(&unlisted));
    // A plan named twice with different tiers is not known: the last answer
    // must not win over an earlier `Free`.
    let mut tiers: BTreeMap<String, Option<bool>> = BTreeMap::new();
    for p in raw["pricings"].as_array().into_iter().flatten() {
        let (Some(name), Some(t)) = (p["name"].as_str(), p["properties"]["pricingTier"].as_str())
        else {
            continue;
        };
        let on = if t.eq_ignore_ascii_case("Standard") {
            Some(true)
        } else if t.eq_ignore_ascii_case("Free") {
            Some(false)
        } else {
            None
        };
        tiers
            .entry(name.to_ascii_lowercase())
            .and_modify(|was| *was = if *was == on { on } else { None })
            .or_insert(on);
    }
    let tier = |plan: &str| tiers.get(&plan.to_ascii_lowercase()).copied().flatten();
    needed
        .iter()
        .map(|plan| (*plan, tier(plan)))
        .chain(
            maybe
                .difference(&needed)
                .map(|plan| (*plan, tier(plan).filter(|on| *on))),
        )
        .map(|(plan, on)| (format!("Defender for {plan}"), on))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(types: &[&str], pricings: Value) -> Value {
        json!({"presentTypes": types, "pricings": pricings})
    }

    #[test]
    fn only_the_plans_of_present_types_count_and_free_is_off() {
        let pricings = json!([
            {"name": "VirtualMachines", "properties": {"pricingTier": "Standard"}},
            {"name": "StorageAccounts", "properties": {"pricingTier": "Free"}},
            {"name": "SqlServers", "properties": {"pricingTier": "Free"}},
        ]);
        let c = coverage(&raw(
            &[
                "Microsoft.Compute/virtualMachines",
                "microsoft.storage/storageaccounts",
                "Microsoft.Network/virtualNetworks",
            ],
            pricings.clone(),
        ));
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c["Defender for VirtualMachines"], Some(true));
        assert_eq!(c["Defender for StorageAccounts"], Some(false));
        // A plan the answer lacks is not known, never off or on.
        let c = coverage(&raw(&["Microsoft.KeyVault/vaults"], pricings));
        assert_eq!(c["Defender for KeyVaults"], None);
        // Plans that could not be read: every needed plan unknown.
        let failed =
            json!({"presentTypes": ["Microsoft.Sql/servers"], "pricingsError": "HTTP 403"});
        assert_eq!(coverage(&failed)["Defender for SqlServers"], None);
        // Nothing Defender covers: nothing to require.
        assert!(coverage(&raw(&["Microsoft.Network/virtualNetworks"], json!([]))).is_empty());
    }

    #[test]
    fn a_type_whose_listing_failed_may_need_its_plan() {
        let raw = |tier: &str| {
            json!({"presentTypes": [], "unlistedTypes": ["Microsoft.KeyVault/vaults"],
                "pricings": [{"name": "KeyVaults", "properties": {"pricingTier": tier}}]})
        };
        assert_eq!(
            coverage(&raw("Standard"))["Defender for KeyVaults"],
            Some(true)
        );
        // Free: a finding only if there are vaults, which is not known.
        assert_eq!(coverage(&raw("Free"))["Defender for KeyVaults"], None);
        // A plan named twice, Free then Standard: not known.
        let twice = json!({"presentTypes": ["Microsoft.KeyVault/vaults"], "pricings": [
            {"name": "KeyVaults", "properties": {"pricingTier": "Free"}},
            {"name": "KeyVaults", "properties": {"pricingTier": "Standard"}}]});
        assert_eq!(coverage(&twice)["Defender for KeyVaults"], None);
    }

    #[test]
    fn the_subscription_resource_carries_the_plans_as_read() {
        let present: BTreeSet<String> = ["Microsoft.Storage/storageAccounts".to_owned()].into();
        let r = subscription(
            "sub-1",
            &present,
            &BTreeSet::new(),
            Ok(vec![
                json!({"name": "StorageAccounts", "properties": {"pricingTier": "Free"}}),
            ]),
        );
        assert_eq!(r.id, "/subscriptions/sub-1");
        assert_eq!(r.kind, SUBSCRIPTION);
        let td = r.facets.threat_detection.unwrap();
        assert_eq!(td.coverage["Defender for StorageAccounts"], Some(false));
        assert_eq!(r.raw["pricings"][0]["name"], "StorageAccounts");
    }
}
