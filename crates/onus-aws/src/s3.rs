//! S3: buckets and the account's Block Public Access settings.
//!
//! With a custom endpoint (`AWS_ENDPOINT_URL`, e.g. an emulator on
//! `127.0.0.1`), S3 is addressed path-style, since `bucket.127.0.0.1` cannot
//! resolve; and S3 Control, whose endpoint rules put the account ID in front of
//! the host name (`111122223333.127.0.0.1`), gets a resolver that returns the
//! configured endpoint as is. The account ID still travels in the
//! `x-amz-account-id` header, which is all the API needs.

use std::collections::HashMap;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{BucketVersioningStatus, ServerSideEncryption};
use onus_model::{Backup, EncryptionAtRest, KeySource, Logging, PublicAccess, Transport};
use serde_json::{Value, json};

use crate::gap::{Reads, Scope, gap, mapping_gap};
use crate::policy::{Answer, denies_insecure_transport};
use crate::{Account, Collected, pages, resource, source};

const BUCKET: &str = "aws.s3.bucket";

/// An S3 Control endpoint resolver that returns the configured endpoint unchanged.
#[derive(Debug)]
struct PlainEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for PlainEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

fn s3_client(account: &Account, region: &str) -> aws_sdk_s3::Client {
    let config = account.in_region(region);
    let builder = aws_sdk_s3::config::Builder::from(&config)
        .interceptor(account.guard.clone())
        .interceptor(account.retries.clone())
        .force_path_style(account.custom_endpoint);
    aws_sdk_s3::Client::from_conf(builder.build())
}

fn s3control_client(account: &Account) -> aws_sdk_s3control::Client {
    let config = account.in_region(account.config.region().map_or("us-east-1", |r| r.as_ref()));
    let mut builder = aws_sdk_s3control::config::Builder::from(&config)
        .interceptor(account.guard.clone())
        .interceptor(account.retries.clone());
    if let Some(url) = config.endpoint_url() {
        builder = builder.endpoint_resolver(PlainEndpoint(url.to_owned()));
    }
    aws_sdk_s3control::Client::from_conf(builder.build())
}

/// Who manages the KMS key of an `aws:kms` default: no key named means the
/// AWS managed key `aws/s3`; an alias outside `alias/aws/` can only name a
/// customer managed key; a bare key ID or ARN says neither (the AWS managed
/// key has an ARN too), so it is not guessed.
pub fn kms_key_source(key: Option<&str>) -> Option<KeySource> {
    match key {
        None => Some(KeySource::ProviderManaged),
        Some(k) if k.contains("alias/aws/") => Some(KeySource::ProviderManaged),
        Some(k) if k.contains("alias/") => Some(KeySource::CustomerManaged),
        Some(_) => None,
    }
}

/// The region a `GetBucketLocation` constraint stands for.
pub fn region_of(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    }
}

/// Whether a bucket policy denies requests made without TLS to every action on
/// the bucket (`bucket_arn`, in its own partition) and its objects, for every
/// principal (see [`crate::policy::denies_insecure_transport`]).
pub fn policy_requires_tls(policy: &Value, bucket_arn: &str) -> Answer {
    let objects = format!("{bucket_arn}/*");
    denies_insecure_transport(policy, "s3", &[bucket_arn, &objects])
}

/// A Block Public Access configuration as the API returned it.
fn block_raw(c: Option<&aws_sdk_s3control::types::PublicAccessBlockConfiguration>) -> Value {
    c.map_or(Value::Null, |c| {
        json!({
            "BlockPublicAcls": c.block_public_acls(),
            "IgnorePublicAcls": c.ignore_public_acls(),
            "BlockPublicPolicy": c.block_public_policy(),
            "RestrictPublicBuckets": c.restrict_public_buckets(),
        })
    })
}

/// Block Public Access is fully on only when all four settings of a
/// `PublicAccessBlockConfiguration` (as the API returned it) are `true`.
pub fn all_four_on(configuration: &Value) -> bool {
    [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ]
    .iter()
    .all(|k| configuration[k] == Value::Bool(true))
}

/// The account-level Block Public Access: `Some(true)` when all four settings are on.
async fn account_block(account: &Account, out: &mut Collected) -> (Option<bool>, Value) {
    account.pace(None, "s3control").await;
    match s3control_client(account)
        .get_public_access_block()
        .account_id(&account.id)
        .send()
        .await
    {
        Ok(o) => {
            let configuration = block_raw(o.public_access_block_configuration());
            (
                Some(all_four_on(&configuration)),
                json!({"PublicAccessBlockConfiguration": configuration}),
            )
        }
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => {
            // The API's answer: no configuration, so nothing is blocked.
            (Some(false), json!({"PublicAccessBlockConfiguration": null}))
        }
        Err(e) => {
            out.gaps.push(gap(
                &account.scope(None),
                "s3control",
                "GetPublicAccessBlock",
                &e,
                &[BUCKET],
                &["public_access"],
                vec![],
            ));
            (None, Value::Null)
        }
    }
}

pub(crate) async fn collect(account: Account, regions: Option<Vec<String>>) -> Collected {
    let mut out = Collected::default();
    let scope = account.scope(None);
    let home = s3_client(&account, "us-east-1");
    account.pace(None, "s3").await;
    let (pages, err) = pages(home.list_buckets().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "s3", "ListBuckets", &e, &[BUCKET], &[], vec![]));
    }
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.buckets())
        .filter_map(|b| b.name().map(str::to_owned))
        .collect();
    if names.is_empty() {
        return out;
    }
    let (account_blocked, account_raw) = account_block(&account, &mut out).await;
    // One client per bucket region, shared by the concurrent reads.
    let clients: std::sync::Mutex<HashMap<String, aws_sdk_s3::Client>> = Default::default();
    let read = |name: String| {
        let (account, home, scope, regions) = (&account, &home, &scope, &regions);
        let (clients, account_raw) = (&clients, &account_raw);
        async move {
            let mut out = Collected::default();
            let arn = format!("arn:aws:s3:::{name}");
            let reads = Reads {
                scope,
                service: "s3",
                kinds: &[BUCKET],
                resource: &arn,
            };
            account.pace(None, "s3").await;
            let region = match home.get_bucket_location().bucket(&name).send().await {
                Ok(l) => region_of(l.location_constraint().map(|c| c.as_str())),
                Err(e) => {
                    out.gaps.push(reads.failed("GetBucketLocation", &[], &e));
                    "us-east-1".to_owned()
                }
            };
            if regions.as_ref().is_some_and(|r| !r.contains(&region)) {
                return out;
            }
            let client = clients
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(region.clone())
                .or_insert_with(|| s3_client(account, &region))
                .clone();
            let bucket_scope = account.scope(Some(&region));
            let mut r = resource(&arn, &account.id, Some(&region), BUCKET, Some(&name));
            bucket(
                account,
                &client,
                &bucket_scope,
                &name,
                &mut r,
                &mut out,
                account_blocked,
                account_raw,
            )
            .await;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(names, read).await);
    out
}

#[allow(clippy::too_many_arguments)]
async fn bucket(
    account: &Account,
    s3: &aws_sdk_s3::Client,
    scope: &Scope,
    name: &str,
    r: &mut onus_model::Resource,
    out: &mut Collected,
    account_blocked: Option<bool>,
    account_raw: &Value,
) {
    let arn = r.id.clone();
    let reads = Reads {
        scope,
        service: "s3",
        kinds: &[BUCKET],
        resource: &arn,
    };
    account.pace(scope.region.as_deref(), "s3").await;
    let (enc, pab, status, acl, policy, versioning, logging) = tokio::join!(
        s3.get_bucket_encryption().bucket(name).send(),
        s3.get_public_access_block().bucket(name).send(),
        s3.get_bucket_policy_status().bucket(name).send(),
        s3.get_bucket_acl().bucket(name).send(),
        s3.get_bucket_policy().bucket(name).send(),
        s3.get_bucket_versioning().bucket(name).send(),
        s3.get_bucket_logging().bucket(name).send(),
    );
    let mut raw = json!({"Name": name, "AccountPublicAccessBlock": account_raw});

    // Default encryption.
    match enc {
        Ok(o) => {
            let rules = o
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default();
            let rule = rules
                .first()
                .and_then(|r| r.apply_server_side_encryption_by_default());
            let algorithm = rule.map(|d| d.sse_algorithm().clone());
            let key = rule.and_then(|d| d.kms_master_key_id()).map(str::to_owned);
            raw["ServerSideEncryptionConfiguration"] = json!({"Rules": rules.iter().map(|r| json!({
                "ApplyServerSideEncryptionByDefault": r.apply_server_side_encryption_by_default().map(|d| json!({
                    "SSEAlgorithm": d.sse_algorithm().as_str(),
                    "KMSMasterKeyID": d.kms_master_key_id(),
                })),
                "BucketKeyEnabled": r.bucket_key_enabled(),
            })).collect::<Vec<_>>()});
            let key_source = match &algorithm {
                Some(ServerSideEncryption::Aes256) => Some(KeySource::ProviderManaged),
                Some(_) => kms_key_source(key.as_deref()),
                None => None,
            };
            let named_key = key.is_some();
            r.facets.encryption_at_rest = Some(EncryptionAtRest {
                enabled: Some(algorithm.is_some()),
                key_source,
                key_id: key,
                ..Default::default()
            });
            source(
                r,
                "encryption_at_rest.enabled",
                if algorithm.is_some() {
                    "/ServerSideEncryptionConfiguration/Rules/0/ApplyServerSideEncryptionByDefault/SSEAlgorithm"
                } else {
                    "/ServerSideEncryptionConfiguration/Rules"
                },
            );
            if key_source.is_some() {
                source(
                    r,
                    "encryption_at_rest.key_source",
                    if named_key {
                        "/ServerSideEncryptionConfiguration/Rules/0/ApplyServerSideEncryptionByDefault/KMSMasterKeyID"
                    } else {
                        "/ServerSideEncryptionConfiguration/Rules/0/ApplyServerSideEncryptionByDefault/SSEAlgorithm"
                    },
                );
            }
        }
        Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {
            raw["ServerSideEncryptionConfiguration"] = Value::Null;
            r.facets.encryption_at_rest = Some(EncryptionAtRest {
                enabled: Some(false),
                ..Default::default()
            });
            source(
                r,
                "encryption_at_rest.enabled",
                "/ServerSideEncryptionConfiguration",
            );
        }
        Err(e) => out
            .gaps
            .push(reads.failed("GetBucketEncryption", &["encryption_at_rest"], &e)),
    }

    // Public access: Block Public Access (bucket or account), policy status, ACL.
    let mut public = PublicAccess::default();
    let bucket_blocked = match pab {
        Ok(o) => {
            let c = o.public_access_block_configuration();
            let configuration = c.map_or(Value::Null, |c| {
                json!({
                    "BlockPublicAcls": c.block_public_acls(),
                    "IgnorePublicAcls": c.ignore_public_acls(),
                    "BlockPublicPolicy": c.block_public_policy(),
                    "RestrictPublicBuckets": c.restrict_public_buckets(),
                })
            });
            let all = all_four_on(&configuration);
            raw["PublicAccessBlockConfiguration"] = configuration;
            Some(all)
        }
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => {
            raw["PublicAccessBlockConfiguration"] = Value::Null;
            Some(false)
        }
        Err(e) => {
            out.gaps
                .push(reads.failed("GetPublicAccessBlock", &["public_access"], &e));
            None
        }
    };
    public.blocked = match (bucket_blocked, account_blocked) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    source(
        r,
        "public_access.blocked",
        if bucket_blocked == Some(true) {
            "/PublicAccessBlockConfiguration"
        } else {
            "/AccountPublicAccessBlock/PublicAccessBlockConfiguration"
        },
    );
    match status {
        Ok(o) => {
            let is_public = o.policy_status().and_then(|p| p.is_public());
            raw["PolicyStatus"] = json!({"IsPublic": is_public});
            // A status without IsPublic says nothing: not observed.
            if is_public.is_some() {
                public.policy_public = is_public;
                source(r, "public_access.policy_public", "/PolicyStatus/IsPublic");
            }
        }
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => {
            // The API's answer: the bucket has no policy, so none makes it public.
            raw["PolicyStatus"] = Value::Null;
            public.policy_public = Some(false);
            source(r, "public_access.policy_public", "/PolicyStatus");
        }
        Err(e) => out
            .gaps
            .push(reads.failed("GetBucketPolicyStatus", &["public_access"], &e)),
    }
    match acl {
        Ok(o) => {
            let uris: Vec<&str> = o
                .grants()
                .iter()
                .filter_map(|g| g.grantee().and_then(|g| g.uri()))
                .collect();
            let everyone = uris.iter().any(|u| {
                u.ends_with("/global/AllUsers") || u.ends_with("/global/AuthenticatedUsers")
            });
            raw["Grants"] = json!(
                o.grants()
                    .iter()
                    .map(|g| json!({
                        "Grantee": g.grantee().map(|x| json!({
                            "Type": x.r#type().as_str(),
                            "URI": x.uri(),
                            "ID": x.id(),
                        })),
                        "Permission": g.permission().map(|p| p.as_str()),
                    }))
                    .collect::<Vec<_>>()
            );
            public.acl_grants_public = Some(everyone);
            source(r, "public_access.acl_grants_public", "/Grants");
        }
        Err(e) => out
            .gaps
            .push(reads.failed("GetBucketAcl", &["public_access"], &e)),
    }
    r.facets.public_access = Some(public);

    // TLS-only policy: the document as the API returned it, read by the evaluator.
    match policy {
        Ok(o) => {
            let text = o.policy().unwrap_or_default();
            let parsed: Value =
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
            let answer = policy_requires_tls(&parsed, &arn);
            let single = parsed["Statement"].is_object();
            raw["Policy"] = parsed;
            let observed = match answer {
                // The evidence is the statement that enforces TLS.
                Answer::Yes(_) if single => Some((true, "/Policy/Statement".to_owned())),
                Answer::Yes(i) => Some((true, format!("/Policy/Statement/{i}"))),
                Answer::No => Some((false, "/Policy".to_owned())),
                Answer::Unknown(why) => {
                    out.gaps.push(mapping_gap(
                        scope,
                        "s3",
                        "GetBucketPolicy",
                        BUCKET,
                        &["transport"],
                        &arn,
                        &format!("the bucket policy cannot be evaluated: {why}"),
                    ));
                    None
                }
            };
            if let Some((tls, pointer)) = observed {
                r.facets.transport = Some(Transport {
                    tls_enforced: Some(tls),
                    ..Default::default()
                });
                source(r, "transport.tls_enforced", &pointer);
            }
        }
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => {
            raw["Policy"] = Value::Null;
            r.facets.transport = Some(Transport {
                tls_enforced: Some(false),
                ..Default::default()
            });
            source(r, "transport.tls_enforced", "/Policy");
        }
        Err(e) => out
            .gaps
            .push(reads.failed("GetBucketPolicy", &["transport"], &e)),
    }

    match versioning {
        Ok(o) => {
            raw["Versioning"] = json!({"Status": o.status().map(|s| s.as_str())});
            r.facets.backup = Some(Backup {
                versioning: Some(o.status() == Some(&BucketVersioningStatus::Enabled)),
                ..Default::default()
            });
            source(r, "backup.versioning", "/Versioning/Status");
        }
        Err(e) => out
            .gaps
            .push(reads.failed("GetBucketVersioning", &["backup"], &e)),
    }
    match logging {
        Ok(o) => {
            let enabled = o.logging_enabled();
            raw["BucketLogging"] = json!({"LoggingEnabled": enabled.map(|l| json!({
                "TargetBucket": l.target_bucket(),
                "TargetPrefix": l.target_prefix(),
            }))});
            r.facets.logging = Some(Logging {
                access_logging: Some(enabled.is_some()),
                ..Default::default()
            });
            source(r, "logging.access_logging", "/BucketLogging/LoggingEnabled");
        }
        Err(e) => out
            .gaps
            .push(reads.failed("GetBucketLogging", &["logging"], &e)),
    }
    r.raw = raw;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(region_of(None), "us-east-1");
        assert_eq!(region_of(Some("")), "us-east-1");
        assert_eq!(region_of(Some("EU")), "eu-west-1");
        assert_eq!(region_of(Some("ap-south-1")), "ap-south-1");
    }

    const B: &str = "arn:aws:s3:::b";

    /// Block Public Access is on only when all four fields the API returned
    /// are `true`; a missing or null field is not on.
    #[test]
    fn all_four_of_a_block_configuration() {
        let on = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
            "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
        assert!(all_four_on(&on));
        let mut three = on.clone();
        three["RestrictPublicBuckets"] = json!(false);
        assert!(!all_four_on(&three));
        three["RestrictPublicBuckets"] = Value::Null;
        assert!(!all_four_on(&three));
        assert!(!all_four_on(&Value::Null));
    }

    /// Found by review: a key ARN was read as customer-managed, though the
    /// AWS managed `aws/s3` key has an ARN too.
    #[test]
    fn kms_key_sources() {
        assert_eq!(kms_key_source(None), Some(KeySource::ProviderManaged));
        assert_eq!(
            kms_key_source(Some("alias/aws/s3")),
            Some(KeySource::ProviderManaged)
        );
        assert_eq!(
            kms_key_source(Some("arn:aws:kms:eu-west-1:111122223333:alias/team")),
            Some(KeySource::CustomerManaged)
        );
        assert_eq!(
            kms_key_source(Some(
                "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )),
            None
        );
    }

    #[test]
    fn secure_transport_policies() {
        let deny = |action: &str, resource: Value| {
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
        };
        let both = json!(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
        assert_eq!(
            policy_requires_tls(&deny("s3:*", both.clone()), B),
            Answer::Yes(0)
        );
        // Found by review: a deny of PutObject alone left plain-HTTP reads open
        // and was read as "TLS enforced".
        assert_eq!(
            policy_requires_tls(&deny("s3:PutObject", both), B),
            Answer::No
        );
        // Another bucket's ARN enforces nothing here.
        assert_eq!(
            policy_requires_tls(&deny("s3:*", json!("arn:aws:s3:::other/*")), B),
            Answer::No
        );
        // A statement without Principal or Resource covers nothing onus can show.
        let bare = json!({"Statement": {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": false}}}});
        assert_eq!(policy_requires_tls(&bare, B), Answer::No);
        // Another partition's ARNs are matched as written.
        let cn = json!(["arn:aws-cn:s3:::b", "arn:aws-cn:s3:::b/*"]);
        assert_eq!(
            policy_requires_tls(&deny("s3:*", cn), "arn:aws-cn:s3:::b"),
            Answer::Yes(0)
        );
        assert!(matches!(
            policy_requires_tls(&Value::String("not json".into()), B),
            Answer::Unknown(_)
        ));
    }
}
