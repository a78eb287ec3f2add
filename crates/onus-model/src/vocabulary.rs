//! The words of the shared responsibility model, with their stable spellings.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A word that is not one of the accepted spellings of a vocabulary type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}' (expected one of: {expected})")]
pub struct ParseError {
    /// Which vocabulary was being parsed ("duty", "status", ...).
    pub what: &'static str,
    /// The rejected input.
    pub value: String,
    /// The accepted spellings, comma-separated.
    pub expected: String,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in the canonical order used by every output.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable spelling used in every output.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ParseError {
                        what: $what,
                        value: s.to_owned(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

vocabulary! {
    /// How a resource is delivered, which decides who owns each layer.
    ServiceModel ("service model") {
        /// Infrastructure as a service: the customer runs the guest OS and up.
        Iaas = "iaas",
        /// Platform as a service: the provider runs the OS and the platform.
        Paas = "paas",
        /// Software as a service: the provider runs the application too.
        Saas = "saas",
        /// The customer's own data centre: the customer owns every layer.
        OnPremises = "on-premises",
    }
}

vocabulary! {
    /// A layer of the stack, as the providers' responsibility models draw it.
    Layer ("layer") {
        /// Data centres, hardware.
        Physical = "physical",
        /// The provider's network fabric.
        NetworkInfrastructure = "network-infrastructure",
        /// Hypervisors and host operating systems.
        Virtualisation = "virtualisation",
        /// The operating system inside a virtual machine.
        GuestOs = "guest-os",
        /// Language runtimes, middleware, database engines, platform versions.
        Runtime = "runtime",
        /// The application code and its configuration.
        Application = "application",
        /// Security groups, network security groups, service firewalls.
        NetworkControls = "network-controls",
        /// Accounts, credentials, permissions.
        Identity = "identity",
        /// Audit and access logs, monitoring.
        Monitoring = "monitoring",
        /// The data itself: classification, encryption, access, backup.
        Data = "data",
    }
}

vocabulary! {
    /// A security duty whose owner the matrix decides and whose status the rules establish.
    Duty ("duty") {
        /// Stored data is encrypted; key ownership as the configuration requires.
        EncryptionAtRest = "encryption-at-rest",
        /// Only TLS is accepted, at an acceptable minimum version.
        EncryptionInTransit = "encryption-in-transit",
        /// Data is not readable or listable by anonymous or any-principal callers.
        PublicAccess = "public-access",
        /// Least privilege, MFA, key rotation, instance credentials.
        IdentityAccess = "identity-access",
        /// The OS is enrolled in patch management and reports compliant.
        GuestOsPatching = "guest-os-patching",
        /// No inbound rule exposes administrative or all ports to the internet.
        Firewall = "firewall",
        /// Audit and access logging is enabled.
        Logging = "logging",
        /// Backups, point-in-time recovery or versioning are enabled.
        Backup = "backup",
        /// Supported runtime and platform versions, managed platform updates.
        RuntimeUpdates = "runtime-updates",
        /// Threats to the account's identities and data are detected (the
        /// provider watches its infrastructure, not your account).
        ThreatDetection = "threat-detection",
        /// The data a store holds is labelled with its sensitivity.
        DataClassification = "data-classification",
    }
}

impl Duty {
    /// The layer of the stack this duty belongs to.
    pub const fn layer(self) -> Layer {
        match self {
            Duty::EncryptionAtRest
            | Duty::EncryptionInTransit
            | Duty::PublicAccess
            | Duty::Backup
            | Duty::DataClassification => Layer::Data,
            Duty::IdentityAccess => Layer::Identity,
            Duty::GuestOsPatching => Layer::GuestOs,
            Duty::Firewall => Layer::NetworkControls,
            Duty::Logging | Duty::ThreatDetection => Layer::Monitoring,
            Duty::RuntimeUpdates => Layer::Runtime,
        }
    }

    /// What the duty asks of the customer, in a sentence or two (`onus explain DUTY`).
    pub const fn description(self) -> &'static str {
        match self {
            Duty::EncryptionAtRest => {
                "Stored data is encrypted, with customer-managed keys where the configuration requires them."
            }
            Duty::EncryptionInTransit => {
                "Only TLS is accepted, at TLS 1.2 or later, with valid certificates and strong keys."
            }
            Duty::PublicAccess => {
                "Data is not readable or listable by anonymous or any-principal callers: no public grants, policies, snapshots or links."
            }
            Duty::IdentityAccess => {
                "Least privilege, MFA, key and secret rotation, no roles anyone can assume, narrow instance identities."
            }
            Duty::GuestOsPatching => {
                "The operating system inside a virtual machine is enrolled in patch management and reports compliant."
            }
            Duty::Firewall => {
                "No inbound rule exposes administrative, database or all ports to the internet; service firewalls do not admit everyone."
            }
            Duty::Logging => {
                "Audit and access logging is on, recorded everywhere, and kept long enough."
            }
            Duty::Backup => {
                "Backups, point-in-time recovery or versioning are on, and backup vaults are locked against deletion."
            }
            Duty::RuntimeUpdates => {
                "Language runtimes and platforms are supported versions, with managed updates on."
            }
            Duty::ThreatDetection => {
                "Someone would notice an intrusion: a threat detection service watches the account, subscription or project in every region audited. The provider watches its own infrastructure, not your identities and data, so this is yours in every service model."
            }
            Duty::DataClassification => {
                "Every data store says how sensitive its data is: a classification label (a tag) with a value from the configured scale. Knowing which store holds customer records comes before protecting it, and a gap on a confidential or restricted store is raised one severity level."
            }
        }
    }
}

vocabulary! {
    /// Who carries a duty for a resource.
    Owner ("owner") {
        /// The customer alone.
        Customer = "customer",
        /// Both: evaluated like a customer duty and labelled shared.
        Shared = "shared",
        /// The provider alone: not evaluated.
        Provider = "provider",
    }
}

impl Owner {
    /// Whether onus evaluates the duty (customer and shared duties).
    pub const fn is_customers(self) -> bool {
        matches!(self, Owner::Customer | Owner::Shared)
    }
}

vocabulary! {
    /// The rolled-up state of one (resource, duty) pair.
    ///
    /// The declaration order is the roll-up precedence, strongest first:
    /// `unaddressed > unknown > addressed > not_applicable`.
    Status ("status") {
        /// Evidence shows the duty is not met: a gap to close.
        Unaddressed = "unaddressed",
        /// The data needed was not observed. Never a pass, never a fail.
        Unknown = "unknown",
        /// Evidence shows the duty is met.
        Addressed = "addressed",
        /// The provider's duty under this service model, or nothing to check.
        NotApplicable = "not_applicable",
    }
}

impl Status {
    /// Roll two statuses up into one: `unaddressed > unknown > addressed > not_applicable`.
    pub fn roll_up(self, other: Status) -> Status {
        self.min(other)
    }
}

vocabulary! {
    /// The rolled-up state of one control of a compliance framework.
    ///
    /// The first four are [`Status`]'s, over the resources the control applies
    /// to; `manual` is a control onus cannot read from an API (a governance
    /// programme, a training): verify by hand, never `addressed`.
    ControlStatus ("control status") {
        /// The customer's part does not hold on at least one resource.
        Unaddressed = "unaddressed",
        /// What the control needs was not observed on at least one resource.
        Unknown = "unknown",
        /// The customer's part holds on every resource it applies to.
        Addressed = "addressed",
        /// The provider owns it for every resource in scope, or nothing it checks is in scope.
        NotApplicable = "not_applicable",
        /// Not readable from an API: verify by hand.
        Manual = "manual",
    }
}

impl From<Status> for ControlStatus {
    fn from(status: Status) -> ControlStatus {
        match status {
            Status::Unaddressed => ControlStatus::Unaddressed,
            Status::Unknown => ControlStatus::Unknown,
            Status::Addressed => ControlStatus::Addressed,
            Status::NotApplicable => ControlStatus::NotApplicable,
        }
    }
}

vocabulary! {
    /// How urgent an unaddressed finding is.
    Severity ("severity") {
        /// Informational.
        Info = "info",
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
        /// Critical: exploitable from the internet today.
        Critical = "critical",
    }
}

impl Severity {
    /// One step more severe (a gap on data labelled confidential or restricted).
    pub const fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }

    /// One step less severe (attachment evidence may lower severity, never status).
    pub const fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roll_up_precedence() {
        use Status::*;
        assert_eq!(Addressed.roll_up(Unaddressed), Unaddressed);
        assert_eq!(Unknown.roll_up(Addressed), Unknown);
        assert_eq!(NotApplicable.roll_up(Addressed), Addressed);
        assert_eq!(Unknown.roll_up(Unaddressed), Unaddressed);
        assert_eq!(NotApplicable.roll_up(NotApplicable), NotApplicable);
    }

    #[test]
    fn spellings_round_trip() {
        for d in Duty::ALL {
            assert_eq!(d.as_str().parse::<Duty>(), Ok(*d));
            assert_eq!(
                serde_json::to_value(d).ok(),
                Some(serde_json::json!(d.as_str()))
            );
        }
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(*s));
        }
        assert_eq!(Duty::ALL.len(), 11);
        let err = "firewal".parse::<Duty>().unwrap_err();
        assert!(err.to_string().contains("unknown duty 'firewal'"));
    }
}
