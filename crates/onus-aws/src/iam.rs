//! IAM: the account (root MFA, password policy), users (console access, MFA,
//! access keys) and roles (trust policy, attached managed policies).

use aws_sdk_iam::types::{StatusType, SummaryKeyType};
use std::collections::{BTreeMap, HashMap};

use onus_model::{AccessKey, Identity, Usage};
use serde_json::{Value, json};

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
    // Customer-managed policies first: roles that attach them reuse the
    // documents read.
    let policies = policies(&account, &iam, &scope).await;
    let known: HashMap<String, Value> = policies
        .resources
        .iter()
        .filter_map(|p| Some((p.id.clone(), p.raw.get("PolicyVersion")?.clone())))
        .collect();
    out.extend(roles(&account, &iam, &scope, &known).await);
    out.extend(policies);
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
/// decoded into `raw.AssumeRolePolicyDocument`); `GetRole` its
/// `RoleLastUsed` and `PermissionsBoundary`; `ListAttachedRolePolicies` the
/// managed policies attached, each read once per run (`GetPolicy`,
/// `GetPolicyVersion`, or the customer-managed policies already read) into
/// `raw.AttachedPolicies[].PolicyVersion`; `ListRolePolicies` and
/// `GetRolePolicy` the inline policies into `raw.RolePolicies`. The policy
/// evaluator reads the trust policy (`policy::allows_anyone`) and every
/// permissions policy (`administrator_access`); a document it cannot decide
/// is a `mapping` failure of the role, never a pass.
async fn roles(
    account: &Account,
    iam: &aws_sdk_iam::Client,
    scope: &crate::gap::Scope,
    known: &HashMap<String, Value>,
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
        async move { read_role(&role, &iam, &account, &scope).await }
    };
    let mut roles = crate::each(items, read).await;

    // The managed policies attached, each read once however many roles hold it.
    let mut wanted: Vec<String> = roles
        .resources
        .iter()
        .flat_map(|r| r.raw["AttachedPolicies"].as_array().into_iter().flatten())
        .filter_map(|p| p["PolicyArn"].as_str())
        .filter(|arn| !known.contains_key(*arn))
        .map(ToOwned::to_owned)
        .collect();
    wanted.sort();
    wanted.dedup();
    let fetch = |arn: String| {
        let (iam, account) = (iam.clone(), account.clone());
        async move {
            let version = managed_policy(&arn, &iam, &account).await;
            (arn, version)
        }
    };
    let fetched: HashMap<String, Result<Value, PolicyReadError>> = {
        use futures_util::StreamExt as _;
        futures_util::stream::iter(wanted.into_iter().map(fetch))
            .buffer_unordered(crate::PER_SERVICE)
            .collect()
            .await
    };
    let mut failed: BTreeMap<String, (&PolicyReadError, Vec<String>)> = BTreeMap::new();
    for r in &mut roles.resources {
        let mut attached = r.raw["AttachedPolicies"].take();
        for p in attached.as_array_mut().into_iter().flatten() {
            let Some(arn) = p["PolicyArn"].as_str().map(ToOwned::to_owned) else {
                continue;
            };
            match known
                .get(&arn)
                .map(Ok)
                .or_else(|| fetched.get(&arn).map(Result::as_ref))
            {
                Some(Ok(version)) => p["PolicyVersion"] = version.clone(),
                Some(Err(e)) => failed
                    .entry(arn)
                    .or_insert((e, Vec::new()))
                    .1
                    .push(r.id.clone()),
                None => {}
            }
        }
        if !attached.is_null() {
            r.raw["AttachedPolicies"] = attached;
        } else if let Some(raw) = r.raw.as_object_mut() {
            raw.remove("AttachedPolicies");
        }
    }
    for (arn, (e, holders)) in failed {
        out.gaps.push(crate::gap::recorded(
            scope,
            "iam",
            e.operation,
            e.cause,
            format!("{arn}: {}", e.error),
            &[ROLE],
            &["identity"],
            holders,
        ));
    }
    for r in &mut roles.resources {
        read_trust(r, scope, &mut roles.gaps);
        read_permissions(r, scope, &mut roles.gaps);
    }
    out.extend(roles);
    out
}

/// A managed policy that could not be read: the operation and its failure.
struct PolicyReadError {
    operation: &'static str,
    cause: onus_model::GapCause,
    error: String,
}

/// A managed policy's default version (`GetPolicy`, then `GetPolicyVersion`)
/// as `{"VersionId", "Document"}`, the document decoded.
async fn managed_policy(
    arn: &str,
    iam: &aws_sdk_iam::Client,
    account: &Account,
) -> Result<Value, PolicyReadError> {
    account.pace(None, "iam").await;
    let policy = iam.get_policy().policy_arn(arn).send().await.map_err(|e| {
        let (cause, error) = crate::gap::describe(&e);
        PolicyReadError {
            operation: "GetPolicy",
            cause,
            error,
        }
    })?;
    let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
        return Err(PolicyReadError {
            operation: "GetPolicy",
            cause: onus_model::GapCause::Mapping,
            error: "the policy names no default version".into(),
        });
    };
    account.pace(None, "iam").await;
    let read = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| {
            let (cause, error) = crate::gap::describe(&e);
            PolicyReadError {
                operation: "GetPolicyVersion",
                cause,
                error,
            }
        })?;
    let doc = read
        .policy_version()
        .and_then(|v| v.document())
        .ok_or_else(|| PolicyReadError {
            operation: "GetPolicyVersion",
            cause: onus_model::GapCause::Mapping,
            error: "the version carries no document".into(),
        })?;
    let doc = trust_document(doc).map_err(|error| PolicyReadError {
        operation: "GetPolicyVersion",
        cause: onus_model::GapCause::Mapping,
        error,
    })?;
    Ok(json!({"VersionId": version, "Document": doc}))
}

/// One role's own reads: `GetRole`, `ListAttachedRolePolicies`,
/// `ListRolePolicies` and `GetRolePolicy`.
async fn read_role(
    role: &aws_sdk_iam::types::Role,
    iam: &aws_sdk_iam::Client,
    account: &Account,
    scope: &crate::gap::Scope,
) -> Collected {
    let mut out = Collected::default();
    let (name, arn) = (role.role_name(), role.arn());
    let reads = crate::gap::Reads {
        scope,
        service: "iam",
        kinds: &[ROLE],
        resource: arn,
    };
    let mut r = resource(arn, &account.id, None, ROLE, Some(name));
    r.tags = role
        .tags()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect();
    let mut raw = json!({
        "RoleName": name,
        "Arn": arn,
        "Path": role.path(),
        "CreateDate": to_chrono(role.create_date()),
        "MaxSessionDuration": role.max_session_duration(),
    });
    match role.assume_role_policy_document().map(trust_document) {
        Some(Ok(doc)) => raw["AssumeRolePolicyDocument"] = doc,
        Some(Err(why)) => out.gaps.push(crate::gap::mapping_gap(
            scope,
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
    match iam.get_role().role_name(name).send().await {
        Ok(got) => {
            let full = got.role();
            let used = full.and_then(|f| f.role_last_used());
            raw["RoleLastUsed"] = json!({
                "LastUsedDate": used.and_then(|u| u.last_used_date()).and_then(to_chrono),
                "Region": used.and_then(|u| u.region()),
            });
            if let Some(b) = full.and_then(|f| f.permissions_boundary()) {
                raw["PermissionsBoundary"] = json!({
                    "PermissionsBoundaryType": b.permissions_boundary_type().map(|t| t.as_str()),
                    "PermissionsBoundaryArn": b.permissions_boundary_arn(),
                });
            }
            let created = to_chrono(role.create_date());
            if let Some(created) = created {
                r.facets
                    .identity
                    .get_or_insert_with(Identity::default)
                    .usage = Some(Usage {
                    created,
                    last_used: used.and_then(|u| u.last_used_date()).and_then(to_chrono),
                    service_linked: role.path().starts_with("/aws-service-role/"),
                });
                source(&mut r, "identity.usage", "/RoleLastUsed");
            }
        }
        Err(e) => out.gaps.push(reads.failed("GetRole", &["identity"], &e)),
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
            raw["AttachedPolicies"] = json!(
                attached
                    .iter()
                    .flat_map(|p| p.attached_policies())
                    .map(|p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()}))
                    .collect::<Vec<_>>()
            );
        }
        Some(e) => out
            .gaps
            .push(reads.failed("ListAttachedRolePolicies", &["identity"], &e)),
    }
    account.pace(None, "iam").await;
    let (inline, err) = pages(
        iam.list_role_policies()
            .role_name(name)
            .into_paginator()
            .send(),
    )
    .await;
    match err {
        None => {
            let mut policies = Vec::new();
            for policy in inline.iter().flat_map(|p| p.policy_names()) {
                account.pace(None, "iam").await;
                let mut entry = json!({"PolicyName": policy});
                match iam
                    .get_role_policy()
                    .role_name(name)
                    .policy_name(policy)
                    .send()
                    .await
                {
                    Ok(got) => match trust_document(got.policy_document()) {
                        Ok(doc) => entry["PolicyDocument"] = doc,
                        Err(why) => out.gaps.push(crate::gap::mapping_gap(
                            scope,
                            "iam",
                            "GetRolePolicy",
                            ROLE,
                            &["identity"],
                            arn,
                            &format!("inline policy {policy}: {why}"),
                        )),
                    },
                    Err(e) => out
                        .gaps
                        .push(reads.failed("GetRolePolicy", &["identity"], &e)),
                }
                policies.push(entry);
            }
            raw["RolePolicies"] = json!(policies);
        }
        Some(e) => out
            .gaps
            .push(reads.failed("ListRolePolicies", &["identity"], &e)),
    }
    r.raw = raw;
    out.resources.push(r);
    out
}

/// Whether a role's permissions policies (`raw.AttachedPolicies[].PolicyVersion.Document`
/// and `raw.RolePolicies[].PolicyDocument`) grant every action on every
/// resource. `Ok(None)` when a policy or a list of them was not read and none
/// read shows it; an `Err` when the evaluator cannot decide a document, or
/// when a permissions boundary (`raw.PermissionsBoundary`) may narrow an
/// allow-everything policy.
pub(crate) fn role_administrator_access(raw: &Value) -> Result<Option<(bool, String)>, String> {
    let mut unread = false;
    let mut unknown = None;
    let mut documents: Vec<(String, Option<&Value>)> = Vec::new();
    match raw.get("AttachedPolicies").and_then(Value::as_array) {
        Some(list) => documents.extend(list.iter().enumerate().map(|(i, p)| {
            (
                format!("/AttachedPolicies/{i}/PolicyVersion/Document"),
                p.pointer("/PolicyVersion/Document"),
            )
        })),
        None => unread = true,
    }
    match raw.get("RolePolicies").and_then(Value::as_array) {
        Some(list) => documents.extend(list.iter().enumerate().map(|(i, p)| {
            (
                format!("/RolePolicies/{i}/PolicyDocument"),
                p.get("PolicyDocument"),
            )
        })),
        None => unread = true,
    }
    for (pointer, doc) in documents {
        let Some(doc) = doc else {
            unread = true;
            continue;
        };
        match crate::policy::grants_everything(doc) {
            crate::policy::Answer::Yes(_) => {
                if raw.get("PermissionsBoundary").is_some() {
                    return Err(format!(
                        "{pointer} allows every action on every resource, but a permissions boundary may narrow it, which onus does not evaluate"
                    ));
                }
                return Ok(Some((true, pointer)));
            }
            crate::policy::Answer::No => {}
            crate::policy::Answer::Unknown(why) => {
                unknown.get_or_insert(format!("{pointer}: {why}"));
            }
        }
    }
    match (unknown, unread) {
        (Some(why), _) => Err(why),
        (None, true) => Ok(None),
        (None, false) => Ok(Some((false, "/AttachedPolicies".to_owned()))),
    }
}

/// The `identity.administrator_access` facet of a role from its permissions
/// policies; a policy the evaluator cannot decide is a `mapping` gap.
fn read_permissions(
    r: &mut onus_model::Resource,
    scope: &crate::gap::Scope,
    gaps: &mut Vec<onus_model::Gap>,
) {
    match role_administrator_access(&r.raw) {
        Ok(Some((admin, pointer))) => {
            r.facets
                .identity
                .get_or_insert_with(Identity::default)
                .administrator_access = Some(admin);
            source(r, "identity.administrator_access", &pointer);
        }
        Ok(None) => {}
        Err(why) => gaps.push(crate::gap::mapping_gap(
            scope,
            "iam",
            "GetPolicyVersion",
            ROLE,
            &["identity"],
            &r.id,
            &format!("the role's permissions cannot be evaluated: {why}"),
        )),
    }
}

/// A policy document as IAM returns it (URL-encoded JSON) as JSON.
fn trust_document(encoded: &str) -> Result<Value, String> {
    let text = urlencoding::decode(encoded)
        .map_err(|e| format!("the trust policy is not URL-encoded text: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("the trust policy is not a JSON document: {e}"))
}

/// The `identity.trust_allows_anyone` facet of a role, from the trust policy
/// in its `raw`; a policy the evaluator cannot decide is a `mapping` gap.
fn read_trust(
    r: &mut onus_model::Resource,
    scope: &crate::gap::Scope,
    gaps: &mut Vec<onus_model::Gap>,
) {
    let Some(doc) = r.raw.get("AssumeRolePolicyDocument") else {
        return;
    };
    let open = match crate::policy::allows_anyone(doc) {
        crate::policy::Answer::Yes(_) => true,
        crate::policy::Answer::No => false,
        crate::policy::Answer::Unknown(why) => {
            gaps.push(crate::gap::mapping_gap(
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

#[cfg(test)]
mod tests {
    use super::role_administrator_access;
    use serde_json::json;

    fn everything() -> serde_json::Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    }

    fn logs() -> serde_json::Value {
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}})
    }

    #[test]
    fn an_attached_policy_granting_everything_is_administrator_access() {
        let raw = json!({
            "AttachedPolicies": [
                {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyVersion": {"VersionId": "v1", "Document": logs()}},
                {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess", "PolicyVersion": {"VersionId": "v1", "Document": everything()}}
            ],
            "RolePolicies": []
        });
        assert_eq!(
            role_administrator_access(&raw),
            Ok(Some((
                true,
                "/AttachedPolicies/1/PolicyVersion/Document".to_owned()
            )))
        );
    }

    #[test]
    fn an_inline_policy_granting_everything_is_administrator_access() {
        let raw = json!({"AttachedPolicies": [], "RolePolicies": [{"PolicyName": "all", "PolicyDocument": everything()}]});
        assert_eq!(
            role_administrator_access(&raw),
            Ok(Some((true, "/RolePolicies/0/PolicyDocument".to_owned())))
        );
    }

    #[test]
    fn scoped_policies_all_read_are_not_administrator_access() {
        let raw = json!({
            "AttachedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/logs", "PolicyVersion": {"VersionId": "v2", "Document": logs()}}],
            "RolePolicies": [{"PolicyName": "inline", "PolicyDocument": logs()}]
        });
        assert_eq!(
            role_administrator_access(&raw),
            Ok(Some((false, "/AttachedPolicies".to_owned())))
        );
    }

    #[test]
    fn a_policy_or_list_not_read_leaves_the_answer_open() {
        // The inline policies were not listed.
        let raw = json!({"AttachedPolicies": [{"PolicyArn": "a", "PolicyVersion": {"Document": logs()}}]});
        assert_eq!(role_administrator_access(&raw), Ok(None));
        // An attached policy's document could not be read.
        let raw = json!({"AttachedPolicies": [{"PolicyArn": "a"}], "RolePolicies": []});
        assert_eq!(role_administrator_access(&raw), Ok(None));
        // ... unless another policy read already shows full access.
        let raw = json!({"AttachedPolicies": [{"PolicyArn": "a"}], "RolePolicies": [{"PolicyName": "all", "PolicyDocument": everything()}]});
        assert_eq!(
            role_administrator_access(&raw),
            Ok(Some((true, "/RolePolicies/0/PolicyDocument".to_owned())))
        );
    }

    #[test]
    fn not_action_and_permissions_boundaries_are_undecided() {
        let raw = json!({"AttachedPolicies": [], "RolePolicies": [{"PolicyName": "n", "PolicyDocument":
            {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}}]});
        let why = role_administrator_access(&raw).unwrap_err();
        assert!(
            why.starts_with("/RolePolicies/0/PolicyDocument: statement 0 allows with NotAction"),
            "{why}"
        );
        let raw = json!({
            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::1:policy/b"},
            "AttachedPolicies": [{"PolicyArn": "a", "PolicyVersion": {"Document": everything()}}],
            "RolePolicies": []
        });
        let why = role_administrator_access(&raw).unwrap_err();
        assert!(why.contains("permissions boundary"), "{why}");
    }
}
