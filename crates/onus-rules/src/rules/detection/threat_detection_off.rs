use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a threat detection service watches the account everywhere it was
    /// audited: on AWS, an enabled GuardDuty detector in every audited region
    /// (`ListDetectors`, `GetDetector`); on Azure, the Microsoft Defender for
    /// Cloud plan (`Microsoft.Security/pricings`) of every resource type the
    /// subscription holds on `Standard`; on Google Cloud, Security Command
    /// Center's Event Threat Detection, plus VM and Container Threat Detection
    /// where the project has instances or clusters, in effect for the project
    /// (`securityCenterServices.list`, whose effective state folds in what the
    /// organisation enabled). The collector records, per place (region, plan,
    /// service), whether detection is on, off, or could not be read
    /// (`threat_detection.coverage`). Any place off is unaddressed, naming
    /// the places; a place not read is unknown. Other services seen on
    /// (Security Hub, Inspector, Security Health Analytics) are named as
    /// supporting evidence, never as a substitute.
    ///
    /// ## Why it matters
    /// The provider watches its own infrastructure, not your identities and
    /// data: detecting a stolen key, a crypto-miner or an exfiltration in your
    /// account is yours in every service model. A region without a detector is
    /// where an intruder works unseen, and attackers pick unused regions on
    /// purpose.
    ///
    /// ## How to address
    /// AWS: `aws guardduty create-detector --enable` in every region (or
    /// enable it organisation-wide from the delegated administrator account).
    /// Azure: `az security pricing create --name <plan> --tier Standard` for
    /// each plan named. Google Cloud: activate Security Command Center for the
    /// organisation (or the project) and enable the services named. Route the
    /// findings to someone who acts on them.
    ///
    /// ## References
    /// - AWS, Amazon GuardDuty: <https://docs.aws.amazon.com/guardduty/latest/ug/what-is-guardduty.html>
    /// - Microsoft, Defender for Cloud plans: <https://learn.microsoft.com/azure/defender-for-cloud/defender-for-cloud-introduction>
    /// - Google Cloud, Security Command Center services: <https://cloud.google.com/security-command-center/docs/reference/security-center-management/rest/v1/projects.locations.securityCenterServices/list>
    /// - CSA CCM v4 LOG-03 (security monitoring and alerting); NIST SP 800-53 SI-4 (system monitoring)
    pub struct ThreatDetectionOff {
        code: "DET001",
        title: "Threat detection off",
        duty: Duty::ThreatDetection,
        severity: Severity::High,
        facets: &["threat_detection"],
        remediation: "Enable the threat detection service (GuardDuty, Defender for Cloud, Security Command Center) everywhere the account runs.",
    }
}

impl Rule for ThreatDetectionOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let Some(td) = resource.facets.threat_detection.as_ref() else {
            return Outcome::not_observed("threat_detection");
        };
        if td.coverage.is_empty() {
            return Outcome::not_observed("threat_detection.coverage");
        }
        let service = td.service.as_deref().unwrap_or("threat detection");
        let places = |want: Option<bool>| -> Vec<&str> {
            td.coverage
                .iter()
                .filter(|(_, on)| **on == want)
                .map(|(p, _)| p.as_str())
                .collect()
        };
        let (off, unread) = (places(Some(false)), places(None));
        let supporting = if td.supporting.is_empty() {
            String::new()
        } else {
            format!(
                " ({} on, which detects other things)",
                td.supporting.join(", ")
            )
        };
        let ev = vec![evidence(
            resource,
            "threat_detection.coverage",
            serde_json::json!(td.coverage),
        )];
        if !off.is_empty() {
            return Outcome::unaddressed(
                format!("{service} is off in {}{supporting}", off.join(", ")),
                ev,
            );
        }
        if !unread.is_empty() {
            return Outcome::Unknown {
                reason: format!(
                    "{service} could not be read in {}: whether it watches there is unknown",
                    unread.join(", ")
                ),
            };
        }
        Outcome::addressed(
            format!(
                "{service} is on in every place audited ({}){supporting}",
                td.coverage
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ev,
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        let account = "aws.iam.account";
        vec![
            fx(
                "on-everywhere",
                Addressed,
                account,
                json!({"threat_detection": {"service": "GuardDuty", "coverage": {"eu-west-1": true, "us-east-1": true}}}),
            ),
            fx(
                "off-in-one-region",
                Unaddressed,
                account,
                json!({"threat_detection": {"service": "GuardDuty", "coverage": {"eu-west-1": true, "us-east-1": false}, "supporting": ["Security Hub"]}}),
            ),
            fx(
                "one-region-unread",
                Unknown,
                account,
                json!({"threat_detection": {"service": "GuardDuty", "coverage": {"eu-west-1": true, "us-east-1": null}}}),
            ),
            fx(
                "gcp-vm-detection-off",
                Unaddressed,
                "gcp.cloudresourcemanager.project",
                json!({"threat_detection": {"service": "Security Command Center", "coverage": {"Event Threat Detection": true, "VM Threat Detection": false}, "supporting": ["Security Health Analytics"]}}),
            ),
            fx("not-collected", Unknown, account, json!({})),
            fx(
                "nothing-recorded",
                Unknown,
                account,
                json!({"threat_detection": {"coverage": {}}}),
            ),
        ]
    }
}
