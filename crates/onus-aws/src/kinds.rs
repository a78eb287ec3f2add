//! From what the enumeration sources say of a resource (an ARN, an AWS Config
//! resource type) to an onus kind. Pure functions, so every source names a
//! resource the same way and results merge by ARN.
//!
//! Kinds follow AWS Config's type names (`AWS::SQS::Queue` -> `aws.sqs.queue`,
//! `AWS::ElasticLoadBalancingV2::LoadBalancer` ->
//! `aws.elasticloadbalancingv2.load-balancer`), except where onus's deep
//! collectors named a kind first (`AWS::RDS::DBInstance` -> `aws.rds.instance`).

/// Config types whose kind the deep collectors named differently.
const TYPE_ALIASES: &[(&str, &str)] = &[
    ("AWS::RDS::DBInstance", "aws.rds.instance"),
    ("AWS::IAM::User", "aws.iam.user"),
];

/// ARN service namespaces that differ from the kind's service segment.
const ARN_SERVICES: &[(&str, &str)] = &[
    ("elasticfilesystem", "efs"),
    ("es", "opensearch"),
    ("states", "stepfunctions"),
    ("acm-pca", "acmpca"),
    ("cognito-idp", "cognito"),
    ("cognito-identity", "cognito"),
    ("kafka", "msk"),
    ("firehose", "kinesisfirehose"),
    ("kinesisanalytics", "kinesisanalyticsv2"),
    ("elasticmapreduce", "emr"),
    ("airflow", "mwaa"),
    ("codestar-connections", "codestarconnections"),
    ("execute-api", "apigateway"),
    ("mq", "amazonmq"),
    ("ds", "directoryservice"),
    ("aoss", "opensearchserverless"),
    ("resource-explorer-2", "resourceexplorer2"),
    ("resource-groups", "resourcegroups"),
    ("schemas", "eventschemas"),
    ("ssm-contacts", "ssmcontacts"),
    ("ssm-incidents", "ssmincidents"),
    ("iotwireless", "iotwireless"),
    ("waf-regional", "wafregional"),
    ("vpc-lattice", "vpclattice"),
];

/// Resource types of ARNs that carry none (`arn:aws:sqs:r:a:queue-name`).
const UNTYPED_ARNS: &[(&str, &str)] = &[("sqs", "queue"), ("sns", "topic"), ("s3", "bucket")];

/// (kind service, ARN resource type) whose kind is not the plain conversion.
const ARN_TYPES: &[(&str, &str, &str)] = &[
    ("rds", "db", "aws.rds.instance"),
    ("rds", "cluster", "aws.rds.db-cluster"),
    ("rds", "snapshot", "aws.rds.db-snapshot"),
    ("rds", "subgrp", "aws.rds.db-subnet-group"),
    ("rds", "pg", "aws.rds.db-parameter-group"),
    (
        "elasticloadbalancing",
        "loadbalancer/app",
        "aws.elasticloadbalancingv2.load-balancer",
    ),
    (
        "elasticloadbalancing",
        "loadbalancer/net",
        "aws.elasticloadbalancingv2.load-balancer",
    ),
    (
        "elasticloadbalancing",
        "loadbalancer/gwy",
        "aws.elasticloadbalancingv2.load-balancer",
    ),
    (
        "elasticloadbalancing",
        "loadbalancer",
        "aws.elasticloadbalancing.load-balancer",
    ),
    (
        "elasticloadbalancing",
        "listener/app",
        "aws.elasticloadbalancingv2.listener",
    ),
    (
        "elasticloadbalancing",
        "listener/net",
        "aws.elasticloadbalancingv2.listener",
    ),
    (
        "elasticloadbalancing",
        "targetgroup",
        "aws.elasticloadbalancingv2.target-group",
    ),
    (
        "elasticache",
        "replicationgroup",
        "aws.elasticache.replication-group",
    ),
    ("elasticache", "cluster", "aws.elasticache.cache-cluster"),
    ("logs", "log-group", "aws.logs.log-group"),
    (
        "stepfunctions",
        "stateMachine",
        "aws.stepfunctions.state-machine",
    ),
    ("apigateway", "/restapis", "aws.apigateway.rest-api"),
    ("cloudwatch", "alarm", "aws.cloudwatch.alarm"),
];

/// The kind of an AWS Config resource type.
pub(crate) fn kind_for_type(resource_type: &str) -> Option<String> {
    if let Some((_, k)) = TYPE_ALIASES.iter().find(|(t, _)| *t == resource_type) {
        return Some((*k).to_owned());
    }
    let mut parts = resource_type.split("::");
    let (Some("AWS"), Some(service), Some(kind), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let service: String = service
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let kind = onus_model::kebab(kind);
    (!service.is_empty() && !kind.is_empty()).then(|| format!("aws.{service}.{kind}"))
}

/// A parsed ARN: service, region, account and resource part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Split `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
pub(crate) fn parse_arn(arn: &str) -> Option<Arn<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    (!service.is_empty() && !resource.is_empty()).then_some(Arn {
        service,
        region,
        account,
        resource,
    })
}

/// The kind of a resource named only by its ARN (the tagging API), and its name.
pub(crate) fn kind_for_arn(arn: &str) -> Option<(String, String)> {
    let a = parse_arn(arn)?;
    let service = ARN_SERVICES
        .iter()
        .find(|(s, _)| *s == a.service)
        .map_or(a.service, |(_, k)| k);
    let service: String = service
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    // API Gateway: `/restapis/ID/stages/NAME`.
    if service == "apigateway" && a.resource.starts_with("/restapis/") {
        let segments: Vec<&str> = a.resource.trim_start_matches('/').split('/').collect();
        let (kind, name) = match segments.as_slice() {
            [_, id, "stages", stage, ..] => ("aws.apigateway.stage", format!("{id}/{stage}")),
            [_, id, ..] => ("aws.apigateway.rest-api", (*id).to_owned()),
            _ => ("aws.apigateway.rest-api", a.resource.to_owned()),
        };
        return Some((kind.to_owned(), name));
    }
    let (rtype, name) = match a.resource.find(['/', ':']) {
        Some(i) => (&a.resource[..i], &a.resource[i + 1..]),
        None => match UNTYPED_ARNS.iter().find(|(s, _)| *s == service) {
            Some((_, t)) => (*t, a.resource),
            // No type at all: the resource part is the type (`arn:aws:iam::1:root`).
            None => (a.resource, a.resource),
        },
    };
    // ELB ARNs carry their flavour in the second segment.
    if a.service == "elasticloadbalancing" {
        let mut segs = a.resource.split('/');
        let first = segs.next().unwrap_or_default();
        let flavour = segs.next().unwrap_or_default();
        let key = format!("{first}/{flavour}");
        if let Some((_, t, k)) = ARN_TYPES
            .iter()
            .find(|(s, t, _)| *s == "elasticloadbalancing" && (*t == key || *t == first))
        {
            let at = if t.contains('/') { 2 } else { 1 };
            let name = a.resource.split('/').nth(at).unwrap_or(a.resource);
            return Some(((*k).to_owned(), name.to_owned()));
        }
    }
    // Log groups are named by their whole path; a secret's ARN appends six
    // random characters to its name.
    let name = if service == "logs" {
        name.trim_end_matches(":*")
    } else if service == "secretsmanager" {
        match name.rsplit_once('-') {
            Some((base, suffix)) if suffix.len() == 6 && !base.is_empty() => base,
            _ => name,
        }
    } else {
        last_segment(name)
    };
    if let Some((_, _, k)) = ARN_TYPES
        .iter()
        .find(|(s, t, _)| *s == service && *t == rtype)
    {
        return Some(((*k).to_owned(), name.to_owned()));
    }
    let kind = onus_model::kebab(rtype);
    if kind.is_empty() || service.is_empty() {
        return None;
    }
    Some((format!("aws.{service}.{kind}"), name.to_owned()))
}

fn last_segment(name: &str) -> &str {
    name.rsplit(['/', ':']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_types_become_kinds() {
        for (t, k) in [
            ("AWS::SQS::Queue", "aws.sqs.queue"),
            ("AWS::ACM::Certificate", "aws.acm.certificate"),
            ("AWS::Backup::BackupVault", "aws.backup.backup-vault"),
            ("AWS::Events::EventBus", "aws.events.event-bus"),
            ("AWS::EC2::SecurityGroup", "aws.ec2.security-group"),
            ("AWS::EC2::Instance", "aws.ec2.instance"),
            ("AWS::EC2::Volume", "aws.ec2.volume"),
            ("AWS::S3::Bucket", "aws.s3.bucket"),
            ("AWS::RDS::DBInstance", "aws.rds.instance"),
            ("AWS::RDS::DBCluster", "aws.rds.db-cluster"),
            (
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "aws.elasticloadbalancingv2.load-balancer",
            ),
            ("AWS::KMS::Key", "aws.kms.key"),
            ("AWS::EKS::Cluster", "aws.eks.cluster"),
            (
                "AWS::StepFunctions::StateMachine",
                "aws.stepfunctions.state-machine",
            ),
            ("AWS::OpenSearch::Domain", "aws.opensearch.domain"),
            ("AWS::EFS::FileSystem", "aws.efs.file-system"),
            ("AWS::Lambda::Function", "aws.lambda.function"),
            ("AWS::DynamoDB::Table", "aws.dynamodb.table"),
            ("AWS::CloudTrail::Trail", "aws.cloudtrail.trail"),
            ("AWS::IAM::User", "aws.iam.user"),
            (
                "AWS::ElasticBeanstalk::Environment",
                "aws.elasticbeanstalk.environment",
            ),
        ] {
            assert_eq!(kind_for_type(t).as_deref(), Some(k), "{t}");
        }
        assert_eq!(kind_for_type("Custom::Thing"), None);
        assert_eq!(kind_for_type("AWS::X"), None);
    }

    #[test]
    fn arns_become_the_same_kinds() {
        for (arn, kind, name) in [
            (
                "arn:aws:sqs:us-east-1:123456789012:orders",
                "aws.sqs.queue",
                "orders",
            ),
            (
                "arn:aws:sns:us-east-1:123456789012:alerts",
                "aws.sns.topic",
                "alerts",
            ),
            ("arn:aws:s3:::my-bucket", "aws.s3.bucket", "my-bucket"),
            // The Config type of each (AWS::ACM::Certificate, AWS::Backup::BackupVault,
            // AWS::Events::EventBus) gives the same kind: sources merge by ARN.
            (
                "arn:aws:acm:us-east-1:123456789012:certificate/0e1f",
                "aws.acm.certificate",
                "0e1f",
            ),
            (
                "arn:aws:backup:us-east-1:123456789012:backup-vault:Default",
                "aws.backup.backup-vault",
                "Default",
            ),
            (
                "arn:aws:events:us-east-1:123456789012:event-bus/default",
                "aws.events.event-bus",
                "default",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
                "aws.ec2.instance",
                "i-0abc",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1",
                "aws.ec2.security-group",
                "sg-1",
            ),
            (
                "arn:aws:rds:us-east-1:123456789012:db:orders",
                "aws.rds.instance",
                "orders",
            ),
            (
                "arn:aws:rds:us-east-1:123456789012:cluster:aurora",
                "aws.rds.db-cluster",
                "aurora",
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:thumb",
                "aws.lambda.function",
                "thumb",
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
                "aws.dynamodb.table",
                "orders",
            ),
            (
                "arn:aws:kms:us-east-1:123456789012:key/1234-abcd",
                "aws.kms.key",
                "1234-abcd",
            ),
            (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCd",
                "aws.secretsmanager.secret",
                "db-AbCd",
            ),
            (
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x",
                "aws.logs.log-group",
                "/aws/lambda/x",
            ),
            (
                "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
                "aws.efs.file-system",
                "fs-1",
            ),
            (
                "arn:aws:es:us-east-1:123456789012:domain/search",
                "aws.opensearch.domain",
                "search",
            ),
            (
                "arn:aws:states:us-east-1:123456789012:stateMachine:flow",
                "aws.stepfunctions.state-machine",
                "flow",
            ),
            (
                "arn:aws:eks:us-east-1:123456789012:cluster/prod",
                "aws.eks.cluster",
                "prod",
            ),
            (
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c",
                "aws.elasticloadbalancingv2.load-balancer",
                "web",
            ),
            (
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/classic-lb",
                "aws.elasticloadbalancing.load-balancer",
                "classic-lb",
            ),
            (
                "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
                "aws.kinesis.stream",
                "clicks",
            ),
            (
                "arn:aws:ecr:us-east-1:123456789012:repository/app",
                "aws.ecr.repository",
                "app",
            ),
            (
                "arn:aws:apigateway:us-east-1::/restapis/a1b2/stages/prod",
                "aws.apigateway.stage",
                "a1b2/prod",
            ),
            (
                "arn:aws:redshift:us-east-1:123456789012:cluster:dw",
                "aws.redshift.cluster",
                "dw",
            ),
            (
                "arn:aws:glue:us-east-1:123456789012:job/etl",
                "aws.glue.job",
                "etl",
            ),
        ] {
            assert_eq!(
                kind_for_arn(arn),
                Some((kind.to_owned(), name.to_owned())),
                "{arn}"
            );
        }
        assert_eq!(kind_for_arn("not-an-arn"), None);
        assert_eq!(kind_for_arn("arn:aws:sqs:r:a:"), None);
    }
}
