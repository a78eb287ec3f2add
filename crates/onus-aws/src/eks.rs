//! EKS: clusters as `DescribeCluster` describes them (control-plane logging,
//! endpoint access, secrets encryption, Kubernetes version). Fetch only; the
//! catalog's mappings derive the facets.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const CLUSTER: &str = "aws.eks.cluster";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let eks = aws_sdk_eks::Client::from_conf(
        aws_sdk_eks::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "eks").await;
    let (list, err) = pages(eks.list_clusters().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "eks",
            "ListClusters",
            &e,
            &[CLUSTER],
            &[],
            vec![],
        ));
    }
    let items: Vec<String> = list
        .iter()
        .flat_map(|p| p.clusters())
        .map(ToOwned::to_owned)
        .collect();
    let read = |name: String| {
        let (eks, account, region, scope) =
            (eks.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let name = name.as_str();
            let fallback = format!("arn:aws:eks:{region}:{}:cluster/{name}", account.id);
            account.pace(Some(&region), "eks").await;
            let (arn, raw) = match eks.describe_cluster().name(name).send().await {
                Ok(d) => match d.cluster() {
                    Some(c) => {
                        let vpc = c.resources_vpc_config();
                        let logging: Vec<_> = c
                                .logging()
                                .map(|l| l.cluster_logging())
                                .unwrap_or_default()
                                .iter()
                                .map(|s| json!({
                                    "types": s.types().iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                                    "enabled": s.enabled(),
                                }))
                                .collect();
                        let encryption: Vec<_> = c
                                .encryption_config()
                                .iter()
                                .map(|e| json!({
                                    "resources": e.resources(),
                                    "provider": e.provider().and_then(|p| p.key_arn()).map(|k| json!({"keyArn": k})),
                                }))
                                .collect();
                        (
                            c.arn().map_or(fallback.clone(), str::to_owned),
                            json!({"cluster": {
                                "name": c.name(),
                                "arn": c.arn(),
                                "version": c.version(),
                                "platformVersion": c.platform_version(),
                                "resourcesVpcConfig": vpc.map(|v| json!({
                                    "endpointPublicAccess": v.endpoint_public_access(),
                                    "endpointPrivateAccess": v.endpoint_private_access(),
                                    "publicAccessCidrs": v.public_access_cidrs(),
                                })),
                                "logging": c.logging().map(|_| json!({"clusterLogging": logging})),
                                "encryptionConfig": encryption,
                            }}),
                        )
                    }
                    None => (fallback.clone(), json!({"name": name})),
                },
                Err(e) => {
                    out.gaps.push(gap(
                        &scope,
                        "eks",
                        "DescribeCluster",
                        &e,
                        &[CLUSTER],
                        &[],
                        vec![fallback.clone()],
                    ));
                    (fallback, json!({"name": name}))
                }
            };
            let mut r = resource(&arn, &account.id, Some(&region), CLUSTER, Some(name));
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
