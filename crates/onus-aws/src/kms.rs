//! KMS: keys, their metadata and rotation status. Fetch only; the catalog maps
//! `KeyMetadata.KeyManager` and `KeyRotationEnabled` to facets.

use aws_sdk_kms::types::{KeyManagerType, KeySpec};
use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const KEY: &str = "aws.kms.key";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let kms = aws_sdk_kms::Client::from_conf(
        aws_sdk_kms::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "kms").await;
    let (list, err) = pages(kms.list_keys().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "kms", "ListKeys", &e, &[KEY], &[], vec![]));
    }
    let items: Vec<_> = list
        .iter()
        .flat_map(|p| p.keys())
        .map(ToOwned::to_owned)
        .collect();
    let read = |entry: aws_sdk_kms::types::KeyListEntry| {
        let (kms, account, region, scope) =
            (kms.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let entry = &entry;
            let Some(id) = entry.key_id() else { return out };
            let fallback = entry.key_arn().map_or_else(
                || format!("arn:aws:kms:{region}:{}:key/{id}", account.id),
                str::to_owned,
            );
            account.pace(Some(&region), "kms").await;
            let mut raw = json!({"KeyId": id});
            let mut arn = fallback.clone();
            let mut rotates = false;
            match kms.describe_key().key_id(id).send().await {
                Ok(d) => {
                    if let Some(m) = d.key_metadata() {
                        arn = m.arn().map_or(fallback.clone(), str::to_owned);
                        // Only enabled, symmetric, customer-managed keys with their own
                        // key material have a rotation status to read.
                        rotates = m.key_manager() == Some(&KeyManagerType::Customer)
                            && m.key_spec().is_none_or(|s| *s == KeySpec::SymmetricDefault)
                            && m.origin().is_none_or(|o| o.as_str() == "AWS_KMS")
                            && m.key_state().is_none_or(|s| s.as_str() == "Enabled");
                        raw["KeyMetadata"] = json!({
                            "KeyId": m.key_id(),
                            "Arn": m.arn(),
                            "KeyManager": m.key_manager().map(|x| x.as_str()),
                            "KeyState": m.key_state().map(|x| x.as_str()),
                            "KeySpec": m.key_spec().map(|x| x.as_str()),
                            "KeyUsage": m.key_usage().map(|x| x.as_str()),
                            "Origin": m.origin().map(|x| x.as_str()),
                            "Enabled": m.enabled(),
                            "Description": m.description(),
                        });
                    }
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "kms",
                    "DescribeKey",
                    &e,
                    &[KEY],
                    &["encryption_at_rest"],
                    vec![fallback.clone()],
                )),
            }
            if rotates {
                account.pace(Some(&region), "kms").await;
                match kms.get_key_rotation_status().key_id(id).send().await {
                    Ok(s) => raw["KeyRotationEnabled"] = Value::Bool(s.key_rotation_enabled()),
                    Err(e) => out.gaps.push(gap(
                        &scope,
                        "kms",
                        "GetKeyRotationStatus",
                        &e,
                        &[KEY],
                        &["encryption_at_rest"],
                        vec![arn.clone()],
                    )),
                }
            }
            let name = raw["KeyMetadata"]["Description"]
                .as_str()
                .filter(|d| !d.is_empty())
                .map_or(id.to_owned(), str::to_owned);
            let mut r = resource(&arn, &account.id, Some(&region), KEY, Some(&name));
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
