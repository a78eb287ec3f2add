//! The read-only guard: every SDK client onus builds carries this interceptor.
//!
//! It refuses, before anything is sent, any operation that is not in
//! [`operations`], and records every operation it lets through, so tests can
//! prove the collector read-only and the shipped IAM policy exact.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Every operation the collector may call, as (SDK service id, operation, IAM
/// action): the core operations and every service row's
/// (`crate::services::SERVICES`). `config/aws-readonly-policy.json` lists
/// exactly these actions; a test keeps them in step.
pub fn operations() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    crate::services::CORE_OPERATIONS
        .iter()
        .chain(
            crate::services::SERVICES
                .iter()
                .flat_map(|s| s.operations.iter()),
        )
        .copied()
}

/// The IAM action of an SDK (service, operation), if the collector may call it.
pub fn action_of(service: &str, operation: &str) -> Option<&'static str> {
    operations()
        .find(|(s, o, _)| *s == service && *o == operation)
        .map(|(_, _, a)| a)
}

/// Counts of the operations the collector called, keyed `Service:Operation`.
#[derive(Debug, Clone, Default)]
pub struct OperationLog {
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl OperationLog {
    /// A snapshot of the calls so far.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// How many requests were made in all (before retries).
    pub fn total(&self) -> u64 {
        self.calls().values().sum()
    }

    fn record(&self, key: String) {
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(key).or_default() += 1;
        }
    }
}

/// The interceptor: refuses operations outside [`operations`], records the rest.
#[derive(Debug, Clone, Default)]
pub struct ReadOnlyGuard {
    log: OperationLog,
}

impl ReadOnlyGuard {
    /// A guard recording into `log`.
    pub fn new(log: OperationLog) -> ReadOnlyGuard {
        ReadOnlyGuard { log }
    }
}

/// The guard refused an operation: onus never writes to a cloud.
#[derive(Debug, thiserror::Error)]
#[error(
    "onus refused to call {service}:{operation}: the collector is read-only and this operation is not on its list"
)]
pub struct RefusedOperation {
    /// SDK service id.
    pub service: String,
    /// Operation name.
    pub operation: String,
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "onus-read-only-guard"
    }

    // Runs once per operation (not per retry), after the operation's configuration
    // (which names it) is applied and before its request is built or sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err(Box::new(RefusedOperation {
                service: "?".into(),
                operation: "?".into(),
            }));
        };
        if action_of(meta.service(), meta.name()).is_none() {
            return Err(Box::new(RefusedOperation {
                service: meta.service().to_owned(),
                operation: meta.name().to_owned(),
            }));
        }
        self.log
            .record(format!("{}:{}", meta.service(), meta.name()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_operations_are_listed() {
        for (service, op, action) in operations() {
            assert!(
                // Config's Select* run a read-only query over recorded resources.
                // BatchGet* read several at once (Inspector's account status).
                ["Describe", "Get", "List", "Select", "BatchGet"]
                    .iter()
                    .any(|p| op.starts_with(p))
                    || (service == "STS" && op == "AssumeRole"),
                "{service}:{op} is not a read"
            );
            let (prefix, name) = action.split_once(':').unwrap();
            assert!(
                !prefix.is_empty()
                    && (["Describe", "Get", "List", "Select", "AssumeRole", "BatchGet"]
                        .iter()
                        .any(|p| name.starts_with(p))
                        // API Gateway's IAM actions are HTTP verbs; GET is its read.
                        || (prefix == "apigateway" && name == "GET")),
                "{action}"
            );
        }
    }

    #[test]
    fn shipped_policy_lists_exactly_these_actions() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/aws-readonly-policy.json"
        );
        let policy: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut shipped: Vec<String> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s["Action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
            })
            .collect();
        shipped.sort();
        let mut used: Vec<String> = operations().map(|(_, _, a)| a.to_owned()).collect();
        used.sort();
        used.dedup();
        assert_eq!(
            shipped, used,
            "config/aws-readonly-policy.json is out of step with the collector's operations"
        );
    }
}
