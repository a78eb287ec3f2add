use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a VPC has an active flow log (`DescribeFlowLogs`: a flow log on the
    /// VPC whose `FlowLogStatus` is `ACTIVE`), recording the traffic of every
    /// network interface in it.
    ///
    /// ## Why it matters
    /// Flow logs are the record of which addresses talked to which, on which
    /// ports: without them an intrusion, a data exfiltration or a scan leaves no
    /// trace in the network. The network is the customer's under IaaS, and so
    /// is recording it.
    ///
    /// ## How to address
    /// `aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID
    /// --traffic-type ALL --log-destination-type s3 --log-destination BUCKET_ARN`
    /// (or a CloudWatch Logs group), in every region in use.
    ///
    /// ## References
    /// - AWS, Logging IP traffic using VPC Flow Logs: <https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html>
    /// - CIS AWS Foundations Benchmark 3.7 (VPC flow logging enabled in all VPCs)
    pub struct FlowLogsOff {
        code: "LOG005",
        title: "VPC flow logs off",
        duty: Duty::Logging,
        severity: Severity::Medium,
        facets: &["logging"],
        remediation: "Create a flow log for the VPC (all traffic) to S3 or CloudWatch Logs.",
    }
}

impl Rule for FlowLogsOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "logging.flow_logs",
            resource.facets.logging.as_ref().and_then(|l| l.flow_logs),
            true,
            "An active flow log records the VPC's traffic",
            "No active flow log records the VPC's traffic",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"logging.flow_logs": "/FlowLogs"});
        vec![
            fx_with(
                "no-flow-log",
                Unaddressed,
                "aws.ec2.vpc",
                json!({"logging": {"flow_logs": false}}),
                src.clone(),
            ),
            fx_with(
                "active-flow-log",
                Addressed,
                "aws.ec2.vpc",
                json!({"logging": {"flow_logs": true}}),
                src,
            ),
            fx_with(
                "flow-logs-not-read",
                Unknown,
                "aws.ec2.vpc",
                json!({}),
                json!({}),
            ),
        ]
    }
}
