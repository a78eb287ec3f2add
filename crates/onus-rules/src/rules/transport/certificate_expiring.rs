use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

/// Days before its end a certificate is flagged, as AWS Config's
/// `acm-certificate-expiration-check` does by default.
const WARN_DAYS: i64 = 30;

/// Statuses of a certificate that was issued (and may have run out since).
const ISSUED: &[&str] = &["ISSUED", "EXPIRED"];

declare_rule! {
    /// ## What it checks
    /// That an issued TLS certificate (ACM) is not expired and does not
    /// expire within 30 days, by its `NotAfter` as `DescribeCertificate`
    /// reports it, measured at the time the inventory was collected. The
    /// message says whether anything uses the certificate (`InUseBy`).
    /// Certificates never issued (pending validation, failed, revoked) are not
    /// applicable; an issued one whose end date could not be read is unknown.
    ///
    /// ## Why it matters
    /// When a certificate runs out, clients refuse the connection or, worse,
    /// are taught to click through warnings; an expired certificate left in
    /// use is an outage or a downgrade of encryption in transit. ACM renews
    /// certificates it issued only while DNS or e-mail validation still
    /// works, and never renews imported ones: keeping them valid is the
    /// customer's.
    ///
    /// ## How to address
    /// For an ACM-issued certificate, fix its validation (the CNAME record ACM
    /// asks for) so managed renewal succeeds. For an imported one, import the
    /// renewed certificate into the same ARN (`ImportCertificate` with
    /// `CertificateArn`) before it ends. Delete expired certificates nothing
    /// uses.
    ///
    /// ## References
    /// - AWS, Managed renewal for ACM certificates: <https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html>
    /// - AWS Config, acm-certificate-expiration-check: <https://docs.aws.amazon.com/config/latest/developerguide/acm-certificate-expiration-check.html>
    pub struct CertificateExpiring {
        code: "TLS004",
        title: "Certificate expired or expiring within 30 days",
        duty: Duty::EncryptionInTransit,
        severity: Severity::High,
        facets: &["transport"],
        remediation: "Fix the validation of an ACM-issued certificate so it renews, or re-import a renewed certificate into the same ARN; delete expired ones nothing uses.",
    }
}

impl Rule for CertificateExpiring {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome {
        let Some(cert) = resource
            .facets
            .transport
            .as_ref()
            .and_then(|t| t.certificate.as_ref())
        else {
            return Outcome::not_observed("transport.certificate");
        };
        if !ISSUED.contains(&cert.status.as_str()) {
            return Outcome::not_applicable(format!(
                "the certificate was never issued (status {})",
                onus_model::excerpt(&cert.status, 40)
            ));
        }
        let Some(end) = cert.not_after else {
            return Outcome::not_observed("transport.certificate.not_after");
        };
        let ev = vec![evidence(
            resource,
            "transport.certificate",
            serde_json::json!({ "status": cert.status, "not_after": end, "in_use_by": cert.in_use_by }),
        )];
        let used = match cert.in_use_by {
            Some(0) => "; nothing uses it".to_owned(),
            Some(1) => "; 1 resource uses it".to_owned(),
            Some(n) => format!("; {n} resources use it"),
            None => String::new(),
        };
        let left = end - ctx.reference_time;
        let day = end.format("%Y-%m-%d");
        if left <= chrono::TimeDelta::zero() {
            Outcome::unaddressed(format!("The certificate expired on {day}{used}"), ev)
        } else if left.num_days() < WARN_DAYS {
            Outcome::unaddressed(
                format!(
                    "The certificate expires on {day}, in {} days{used}",
                    left.num_days()
                ),
                ev,
            )
        } else {
            Outcome::addressed(
                format!(
                    "The certificate is valid until {day} ({} days)",
                    left.num_days()
                ),
                ev,
            )
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"transport.certificate": "/Certificate"});
        let cert = |status: &str, end: Option<&str>, used: u32| {
            let mut c = json!({"status": status, "key_algorithm": "RSA_2048", "in_use_by": used});
            if let Some(end) = end {
                c["not_after"] = json!(end);
            }
            json!({"transport": {"certificate": c}})
        };
        vec![
            fx_with(
                "valid-for-months",
                Addressed,
                "aws.acm.certificate",
                cert("ISSUED", Some("2027-06-01T00:00:00Z"), 2),
                src.clone(),
            ),
            fx_with(
                "expires-in-two-weeks",
                Unaddressed,
                "aws.acm.certificate",
                cert("ISSUED", Some("2026-12-04T12:00:00Z"), 1),
                src.clone(),
            ),
            fx_with(
                "expired-unused",
                Unaddressed,
                "aws.acm.certificate",
                cert("EXPIRED", Some("2025-03-01T00:00:00Z"), 0),
                src.clone(),
            ),
            fx_with(
                "pending-validation",
                NotApplicable,
                "aws.acm.certificate",
                cert("PENDING_VALIDATION", None, 0),
                src,
            ),
            fx_with(
                "describe-denied",
                Unknown,
                "aws.acm.certificate",
                json!({}),
                json!({}),
            ),
        ]
    }
}
