use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a container registry scans images for known vulnerabilities when they
    /// are pushed (ECR `imageScanningConfiguration.scanOnPush`, or a registry-wide
    /// enhanced scanning rule).
    ///
    /// ## Why it matters
    /// A container image carries its own operating system packages and language
    /// runtime. The registry stores and serves the image (PaaS); keeping what is
    /// inside it current is the customer's runtime duty, and a scan on push is
    /// how an outdated, vulnerable base image is noticed before it runs.
    ///
    /// ## How to address
    /// `aws ecr put-image-scanning-configuration --repository-name NAME
    /// --image-scanning-configuration scanOnPush=true`, or turn on Amazon
    /// Inspector enhanced scanning for the registry; rebuild images whose scans
    /// find critical vulnerabilities.
    ///
    /// ## References
    /// - AWS, Scan images for software vulnerabilities in Amazon ECR: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html>
    /// - AWS Foundational Security Best Practices, ECR.1
    pub struct ImageScanOff {
        code: "RUN004",
        title: "Container images not scanned on push",
        duty: Duty::RuntimeUpdates,
        severity: Severity::Medium,
        facets: &["runtime"],
        remediation: "Turn on scan on push (or enhanced scanning) and rebuild images with critical findings.",
    }
}

impl Rule for ImageScanOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "runtime.image_scan_on_push",
            resource
                .facets
                .runtime
                .as_ref()
                .and_then(|r| r.image_scan_on_push),
            true,
            "Images are scanned for vulnerabilities on push",
            "Images are not scanned for vulnerabilities on push",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"runtime.image_scan_on_push": "/imageScanningConfiguration/scanOnPush"});
        vec![
            fx_with(
                "unscanned",
                Unaddressed,
                "aws.ecr.repository",
                json!({"runtime": {"image_scan_on_push": false}}),
                src.clone(),
            ),
            fx_with(
                "scanned",
                Addressed,
                "aws.ecr.repository",
                json!({"runtime": {"image_scan_on_push": true}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "aws.ecr.repository",
                json!({}),
                json!({}),
            ),
        ]
    }
}
