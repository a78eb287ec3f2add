//! The AWS services onus reads: one row each. A row names the service, whether
//! it is read once per account or once per region, the kinds it yields, every
//! SDK operation it may call (with its IAM action), and its fetch function.
//!
//! The read-only guard allows exactly [`CORE_OPERATIONS`] plus the rows'
//! operations, and `config/aws-readonly-policy.json` lists exactly their IAM
//! actions (a test keeps the file equal). Adding a service is a fetch function
//! and a row here; adding a kind is a catalog entry.

use crate::{
    Account, Task, acm, apigateway, backup, cloudfront, cloudtrail, dynamodb, ec2, ecr, efs, eks,
    elasticache, elasticbeanstalk, elbv2, enumerate, eventbridge, guardduty, iam, kinesis, kms,
    lambda, logs, network_acls, opensearch, rds, rds_snapshots, redshift, s3, secretsmanager, sns,
    sqs, vpcs,
};

/// How often a service is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Once per account (global services, or services that list every region themselves).
    Account,
    /// Once per account and region.
    Regional,
    /// Once per account and region, when whole-estate enumeration is on.
    Enumeration,
    /// Once per account, when whole-estate enumeration is on.
    AccountEnumeration,
}

/// Where a fetch runs.
#[derive(Debug, Clone)]
pub(crate) struct Where {
    /// The region of a regional fetch (empty for account-wide ones).
    pub region: String,
    /// Every region in scope.
    pub regions: Vec<String>,
    /// The regions the user named, if any.
    pub explicit_regions: Option<Vec<String>>,
}

/// One service.
#[derive(Debug)]
pub(crate) struct Service {
    /// Its name in task labels and rate limits.
    pub name: &'static str,
    /// How often it is read.
    pub scope: Scope,
    /// The kinds it yields.
    pub kinds: &'static [&'static str],
    /// Every SDK operation it may call: (SDK service id, operation, IAM action).
    pub operations: &'static [(&'static str, &'static str, &'static str)],
    /// Its fetch function.
    pub fetch: fn(Account, Where) -> Task,
}

/// Operations outside any service row: identity, accounts, regions.
pub const CORE_OPERATIONS: &[(&str, &str, &str)] = &[
    ("EC2", "DescribeRegions", "ec2:DescribeRegions"),
    (
        "Organizations",
        "ListAccounts",
        "organizations:ListAccounts",
    ),
    ("STS", "AssumeRole", "sts:AssumeRole"),
    ("STS", "GetCallerIdentity", "sts:GetCallerIdentity"),
];

/// Every service onus reads.
pub(crate) const SERVICES: &[Service] = &[
    Service {
        name: "iam",
        scope: Scope::Account,
        kinds: &[
            "aws.iam.account",
            "aws.iam.user",
            "aws.iam.role",
            "aws.iam.policy",
        ],
        operations: &[
            (
                "IAM",
                "GetAccountPasswordPolicy",
                "iam:GetAccountPasswordPolicy",
            ),
            ("IAM", "GetAccountSummary", "iam:GetAccountSummary"),
            ("IAM", "GetPolicy", "iam:GetPolicy"),
            ("IAM", "GetPolicyVersion", "iam:GetPolicyVersion"),
            ("IAM", "GetRole", "iam:GetRole"),
            ("IAM", "GetRolePolicy", "iam:GetRolePolicy"),
            ("IAM", "GetLoginProfile", "iam:GetLoginProfile"),
            ("IAM", "ListAccessKeys", "iam:ListAccessKeys"),
            (
                "IAM",
                "ListAttachedRolePolicies",
                "iam:ListAttachedRolePolicies",
            ),
            ("IAM", "ListMFADevices", "iam:ListMFADevices"),
            ("IAM", "ListPolicies", "iam:ListPolicies"),
            ("IAM", "ListRolePolicies", "iam:ListRolePolicies"),
            ("IAM", "ListRoles", "iam:ListRoles"),
            ("IAM", "ListUsers", "iam:ListUsers"),
        ],
        fetch: |a, _| Box::pin(iam::collect(a)),
    },
    Service {
        name: "s3",
        scope: Scope::Account,
        kinds: &["aws.s3.bucket"],
        operations: &[
            ("S3", "GetBucketAcl", "s3:GetBucketAcl"),
            ("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
            ("S3", "GetBucketLocation", "s3:GetBucketLocation"),
            ("S3", "GetBucketLogging", "s3:GetBucketLogging"),
            ("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
            ("S3", "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"),
            ("S3", "GetBucketVersioning", "s3:GetBucketVersioning"),
            (
                "S3",
                "GetPublicAccessBlock",
                "s3:GetBucketPublicAccessBlock",
            ),
            ("S3", "ListBuckets", "s3:ListAllMyBuckets"),
            (
                "S3 Control",
                "GetPublicAccessBlock",
                "s3:GetAccountPublicAccessBlock",
            ),
        ],
        fetch: |a, w| Box::pin(s3::collect(a, w.explicit_regions)),
    },
    Service {
        name: "cloudtrail",
        scope: Scope::Account,
        kinds: &["aws.cloudtrail.trail", "aws.iam.account"],
        operations: &[
            ("CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"),
            ("CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"),
            (
                "CloudTrail",
                "GetEventSelectors",
                "cloudtrail:GetEventSelectors",
            ),
        ],
        fetch: |a, w| Box::pin(cloudtrail::collect(a, w.regions)),
    },
    Service {
        name: "ec2",
        scope: Scope::Regional,
        kinds: &[
            "aws.ec2.instance",
            "aws.ec2.volume",
            "aws.ec2.snapshot",
            "aws.ec2.image",
            "aws.ec2.security-group",
            "aws.ec2.ebs-encryption-default",
        ],
        operations: &[
            ("EC2", "DescribeImages", "ec2:DescribeImages"),
            ("EC2", "DescribeInstances", "ec2:DescribeInstances"),
            (
                "EC2",
                "DescribeNetworkInterfaces",
                "ec2:DescribeNetworkInterfaces",
            ),
            (
                "EC2",
                "DescribeSecurityGroups",
                "ec2:DescribeSecurityGroups",
            ),
            (
                "EC2",
                "DescribeSnapshotAttribute",
                "ec2:DescribeSnapshotAttribute",
            ),
            ("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"),
            ("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
            (
                "EC2",
                "GetEbsEncryptionByDefault",
                "ec2:GetEbsEncryptionByDefault",
            ),
            (
                "SSM",
                "DescribeInstanceInformation",
                "ssm:DescribeInstanceInformation",
            ),
            (
                "SSM",
                "DescribeInstancePatchStates",
                "ssm:DescribeInstancePatchStates",
            ),
        ],
        fetch: |a, w| Box::pin(ec2::collect(a, w.region)),
    },
    Service {
        name: "rds",
        scope: Scope::Regional,
        kinds: &["aws.rds.instance"],
        operations: &[("RDS", "DescribeDBInstances", "rds:DescribeDBInstances")],
        fetch: |a, w| Box::pin(rds::instances(a, w.region)),
    },
    Service {
        name: "dynamodb",
        scope: Scope::Regional,
        kinds: &["aws.dynamodb.table"],
        operations: &[
            (
                "DynamoDB",
                "DescribeContinuousBackups",
                "dynamodb:DescribeContinuousBackups",
            ),
            ("DynamoDB", "DescribeTable", "dynamodb:DescribeTable"),
            ("DynamoDB", "ListTables", "dynamodb:ListTables"),
        ],
        fetch: |a, w| Box::pin(dynamodb::collect(a, w.region)),
    },
    Service {
        name: "lambda",
        scope: Scope::Regional,
        kinds: &["aws.lambda.function"],
        operations: &[
            (
                "Lambda",
                "GetFunctionUrlConfig",
                "lambda:GetFunctionUrlConfig",
            ),
            ("Lambda", "ListFunctions", "lambda:ListFunctions"),
        ],
        fetch: |a, w| Box::pin(lambda::collect(a, w.region)),
    },
    Service {
        name: "elasticbeanstalk",
        scope: Scope::Regional,
        kinds: &["aws.elasticbeanstalk.environment"],
        operations: &[
            (
                "Elastic Beanstalk",
                "DescribeConfigurationSettings",
                "elasticbeanstalk:DescribeConfigurationSettings",
            ),
            (
                "Elastic Beanstalk",
                "DescribeEnvironments",
                "elasticbeanstalk:DescribeEnvironments",
            ),
            (
                "Elastic Beanstalk",
                "DescribePlatformVersion",
                "elasticbeanstalk:DescribePlatformVersion",
            ),
        ],
        fetch: |a, w| Box::pin(elasticbeanstalk::collect(a, w.region)),
    },
    Service {
        name: "sqs",
        scope: Scope::Regional,
        kinds: &["aws.sqs.queue"],
        operations: &[
            ("SQS", "GetQueueAttributes", "sqs:GetQueueAttributes"),
            ("SQS", "ListQueues", "sqs:ListQueues"),
        ],
        fetch: |a, w| Box::pin(sqs::collect(a, w.region)),
    },
    Service {
        name: "sns",
        scope: Scope::Regional,
        kinds: &["aws.sns.topic"],
        operations: &[
            ("SNS", "GetTopicAttributes", "sns:GetTopicAttributes"),
            ("SNS", "ListTopics", "sns:ListTopics"),
        ],
        fetch: |a, w| Box::pin(sns::collect(a, w.region)),
    },
    Service {
        name: "kms",
        scope: Scope::Regional,
        kinds: &["aws.kms.key"],
        operations: &[
            ("KMS", "DescribeKey", "kms:DescribeKey"),
            ("KMS", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
            ("KMS", "ListKeys", "kms:ListKeys"),
        ],
        fetch: |a, w| Box::pin(kms::collect(a, w.region)),
    },
    Service {
        name: "secretsmanager",
        scope: Scope::Regional,
        kinds: &["aws.secretsmanager.secret"],
        operations: &[(
            "Secrets Manager",
            "ListSecrets",
            "secretsmanager:ListSecrets",
        )],
        fetch: |a, w| Box::pin(secretsmanager::collect(a, w.region)),
    },
    Service {
        name: "efs",
        scope: Scope::Regional,
        kinds: &["aws.efs.file-system"],
        operations: &[
            (
                "EFS",
                "DescribeBackupPolicy",
                "elasticfilesystem:DescribeBackupPolicy",
            ),
            (
                "EFS",
                "DescribeFileSystems",
                "elasticfilesystem:DescribeFileSystems",
            ),
        ],
        fetch: |a, w| Box::pin(efs::collect(a, w.region)),
    },
    Service {
        name: "acm",
        scope: Scope::Regional,
        kinds: &["aws.acm.certificate"],
        operations: &[
            ("ACM", "DescribeCertificate", "acm:DescribeCertificate"),
            ("ACM", "ListCertificates", "acm:ListCertificates"),
        ],
        fetch: |a, w| Box::pin(acm::collect(a, w.region)),
    },
    Service {
        name: "backup",
        scope: Scope::Regional,
        kinds: &["aws.backup.backup-vault"],
        operations: &[
            (
                "Backup",
                "GetBackupVaultAccessPolicy",
                "backup:GetBackupVaultAccessPolicy",
            ),
            ("Backup", "ListBackupVaults", "backup:ListBackupVaults"),
        ],
        fetch: |a, w| Box::pin(backup::collect(a, w.region)),
    },
    Service {
        name: "events",
        scope: Scope::Regional,
        kinds: &["aws.events.event-bus"],
        operations: &[("EventBridge", "ListEventBuses", "events:ListEventBuses")],
        fetch: |a, w| Box::pin(eventbridge::collect(a, w.region)),
    },
    Service {
        name: "guardduty",
        scope: Scope::Account,
        kinds: &["aws.iam.account"],
        operations: &[
            ("GuardDuty", "GetDetector", "guardduty:GetDetector"),
            ("GuardDuty", "ListDetectors", "guardduty:ListDetectors"),
            // Supporting evidence, named in the message.
            ("SecurityHub", "DescribeHub", "securityhub:DescribeHub"),
            (
                "Inspector2",
                "BatchGetAccountStatus",
                "inspector2:BatchGetAccountStatus",
            ),
            ("Macie2", "GetMacieSession", "macie2:GetMacieSession"),
        ],
        fetch: |a, w| Box::pin(guardduty::collect(a, w.regions)),
    },
    Service {
        name: "kinesis",
        scope: Scope::Regional,
        kinds: &["aws.kinesis.stream"],
        operations: &[
            (
                "Kinesis",
                "DescribeStreamSummary",
                "kinesis:DescribeStreamSummary",
            ),
            ("Kinesis", "ListStreams", "kinesis:ListStreams"),
        ],
        fetch: |a, w| Box::pin(kinesis::collect(a, w.region)),
    },
    Service {
        name: "eks",
        scope: Scope::Regional,
        kinds: &["aws.eks.cluster"],
        operations: &[
            ("EKS", "DescribeCluster", "eks:DescribeCluster"),
            ("EKS", "ListClusters", "eks:ListClusters"),
        ],
        fetch: |a, w| Box::pin(eks::collect(a, w.region)),
    },
    Service {
        name: "logs",
        scope: Scope::Regional,
        kinds: &["aws.logs.log-group"],
        operations: &[(
            "CloudWatch Logs",
            "DescribeLogGroups",
            "logs:DescribeLogGroups",
        )],
        fetch: |a, w| Box::pin(logs::collect(a, w.region)),
    },
    Service {
        name: "elbv2",
        scope: Scope::Regional,
        kinds: &["aws.elasticloadbalancingv2.load-balancer"],
        operations: &[
            (
                "Elastic Load Balancing v2",
                "DescribeListeners",
                "elasticloadbalancing:DescribeListeners",
            ),
            (
                "Elastic Load Balancing v2",
                "DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancers",
            ),
            (
                "Elastic Load Balancing v2",
                "DescribeRules",
                "elasticloadbalancing:DescribeRules",
            ),
        ],
        fetch: |a, w| Box::pin(elbv2::collect(a, w.region)),
    },
    Service {
        name: "ecr",
        scope: Scope::Regional,
        kinds: &["aws.ecr.repository"],
        operations: &[("ECR", "DescribeRepositories", "ecr:DescribeRepositories")],
        fetch: |a, w| Box::pin(ecr::collect(a, w.region)),
    },
    Service {
        name: "redshift",
        scope: Scope::Regional,
        kinds: &["aws.redshift.cluster"],
        operations: &[
            ("Redshift", "DescribeClusters", "redshift:DescribeClusters"),
            (
                "Redshift",
                "DescribeLoggingStatus",
                "redshift:DescribeLoggingStatus",
            ),
        ],
        fetch: |a, w| Box::pin(redshift::collect(a, w.region)),
    },
    Service {
        name: "vpcs",
        scope: Scope::Regional,
        kinds: &["aws.ec2.vpc", "aws.ec2.subnet"],
        operations: &[
            ("EC2", "DescribeFlowLogs", "ec2:DescribeFlowLogs"),
            ("EC2", "DescribeSubnets", "ec2:DescribeSubnets"),
            ("EC2", "DescribeVpcs", "ec2:DescribeVpcs"),
        ],
        fetch: |a, w| Box::pin(vpcs::collect(a, w.region)),
    },
    Service {
        name: "network-acls",
        scope: Scope::Regional,
        kinds: &["aws.ec2.network-acl"],
        operations: &[("EC2", "DescribeNetworkAcls", "ec2:DescribeNetworkAcls")],
        fetch: |a, w| Box::pin(network_acls::collect(a, w.region)),
    },
    Service {
        name: "rds-snapshots",
        scope: Scope::Regional,
        kinds: &["aws.rds.db-snapshot", "aws.rds.cluster-snapshot"],
        operations: &[
            (
                "RDS",
                "DescribeDBClusterSnapshotAttributes",
                "rds:DescribeDBClusterSnapshotAttributes",
            ),
            (
                "RDS",
                "DescribeDBClusterSnapshots",
                "rds:DescribeDBClusterSnapshots",
            ),
            ("RDS", "DescribeDBSnapshots", "rds:DescribeDBSnapshots"),
            (
                "RDS",
                "DescribeDBSnapshotAttributes",
                "rds:DescribeDBSnapshotAttributes",
            ),
        ],
        fetch: |a, w| Box::pin(rds_snapshots::collect(a, w.region)),
    },
    Service {
        name: "rds-clusters",
        scope: Scope::Regional,
        kinds: &["aws.rds.db-cluster"],
        operations: &[("RDS", "DescribeDBClusters", "rds:DescribeDBClusters")],
        fetch: |a, w| Box::pin(rds::clusters(a, w.region)),
    },
    Service {
        name: "opensearch",
        scope: Scope::Regional,
        kinds: &["aws.opensearch.domain"],
        operations: &[
            ("OpenSearch", "DescribeDomains", "es:DescribeDomains"),
            ("OpenSearch", "ListDomainNames", "es:ListDomainNames"),
        ],
        fetch: |a, w| Box::pin(opensearch::collect(a, w.region)),
    },
    Service {
        name: "elasticache",
        scope: Scope::Regional,
        kinds: &["aws.elasticache.replication-group"],
        operations: &[(
            "ElastiCache",
            "DescribeReplicationGroups",
            "elasticache:DescribeReplicationGroups",
        )],
        fetch: |a, w| Box::pin(elasticache::collect(a, w.region)),
    },
    Service {
        name: "cloudfront",
        scope: Scope::Account,
        kinds: &["aws.cloudfront.distribution"],
        operations: &[
            (
                "CloudFront",
                "GetDistributionConfig",
                "cloudfront:GetDistributionConfig",
            ),
            (
                "CloudFront",
                "ListDistributions",
                "cloudfront:ListDistributions",
            ),
        ],
        fetch: |a, _| Box::pin(cloudfront::collect(a)),
    },
    Service {
        name: "apigateway",
        scope: Scope::Regional,
        kinds: &["aws.apigateway.stage"],
        // API Gateway's IAM actions are HTTP verbs on its resource paths.
        operations: &[
            ("API Gateway", "GetRestApis", "apigateway:GET"),
            ("API Gateway", "GetStages", "apigateway:GET"),
        ],
        fetch: |a, w| Box::pin(apigateway::collect(a, w.region)),
    },
    Service {
        name: "tagging",
        scope: Scope::Enumeration,
        kinds: &[],
        operations: &[(
            "Resource Groups Tagging API",
            "GetResources",
            "tag:GetResources",
        )],
        fetch: |a, w| Box::pin(enumerate::tagging(a, w.region)),
    },
    Service {
        name: "config",
        scope: Scope::Enumeration,
        kinds: &[],
        operations: &[
            (
                "Config Service",
                "DescribeConfigurationRecorders",
                "config:DescribeConfigurationRecorders",
            ),
            (
                "Config Service",
                "SelectAggregateResourceConfig",
                "config:SelectAggregateResourceConfig",
            ),
            (
                "Config Service",
                "SelectResourceConfig",
                "config:SelectResourceConfig",
            ),
        ],
        fetch: |a, w| Box::pin(enumerate::config(a, w.region)),
    },
    Service {
        name: "resource-explorer",
        scope: Scope::AccountEnumeration,
        kinds: &[],
        operations: &[
            (
                "Resource Explorer 2",
                "ListIndexes",
                "resource-explorer-2:ListIndexes",
            ),
            (
                "Resource Explorer 2",
                "ListResources",
                "resource-explorer-2:ListResources",
            ),
        ],
        fetch: |a, w| Box::pin(enumerate::resource_explorer(a, w.regions)),
    },
];
