//! Every rule onus has, in code order.

use crate::rule::Rule;
use crate::rules::{
    backup, classification, detection, encryption, identity, logging, network, patching, public,
    runtime, transport,
};

static RULES: &[&dyn Rule] = &[
    &backup::backups_disabled::BackupsDisabled,
    &backup::point_in_time_recovery_off::PointInTimeRecoveryOff,
    &backup::versioning_off::VersioningOff,
    &backup::backup_not_geo_redundant::BackupNotGeoRedundant,
    &backup::vault_not_locked::VaultNotLocked,
    &classification::data_unclassified::DataUnclassified,
    &detection::threat_detection_off::ThreatDetectionOff,
    &encryption::storage_unencrypted::StorageUnencrypted,
    &encryption::ebs_default_encryption_off::EbsDefaultEncryptionOff,
    &encryption::database_unencrypted::DatabaseUnencrypted,
    &encryption::customer_managed_key_missing::CustomerManagedKeyMissing,
    &encryption::key_rotation_off::KeyRotationOff,
    &identity::imds_v1_allowed::ImdsV1Allowed,
    &identity::root_without_mfa::RootWithoutMfa,
    &identity::console_user_without_mfa::ConsoleUserWithoutMfa,
    &identity::access_key_stale::AccessKeyStale,
    &identity::unauthenticated_function_url::UnauthenticatedFunctionUrl,
    &identity::tenant_mfa_not_required::TenantMfaNotRequired,
    &identity::weak_password_policy::WeakPasswordPolicy,
    &identity::secret_rotation_off::SecretRotationOff,
    &identity::local_auth_enabled::LocalAuthEnabled,
    &identity::rbac_authorization_off::RbacAuthorizationOff,
    &identity::role_assumable_by_anyone::RoleAssumableByAnyone,
    &identity::policy_grants_everything::PolicyGrantsEverything,
    &identity::role_unused::RoleUnused,
    &identity::broad_machine_identity::BroadMachineIdentity,
    &identity::directory_user_without_mfa::DirectoryUserWithoutMfa,
    &identity::guest_invites_open::GuestInvitesOpen,
    &identity::legacy_auth_allowed::LegacyAuthAllowed,
    &logging::audit_log_off::AuditLogOff,
    &logging::access_logging_off::AccessLoggingOff,
    &logging::control_plane_audit_off::ControlPlaneAuditOff,
    &logging::log_retention_short::LogRetentionShort,
    &logging::flow_logs_off::FlowLogsOff,
    &network::admin_ports_open::AdminPortsOpen,
    &network::database_ports_open::DatabasePortsOpen,
    &network::all_ports_open::AllPortsOpen,
    &network::service_firewall_open::ServiceFirewallOpen,
    &network::storage_network_open::StorageNetworkOpen,
    &network::cluster_endpoint_open::ClusterEndpointOpen,
    &network::default_group_open::DefaultGroupOpen,
    &network::subnet_assigns_public_ip::SubnetAssignsPublicIp,
    &patching::not_patch_managed::NotPatchManaged,
    &patching::missing_patches::MissingPatches,
    &public::public_access_not_blocked::PublicAccessNotBlocked,
    &public::public_grant::PublicGrant,
    &public::public_snapshot::PublicSnapshot,
    &public::database_internet_reachable::DatabaseInternetReachable,
    &public::anonymous_sharing_links::AnonymousSharingLinks,
    &public::service_open_to_all_networks::ServiceOpenToAllNetworks,
    &public::resource_policy_public::ResourcePolicyPublic,
    &runtime::deprecated_runtime::DeprecatedRuntime,
    &runtime::managed_updates_off::ManagedUpdatesOff,
    &runtime::auto_minor_upgrade_off::AutoMinorUpgradeOff,
    &runtime::image_scan_off::ImageScanOff,
    &transport::tls_not_enforced::TlsNotEnforced,
    &transport::old_tls_allowed::OldTlsAllowed,
    &transport::plaintext_ftp_allowed::PlaintextFtpAllowed,
    &transport::certificate_expiring::CertificateExpiring,
    &transport::certificate_weak_key::CertificateWeakKey,
];

/// Every rule, in a stable order.
pub fn registry() -> &'static [&'static dyn Rule] {
    RULES
}

/// The rule with `code` (case-insensitive).
pub fn find(code: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use onus_catalog::Catalog;
    use onus_model::{Duty, Status};

    use super::*;
    use crate::rule::{Context, Outcome, doc_sections};
    use crate::testing::reference_time;

    fn ctx() -> Context {
        // ENC004 only speaks when customer-managed keys are required.
        Context {
            require_customer_managed_keys: true,
            ..Context::new(reference_time())
        }
    }

    /// Every rule defined in `src/rules/` is registered: a rule file whose
    /// rule was left out of the registry would never run.
    #[test]
    fn every_rule_defined_is_registered() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut defined = 0;
        for group in std::fs::read_dir(&root).unwrap() {
            let group = group.unwrap().path();
            if !group.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&group).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                defined += text.matches("declare_rule! {").count();
            }
        }
        assert!(defined > 0);
        assert_eq!(registry().len(), defined, "rules defined vs registered");
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in registry() {
            let code = rule.meta().code;
            assert!(seen.insert(code), "duplicate code {code}");
            let (prefix, digits) = code.split_at(3);
            assert!(
                prefix.bytes().all(|b| b.is_ascii_uppercase())
                    && digits.len() == 3
                    && digits.bytes().all(|b| b.is_ascii_digit()),
                "malformed code {code}"
            );
            assert!(find(&code.to_lowercase()).is_some());
        }
    }

    #[test]
    fn every_duty_has_a_rule() {
        let covered: BTreeSet<Duty> = registry().iter().map(|r| r.meta().duty).collect();
        for duty in Duty::ALL {
            assert!(covered.contains(duty), "no rule checks {duty}");
        }
    }

    #[test]
    fn docs_have_the_four_headings_in_order() {
        let headings = [
            "## What it checks",
            "## Why it matters",
            "## How to address",
            "## References",
        ];
        for rule in registry() {
            let meta = rule.meta();
            let doc = doc_sections(meta.doc);
            let mut last = 0;
            for h in headings {
                let at = doc
                    .find(h)
                    .unwrap_or_else(|| panic!("{}: missing '{h}'", meta.code));
                assert!(at >= last, "{}: '{h}' out of order", meta.code);
                last = at;
                let body = doc[at + h.len()..].trim_start();
                assert!(
                    !body.starts_with("##") && !body.is_empty(),
                    "{}: '{h}' is empty",
                    meta.code
                );
            }
            assert!(
                !meta.title.is_empty() && !meta.remediation.is_empty(),
                "{}",
                meta.code
            );
            assert!(!meta.facets.is_empty(), "{}", meta.code);
        }
    }

    /// The source of the file that defines the rule with `code`.
    fn rule_source(code: &str) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let needle = format!("code: \"{code}\"");
        for group in std::fs::read_dir(&root).unwrap() {
            let group = group.unwrap().path();
            if !group.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&group).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                if text.contains(&needle) {
                    return text;
                }
            }
        }
        panic!("no file defines {code}")
    }

    fn catalog() -> Catalog {
        Catalog::builtin().expect("the built-in catalog loads")
    }

    /// Every fixture is of a kind the catalog lists the rule for, and holds.
    /// Each rule shows addressed, unaddressed and unknown; a rule with
    /// not-applicable logic of its own (not the kind, which the catalog
    /// decides) shows that too.
    #[test]
    fn fixtures_cover_every_outcome_and_hold() {
        let catalog = catalog();
        for rule in registry() {
            let code = rule.meta().code;
            let fixtures = rule.fixtures();
            let expected: BTreeSet<Status> = fixtures.iter().map(|f| f.expect).collect();
            let mut needed =
                BTreeSet::from([Status::Addressed, Status::Unaddressed, Status::Unknown]);
            if rule_source(code).contains("not_applicable(") {
                needed.insert(Status::NotApplicable);
            }
            assert_eq!(
                expected, needed,
                "{code}: fixtures cover {expected:?}, the rule can give {needed:?}"
            );
            for f in &fixtures {
                let judged = catalog
                    .kind(&f.resource.kind)
                    .is_some_and(|k| k.rules.iter().any(|c| c == code));
                assert!(
                    judged,
                    "{code} fixture '{}': the catalog does not list {code} for {}",
                    f.name, f.resource.kind
                );
                let outcome = rule.check(&f.resource, &ctx());
                assert_eq!(
                    outcome.status(),
                    f.expect,
                    "{code} fixture '{}': {outcome:?}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn nothing_unaddressed_without_evidence() {
        for rule in registry() {
            for f in rule.fixtures() {
                if let Outcome::Unaddressed {
                    evidence, message, ..
                } = rule.check(&f.resource, &ctx())
                {
                    assert!(
                        !evidence.is_empty(),
                        "{} '{}': unaddressed without evidence",
                        rule.meta().code,
                        f.name
                    );
                    assert!(!message.is_empty());
                }
            }
        }
    }

    #[test]
    fn absent_facets_never_pass_or_fail() {
        // A resource of every kind a rule judges, with no facets at all, must be
        // unknown or not applicable: absence is never evidence.
        for (kind, entry) in catalog().kinds() {
            for code in &entry.rules {
                let rule = find(code).expect("a registered rule");
                let resource =
                    crate::testing::fx("bare", Status::Unknown, kind, serde_json::json!({}))
                        .resource;
                let status = rule.check(&resource, &ctx()).status();
                assert!(
                    matches!(status, Status::Unknown | Status::NotApplicable),
                    "{code} on a bare {kind}: {status}"
                );
            }
        }
    }

    /// Every (rule, kind) pair the catalog lists names a registered rule whose
    /// duty is the customer's (or shared) on that kind and has an object
    /// there; every rule judges at least one kind.
    #[test]
    fn every_rule_kind_pair_is_a_customer_duty() {
        let catalog = catalog();
        let mut judged = BTreeSet::new();
        for (kind, entry) in catalog.kinds() {
            let class = catalog.classify(kind).expect("a catalog kind classifies");
            for code in &entry.rules {
                let rule =
                    find(code).unwrap_or_else(|| panic!("{kind}: rule {code} is not registered"));
                assert_eq!(rule.meta().code, code, "{kind}: write {code} as registered");
                let duty = rule.meta().duty;
                let a = &class.duties[&duty];
                assert_ne!(
                    a.owner,
                    onus_model::Owner::Provider,
                    "{kind}: {code} checks {duty}, which is the provider's there"
                );
                assert!(
                    a.not_applicable.is_none(),
                    "{kind}: {code} checks {duty}, which has no object there"
                );
                judged.insert(rule.meta().code);
            }
        }
        for rule in registry() {
            assert!(
                judged.contains(rule.meta().code),
                "{}: no catalog kind lists it",
                rule.meta().code
            );
        }
    }

    #[test]
    fn snapshots_of_messages_and_evidence() {
        for rule in registry() {
            let meta = rule.meta();
            let outcomes: Vec<serde_json::Value> = rule
                .fixtures()
                .iter()
                .map(|f| {
                    let o = rule.check(&f.resource, &ctx());
                    let severity = match &o {
                        Outcome::Unaddressed { severity, .. } => {
                            Some(severity.unwrap_or(meta.severity))
                        }
                        _ => None,
                    };
                    serde_json::json!({
                        "fixture": f.name,
                        "status": o.status(),
                        "severity": severity,
                        "message": o.message(),
                        "evidence": o.evidence(),
                    })
                })
                .collect();
            insta::assert_json_snapshot!(meta.code, outcomes);
        }
    }
}
