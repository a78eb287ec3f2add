//! Normalised observations that rules read.
//!
//! Every field is optional and **absent means "not observed"**, never "false".
//! Collectors translate each provider's payload into these facets, so a rule
//! written against a facet serves every cloud whose resources carry it.
//! Unknown fields are rejected: a misspelt facet would otherwise silently read
//! as "not observed".

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// All facets of one resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Facets {
    /// Encryption of stored data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_at_rest: Option<EncryptionAtRest>,
    /// Encryption of data in transit (TLS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// Exposure of data to anonymous or any-principal callers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access: Option<PublicAccess>,
    /// Network controls: inbound rules, firewalls, attachment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// Identity and credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Guest OS patch management.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patching: Option<Patching>,
    /// Audit and access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// Backups, point-in-time recovery, versioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
    /// Runtime and platform versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// Threat detection over an account, subscription, project or tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_detection: Option<ThreatDetection>,
}

impl Facets {
    /// Take every facet `other` has and this lacks: the records of one
    /// resource that several reads described (an account's IAM settings,
    /// trails and threat detection) become one.
    pub fn absorb(&mut self, other: Facets) {
        // Destructured, so a facet added later cannot be forgotten here.
        let Facets {
            encryption_at_rest,
            transport,
            public_access,
            network,
            identity,
            patching,
            logging,
            backup,
            runtime,
            threat_detection,
        } = other;
        macro_rules! fill {
            ($($field:ident),+) => {
                $(if self.$field.is_none() { self.$field = $field; })+
            };
        }
        fill!(
            encryption_at_rest,
            transport,
            public_access,
            network,
            identity,
            patching,
            logging,
            backup,
            runtime,
            threat_detection
        );
    }
}

/// Threat detection over an account, subscription, project or tenant: where
/// it must be on (each audited region, each plan a present resource type
/// needs), and whether it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatDetection {
    /// The service that detects (`GuardDuty`, `Microsoft Defender for Cloud`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Each place detection must cover (a region, a plan) with whether it is
    /// on; `null` where it could not be read.
    #[serde(default)]
    pub coverage: BTreeMap<String, Option<bool>>,
    /// Other detection services seen on (Security Hub, Inspector, Macie),
    /// named in the message as supporting evidence, never a substitute.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting: Vec<String>,
}

/// Who manages the key that encrypts stored data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// A key the provider owns and manages (SSE-S3, platform-managed keys).
    ProviderManaged,
    /// A key in the customer's key management service (KMS CMK, Key Vault).
    CustomerManaged,
    /// A key the customer supplies with each request (SSE-C).
    CustomerProvided,
}

/// Encryption of stored data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptionAtRest {
    /// The stored data is encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Who manages the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_source: Option<KeySource>,
    /// The key's identifier (ARN, Key Vault URI, disk encryption set ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// For account or region settings: new storage is encrypted by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_default: Option<bool>,
    /// For a key itself (a KMS key): automatic rotation of its key material is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_rotation_enabled: Option<bool>,
}

/// A TLS protocol version.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum TlsVersion {
    /// TLS 1.0
    #[serde(rename = "1.0")]
    V1_0,
    /// TLS 1.1
    #[serde(rename = "1.1")]
    V1_1,
    /// TLS 1.2
    #[serde(rename = "1.2")]
    V1_2,
    /// TLS 1.3
    #[serde(rename = "1.3")]
    V1_3,
}

impl TlsVersion {
    /// The version as written in outputs ("1.2").
    pub const fn as_str(self) -> &'static str {
        match self {
            TlsVersion::V1_0 => "1.0",
            TlsVersion::V1_1 => "1.1",
            TlsVersion::V1_2 => "1.2",
            TlsVersion::V1_3 => "1.3",
        }
    }
}

/// Encryption of data in transit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    /// Plain-text requests are refused (HTTPS only, `aws:SecureTransport` deny, HTTPS listener).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_enforced: Option<bool>,
    /// The lowest TLS version the endpoint accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tls_version: Option<TlsVersion>,
    /// Plain FTP (without TLS) is accepted for deployments or file transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plaintext_ftp: Option<bool>,
    /// The TLS certificate the resource is (an ACM certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
}

/// A TLS certificate as its manager reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// The manager's status word (ACM: `ISSUED`, `EXPIRED`,
    /// `PENDING_VALIDATION`, `INACTIVE`, `REVOKED`, `FAILED`,
    /// `VALIDATION_TIMED_OUT`).
    pub status: String,
    /// The end of the validity period; absent for a certificate not issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<DateTime<Utc>>,
    /// The key's algorithm and size as the manager names it (`RSA_2048`,
    /// `EC_prime256v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_algorithm: Option<String>,
    /// How many resources (load balancers, distributions) use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_use_by: Option<u32>,
}

/// Exposure of data to anonymous or any-principal callers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAccess {
    /// Public access is blocked at the resource or account level (S3 Block Public
    /// Access fully on, `allowBlobPublicAccess` false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    /// An ACL grants access to everyone or to any authenticated principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl_grants_public: Option<bool>,
    /// A resource policy grants access to any principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_public: Option<bool>,
    /// The resource (a snapshot, an image) is shared with every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_publicly: Option<bool>,
    /// The data service accepts connections from the internet (RDS `PubliclyAccessible`,
    /// SQL `publicNetworkAccess`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_reachable: Option<bool>,
    /// Anyone-with-the-link sharing is allowed (SaaS tenants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_links: Option<bool>,
}

/// Whether a network rule allows or denies matching traffic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleAccess {
    /// Matching traffic is allowed.
    #[default]
    Allow,
    /// Matching traffic is denied.
    Deny,
}

/// A transport protocol of a network rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (v4 or v6).
    Icmp,
    /// IPsec Encapsulating Security Payload (50): no ports.
    Esp,
    /// IPsec Authentication Header (51): no ports.
    Ah,
    /// Generic Routing Encapsulation (47): no ports.
    Gre,
    /// Any other single IP protocol (SCTP, a protocol number): no TCP or UDP port.
    Other,
    /// Every protocol (`-1` in AWS, `*` in Azure).
    All,
}

/// One inbound network rule, normalised across security groups and NSGs.
///
/// A rule with several ports or sources is written as several `IngressRule`s
/// sharing a `name` and `priority`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressRule {
    /// The rule's name or identifier, for evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Evaluation priority, lowest first (NSGs). Absent for allow-only rule sets (security groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Allow or deny.
    #[serde(default)]
    pub access: RuleAccess,
    /// The protocol the rule matches.
    pub protocol: Protocol,
    /// First port of the range; absent with `to_port` for every port (also for protocol `all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<u16>,
    /// Last port of the range (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<u16>,
    /// The source: a CIDR (`0.0.0.0/0`, `::/0`, `10.0.0.0/8`), `*`, a service tag
    /// (`Internet`, `VirtualNetwork`), a prefix list or another group's ID.
    pub source: String,
}

/// An inclusive IPv4 address range of a service firewall (Azure SQL firewall rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IpRange {
    /// The rule's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// First address.
    pub start: String,
    /// Last address.
    pub end: String,
}

/// Network controls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Inbound rules (security group or NSG), default rules included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<IngressRule>>,
    /// The rule set is attached to at least one network interface or subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached: Option<bool>,
    /// Service firewall address ranges allowed in (Azure SQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firewall_ranges: Option<Vec<IpRange>>,
    /// What a service firewall does with traffic no rule matches (storage accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<RuleAccess>,
    /// The resource has a public IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<bool>,
    /// The resource has an endpoint of its own reachable from the internet (a Lambda function URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_endpoint: Option<bool>,
    /// Identifiers of the rule sets that apply to the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
    /// The rule set is the one the network creates for itself and gives to
    /// every interface launched without another (a VPC's `default` security
    /// group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group: Option<bool>,
    /// Interfaces launched into the subnet get a public IPv4 address unless
    /// told otherwise (`MapPublicIpOnLaunch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigns_public_ip: Option<bool>,
    /// The rule set has at least one rule that lets traffic through, in or
    /// out, from any source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allows_traffic: Option<bool>,
}

/// One access key of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// The key's public identifier (never the secret).
    pub id: String,
    /// The key is active.
    pub active: bool,
    /// When the key was created.
    pub created: DateTime<Utc>,
}

/// When an identity was created and last used (an IAM role's `RoleLastUsed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// When the identity was created.
    pub created: DateTime<Utc>,
    /// When it was last used; absent when the provider has no record of any
    /// use (IAM tracks the last 400 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<DateTime<Utc>>,
    /// The provider created and manages the identity for one of its services
    /// (an AWS service-linked role): the customer cannot delete it while the
    /// service uses it.
    #[serde(default)]
    pub service_linked: bool,
}

/// Identity and credentials.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Instance metadata requires session tokens (IMDSv2 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imds_v2_required: Option<bool>,
    /// The instance metadata service answers at all (`HttpEndpoint` enabled);
    /// when it does not, no request reaches it, with or without a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imds_enabled: Option<bool>,
    /// The account's root user has MFA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_mfa_enabled: Option<bool>,
    /// The user can sign in to the console with a password (for a directory
    /// user of a SaaS tenant: the account is enabled, not suspended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console_access: Option<bool>,
    /// The user has an MFA device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enabled: Option<bool>,
    /// The tenant requires MFA of every user (SaaS tenants, directory policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_required: Option<bool>,
    /// The identity administers the tenant or directory (an Entra ID
    /// directory role, a Google Workspace super or delegated administrator, a
    /// Dropbox team admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// Only administrators, or people they name, may invite guests (external
    /// users) into the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_invites_restricted: Option<bool>,
    /// Legacy authentication (protocols that cannot ask for a second factor,
    /// such as IMAP, POP and SMTP basic authentication) is blocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_auth_blocked: Option<bool>,
    /// The user's access keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_keys: Option<Vec<AccessKey>>,
    /// The account password policy's minimum length (AWS's default of 8 when no policy is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_min_length: Option<u32>,
    /// How many previous passwords the policy forbids reusing (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_reuse_prevention: Option<u32>,
    /// An invocation endpoint (Lambda function URL) requires authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_auth_required: Option<bool>,
    /// A stored credential (a Secrets Manager secret, a Key Vault secret) is
    /// rotated automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_rotation_enabled: Option<bool>,
    /// The service accepts its own local credentials (access keys, shared
    /// access signatures, an admin user, local cluster accounts) besides the
    /// directory's identities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_auth_enabled: Option<bool>,
    /// Data-plane access is authorised by role assignments of the directory
    /// (Azure RBAC) rather than by the resource's own access lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbac_authorization: Option<bool>,
    /// The machine acts as an identity with broad project-wide access (Compute
    /// Engine's default service account, or the `cloud-platform` access scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broad_machine_identity: Option<bool>,
    /// The role's trust policy lets any principal assume it (`*`, or everyone
    /// but a `NotPrincipal`) with no condition that provably narrows who.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_allows_anyone: Option<bool>,
    /// The policy grants every action on every resource (`*` on `*`): full
    /// administrative access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_access: Option<bool>,
    /// When the identity was created and last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// Guest OS patch management.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patching {
    /// The OS is enrolled in a patch management service (SSM managed, Azure Update Manager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// The patch mode as the provider names it (`AutomaticByPlatform`, `Manual`, a baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Missing critical patches at the last assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_critical: Option<u32>,
    /// Missing security patches at the last assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_security: Option<u32>,
    /// Patches whose installation failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<u32>,
    /// Patches installed but waiting for a reboot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_reboot: Option<u32>,
    /// When the patch state was last assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_assessed: Option<DateTime<Utc>>,
}

/// Audit and access logging.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    /// An audit log (CloudTrail trail, tenant audit log) is recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_enabled: Option<bool>,
    /// The audit log covers every region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    /// Access to the data is logged (S3 server access logging, storage diagnostics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logging: Option<bool>,
    /// How many days a log store keeps its entries (36500 for "never expires").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// The network's traffic is recorded (an active VPC flow log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_logs: Option<bool>,
}

/// Backups, point-in-time recovery, versioning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// Automated backups are taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// How long automated backups are kept, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Point-in-time recovery is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_in_time_recovery: Option<bool>,
    /// Object versioning is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<bool>,
    /// Backups are copied to a second region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_redundant: Option<bool>,
    /// Recovery points are write-once: a lock (AWS Backup Vault Lock) keeps
    /// anyone, the account's administrators included, from deleting them
    /// before their retention ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

/// Runtime and platform versions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// The runtime identifier as the provider names it (`python3.8`, `nodejs20.x`, `NODE|18-lts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The provider reports the runtime or platform as deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    /// Managed platform updates are on (Elastic Beanstalk, App Service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_updates: Option<bool>,
    /// Engine minor versions are upgraded automatically (RDS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    /// Images pushed to the registry are scanned for known vulnerabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_scan_on_push: Option<bool>,
}
