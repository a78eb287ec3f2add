use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a TLS certificate's key is strong: RSA of at least 2048 bits, or
    /// an elliptic-curve key, by the `KeyAlgorithm` ACM reports (`RSA_1024`,
    /// `RSA_2048`, `EC_prime256v1`...). An algorithm name onus does not know
    /// is unknown, never strong.
    ///
    /// ## Why it matters
    /// RSA keys of 1024 bits have been within reach of well-funded attackers
    /// for years and are refused by current browsers and by NIST SP 800-131A;
    /// traffic protected by one is not reliably protected. Choosing the key is
    /// the customer's when a certificate is imported.
    ///
    /// ## How to address
    /// Request a new certificate from ACM (RSA 2048 or ECDSA P-256), or import
    /// one with a 2048-bit or larger key, move the listeners and distributions
    /// to it, then delete the weak one.
    ///
    /// ## References
    /// - NIST SP 800-131A rev. 2, Transitioning the Use of Cryptographic Algorithms and Key Lengths: <https://csrc.nist.gov/pubs/sp/800/131/a/r2/final>
    /// - AWS, ACM certificate characteristics (key algorithms): <https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate-characteristics.html>
    pub struct CertificateWeakKey {
        code: "TLS005",
        title: "Certificate key weaker than RSA 2048",
        duty: Duty::EncryptionInTransit,
        severity: Severity::High,
        facets: &["transport"],
        remediation: "Replace the certificate with one on an RSA 2048 (or larger) or ECDSA key, then delete the weak one.",
    }
}

/// RSA key sizes below this many bits are weak.
const MIN_RSA_BITS: u32 = 2048;

impl Rule for CertificateWeakKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let Some(algorithm) = resource
            .facets
            .transport
            .as_ref()
            .and_then(|t| t.certificate.as_ref())
            .and_then(|c| c.key_algorithm.as_deref())
        else {
            return Outcome::not_observed("transport.certificate.key_algorithm");
        };
        let shown = onus_model::excerpt(algorithm, 40);
        let ev = vec![evidence(
            resource,
            "transport.certificate",
            serde_json::json!({ "key_algorithm": algorithm }),
        )];
        let upper = algorithm.to_ascii_uppercase();
        if let Some(bits) = upper
            .strip_prefix("RSA_")
            .and_then(|b| b.parse::<u32>().ok())
        {
            return if bits < MIN_RSA_BITS {
                Outcome::unaddressed(
                    format!("The certificate's key is {shown}: RSA below {MIN_RSA_BITS} bits"),
                    ev,
                )
            } else {
                Outcome::addressed(format!("The certificate's key is {shown}"), ev)
            };
        }
        if upper.starts_with("EC_") {
            return Outcome::addressed(format!("The certificate's key is {shown}"), ev);
        }
        Outcome::Unknown {
            reason: format!("the key algorithm {shown} is not one onus knows"),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"transport.certificate": "/Certificate"});
        let cert = |algorithm: &str| json!({"transport": {"certificate": {"status": "ISSUED", "key_algorithm": algorithm}}});
        vec![
            fx_with(
                "rsa-1024",
                Unaddressed,
                "aws.acm.certificate",
                cert("RSA_1024"),
                src.clone(),
            ),
            fx_with(
                "rsa-2048",
                Addressed,
                "aws.acm.certificate",
                cert("RSA_2048"),
                src.clone(),
            ),
            fx_with(
                "ecdsa-p256",
                Addressed,
                "aws.acm.certificate",
                cert("EC_prime256v1"),
                src.clone(),
            ),
            fx_with(
                "algorithm-unheard-of",
                Unknown,
                "aws.acm.certificate",
                cert("ML_KEM_768"),
                src,
            ),
        ]
    }
}
