//! Kinds from Cloud Asset Inventory asset types:
//! `storage.googleapis.com/Bucket` → `gcp.storage.bucket`,
//! `compute.googleapis.com/InstanceTemplate` → `gcp.compute.instance-template`,
//! `sqladmin.googleapis.com/Instance` → `gcp.sql.instance`.

/// Service names whose kind segment differs from the API host.
const SERVICES: &[(&str, &str)] = &[("sqladmin", "sql"), ("cloudfunctions", "functions")];

/// The kind of an asset type, or `None` when it is not `host/Type`.
pub fn kind_for_asset_type(asset_type: &str) -> Option<String> {
    let (host, kind) = asset_type.split_once('/')?;
    let service = host
        .strip_suffix(".googleapis.com")
        .unwrap_or_else(|| host.split('.').next().unwrap_or(host));
    let service = SERVICES
        .iter()
        .find(|(h, _)| *h == service)
        .map_or(service, |(_, s)| s);
    let service: String = service
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let kind = onus_model::kebab(kind);
    (!service.is_empty() && !kind.is_empty()).then(|| format!("gcp.{service}.{kind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_asset_types() {
        for (t, k) in [
            ("storage.googleapis.com/Bucket", "gcp.storage.bucket"),
            ("compute.googleapis.com/Instance", "gcp.compute.instance"),
            ("compute.googleapis.com/Firewall", "gcp.compute.firewall"),
            (
                "compute.googleapis.com/InstanceTemplate",
                "gcp.compute.instance-template",
            ),
            (
                "compute.googleapis.com/SslCertificate",
                "gcp.compute.ssl-certificate",
            ),
            ("sqladmin.googleapis.com/Instance", "gcp.sql.instance"),
            ("appengine.googleapis.com/Version", "gcp.appengine.version"),
            (
                "iam.googleapis.com/ServiceAccountKey",
                "gcp.iam.service-account-key",
            ),
            ("k8s.io/Pod", "gcp.k8s.pod"),
            ("pubsub.googleapis.com/Topic", "gcp.pubsub.topic"),
        ] {
            assert_eq!(kind_for_asset_type(t).as_deref(), Some(k), "{t}");
        }
        for bad in ["", "Bucket", "/Bucket", "storage.googleapis.com/"] {
            assert_eq!(kind_for_asset_type(bad), None, "{bad:?}");
        }
    }
}
