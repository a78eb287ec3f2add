//! OpenSearch Service: domains as `DescribeDomains` describes them (encryption
//! at rest, node-to-node encryption, HTTPS enforcement and TLS policy, VPC
//! placement, access policy). Fetch, plus one pure mapping the catalog's
//! expressions cannot carry: whether the access policy admits anyone.

use serde_json::{Value, json};

use crate::gap::{gap, mapping_gap};
use crate::policy::{Answer, allows_anyone};
use crate::{Account, Collected, resource, source};

pub(crate) const DOMAIN: &str = "aws.opensearch.domain";

/// `DescribeDomains` takes at most five names a call.
const BATCH: usize = 5;

/// The domain's `raw`: the API's field names, the access policy parsed.
fn raw_of(d: &aws_sdk_opensearch::types::DomainStatus) -> Value {
    let policy = d
        .access_policies()
        .map(|p| serde_json::from_str::<Value>(p).unwrap_or_else(|_| Value::String(p.to_owned())));
    json!({
        "DomainName": d.domain_name(),
        "ARN": d.arn(),
        "EngineVersion": d.engine_version(),
        "EncryptionAtRestOptions": d.encryption_at_rest_options().map(|e| json!({
            "Enabled": e.enabled(),
            "KmsKeyId": e.kms_key_id(),
        })),
        "NodeToNodeEncryptionOptions": d.node_to_node_encryption_options().map(|n| json!({
            "Enabled": n.enabled(),
        })),
        "DomainEndpointOptions": d.domain_endpoint_options().map(|o| json!({
            "EnforceHTTPS": o.enforce_https(),
            "TLSSecurityPolicy": o.tls_security_policy().map(|p| p.as_str()),
        })),
        "VPCOptions": d.vpc_options().map(|v| json!({
            "VPCId": v.vpc_id(),
            "SubnetIds": v.subnet_ids(),
        })),
        "AccessPolicies": policy,
    })
}

/// Whether the domain answers the internet: outside a VPC and an access policy
/// that admits anyone without a condition that provably narrows it (see
/// [`crate::policy::allows_anyone`]). `Ok(None)` when the placement is unknown;
/// `Err` with the reason when the policy cannot be evaluated.
pub fn internet_reachable(raw: &Value) -> Result<Option<bool>, String> {
    if raw.get("DomainName").is_none() {
        return Ok(None);
    }
    let in_vpc = raw["VPCOptions"]["VPCId"]
        .as_str()
        .is_some_and(|v| !v.is_empty());
    if in_vpc {
        return Ok(Some(false));
    }
    match &raw["AccessPolicies"] {
        // No policy: only signed requests of the account's own principals get in.
        Value::Null => Ok(Some(false)),
        Value::String(s) if s.trim().is_empty() => Ok(Some(false)),
        p => match allows_anyone(p) {
            Answer::Yes(_) => Ok(Some(true)),
            Answer::No => Ok(Some(false)),
            Answer::Unknown(why) => Err(format!("the access policy cannot be evaluated: {why}")),
        },
    }
}

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let client = aws_sdk_opensearch::Client::from_conf(
        aws_sdk_opensearch::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "opensearch").await;
    let names: Vec<String> = match client.list_domain_names().send().await {
        Ok(l) => l
            .domain_names()
            .iter()
            .filter_map(|d| d.domain_name().map(str::to_owned))
            .collect(),
        Err(e) => {
            out.gaps.push(gap(
                &scope,
                "opensearch",
                "ListDomainNames",
                &e,
                &[DOMAIN],
                &[],
                vec![],
            ));
            return out;
        }
    };
    for batch in names.chunks(BATCH) {
        account.pace(Some(&region), "opensearch").await;
        match client
            .describe_domains()
            .set_domain_names(Some(batch.to_vec()))
            .send()
            .await
        {
            Ok(d) => {
                for status in d.domain_status_list() {
                    let raw = raw_of(status);
                    let arn = status.arn();
                    let mut r = resource(
                        arn,
                        &account.id,
                        Some(&region),
                        DOMAIN,
                        Some(status.domain_name()),
                    );
                    let reachable = internet_reachable(&raw).unwrap_or_else(|why| {
                        out.gaps.push(mapping_gap(
                            &scope,
                            "opensearch",
                            "DescribeDomains",
                            DOMAIN,
                            &["public_access"],
                            arn,
                            &why,
                        ));
                        None
                    });
                    if let Some(reachable) = reachable {
                        r.facets
                            .public_access
                            .get_or_insert_default()
                            .internet_reachable = Some(reachable);
                        let pointer = if reachable || raw["VPCOptions"]["VPCId"].is_null() {
                            "/AccessPolicies"
                        } else {
                            "/VPCOptions/VPCId"
                        };
                        source(&mut r, "public_access.internet_reachable", pointer);
                    }
                    r.raw = raw;
                    out.resources.push(r);
                }
            }
            Err(e) => {
                let arns = batch
                    .iter()
                    .map(|n| format!("arn:aws:es:{region}:{}:domain/{n}", account.id))
                    .collect::<Vec<_>>();
                out.gaps.push(gap(
                    &scope,
                    "opensearch",
                    "DescribeDomains",
                    &e,
                    &[DOMAIN],
                    &[],
                    arns.clone(),
                ));
                for (arn, n) in arns.iter().zip(batch) {
                    let mut r = resource(arn, &account.id, Some(&region), DOMAIN, Some(n));
                    r.raw = json!({"DomainName": n});
                    out.resources.push(r);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(vpc: Option<&str>, policy: Value) -> Value {
        json!({
            "DomainName": "search",
            "VPCOptions": vpc.map(|v| json!({"VPCId": v})),
            "AccessPolicies": policy,
        })
    }

    #[test]
    fn a_domain_in_a_vpc_is_not_internet_reachable_whatever_its_policy() {
        let open = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*"}]});
        assert_eq!(
            internet_reachable(&domain(Some("vpc-1"), open)),
            Ok(Some(false))
        );
    }

    #[test]
    fn a_public_domain_with_an_open_policy_is_reachable() {
        let open = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*"}]});
        assert_eq!(internet_reachable(&domain(None, open)), Ok(Some(true)));
    }

    #[test]
    fn a_public_domain_limited_by_source_ip_or_principal_is_not() {
        let by_ip = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]});
        assert_eq!(internet_reachable(&domain(None, by_ip)), Ok(Some(false)));
        let by_role = json!({"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/search"}, "Action": "es:*"}]});
        assert_eq!(internet_reachable(&domain(None, by_role)), Ok(Some(false)));
        assert_eq!(
            internet_reachable(&domain(None, Value::Null)),
            Ok(Some(false))
        );
        // Found by review: any condition used to count as narrowing; a source
        // address condition of the whole internet narrows nothing.
        let everyone_by_ip = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*",
            "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}]});
        assert_eq!(
            internet_reachable(&domain(None, everyone_by_ip)),
            Ok(Some(true))
        );
    }

    #[test]
    fn an_unparsable_policy_or_an_unread_domain_is_unknown() {
        assert!(internet_reachable(&domain(None, json!("{not json"))).is_err());
        let odd_key = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*",
            "Condition": {"StringEquals": {"es:Unheard": "x"}}}]});
        assert!(internet_reachable(&domain(None, odd_key)).is_err());
        assert_eq!(internet_reachable(&json!({})), Ok(None));
    }
}
