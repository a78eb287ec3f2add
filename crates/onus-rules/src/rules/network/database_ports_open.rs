use onus_model::{Duty, Resource, Severity};

use crate::net::check_ports;
use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule};

const DATABASE_PORTS: &[(u16, &str)] = &[
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (9042, "Cassandra"),
    (9200, "Elasticsearch"),
    (11211, "memcached"),
    (27017, "MongoDB"),
];

declare_rule! {
    /// ## What it checks
    /// That no inbound rule of a security group or network security group lets the
    /// internet reach a database or cache port: 1433 (SQL Server), 1521 (Oracle),
    /// 3306 (MySQL), 5432 (PostgreSQL), 5984 (CouchDB), 6379 (Redis), 9042
    /// (Cassandra), 9200 (Elasticsearch), 11211 (memcached), 27017 (MongoDB), over
    /// IPv4 or IPv6. NSG rules are evaluated in priority order, so an earlier Deny
    /// shadows a later Allow.
    ///
    /// ## Why it matters
    /// Databases exposed to the internet are found by scanners and emptied or held
    /// to ransom; Redis, Elasticsearch and MongoDB have a long record of such
    /// breaches. Network controls are the customer's duty under IaaS and shared
    /// under PaaS.
    ///
    /// ## How to address
    /// Remove the rule or narrow its source to the application tier's security
    /// group or subnet. Reach databases over private networking (VPC, VNet,
    /// private endpoints).
    ///
    /// ## References
    /// - AWS, Security group rules: <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
    /// - Microsoft, Network security groups: <https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview>
    pub struct DatabasePortsOpen {
        code: "NET002",
        title: "Database port open to the internet",
        duty: Duty::Firewall,
        severity: Severity::High,
        facets: &["network"],
        remediation: "Remove the rule or narrow its source to the application tier; reach databases over private networking.",
    }
}

impl Rule for DatabasePortsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        check_ports(resource, DATABASE_PORTS, "database", Self::META.severity)
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "postgres-world",
                Unaddressed,
                "aws.ec2.security-group",
                json!({"network": {"ingress": [
                    {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": "0.0.0.0/0"}
                ]}}),
            ),
            fx(
                "wide-range-covers-mysql",
                Unaddressed,
                "azure.network.network-security-group",
                json!({"network": {"ingress": [
                    {"name": "AllowHigh", "priority": 400, "access": "allow", "protocol": "tcp", "from_port": 1024, "to_port": 49151, "source": "*"}
                ]}}),
            ),
            fx(
                "from-app-tier",
                Addressed,
                "aws.ec2.security-group",
                json!({"network": {"ingress": [
                    {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": "sg-0app"}
                ]}}),
            ),
            fx(
                "not-observed",
                Unknown,
                "azure.network.network-security-group",
                json!({}),
            ),
        ]
    }
}
