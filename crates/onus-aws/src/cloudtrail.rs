//! CloudTrail: trails (multi-region, logging, the events they select), per home
//! region. A trail that is logging but selects no management events is not an
//! account audit log: `audit_enabled` needs both.

use onus_model::Logging;
use serde_json::{Value, json};

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
                .interceptor(account.retries.clone())
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
            let is_logging = match ct.get_trail_status().name(arn).send().await {
                Ok(s) => {
                    raw["Status"] = json!({"IsLogging": s.is_logging(), "LatestDeliveryError": s.latest_delivery_error()});
                    s.is_logging()
                }
                Err(e) => {
                    out.gaps.push(gap(
                        &scope,
                        "cloudtrail",
                        "GetTrailStatus",
                        &e,
                        &[TRAIL, crate::iam::ACCOUNT],
                        &["logging"],
                        vec![arn.to_owned()],
                    ));
                    None
                }
            };
            account.pace(Some(&region), "cloudtrail").await;
            let management = match ct.get_event_selectors().trail_name(arn).send().await {
                Ok(o) => {
                    raw["EventSelectors"] = selectors_raw(&o);
                    management_events(&raw["EventSelectors"])
                }
                Err(e) => {
                    out.gaps.push(gap(
                        &scope,
                        "cloudtrail",
                        "GetEventSelectors",
                        &e,
                        &[TRAIL, crate::iam::ACCOUNT],
                        &["logging"],
                        vec![arn.to_owned()],
                    ));
                    None
                }
            };
            // Recording management events needs both; either one false is enough to say no.
            logging.audit_enabled = match (is_logging, management) {
                (Some(false), _) => {
                    source(&mut r, "logging.audit_enabled", "/Status/IsLogging");
                    Some(false)
                }
                (_, Some(false)) => {
                    source(&mut r, "logging.audit_enabled", "/EventSelectors");
                    Some(false)
                }
                (Some(true), Some(true)) => {
                    source(&mut r, "logging.audit_enabled", "/Status/IsLogging");
                    Some(true)
                }
                _ => None,
            };
            r.facets.logging = Some(logging);
            r.raw = raw;
            out.resources.push(r);
        }
    }
    out
}

/// `GetEventSelectors` as the API returned it, with its field names.
fn selectors_raw(
    o: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> Value {
    json!({
        "EventSelectors": o.event_selectors().iter().map(|s| json!({
            "ReadWriteType": s.read_write_type().map(|t| t.as_str()),
            "IncludeManagementEvents": s.include_management_events(),
        })).collect::<Vec<_>>(),
        "AdvancedEventSelectors": o.advanced_event_selectors().iter().map(|a| json!({
            "Name": a.name(),
            "FieldSelectors": a.field_selectors().iter().map(|f| json!({
                "Field": f.field(),
                "Equals": f.equals(),
                "NotEquals": f.not_equals(),
                "StartsWith": f.starts_with(),
                "NotStartsWith": f.not_starts_with(),
                "EndsWith": f.ends_with(),
                "NotEndsWith": f.not_ends_with(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Whether a trail's selectors record every management event, reads and
/// writes: basic selectors with `IncludeManagementEvents` whose read/write
/// types together cover both, or advanced selectors on `eventCategory` =
/// `Management` whose `readOnly` restrictions together cover both. `None` when
/// the selectors cannot be read.
pub fn management_events(selectors: &Value) -> Option<bool> {
    if !selectors.is_object() {
        return None;
    }
    let (mut reads, mut writes) = (false, false);
    for s in selectors["EventSelectors"].as_array().into_iter().flatten() {
        if s["IncludeManagementEvents"] != true {
            continue;
        }
        // A field not in the answer is not observed, never taken as its default.
        match s["ReadWriteType"].as_str() {
            Some("All") => (reads, writes) = (true, true),
            Some("ReadOnly") => reads = true,
            Some("WriteOnly") => writes = true,
            Some(_) | None => {}
        }
    }
    for a in selectors["AdvancedEventSelectors"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let fields: Vec<&Value> = a["FieldSelectors"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let field = |name: &str| fields.iter().find(|f| f["Field"] == name);
        let management =
            field("eventCategory").is_some_and(|f| strings(&f["Equals"]).contains(&"Management"));
        if !management {
            continue;
        }
        match field("readOnly").map(|f| strings(&f["Equals"])) {
            None => (reads, writes) = (true, true),
            Some(v) if v.contains(&"true") && v.contains(&"false") => {
                (reads, writes) = (true, true)
            }
            Some(v) if v.contains(&"true") => reads = true,
            Some(v) if v.contains(&"false") => writes = true,
            Some(_) => {}
        }
    }
    Some(reads && writes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trail_without_management_events_is_not_an_audit_log() {
        // Found by review: a logging trail that selects data events only used to
        // count as the account's audit log.
        let data_only =
            json!({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": false}]});
        assert_eq!(management_events(&data_only), Some(false));
        let none = json!({"EventSelectors": [], "AdvancedEventSelectors": []});
        assert_eq!(management_events(&none), Some(false));
        let writes_only = json!({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]});
        assert_eq!(management_events(&writes_only), Some(false));
        let split = json!({"EventSelectors": [
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true},
            {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true}]});
        assert_eq!(management_events(&split), Some(true));
        let basic =
            json!({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]});
        assert_eq!(management_events(&basic), Some(true));
        assert_eq!(management_events(&Value::Null), None);
    }

    #[test]
    fn advanced_selectors() {
        let sel = |fields: Value| json!({"AdvancedEventSelectors": [{"Name": "m", "FieldSelectors": fields}]});
        let all = sel(json!([{"Field": "eventCategory", "Equals": ["Management"]}]));
        assert_eq!(management_events(&all), Some(true));
        let reads = sel(json!([{"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "readOnly", "Equals": ["true"]}]));
        assert_eq!(management_events(&reads), Some(false));
        let data = sel(json!([{"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]));
        assert_eq!(management_events(&data), Some(false));
    }
}
