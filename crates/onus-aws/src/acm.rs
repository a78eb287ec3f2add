//! AWS Certificate Manager: certificates (`ListCertificates` with every key
//! type included, since by default it lists RSA 2048 certificates only) and
//! each one's `DescribeCertificate`. Fetch only; the catalog maps
//! `raw.Certificate` (status, `NotAfter`, `KeyAlgorithm`, `InUseBy`) to the
//! certificate facet.

use aws_sdk_acm::types::{Filters, KeyAlgorithm};
use serde_json::json;

use crate::gap::{Reads, gap};
use crate::ssm::to_chrono;
use crate::{Account, Collected, pages, resource};

pub(crate) const CERTIFICATE: &str = "aws.acm.certificate";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let acm = aws_sdk_acm::Client::from_conf(
        aws_sdk_acm::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    // Every key type the SDK knows, so an RSA 1024 or EC certificate is listed too.
    let every_key = Filters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values()
                .iter()
                .map(|v| KeyAlgorithm::from(*v))
                .collect(),
        ))
        .build();
    account.pace(Some(&region), "acm").await;
    let (list, err) = pages(
        acm.list_certificates()
            .includes(every_key)
            .into_paginator()
            .send(),
    )
    .await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "acm",
            "ListCertificates",
            &e,
            &[CERTIFICATE],
            &[],
            vec![],
        ));
    }
    let items: Vec<(String, Option<String>)> = list
        .iter()
        .flat_map(|p| p.certificate_summary_list())
        .filter_map(|c| {
            Some((
                c.certificate_arn()?.to_owned(),
                c.domain_name().map(ToOwned::to_owned),
            ))
        })
        .collect();
    let read = |(arn, domain): (String, Option<String>)| {
        let (acm, account, region, scope) =
            (acm.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let mut r = resource(
                &arn,
                &account.id,
                Some(&region),
                CERTIFICATE,
                domain.as_deref(),
            );
            account.pace(Some(&region), "acm").await;
            match acm
                .describe_certificate()
                .certificate_arn(&arn)
                .send()
                .await
            {
                Ok(d) => {
                    if let Some(c) = d.certificate() {
                        r.raw = json!({"Certificate": {
                            "CertificateArn": c.certificate_arn(),
                            "DomainName": c.domain_name(),
                            "SubjectAlternativeNames": c.subject_alternative_names(),
                            "Type": c.r#type().map(|t| t.as_str()),
                            "Status": c.status().map(|s| s.as_str()),
                            "KeyAlgorithm": c.key_algorithm().map(|k| k.as_str()),
                            "NotBefore": c.not_before().and_then(to_chrono),
                            "NotAfter": c.not_after().and_then(to_chrono),
                            "InUseBy": c.in_use_by(),
                            "RenewalEligibility": c.renewal_eligibility().map(|e| e.as_str()),
                        }});
                    }
                }
                Err(e) => {
                    r.raw = json!({"CertificateArn": arn, "DomainName": domain});
                    out.gaps.push(
                        Reads {
                            scope: &scope,
                            service: "acm",
                            kinds: &[CERTIFICATE],
                            resource: &arn,
                        }
                        .failed("DescribeCertificate", &["transport"], &e),
                    );
                }
            }
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
