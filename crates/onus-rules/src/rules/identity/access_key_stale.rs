use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That no active access key of an IAM user is older than 90 days (the
    /// threshold is a setting), measured at the time the inventory was collected.
    ///
    /// ## Why it matters
    /// Long-lived keys end up in laptops, CI logs and public repositories; the
    /// longer a key lives, the likelier it has leaked. Rotating credentials is the
    /// customer's identity duty under every service model.
    ///
    /// ## How to address
    /// Create a new key, move the workload to it, deactivate and then delete the
    /// old one. Better, replace keys with roles: instance profiles, IAM Roles
    /// Anywhere, or OIDC federation for CI.
    ///
    /// ## References
    /// - AWS, Rotate access keys: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console>
    /// - CIS AWS Foundations Benchmark 1.14
    pub struct AccessKeyStale {
        code: "IAM004",
        title: "Access key older than the maximum age (--max-access-key-age, 90 days by default)",
        duty: Duty::IdentityAccess,
        severity: Severity::Medium,
        facets: &["identity"],
        remediation: "Rotate the key (create, switch, deactivate, delete), or replace it with a role.",
    }
}

impl Rule for AccessKeyStale {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome {
        let Some(keys) = resource
            .facets
            .identity
            .as_ref()
            .and_then(|i| i.access_keys.as_ref())
        else {
            return Outcome::not_observed("identity.access_keys");
        };
        let active: Vec<(usize, i64)> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.active)
            .map(|(i, k)| (i, (ctx.reference_time - k.created).num_days()))
            .collect();
        if active.is_empty() {
            return Outcome::not_applicable("the user has no active access keys");
        }
        let max = ctx.max_access_key_age_days;
        let ev = |i: usize, age: i64| {
            evidence(
                resource,
                &format!("identity.access_keys[{i}]"),
                serde_json::json!({ "id": keys[i].id, "created": keys[i].created, "age_days": age }),
            )
        };
        let stale: Vec<(usize, i64)> = active
            .iter()
            .copied()
            .filter(|(_, age)| *age > max)
            .collect();
        if stale.is_empty() {
            return Outcome::addressed(
                format!("Every active access key is at most {max} days old"),
                active.into_iter().map(|(i, a)| ev(i, a)).collect(),
            );
        }
        let listed: Vec<String> = stale
            .iter()
            .map(|(i, age)| format!("{} ({age} days)", keys[*i].id))
            .collect();
        Outcome::unaddressed(
            format!(
                "Active access key(s) older than {max} days: {}",
                listed.join(", ")
            ),
            stale.into_iter().map(|(i, a)| ev(i, a)).collect(),
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "old-key",
                Unaddressed,
                "aws.iam.user",
                json!({"identity": {"access_keys": [
                    {"id": "AKIAEXAMPLEOLD000001", "active": true, "created": "2025-01-10T08:00:00Z"},
                    {"id": "AKIAEXAMPLENEW000002", "active": true, "created": "2026-11-01T08:00:00Z"}
                ]}}),
            ),
            fx(
                "fresh-key-old-inactive",
                Addressed,
                "aws.iam.user",
                json!({"identity": {"access_keys": [
                    {"id": "AKIAEXAMPLEOLD000003", "active": false, "created": "2024-01-10T08:00:00Z"},
                    {"id": "AKIAEXAMPLENEW000004", "active": true, "created": "2026-10-01T08:00:00Z"}
                ]}}),
            ),
            fx(
                "keys-denied",
                Unknown,
                "aws.iam.user",
                json!({"identity": {"console_access": true}}),
            ),
            fx(
                "no-keys",
                NotApplicable,
                "aws.iam.user",
                json!({"identity": {"access_keys": []}}),
            ),
        ]
    }
}
