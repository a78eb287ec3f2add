//! ECR: repositories as `DescribeRepositories` describes them (scan on push,
//! tag mutability, encryption). Fetch only; the catalog's mappings derive the facets.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const REPOSITORY: &str = "aws.ecr.repository";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let ecr = aws_sdk_ecr::Client::from_conf(
        aws_sdk_ecr::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "ecr").await;
    let (list, err) = pages(ecr.describe_repositories().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ecr",
            "DescribeRepositories",
            &e,
            &[REPOSITORY],
            &[],
            vec![],
        ));
    }
    for repo in list.iter().flat_map(|p| p.repositories()) {
        let (Some(arn), Some(name)) = (repo.repository_arn(), repo.repository_name()) else {
            continue;
        };
        let mut r = resource(arn, &account.id, Some(&region), REPOSITORY, Some(name));
        r.raw = json!({
            "repositoryArn": arn,
            "repositoryName": name,
            "imageTagMutability": repo.image_tag_mutability().map(|m| m.as_str()),
            "imageScanningConfiguration": repo.image_scanning_configuration().map(|c| json!({"scanOnPush": c.scan_on_push()})),
            "encryptionConfiguration": repo.encryption_configuration().map(|e| json!({
                "encryptionType": e.encryption_type().as_str(),
                "kmsKey": e.kms_key(),
            })),
        });
        out.resources.push(r);
    }
    out
}
