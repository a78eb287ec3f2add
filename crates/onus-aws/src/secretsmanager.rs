//! Secrets Manager: secrets as `ListSecrets` describes them (rotation, key).
//! Fetch only; the catalog maps `RotationEnabled` to the identity facet.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const SECRET: &str = "aws.secretsmanager.secret";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let sm = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "secretsmanager").await;
    let (list, err) = pages(sm.list_secrets().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "secretsmanager",
            "ListSecrets",
            &e,
            &[SECRET],
            &[],
            vec![],
        ));
    }
    for s in list.iter().flat_map(|p| p.secret_list()) {
        let (Some(arn), Some(name)) = (s.arn(), s.name()) else {
            continue;
        };
        let mut r = resource(arn, &account.id, Some(&region), SECRET, Some(name));
        r.raw = json!({
            "ARN": arn,
            "Name": name,
            // Absent when rotation was never configured: that is "not rotated".
            "RotationEnabled": s.rotation_enabled(),
            "KmsKeyId": s.kms_key_id(),
            "LastRotatedDate": s.last_rotated_date().map(|d| d.to_string()),
        });
        out.resources.push(r);
    }
    out
}
