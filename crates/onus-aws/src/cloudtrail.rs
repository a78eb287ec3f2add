//! CloudTrail: trails (multi-region, logging), per home region.

use onus_model::Logging;
use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, resource, source};

pub(crate) const TRAIL: &str = "aws.cloudtrail.trail";

pub(crate) async fn collect(account: Account, regions: Vec<String>) -> Collected {
    let mut out = Collected::default();
    for region in regions {
        let config = account.in_region(&region);
        let ct = aws_sdk_cloudtrail::Client::from_conf(
            aws_sdk_cloudtrail::config::Builder::from(&config)
                .interceptor(account.guard.clone())
                .build(),
        );
        let scope = account.scope(Some(&region));
        account.pace(Some(&region), "cloudtrail").await;
        // Trails are listed in their home region only, so each appears once.
        let trails = match ct
            .describe_trails()
            .include_shadow_trails(false)
            .send()
            .await
        {
            Ok(t) => t,
            Err(e) => {
                out.gaps.push(gap(
                    &scope,
                    "cloudtrail",
                    "DescribeTrails",
                    &e,
                    &[TRAIL, crate::iam::ACCOUNT],
                    &["logging"],
                    vec![],
                ));
                continue;
            }
        };
        for t in trails.trail_list() {
            let Some(arn) = t.trail_arn() else { continue };
            let home = t.home_region().unwrap_or(&region).to_owned();
            let mut r = resource(arn, &account.id, Some(&home), TRAIL, t.name());
            let mut raw = json!({"Trail": {
                "Name": t.name(), "IsMultiRegionTrail": t.is_multi_region_trail(), "HomeRegion": t.home_region(),
                "IsOrganizationTrail": t.is_organization_trail(), "S3BucketName": t.s3_bucket_name(), "KmsKeyId": t.kms_key_id(),
            }});
            let mut logging = Logging {
                multi_region: t.is_multi_region_trail(),
                ..Default::default()
            };
            source(&mut r, "logging.multi_region", "/Trail/IsMultiRegionTrail");
            account.pace(Some(&region), "cloudtrail").await;
            match ct.get_trail_status().name(arn).send().await {
                Ok(s) => {
                    raw["Status"] = json!({"IsLogging": s.is_logging(), "LatestDeliveryError": s.latest_delivery_error()});
                    logging.audit_enabled = s.is_logging();
                    source(&mut r, "logging.audit_enabled", "/Status/IsLogging");
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "cloudtrail",
                    "GetTrailStatus",
                    &e,
                    &[TRAIL, crate::iam::ACCOUNT],
                    &["logging"],
                    vec![arn.to_owned()],
                )),
            }
            r.facets.logging = Some(logging);
            r.raw = raw;
            out.resources.push(r);
        }
    }
    out
}
