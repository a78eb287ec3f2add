use chrono::NaiveDate;
use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

/// AWS Lambda runtime identifiers with their deprecation dates (`None`: no
/// deprecation announced when the table was last reviewed, 2026-11). Source: AWS
/// Lambda Developer Guide, "Lambda runtimes", supported and deprecated runtimes.
/// Identifiers not listed are reported as unknown rather than guessed.
const LAMBDA_RUNTIMES: &[(&str, Option<&str>)] = &[
    ("dotnet5.0", Some("2022-05-10")),
    ("dotnet6", Some("2024-12-20")),
    ("dotnet7", Some("2024-05-14")),
    ("dotnet8", Some("2026-11-10")),
    ("dotnetcore1.0", Some("2019-07-30")),
    ("dotnetcore2.0", Some("2019-05-30")),
    ("dotnetcore2.1", Some("2022-01-05")),
    ("dotnetcore3.1", Some("2023-04-03")),
    ("go1.x", Some("2024-01-08")),
    ("java17", None),
    ("java21", None),
    ("java8", Some("2024-01-08")),
    ("nodejs10.x", Some("2021-07-30")),
    ("nodejs12.x", Some("2023-03-31")),
    ("nodejs14.x", Some("2023-12-04")),
    ("nodejs16.x", Some("2024-06-12")),
    ("nodejs18.x", Some("2025-09-01")),
    ("nodejs20.x", Some("2026-04-30")),
    ("nodejs22.x", None),
    ("nodejs4.3", Some("2020-03-05")),
    ("nodejs6.10", Some("2019-08-12")),
    ("nodejs8.10", Some("2020-03-06")),
    ("provided", Some("2024-01-08")),
    ("provided.al2023", None),
    ("python2.7", Some("2021-07-15")),
    ("python3.12", None),
    ("python3.13", None),
    ("python3.6", Some("2022-07-18")),
    ("python3.7", Some("2023-12-04")),
    ("python3.8", Some("2024-10-14")),
    ("python3.9", Some("2025-12-15")),
    ("ruby2.5", Some("2022-03-31")),
    ("ruby2.7", Some("2023-12-07")),
    ("ruby3.2", Some("2026-03-31")),
    ("ruby3.3", None),
];

/// App Engine standard runtimes with their end-of-support dates (`None`: none
/// announced when the table was last reviewed, 2026-11). Source: Google Cloud,
/// App Engine standard environment runtime support schedule. Runtimes not
/// listed are reported as unknown rather than guessed.
const APPENGINE_RUNTIMES: &[(&str, Option<&str>)] = &[
    ("go111", Some("2024-01-30")),
    ("go112", Some("2024-01-30")),
    ("go113", Some("2024-01-30")),
    ("go114", Some("2024-01-30")),
    ("go115", Some("2024-01-30")),
    ("go116", Some("2024-01-30")),
    ("go118", Some("2024-01-30")),
    ("java11", Some("2024-10-31")),
    ("java21", None),
    ("java8", Some("2024-01-31")),
    ("nodejs10", Some("2024-01-30")),
    ("nodejs12", Some("2024-01-30")),
    ("nodejs14", Some("2024-01-30")),
    ("nodejs16", Some("2024-01-30")),
    ("nodejs18", Some("2025-04-30")),
    ("nodejs20", Some("2026-04-30")),
    ("nodejs22", None),
    ("php55", Some("2024-01-30")),
    ("php72", Some("2024-01-30")),
    ("php73", Some("2024-01-30")),
    ("php74", Some("2024-01-30")),
    ("php81", Some("2024-11-25")),
    ("python27", Some("2024-01-30")),
    ("python312", None),
    ("python313", None),
    ("python37", Some("2023-06-27")),
    ("python38", Some("2024-10-14")),
    ("python39", Some("2025-10-05")),
    ("ruby25", Some("2024-01-30")),
    ("ruby26", Some("2024-01-30")),
    ("ruby27", Some("2024-01-30")),
    ("ruby30", Some("2024-03-31")),
];

declare_rule! {
    /// ## What it checks
    /// That a function or platform runs a supported runtime. A provider's own
    /// deprecation flag (an Elastic Beanstalk platform branch marked deprecated
    /// or retired) is used when collected; otherwise Lambda runtime identifiers
    /// and App Engine standard runtimes (`python27`, `go111`, `java8`, `php55`,
    /// `nodejs10`…) are looked up in tables of deprecation or end-of-support dates
    /// kept in this rule and compared with the time the inventory was collected.
    /// A runtime the tables do not list is reported as unknown, never guessed.
    ///
    /// ## Why it matters
    /// A deprecated runtime receives no security patches, and after deprecation
    /// functions can no longer be created or updated on it. The provider patches
    /// supported managed runtimes; choosing to move off a deprecated one is the
    /// customer's duty under PaaS.
    ///
    /// ## How to address
    /// Move the function to a supported runtime version (update the code and its
    /// dependencies, test, then update the function's runtime), or the
    /// environment to a supported platform branch.
    ///
    /// ## References
    /// - AWS, Lambda runtimes (deprecation policy and dates): <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>
    /// - AWS, Elastic Beanstalk platform support policy: <https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/platforms-support-policy.html>
    /// - Google Cloud, App Engine runtime support schedule: <https://cloud.google.com/appengine/docs/standard/lifecycle/support-schedule>
    pub struct DeprecatedRuntime {
        code: "RUN001",
        title: "Deprecated runtime",
        duty: Duty::RuntimeUpdates,
        severity: Severity::High,
        facets: &["runtime"],
        remediation: "Move to a supported runtime version or platform branch.",
    }
}

impl Rule for DeprecatedRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome {
        let runtime = resource.facets.runtime.as_ref();
        let name = runtime.and_then(|r| r.name.as_deref());
        if let Some(deprecated) = runtime.and_then(|r| r.deprecated) {
            let mut ev = vec![evidence(resource, "runtime.deprecated", deprecated.into())];
            if let Some(n) = name {
                ev.push(evidence(resource, "runtime.name", n.into()));
            }
            let label = name.unwrap_or("the runtime");
            return if deprecated {
                Outcome::unaddressed(format!("{label} is deprecated by the provider"), ev)
            } else {
                Outcome::addressed(format!("{label} is supported by the provider"), ev)
            };
        }
        let Some(name) = name else {
            return Outcome::not_observed("runtime.name");
        };
        if name.is_empty() {
            return Outcome::not_applicable(
                "the function is a container image; its runtime is the image's",
            );
        }
        let (table, which) = if resource.kind.starts_with("aws.lambda.") {
            (LAMBDA_RUNTIMES, "Lambda")
        } else if resource.kind.starts_with("gcp.appengine.") {
            (APPENGINE_RUNTIMES, "App Engine")
        } else {
            return Outcome::Unknown {
                reason: format!(
                    "runtime '{name}' was observed but its support status (runtime.deprecated) was not"
                ),
            };
        };
        let Some((_, date)) = table.iter().find(|(n, _)| *n == name) else {
            return Outcome::Unknown {
                reason: format!("runtime '{name}' is not in onus's table of {which} runtimes"),
            };
        };
        let today = ctx.reference_time.date_naive();
        let deprecation = date.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let mut ev = vec![evidence(resource, "runtime.name", name.into())];
        match deprecation {
            Some(day) if day <= today => {
                ev.push(evidence(
                    resource,
                    "runtime.deprecation_date",
                    day.to_string().into(),
                ));
                Outcome::unaddressed(format!("{name} was deprecated on {day}"), ev)
            }
            Some(day) => {
                ev.push(evidence(
                    resource,
                    "runtime.deprecation_date",
                    day.to_string().into(),
                ));
                Outcome::addressed(format!("{name} is supported until {day}"), ev)
            }
            None => Outcome::addressed(format!("{name} is a supported runtime"), ev),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"runtime.name": "/Runtime"});
        vec![
            fx_with(
                "python38",
                Unaddressed,
                "aws.lambda.function",
                json!({"runtime": {"name": "python3.8"}}),
                src.clone(),
            ),
            fx_with(
                "beanstalk-retired",
                Unaddressed,
                "aws.elasticbeanstalk.environment",
                json!({"runtime": {"name": "Node.js 14 running on 64bit Amazon Linux 2", "deprecated": true}}),
                json!({}),
            ),
            fx_with(
                "appengine-python27",
                Unaddressed,
                "gcp.appengine.version",
                json!({"runtime": {"name": "python27"}}),
                json!({"runtime.name": "/runtime"}),
            ),
            fx_with(
                "appengine-python312",
                Addressed,
                "gcp.appengine.version",
                json!({"runtime": {"name": "python312"}}),
                json!({"runtime.name": "/runtime"}),
            ),
            fx_with(
                "python312",
                Addressed,
                "aws.lambda.function",
                json!({"runtime": {"name": "python3.12"}}),
                src.clone(),
            ),
            fx_with(
                "unlisted-runtime",
                Unknown,
                "aws.lambda.function",
                json!({"runtime": {"name": "python3.99"}}),
                src.clone(),
            ),
            fx_with(
                "runtime-not-read",
                Unknown,
                "aws.lambda.function",
                json!({}),
                json!({}),
            ),
            fx_with(
                "container-image",
                NotApplicable,
                "aws.lambda.function",
                json!({"runtime": {"name": ""}}),
                src,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::{APPENGINE_RUNTIMES, LAMBDA_RUNTIMES};

    #[test]
    fn tables_are_sorted_unique_and_dated_correctly() {
        for table in [LAMBDA_RUNTIMES, APPENGINE_RUNTIMES] {
            let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(
                names, sorted,
                "keep the table sorted and free of duplicates"
            );
            for (name, date) in table {
                if let Some(d) = date {
                    assert!(
                        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(),
                        "{name}: {d}"
                    );
                }
            }
        }
    }
}
