//! A mock of the Google REST APIs on loopback, paths as on the real hosts: Cloud
//! Asset Inventory and the service APIs serve one project consistently; two-page
//! listings, a 429 with `Retry-After`, a 403 and a 404 where the real APIs give them.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use crate::util::*;

/// The mock project.
pub(crate) const PROJECT: &str = "onus-demo-project";
const NUMBER: &str = "123456789012";

pub(crate) struct MockGcp {
    pub(crate) url: String,
    pub(crate) requests: RequestLog,
}

/// One resource: (asset type, asset name, location, REST representation).
pub(crate) fn estate() -> Vec<(&'static str, String, &'static str, Value)> {
    let p = PROJECT;
    let zone = "us-central1-a";
    let instance = |name: &str, sa: &str, scopes: Value, nat: bool| {
        let access = if nat {
            json!([{"name": "External NAT", "natIP": "34.1.2.3", "type": "ONE_TO_ONE_NAT"}])
        } else {
            json!([])
        };
        json!({"kind": "compute#instance", "id": "1", "name": name, "status": "RUNNING",
            "zone": format!("https://www.googleapis.com/compute/v1/projects/{p}/zones/{zone}"),
            "selfLink": format!("https://www.googleapis.com/compute/v1/projects/{p}/zones/{zone}/instances/{name}"),
            "labels": {"team": "web"},
            "serviceAccounts": [{"email": sa, "scopes": scopes}],
            "networkInterfaces": [{"network": "global/networks/default", "accessConfigs": access}],
            "shieldedInstanceConfig": {"enableSecureBoot": false}})
    };
    let disk = |name: &str, kms: Option<&str>| {
        let mut d = json!({"kind": "compute#disk", "name": name, "sizeGb": "10",
            "zone": format!("https://www.googleapis.com/compute/v1/projects/{p}/zones/{zone}"),
            "selfLink": format!("https://www.googleapis.com/compute/v1/projects/{p}/zones/{zone}/disks/{name}")});
        if let Some(k) = kms {
            d["diskEncryptionKey"] = json!({"kmsKeyName": k});
        }
        d
    };
    let firewall = |name: &str, allowed: Value, sources: Value| {
        json!({"kind": "compute#firewall", "name": name, "direction": "INGRESS", "priority": 1000,
            "network": format!("https://www.googleapis.com/compute/v1/projects/{p}/global/networks/default"),
            "selfLink": format!("https://www.googleapis.com/compute/v1/projects/{p}/global/firewalls/{name}"),
            "allowed": allowed, "sourceRanges": sources})
    };
    let bucket = |name: &str, pap: &str, uniform: bool, versioning: bool, logging: bool| {
        let mut b = json!({"kind": "storage#bucket", "name": name, "location": "US",
            "iamConfiguration": {"publicAccessPrevention": pap, "uniformBucketLevelAccess": {"enabled": uniform}},
            "versioning": {"enabled": versioning}});
        if logging {
            b["logging"] = json!({"logBucket": "onus-logs", "logObjectPrefix": name});
        }
        b
    };
    let sql = |name: &str, public: bool, networks: Value, ssl: &str, backups: bool| {
        json!({"kind": "sql#instance", "name": name, "project": p, "region": "us-central1",
            "databaseVersion": "POSTGRES_16",
            "settings": {"tier": "db-custom-1-3840",
                "ipConfiguration": {"ipv4Enabled": public, "authorizedNetworks": networks, "sslMode": ssl},
                "backupConfiguration": {"enabled": backups, "pointInTimeRecoveryEnabled": backups}}})
    };
    // The inventory's BASIC view of a version: no handlers (the FULL view has them).
    let version = |id: &str, runtime: &str| {
        json!({"name": format!("apps/{p}/services/default/versions/{id}"), "id": id, "runtime": runtime,
            "env": "standard", "servingStatus": "SERVING"})
    };
    let sa = "app-runner@onus-demo-project.iam.gserviceaccount.com";
    let default_sa = format!("{NUMBER}-compute@developer.gserviceaccount.com");
    let c = |kind: &str, rest: &str| format!("//compute.googleapis.com/projects/{p}/{rest}/{kind}");
    vec![
        (
            "compute.googleapis.com/Instance",
            c("vm-default", &format!("zones/{zone}/instances")),
            zone,
            instance(
                "vm-default",
                &default_sa,
                json!(["https://www.googleapis.com/auth/cloud-platform"]),
                true,
            ),
        ),
        (
            "compute.googleapis.com/Instance",
            c("vm-dedicated", &format!("zones/{zone}/instances")),
            zone,
            instance(
                "vm-dedicated",
                sa,
                json!(["https://www.googleapis.com/auth/logging.write"]),
                false,
            ),
        ),
        (
            "compute.googleapis.com/Disk",
            c("disk-cmek", &format!("zones/{zone}/disks")),
            zone,
            disk(
                "disk-cmek",
                Some("projects/onus-demo-project/locations/us/keyRings/r/cryptoKeys/k"),
            ),
        ),
        (
            "compute.googleapis.com/Disk",
            c("disk-default", &format!("zones/{zone}/disks")),
            zone,
            disk("disk-default", None),
        ),
        (
            "compute.googleapis.com/Firewall",
            c("allow-ssh-world", "global/firewalls"),
            "global",
            firewall(
                "allow-ssh-world",
                json!([{"IPProtocol": "tcp", "ports": ["22"]}]),
                json!(["0.0.0.0/0"]),
            ),
        ),
        (
            "compute.googleapis.com/Firewall",
            c("allow-https", "global/firewalls"),
            "global",
            firewall(
                "allow-https",
                json!([{"IPProtocol": "tcp", "ports": ["443"]}]),
                json!(["0.0.0.0/0", "::/0"]),
            ),
        ),
        (
            "compute.googleapis.com/Firewall",
            c("allow-internal", "global/firewalls"),
            "global",
            firewall(
                "allow-internal",
                json!([{"IPProtocol": "all"}]),
                json!(["10.0.0.0/8"]),
            ),
        ),
        // Google Cloud evaluates a network's rules together: the deny of
        // everyone at priority 900 shadows the RDP allow at 1000.
        (
            "compute.googleapis.com/Firewall",
            c("deny-all-locked", "global/firewalls"),
            "global",
            json!({"kind": "compute#firewall", "name": "deny-all-locked", "direction": "INGRESS", "priority": 900,
                "network": format!("https://www.googleapis.com/compute/v1/projects/{p}/global/networks/locked"),
                "selfLink": format!("https://www.googleapis.com/compute/v1/projects/{p}/global/firewalls/deny-all-locked"),
                "denied": [{"IPProtocol": "all"}], "sourceRanges": ["0.0.0.0/0", "::/0"]}),
        ),
        (
            "compute.googleapis.com/Firewall",
            c("allow-rdp-locked", "global/firewalls"),
            "global",
            json!({"kind": "compute#firewall", "name": "allow-rdp-locked", "direction": "INGRESS", "priority": 1000,
                "network": format!("https://www.googleapis.com/compute/v1/projects/{p}/global/networks/locked"),
                "selfLink": format!("https://www.googleapis.com/compute/v1/projects/{p}/global/firewalls/allow-rdp-locked"),
                "allowed": [{"IPProtocol": "tcp", "ports": ["3389"]}], "sourceRanges": ["0.0.0.0/0"]}),
        ),
        (
            "storage.googleapis.com/Bucket",
            "//storage.googleapis.com/bucket-public".into(),
            "us",
            bucket("bucket-public", "inherited", false, false, false),
        ),
        (
            "storage.googleapis.com/Bucket",
            "//storage.googleapis.com/bucket-private".into(),
            "us",
            bucket("bucket-private", "enforced", true, true, true),
        ),
        (
            "storage.googleapis.com/Bucket",
            "//storage.googleapis.com/bucket-denied".into(),
            "us",
            bucket("bucket-denied", "enforced", false, true, false),
        ),
        (
            "sqladmin.googleapis.com/Instance",
            format!("//cloudsql.googleapis.com/projects/{p}/instances/sql-open"),
            "us-central1",
            sql(
                "sql-open",
                true,
                json!([{"name": "anywhere", "value": "0.0.0.0/0"}]),
                "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                false,
            ),
        ),
        (
            "sqladmin.googleapis.com/Instance",
            format!("//cloudsql.googleapis.com/projects/{p}/instances/sql-private"),
            "us-central1",
            sql("sql-private", false, json!([]), "ENCRYPTED_ONLY", true),
        ),
        (
            "appengine.googleapis.com/Application",
            format!("//appengine.googleapis.com/apps/{p}"),
            "us-central",
            json!({"name": format!("apps/{p}"), "id": p, "locationId": "us-central", "servingStatus": "SERVING"}),
        ),
        (
            "appengine.googleapis.com/Service",
            format!("//appengine.googleapis.com/apps/{p}/services/default"),
            "us-central",
            json!({"name": format!("apps/{p}/services/default"), "id": "default",
                "networkSettings": {"ingressTrafficAllowed": "INGRESS_TRAFFIC_ALLOWED_ALL"}}),
        ),
        (
            "appengine.googleapis.com/Version",
            format!("//appengine.googleapis.com/apps/{p}/services/default/versions/v-old"),
            "us-central",
            version("v-old", "python27"),
        ),
        (
            "appengine.googleapis.com/Version",
            format!("//appengine.googleapis.com/apps/{p}/services/default/versions/v-new"),
            "us-central",
            version("v-new", "python312"),
        ),
        // The project itself, as Cloud Asset Inventory lists it: `name` is
        // its display name.
        (
            "cloudresourcemanager.googleapis.com/Project",
            format!("//cloudresourcemanager.googleapis.com/projects/{NUMBER}"),
            "global",
            json!({"projectNumber": NUMBER, "projectId": p, "lifecycleState": "ACTIVE",
                "name": "Demo <b>project</b>", "parent": {"type": "organization", "id": "4242"}}),
        ),
        // Kinds onus enumerates but does not evaluate.
        (
            "container.googleapis.com/Cluster",
            format!(
                "//container.googleapis.com/projects/{p}/locations/us-central1/clusters/gke-prod"
            ),
            "us-central1",
            json!({"name": "gke-prod", "location": "us-central1", "status": "RUNNING",
                "selfLink": format!("https://container.googleapis.com/v1/projects/{p}/locations/us-central1/clusters/gke-prod")}),
        ),
        (
            "pubsub.googleapis.com/Topic",
            format!("//pubsub.googleapis.com/projects/{p}/topics/orders"),
            "global",
            json!({"name": format!("projects/{p}/topics/orders")}),
        ),
        (
            "iam.googleapis.com/ServiceAccount",
            format!("//iam.googleapis.com/projects/{p}/serviceAccounts/{sa}"),
            "global",
            json!({"name": format!("projects/{p}/serviceAccounts/{sa}"), "email": sa}),
        ),
    ]
}

/// Handlers of an App Engine version in the FULL view.
fn full_version(id: &str) -> Value {
    let p = PROJECT;
    let (runtime, level) = if id == "v-old" {
        ("python27", "SECURE_OPTIONAL")
    } else {
        ("python312", "SECURE_ALWAYS")
    };
    json!({"name": format!("apps/{p}/services/default/versions/{id}"), "id": id, "runtime": runtime,
        "env": "standard", "servingStatus": "SERVING",
        "handlers": [{"urlRegex": "/static", "securityLevel": "SECURE_ALWAYS", "staticFiles": {"path": "static"}},
                     {"urlRegex": ".*", "securityLevel": level, "script": {"scriptPath": "auto"}}]})
}

fn of_type(t: &str) -> Vec<Value> {
    estate()
        .into_iter()
        .filter(|(at, _, _, _)| *at == t)
        .map(|(_, _, _, d)| d)
        .collect()
}

fn error(status: u16, code: &str, message: &str) -> (u16, &'static str, Value) {
    (
        status,
        "",
        json!({"error": {"code": status, "status": code, "message": message}}),
    )
}

/// The routes. `asset_inventory_denied`: Cloud Asset Inventory answers 403.
fn route(
    target: &str,
    asset_inventory_denied: bool,
    scc_denied: bool,
    throttled: &AtomicBool,
) -> (u16, &'static str, Value) {
    let p = PROJECT;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let page2 = query.contains("pageToken=page-2");
    match path {
        "/v1/projects" => (
            200,
            "",
            json!({"projects": [{"projectId": p, "projectNumber": NUMBER, "lifecycleState": "ACTIVE"}]}),
        ),
        // GKE clusters, in every location.
        _ if path == format!("/v1/projects/{p}/locations/-/clusters") => (
            200,
            "",
            json!({"clusters": of_type("container.googleapis.com/Cluster")}),
        ),
        // The project, as Resource Manager's `projects.get` gives it.
        _ if path == format!("/v1/projects/{p}") => (
            200,
            "",
            of_type("cloudresourcemanager.googleapis.com/Project")[0].clone(),
        ),
        _ if path == format!("/v1/projects/{p}/assets") => {
            if asset_inventory_denied {
                return error(
                    403,
                    "PERMISSION_DENIED",
                    "Cloud Asset API has not been used in project 123456789012 before or it is disabled.",
                );
            }
            if !throttled.swap(true, Ordering::SeqCst) {
                return (
                    429,
                    "Retry-After: 1\r\n",
                    json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota exceeded"}}),
                );
            }
            assert!(query.contains("contentType=RESOURCE"), "{target}");
            let assets: Vec<Value> = estate()
                .into_iter()
                .map(|(t, name, location, data)| {
                    json!({"name": name, "assetType": t, "updateTime": "2026-11-27T00:00:00Z",
                        "resource": {"version": "v1", "parent": format!("//cloudresourcemanager.googleapis.com/projects/{NUMBER}"),
                            "location": location, "data": data}})
                })
                .collect();
            let half = assets.len() / 2;
            if page2 {
                (
                    200,
                    "",
                    json!({"assets": assets[half..].to_vec(), "readTime": "2026-11-27T00:00:00Z"}),
                )
            } else {
                (
                    200,
                    "",
                    json!({"assets": assets[..half].to_vec(), "nextPageToken": "page-2"}),
                )
            }
        }
        _ if path == format!("/compute/v1/projects/{p}/aggregated/instances") => {
            let all = of_type("compute.googleapis.com/Instance");
            // Two pages, each an aggregated map of scopes.
            let (items, next) = if page2 {
                (vec![all[1].clone()], None)
            } else {
                (vec![all[0].clone()], Some("page-2"))
            };
            let mut v = json!({"items": {"zones/us-central1-a": {"instances": items}, "zones/europe-west1-b": {"warning": {"code": "NO_RESULTS_ON_PAGE"}}}});
            if let Some(n) = next {
                v["nextPageToken"] = json!(n);
            }
            (200, "", v)
        }
        _ if path == format!("/compute/v1/projects/{p}/aggregated/disks") => (
            200,
            "",
            json!({"items": {"zones/us-central1-a": {"disks": of_type("compute.googleapis.com/Disk")}}}),
        ),
        _ if path == format!("/compute/v1/projects/{p}/global/firewalls") => (
            200,
            "",
            json!({"items": of_type("compute.googleapis.com/Firewall")}),
        ),
        "/storage/v1/b" => {
            assert!(query.contains(&format!("project={p}")), "{target}");
            (
                200,
                "",
                json!({"kind": "storage#buckets", "items": of_type("storage.googleapis.com/Bucket")}),
            )
        }
        "/storage/v1/b/bucket-public/iam" => (
            200,
            "",
            json!({"kind": "storage#policy", "etag": "CAE=", "version": 1,
            "bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]},
                         {"role": "roles/storage.legacyBucketOwner", "members": [format!("projectOwner:{p}")]}]}),
        ),
        "/storage/v1/b/bucket-private/iam" => (
            200,
            "",
            json!({"kind": "storage#policy", "etag": "CAE=", "version": 1,
            "bindings": [{"role": "roles/storage.objectViewer", "members": ["serviceAccount:app-runner@onus-demo-project.iam.gserviceaccount.com"]}]}),
        ),
        "/storage/v1/b/bucket-denied/iam" => error(
            403,
            "PERMISSION_DENIED",
            "caller does not have storage.buckets.getIamPolicy access",
        ),
        _ if path == format!("/v1/projects/{p}/instances") => (
            200,
            "",
            json!({"items": of_type("sqladmin.googleapis.com/Instance")}),
        ),
        _ if path == format!("/v1/apps/{p}") => (
            200,
            "",
            of_type("appengine.googleapis.com/Application")[0].clone(),
        ),
        _ if path == format!("/v1/apps/{p}/services") => (
            200,
            "",
            json!({"services": of_type("appengine.googleapis.com/Service")}),
        ),
        _ if path == format!("/v1/apps/{p}/services/default/versions") => (
            200,
            "",
            json!({"versions": of_type("appengine.googleapis.com/Version")}),
        ),
        _ if path.starts_with(&format!("/v1/apps/{p}/services/default/versions/")) => {
            assert!(query.contains("view=FULL"), "{target}");
            (
                200,
                "",
                full_version(path.rsplit('/').next().unwrap_or_default()),
            )
        }
        _ if path
            == format!(
                "/v1/projects/{p}/locations/us-central1-a/instances/vm-default/vulnerabilityReport"
            ) =>
        {
            (
                200,
                "",
                json!({
            "name": format!("projects/{NUMBER}/locations/us-central1-a/instances/1/vulnerabilityReport"),
            "updateTime": chrono::Utc::now().to_rfc3339(),
            "vulnerabilities": [
                {"details": {"cve": "CVE-2024-0001", "severity": "CRITICAL"}, "availableInventoryItemIds": ["a"]},
                {"details": {"cve": "CVE-2024-0002", "severity": "HIGH"}, "availableInventoryItemIds": ["b"]},
                {"details": {"cve": "CVE-2024-0003", "severity": "LOW"}, "availableInventoryItemIds": ["c"]}]}),
            )
        }
        // Security Command Center: Event Threat Detection inherited from the
        // organisation, VM Threat Detection off though the project runs VMs.
        _ if path == format!("/v1/projects/{p}/locations/global/securityCenterServices") => {
            if scc_denied {
                return error(
                    403,
                    "PERMISSION_DENIED",
                    "Permission 'securitycentermanagement.securityCenterServices.list' denied on resource",
                );
            }
            let svc = |id: &str, intended: &str, effective: &str| {
                json!({"name": format!("projects/{NUMBER}/locations/global/securityCenterServices/{id}"),
                    "intendedEnablementState": intended, "effectiveEnablementState": effective,
                    "updateTime": "2026-11-27T00:00:00Z"})
            };
            (
                200,
                "",
                json!({"securityCenterServices": [
                    svc("event-threat-detection", "INHERITED", "ENABLED"),
                    svc("vm-threat-detection", "DISABLED", "DISABLED"),
                    svc("container-threat-detection", "INHERITED", "DISABLED"),
                    svc("security-health-analytics", "INHERITED", "ENABLED"),
                ]}),
            )
        }
        // VM Manager is not enabled for this VM: no report.
        _ if path.ends_with("/vulnerabilityReport") => {
            error(404, "NOT_FOUND", "Resource not found")
        }
        _ => error(404, "NOT_FOUND", path),
    }
}

impl MockGcp {
    pub(crate) fn start(asset_inventory_denied: bool) -> MockGcp {
        MockGcp::serve(asset_inventory_denied, false)
    }

    /// The mock with the Security Center Management API answering 403.
    pub(crate) fn scc_denied() -> MockGcp {
        MockGcp::serve(false, true)
    }

    fn serve(asset_inventory_denied: bool, scc_denied: bool) -> MockGcp {
        let throttled = AtomicBool::new(false);
        let (url, requests) = serve_mock("127.0.0.1:0", move |_, req| {
            route(&req.target, asset_inventory_denied, scc_denied, &throttled)
        });
        MockGcp { url, requests }
    }
}
