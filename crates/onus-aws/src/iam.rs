//! IAM: the account (root MFA, password policy), users (console access, MFA,
//! access keys) and roles (trust policy, attached managed policies).

use aws_sdk_iam::types::{StatusType, SummaryKeyType};
use onus_model::{AccessKey, Identity};
use serde_json::json;

use crate::gap::gap;
use crate::ssm::to_chrono;
use crate::{Account, Collected, pages, resource, source};

pub(crate) const ACCOUNT: &str = "aws.iam.account";
const USER: &str = "aws.iam.user";
const ROLE: &str = "aws.iam.role";
const POLICY: &str = "aws.iam.policy";

fn is_no_such_entity<E: aws_smithy_types::error::metadata::ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("NoSuchEntity")
}

pub(crate) async fn collect(account: Account) -> Collected {
    let config = account.in_region("us-east-1");
    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(None);
    let mut out = Collected::default();

    // The account: always reported, whether or not its settings could be read.
    let id = format!("arn:aws:iam::{}:root", account.id);
    let mut acct = resource(
        &id,
        &account.id,
        None,
        ACCOUNT,
        Some(&format!("account {} (root user)", account.id)),
    );
    let mut raw = json!({});
    let mut identity = Identity::default();
    account.pace(None, "iam").await;
    match iam.get_account_summary().send().await {
        Ok(s) => {
            let map = s.summary_map();
            let get = |k: SummaryKeyType| map.and_then(|m| m.get(&k).copied());
            raw["SummaryMap"] = json!({
                "AccountMFAEnabled": get(SummaryKeyType::AccountMfaEnabled),
                "AccountAccessKeysPresent": get(SummaryKeyType::AccountAccessKeysPresent),
                "Users": get(SummaryKeyType::Users),
            });
            identity.root_mfa_enabled = get(SummaryKeyType::AccountMfaEnabled).map(|v| v > 0);
            source(
                &mut acct,
                "identity.root_mfa_enabled",
                "/SummaryMap/AccountMFAEnabled",
            );
        }
        Err(e) => out.gaps.push(gap(
            &scope,
            "iam",
            "GetAccountSummary",
            &e,
            &[ACCOUNT],
            &["identity"],
            vec![id.clone()],
        )),
    }
    account.pace(None, "iam").await;
    match iam.get_account_password_policy().send().await {
        Ok(p) => {
            if let Some(p) = p.password_policy() {
                raw["PasswordPolicy"] = json!({
                    "MinimumPasswordLength": p.minimum_password_length(),
                    "PasswordReusePrevention": p.password_reuse_prevention(),
                });
                identity.password_min_length = p
                    .minimum_password_length()
                    .and_then(|n| u32::try_from(n).ok());
                identity.password_reuse_prevention = Some(
                    p.password_reuse_prevention()
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(0),
                );
                source(
                    &mut acct,
                    "identity.password_min_length",
                    "/PasswordPolicy/MinimumPasswordLength",
                );
                source(
                    &mut acct,
                    "identity.password_reuse_prevention",
                    "/PasswordPolicy/PasswordReusePrevention",
                );
            }
        }
        Err(e) if e.as_service_error().is_some_and(is_no_such_entity) => {
            // No policy: AWS applies its default (8 characters, no reuse prevention).
            raw["PasswordPolicy"] = json!(null);
            identity.password_min_length = Some(8);
            identity.password_reuse_prevention = Some(0);
            source(&mut acct, "identity.password_min_length", "/PasswordPolicy");
            source(
                &mut acct,
                "identity.password_reuse_prevention",
                "/PasswordPolicy",
            );
        }
        Err(e) => out.gaps.push(gap(
            &scope,
            "iam",
            "GetAccountPasswordPolicy",
            &e,
            &[ACCOUNT],
            &["identity"],
            vec![id.clone()],
        )),
    }
    acct.facets.identity = Some(identity);
    acct.raw = raw;
    out.resources.push(acct);

    // Users.
    account.pace(None, "iam").await;
    let (pages, err) = pages(iam.list_users().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "iam", "ListUsers", &e, &[USER], &[], vec![]));
    }
    let items: Vec<aws_sdk_iam::types::User> = pages
        .iter()
        .flat_map(|p| p.users())
        .map(ToOwned::to_owned)
        .collect();
    let read = |u: aws_sdk_iam::types::User| {
        let (iam, account, scope) = (iam.clone(), account.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let u = &u;
            let name = u.user_name();
            let arn = u.arn();
            let mut r = resource(arn, &account.id, None, USER, Some(name));
            let mut identity = Identity::default();
            let mut raw = json!({"UserName": name, "CreateDate": to_chrono(u.create_date()), "PasswordLastUsed": u.password_last_used().and_then(to_chrono)});
            let reads = crate::gap::Reads {
                scope: &scope,
                service: "iam",
                kinds: &[USER],
                resource: arn,
            };
            account.pace(None, "iam").await;
            match iam.get_login_profile().user_name(name).send().await {
                Ok(p) => {
                    raw["LoginProfile"] = json!({"CreateDate": p.login_profile().map(|l| to_chrono(l.create_date()))});
                    identity.console_access = Some(true);
                    source(&mut r, "identity.console_access", "/LoginProfile");
                }
                Err(e) if e.as_service_error().is_some_and(is_no_such_entity) => {
                    raw["LoginProfile"] = json!(null);
                    identity.console_access = Some(false);
                    source(&mut r, "identity.console_access", "/LoginProfile");
                }
                Err(e) => out
                    .gaps
                    .push(reads.failed("GetLoginProfile", &["identity"], &e)),
            }
            account.pace(None, "iam").await;
            match iam.list_mfa_devices().user_name(name).send().await {
                Ok(m) => {
                    raw["MFADevices"] = json!(
                            m.mfa_devices()
                                .iter()
                                .map(|d| json!({"UserName": d.user_name(), "SerialNumber": d.serial_number(), "EnableDate": to_chrono(d.enable_date())}))
                                .collect::<Vec<_>>()
                        );
                    identity.mfa_enabled = Some(!m.mfa_devices().is_empty());
                    source(&mut r, "identity.mfa_enabled", "/MFADevices");
                }
                Err(e) => out
                    .gaps
                    .push(reads.failed("ListMFADevices", &["identity"], &e)),
            }
            account.pace(None, "iam").await;
            match iam.list_access_keys().user_name(name).send().await {
                Ok(k) => {
                    let keys: Vec<AccessKey> = k
                        .access_key_metadata()
                        .iter()
                        .filter_map(|m| {
                            Some(AccessKey {
                                id: m.access_key_id()?.to_owned(),
                                active: m.status() == Some(&StatusType::Active),
                                created: m.create_date().and_then(to_chrono)?,
                            })
                        })
                        .collect();
                    raw["AccessKeyMetadata"] = json!(k
                            .access_key_metadata()
                            .iter()
                            .map(|m| json!({"UserName": m.user_name(), "AccessKeyId": m.access_key_id(), "Status": m.status().map(|s| s.as_str()), "CreateDate": m.create_date().and_then(to_chrono)}))
                            .collect::<Vec<_>>());
                    identity.access_keys = Some(keys);
                    source(&mut r, "identity.access_keys", "/AccessKeyMetadata");
                }
                Err(e) => out
                    .gaps
                    .push(reads.failed("ListAccessKeys", &["identity"], &e)),
            }
            r.facets.identity = Some(identity);
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out.extend(roles(&account, &iam, &scope).await);
    out.extend(policies(&account, &iam, &scope).await);
    out
}

/// Customer-managed policies: `ListPolicies` (scope `Local`) and each
/// policy's default version (`GetPolicyVersion`, the document URL-encoded,
/// decoded into `raw.PolicyVersion.Document`), read by the policy evaluator
/// (`policy::grants_everything`); a document it cannot decide is a `mapping`
/// failure of the policy, never a pass.
async fn policies(
    account: &Account,
    iam: &aws_sdk_iam::Client,
    scope: &crate::gap::Scope,
) -> Collected {
    let mut out = Collected::default();
    account.pace(None, "iam").await;
    let (listed, err) = pages(
        iam.list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Local)
            .into_paginator()
            .send(),
    )
    .await;
    if let Some(e) = err {
        out.gaps.push(gap(
            scope,
            "iam",
            "ListPolicies",
            &e,
            &[POLICY],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_iam::types::Policy> = listed
        .iter()
        .flat_map(|p| p.policies())
        .map(ToOwned::to_owned)
        .collect();
    let read = |p: aws_sdk_iam::types::Policy| {
        let (iam, account, scope) = (iam.clone(), account.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let (Some(arn), Some(name)) = (p.arn(), p.policy_name()) else {
                return out;
            };
            let mut r = resource(arn, &account.id, None, POLICY, Some(name));
            let mut raw = json!({
                "PolicyName": name,
                "Arn": arn,
                "DefaultVersionId": p.default_version_id(),
                "AttachmentCount": p.attachment_count(),
                "CreateDate": p.create_date().and_then(to_chrono),
            });
            if let Some(version) = p.default_version_id() {
                account.pace(None, "iam").await;
                match iam
                    .get_policy_version()
                    .policy_arn(arn)
                    .version_id(version)
                    .send()
                    .await
                {
                    Ok(v) => match v
                        .policy_version()
                        .and_then(|v| v.document())
                        .map(trust_document)
                    {
                        Some(Ok(doc)) => {
                            raw["PolicyVersion"] = json!({"VersionId": version, "Document": doc})
                        }
                        Some(Err(why)) => out.gaps.push(crate::gap::mapping_gap(
                            &scope,
                            "iam",
                            "GetPolicyVersion",
                            POLICY,
                            &["identity"],
                            arn,
                            &why,
                        )),
                        None => {}
                    },
                    Err(e) => out.gaps.push(
                        crate::gap::Reads {
                            scope: &scope,
                            service: "iam",
                            kinds: &[POLICY],
                            resource: arn,
                        }
                        .failed("GetPolicyVersion", &["identity"], &e),
                    ),
                }
            }
            r.raw = raw;
            if let Some(doc) = r.raw.pointer("/PolicyVersion/Document") {
                match crate::policy::grants_everything(doc) {
                    crate::policy::Answer::Unknown(why) => out.gaps.push(crate::gap::mapping_gap(
                        &scope,
                        "iam",
                        "GetPolicyVersion",
                        POLICY,
                        &["identity"],
                        arn,
                        &format!("the policy cannot be evaluated: {why}"),
                    )),
                    answer => {
                        r.facets
                            .identity
                            .get_or_insert_with(Identity::default)
                            .administrator_access =
                            Some(matches!(answer, crate::policy::Answer::Yes(_)));
                        source(
                            &mut r,
                            "identity.administrator_access",
                            "/PolicyVersion/Document",
                        );
                    }
                }
            }
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}

/// Roles: `ListRoles` gives each role with its trust policy (URL-encoded JSON,
/// decoded into `raw.AssumeRolePolicyDocument`); `ListAttachedRolePolicies`
/// the managed policies attached. The trust policy is read by the policy
/// evaluator (`policy::allows_anyone`), and a document it cannot evaluate is a
/// `mapping` failure of the role, never a pass.
async fn roles(
    account: &Account,
    iam: &aws_sdk_iam::Client,
    scope: &crate::gap::Scope,
) -> Collected {
    let mut out = Collected::default();
    account.pace(None, "iam").await;
    let (listed, err) = pages(iam.list_roles().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(scope, "iam", "ListRoles", &e, &[ROLE], &[], vec![]));
    }
    let items: Vec<aws_sdk_iam::types::Role> = listed
        .iter()
        .flat_map(|p| p.roles())
        .map(ToOwned::to_owned)
        .collect();
    let read = |role: aws_sdk_iam::types::Role| {
        let (iam, account, scope) = (iam.clone(), account.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let (name, arn) = (role.role_name(), role.arn());
            let mut r = resource(arn, &account.id, None, ROLE, Some(name));
            r.tags = role
                .tags()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect();
            let document = role.assume_role_policy_document().map(trust_document);
            let mut raw = json!({
                "RoleName": name,
                "Arn": arn,
                "Path": role.path(),
                "CreateDate": to_chrono(role.create_date()),
                "MaxSessionDuration": role.max_session_duration(),
            });
            match document {
                Some(Ok(doc)) => {
                    raw["AssumeRolePolicyDocument"] = doc;
                }
                Some(Err(why)) => out.gaps.push(crate::gap::mapping_gap(
                    &scope,
                    "iam",
                    "ListRoles",
                    ROLE,
                    &["identity"],
                    arn,
                    &why,
                )),
                None => {}
            }
            account.pace(None, "iam").await;
            let (attached, err) = pages(
                iam.list_attached_role_policies()
                    .role_name(name)
                    .into_paginator()
                    .send(),
            )
            .await;
            match err {
                None => {
                    raw["AttachedPolicies"] = json!(attached
                        .iter()
                        .flat_map(|p| p.attached_policies())
                        .map(|p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()}))
                        .collect::<Vec<_>>());
                }
                Some(e) => out.gaps.push(
                    crate::gap::Reads {
                        scope: &scope,
                        service: "iam",
                        kinds: &[ROLE],
                        resource: arn,
                    }
                    .failed("ListAttachedRolePolicies", &["identity"], &e),
                ),
            }
            r.raw = raw;
            read_trust(&mut r, &scope, &mut out);
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}

/// A policy document as IAM returns it (URL-encoded JSON) as JSON.
fn trust_document(encoded: &str) -> Result<serde_json::Value, String> {
    let text = urlencoding::decode(encoded)
        .map_err(|e| format!("the trust policy is not URL-encoded text: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("the trust policy is not a JSON document: {e}"))
}

/// The `identity.trust_allows_anyone` facet of a role, from the trust policy
/// in its `raw`; a policy the evaluator cannot decide is a `mapping` gap.
fn read_trust(r: &mut onus_model::Resource, scope: &crate::gap::Scope, out: &mut Collected) {
    let Some(doc) = r.raw.get("AssumeRolePolicyDocument") else {
        return;
    };
    let open = match crate::policy::allows_anyone(doc) {
        crate::policy::Answer::Yes(_) => true,
        crate::policy::Answer::No => false,
        crate::policy::Answer::Unknown(why) => {
            out.gaps.push(crate::gap::mapping_gap(
                scope,
                "iam",
                "ListRoles",
                ROLE,
                &["identity"],
                &r.id,
                &format!("the trust policy cannot be evaluated: {why}"),
            ));
            return;
        }
    };
    r.facets
        .identity
        .get_or_insert_with(Identity::default)
        .trust_allows_anyone = Some(open);
    source(
        r,
        "identity.trust_allows_anyone",
        "/AssumeRolePolicyDocument",
    );
}
