//! Declarative facet mappings: for a kind, each facet field is a JMESPath
//! expression over the resource's `raw` payload (the API's own field names), as
//! `aws --query` and `az --query` use them.
//!
//! - An expression that evaluates to `null` means **not observed**: the facet
//!   stays absent.
//! - A value of the wrong type for the facet, or an expression that fails at run
//!   time, is a [`MappingFailure`] on that resource: the facet stays unknown with
//!   the expression and the value's type named, never a silent false, never a
//!   silent "not observed", and never an aborted run (the built-in mappings are
//!   checked on recorded payloads, `{}`, empty arrays and nulls by tests).
//! - The first path the expression reads becomes the facet's `sources` pointer,
//!   so evidence points into `raw` for free.

use jmespath::ast::Ast;
use onus_model::{Facets, Resource};
use serde_json::Value;

/// One facet field read by one expression.
#[derive(Debug, Clone)]
pub struct FacetMapping {
    /// The facet field, e.g. `encryption_at_rest.enabled`.
    pub facet: String,
    /// The JMESPath expression, as written.
    pub expression: String,
    /// The JSON Pointer into `raw` of the first path the expression reads.
    pub source: Option<String>,
    /// Every root path the expression reads, as JSON Pointers, in order: the
    /// evidence names the first that is present in a resource's `raw`.
    pub sources: Vec<String>,
    compiled: jmespath::Expression<'static>,
}

/// Why a mapping could not be read (failures applying one are
/// [`MappingFailure`]s of a resource, not errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// The expression is not JMESPath.
    #[error("not a JMESPath expression: {0}")]
    Syntax(String),
    /// The facet field does not exist.
    #[error("unknown facet field '{0}' (see `onus schema inventory`, `facets`)")]
    UnknownFacet(String),
}

/// Set `facet` (a dotted path) to `value` in a facets JSON object.
fn set_path(root: &mut Value, facet: &str, value: Value) {
    let mut node = root;
    let parts: Vec<&str> = facet.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !node.is_object() {
            *node = Value::Object(Default::default());
        }
        let Some(obj) = node.as_object_mut() else {
            return;
        };
        if i + 1 == parts.len() {
            obj.insert((*part).to_owned(), value);
            return;
        }
        node = obj
            .entry((*part).to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

/// The dotted field path of a chain of fields (`Attributes.KmsMasterKeyId`).
fn field_path(ast: &Ast) -> Option<Vec<String>> {
    match ast {
        Ast::Field { name, .. } => Some(vec![name.clone()]),
        Ast::Subexpr { lhs, rhs, .. } => {
            let mut l = field_path(lhs)?;
            l.extend(field_path(rhs)?);
            Some(l)
        }
        Ast::Index { idx, .. } if *idx >= 0 => Some(vec![idx.to_string()]),
        _ => None,
    }
}

/// Every root field path an expression reads, depth-first, left to right
/// (paths relative to projected elements are not roots and are left out).
fn all_paths(ast: &Ast, out: &mut Vec<Vec<String>>) {
    if let Some(p) = field_path(ast) {
        out.push(p);
        return;
    }
    match ast {
        Ast::Comparison { lhs, rhs, .. } | Ast::And { lhs, rhs, .. } | Ast::Or { lhs, rhs, .. } => {
            all_paths(lhs, out);
            all_paths(rhs, out);
        }
        // The right side of a projection or a sub-expression reads each element.
        Ast::Projection { lhs, .. } | Ast::Subexpr { lhs, .. } => all_paths(lhs, out),
        Ast::Condition {
            predicate, then, ..
        } => {
            all_paths(predicate, out);
            all_paths(then, out);
        }
        Ast::Not { node, .. } | Ast::Flatten { node, .. } | Ast::ObjectValues { node, .. } => {
            all_paths(node, out);
        }
        Ast::Function { args, .. } => args.iter().for_each(|a| all_paths(a, out)),
        Ast::MultiList { elements, .. } => elements.iter().for_each(|e| all_paths(e, out)),
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect()
}

impl FacetMapping {
    /// Compile a mapping, checking the facet field exists.
    pub fn new(facet: &str, expression: &str) -> Result<FacetMapping, MappingError> {
        // The facet field must exist: set it to null and let the facet types
        // (which deny unknown fields) say whether they know it.
        let mut probe = Value::Object(Default::default());
        set_path(&mut probe, facet, Value::Null);
        if facet.split('.').count() < 2 || serde_json::from_value::<Facets>(probe).is_err() {
            return Err(MappingError::UnknownFacet(facet.to_owned()));
        }
        let compiled =
            jmespath::compile(expression).map_err(|e| MappingError::Syntax(e.to_string()))?;
        let mut paths = Vec::new();
        all_paths(compiled.as_ast(), &mut paths);
        let mut sources: Vec<String> = Vec::new();
        for p in paths.iter().map(|p| pointer(p)) {
            if !sources.contains(&p) {
                sources.push(p);
            }
        }
        Ok(FacetMapping {
            facet: facet.to_owned(),
            expression: expression.to_owned(),
            source: sources.first().cloned(),
            sources,
            compiled,
        })
    }

    /// The evidence pointer for `raw`: the first path read that is present
    /// there, else the first path read.
    pub fn source_in(&self, raw: &Value) -> Option<String> {
        self.sources
            .iter()
            .find(|p| raw.pointer(p).is_some_and(|v| !v.is_null()))
            .cloned()
            .or_else(|| self.source.clone())
    }

    /// Evaluate over `raw`: `Ok(None)` when the value is `null` (not observed),
    /// `Err` with the message when the expression fails at run time.
    pub fn evaluate(&self, raw: &Value) -> Result<Option<Value>, String> {
        let result = self
            .compiled
            .search(raw)
            .map_err(|e| format!("`{}` failed: {e}", self.expression))?;
        let value = serde_json::to_value(&*result)
            .map_err(|e| format!("`{}` gave a value JSON cannot hold: {e}", self.expression))?;
        Ok((!value.is_null()).then_some(value))
    }
}

/// One facet a mapping could not set on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingFailure {
    /// The facet field, e.g. `transport.tls_enforced`.
    pub facet: String,
    /// What went wrong: the expression, and the value's type or the error.
    pub message: String,
}

/// The JSON type of a value, for messages.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(a) if a.is_empty() => "an empty array",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Apply `mappings` to `resource`: every non-null value is set on its facet field
/// and its source recorded. A mapping that fails on this resource (a run-time
/// error, a value the facet cannot hold) sets nothing and is returned, so the
/// caller records it as a named failure and the run goes on. A resource seen
/// only by enumeration is left alone (its `raw` is the enumeration source's
/// record, not the service's).
pub fn apply(mappings: &[FacetMapping], resource: &mut Resource) -> Vec<MappingFailure> {
    let mut failures = Vec::new();
    if mappings.is_empty() || resource.enumerated_only || resource.raw.is_null() {
        return failures;
    }
    let mut facets = serde_json::to_value(&resource.facets).unwrap_or_default();
    let mut set = Vec::new();
    for m in mappings {
        let value = match m.evaluate(&resource.raw) {
            Ok(Some(v)) => v,
            Ok(None) => continue,
            Err(message) => {
                failures.push(MappingFailure {
                    facet: m.facet.clone(),
                    message,
                });
                continue;
            }
        };
        // Check each field alone, so the failure names the mapping at fault.
        let mut probe = Value::Object(Default::default());
        set_path(&mut probe, &m.facet, value.clone());
        if let Err(e) = serde_json::from_value::<Facets>(probe) {
            failures.push(MappingFailure {
                facet: m.facet.clone(),
                message: format!(
                    "`{}` gave {} ({}), which {} cannot hold ({e})",
                    m.expression,
                    type_name(&value),
                    onus_model::excerpt(&value.to_string(), 60),
                    m.facet
                ),
            });
            continue;
        }
        set_path(&mut facets, &m.facet, value);
        set.push(m);
    }
    // A facet whose mapping failed is unknown on this resource, whatever the
    // inventory said of it before.
    for f in &failures {
        if let Some((group, field)) = f.facet.split_once('.')
            && let Some(obj) = facets.get_mut(group).and_then(Value::as_object_mut)
        {
            obj.remove(field);
        }
        resource.sources.remove(&f.facet);
    }
    if set.is_empty() && failures.is_empty() {
        return failures;
    }
    // Each field was checked alone above; facet fields are independent, so
    // together they fit too. Should they not, every mapped facet is a failure.
    match serde_json::from_value(facets) {
        Ok(f) => resource.facets = f,
        Err(e) => {
            failures.extend(set.iter().map(|m| MappingFailure {
                facet: m.facet.clone(),
                message: format!("the mapped facets do not fit together ({e})"),
            }));
            return failures;
        }
    }
    for m in set {
        if let Some(p) = m.source_in(&resource.raw) {
            resource.sources.insert(m.facet.clone(), p);
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn queue(raw: Value) -> Resource {
        serde_json::from_value(json!({
            "id": "arn:aws:sqs:us-east-1:1:q", "provider": "aws", "account": "1",
            "kind": "aws.sqs.queue", "raw": raw
        }))
        .unwrap()
    }

    #[test]
    fn expressions_set_facets_and_sources() {
        let m = FacetMapping::new(
            "encryption_at_rest.enabled",
            "Attributes && (Attributes.SqsManagedSseEnabled == 'true' || Attributes.KmsMasterKeyId != null)",
        )
        .unwrap();
        assert_eq!(m.source.as_deref(), Some("/Attributes"));
        let mut on = queue(json!({"Attributes": {"SqsManagedSseEnabled": "true"}}));
        assert!(apply(std::slice::from_ref(&m), &mut on).is_empty());
        assert_eq!(on.facets.encryption_at_rest.unwrap().enabled, Some(true));
        assert_eq!(on.sources["encryption_at_rest.enabled"], "/Attributes");
        let mut off = queue(json!({"Attributes": {"SqsManagedSseEnabled": "false"}}));
        assert!(apply(std::slice::from_ref(&m), &mut off).is_empty());
        assert_eq!(off.facets.encryption_at_rest.unwrap().enabled, Some(false));
        // Nothing read: not observed, never false.
        let mut unread = queue(json!({"QueueUrl": "x"}));
        assert!(apply(std::slice::from_ref(&m), &mut unread).is_empty());
        assert!(unread.facets.encryption_at_rest.is_none());
        assert!(unread.sources.is_empty());
    }

    #[test]
    fn sources_follow_the_first_path_read() {
        let m = FacetMapping::new("encryption_at_rest.enabled", "Encrypted").unwrap();
        assert_eq!(m.source.as_deref(), Some("/Encrypted"));
        let m = FacetMapping::new("identity.mfa_enabled", "KeyMetadata.Enabled == `true`").unwrap();
        assert_eq!(m.source.as_deref(), Some("/KeyMetadata/Enabled"));
    }

    #[test]
    fn the_evidence_names_the_path_that_was_present() {
        let m = FacetMapping::new("patching.mode", "Linux.mode || Windows.mode").unwrap();
        assert_eq!(m.sources, vec!["/Linux/mode", "/Windows/mode"]);
        assert_eq!(
            m.source_in(&json!({"Windows": {"mode": "Manual"}}))
                .as_deref(),
            Some("/Windows/mode")
        );
        assert_eq!(m.source_in(&json!({})).as_deref(), Some("/Linux/mode"));
        // Paths inside a projection read each element, not the root.
        let m = FacetMapping::new(
            "network.firewall_ranges",
            "rules[].{name: name, start: a.start, end: a.end}",
        )
        .unwrap();
        assert_eq!(m.sources, vec!["/rules"]);
    }

    #[test]
    fn type_mismatches_and_unknown_facets_are_errors() {
        let m = FacetMapping::new(
            "encryption_at_rest.enabled",
            "Attributes.SqsManagedSseEnabled",
        )
        .unwrap();
        let mut q = queue(json!({"Attributes": {"SqsManagedSseEnabled": "true"}}));
        let failures = apply(&[m], &mut q);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].facet, "encryption_at_rest.enabled");
        // A value the inventory carried for that facet does not survive a failed mapping.
        let m = FacetMapping::new(
            "encryption_at_rest.enabled",
            "Attributes.SqsManagedSseEnabled",
        )
        .unwrap();
        let mut carried = queue(json!({"Attributes": {"SqsManagedSseEnabled": "true"}}));
        carried.facets.encryption_at_rest = Some(onus_model::EncryptionAtRest {
            enabled: Some(true),
            ..Default::default()
        });
        assert_eq!(apply(&[m], &mut carried).len(), 1);
        assert_eq!(carried.facets.encryption_at_rest.unwrap().enabled, None);
        assert!(failures[0].message.contains("a string"), "{failures:?}");
        assert!(q.facets.encryption_at_rest.is_none(), "nothing set");
        // A run-time error is a failure too, never a silent "not observed".
        let m =
            FacetMapping::new("encryption_at_rest.enabled", "length(Attributes) > `0`").unwrap();
        let mut q = queue(json!({"Attributes": true}));
        let failures = apply(&[m], &mut q);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].message.contains("failed"), "{failures:?}");
        assert!(matches!(
            FacetMapping::new("encryption_at_rest.enabld", "x"),
            Err(MappingError::UnknownFacet(_))
        ));
        assert!(matches!(
            FacetMapping::new("encryption_at_rest.enabled", "a ||| b"),
            Err(MappingError::Syntax(_))
        ));
    }
}

#[cfg(test)]
mod builtin_tests {
    use serde_json::json;

    #[test]
    fn load_balancer_tls_versions_follow_the_security_policy() {
        let catalog = crate::Catalog::builtin().unwrap();
        let m = catalog
            .mappings("aws.elasticloadbalancingv2.load-balancer")
            .iter()
            .find(|m| m.facet == "transport.min_tls_version")
            .unwrap();
        for (policy, want) in [
            ("ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2"),
            ("ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3"),
            ("ELBSecurityPolicy-FS-1-2-Res-2020-10", "1.2"),
            ("ELBSecurityPolicy-TLS-1-1-2017-01", "1.1"),
            ("ELBSecurityPolicy-2016-08", "1.0"),
        ] {
            let raw = json!({"Listeners": [{"Protocol": "HTTP"}, {"Protocol": "HTTPS", "SslPolicy": policy}]});
            assert_eq!(m.evaluate(&raw).unwrap(), Some(json!(want)), "{policy}");
        }
        // Only TLS listeners' policies count (an emulator may report one on HTTP).
        let none =
            json!({"Listeners": [{"Protocol": "HTTP", "SslPolicy": "ELBSecurityPolicy-2016-08"}]});
        assert_eq!(
            m.evaluate(&none).unwrap(),
            None,
            "no TLS listener: not observed"
        );
    }

    fn mapping(kind: &str, facet: &str) -> crate::mapping::FacetMapping {
        crate::Catalog::builtin()
            .unwrap()
            .mappings(kind)
            .iter()
            .find(|m| m.facet == facet)
            .unwrap_or_else(|| panic!("{kind} maps no {facet}"))
            .clone()
    }

    #[test]
    fn cloudfront_needs_every_behaviour_to_refuse_plain_http() {
        let m = mapping("aws.cloudfront.distribution", "transport.tls_enforced");
        let dist = |default: &str, paths: serde_json::Value| json!({"DefaultCacheBehavior": {"ViewerProtocolPolicy": default}, "CacheBehaviors": {"Items": paths}});
        assert_eq!(
            m.evaluate(&dist("redirect-to-https", json!([]))).unwrap(),
            Some(json!(true))
        );
        assert_eq!(
            m.evaluate(&dist("https-only", json!(null))).unwrap(),
            Some(json!(true))
        );
        assert_eq!(
            m.evaluate(&dist("allow-all", json!([]))).unwrap(),
            Some(json!(false))
        );
        let one_open = dist(
            "https-only",
            json!([{"PathPattern": "/img/*", "ViewerProtocolPolicy": "allow-all"}]),
        );
        assert_eq!(m.evaluate(&one_open).unwrap(), Some(json!(false)));
        assert_eq!(m.evaluate(&json!({"Id": "E1"})).unwrap(), None);
        let tls = mapping("aws.cloudfront.distribution", "transport.min_tls_version");
        for (cert, want) in [
            (
                json!({"CloudFrontDefaultCertificate": true, "MinimumProtocolVersion": "TLSv1.2_2021"}),
                Some(json!("1.0")),
            ),
            (
                json!({"CloudFrontDefaultCertificate": false, "MinimumProtocolVersion": "TLSv1.2_2021"}),
                Some(json!("1.2")),
            ),
            (
                json!({"CloudFrontDefaultCertificate": false, "MinimumProtocolVersion": "TLSv1.1_2016"}),
                Some(json!("1.1")),
            ),
            (
                json!({"CloudFrontDefaultCertificate": false, "MinimumProtocolVersion": "TLSv1_2016"}),
                Some(json!("1.0")),
            ),
            (
                json!({"CloudFrontDefaultCertificate": false, "MinimumProtocolVersion": "SSLv3"}),
                Some(json!("1.0")),
            ),
            (json!({"CloudFrontDefaultCertificate": false}), None),
        ] {
            assert_eq!(
                tls.evaluate(&json!({"ViewerCertificate": cert})).unwrap(),
                want,
                "{cert}"
            );
        }
    }

    #[test]
    fn opensearch_needs_https_and_node_to_node_encryption() {
        let m = mapping("aws.opensearch.domain", "transport.tls_enforced");
        let domain = |https: bool, n2n: bool| json!({"DomainEndpointOptions": {"EnforceHTTPS": https}, "NodeToNodeEncryptionOptions": {"Enabled": n2n}});
        assert_eq!(m.evaluate(&domain(true, true)).unwrap(), Some(json!(true)));
        assert_eq!(
            m.evaluate(&domain(true, false)).unwrap(),
            Some(json!(false))
        );
        assert_eq!(
            m.evaluate(&domain(false, true)).unwrap(),
            Some(json!(false))
        );
        let tls = mapping("aws.opensearch.domain", "transport.min_tls_version");
        for (policy, want) in [
            ("Policy-Min-TLS-1-0-2019-07", "1.0"),
            ("Policy-Min-TLS-1-2-2019-07", "1.2"),
            ("Policy-Min-TLS-1-2-PFS-2023-10", "1.2"),
        ] {
            let raw = json!({"DomainEndpointOptions": {"TLSSecurityPolicy": policy}});
            assert_eq!(tls.evaluate(&raw).unwrap(), Some(json!(want)), "{policy}");
        }
    }

    #[test]
    fn elasticache_preferred_transit_mode_still_accepts_plain_text() {
        let m = mapping(
            "aws.elasticache.replication-group",
            "transport.tls_enforced",
        );
        for (raw, want) in [
            (
                json!({"TransitEncryptionEnabled": true, "TransitEncryptionMode": "required"}),
                Some(true),
            ),
            (json!({"TransitEncryptionEnabled": true}), Some(true)),
            (
                json!({"TransitEncryptionEnabled": true, "TransitEncryptionMode": "preferred"}),
                Some(false),
            ),
            (json!({"TransitEncryptionEnabled": false}), Some(false)),
            (json!({"ReplicationGroupId": "r"}), None),
        ] {
            assert_eq!(m.evaluate(&raw).unwrap(), want.map(|b| json!(b)), "{raw}");
        }
    }

    #[test]
    fn api_gateway_access_logging_and_security_policy() {
        let m = mapping("aws.apigateway.stage", "logging.access_logging");
        let on = json!({"stageName": "prod", "accessLogSettings": {"destinationArn": "arn:aws:logs:us-east-1:1:log-group:api"}});
        assert_eq!(m.evaluate(&on).unwrap(), Some(json!(true)));
        assert_eq!(
            m.evaluate(&json!({"stageName": "prod"})).unwrap(),
            Some(json!(false))
        );
        let tls = mapping("aws.apigateway.stage", "transport.min_tls_version");
        for (policy, want) in [
            ("TLS_1_0", Some("1.0")),
            ("TLS_1_2", Some("1.2")),
            ("SecurityPolicy_TLS13_1_3_2025_09", Some("1.3")),
            ("SecurityPolicy_TLS13_1_2_2021_06", Some("1.2")),
        ] {
            let raw = json!({"stageName": "prod", "restApi": {"securityPolicy": policy}});
            assert_eq!(
                tls.evaluate(&raw).unwrap(),
                want.map(|v| json!(v)),
                "{policy}"
            );
        }
        assert_eq!(
            tls.evaluate(&json!({"stageName": "prod", "restApi": {}}))
                .unwrap(),
            None
        );
    }
}

#[cfg(test)]
mod robustness_tests {
    use serde_json::{Value, json};

    use super::{FacetMapping, apply};

    fn resource(kind: &str, raw: Value) -> onus_model::Resource {
        serde_json::from_value(json!({
            "id": "r", "provider": kind.split('.').next().unwrap(), "account": "1",
            "kind": kind, "raw": raw
        }))
        .unwrap()
    }

    /// `raw` with the value at `pointer` set to `value` (parents created).
    fn with(pointer: &str, value: Value) -> Value {
        let mut root = json!({});
        let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
        let mut node = &mut root;
        for (i, p) in parts.iter().enumerate() {
            let obj = node.as_object_mut().unwrap();
            if i + 1 == parts.len() {
                obj.insert((*p).to_owned(), value);
                break;
            }
            node = obj.entry((*p).to_owned()).or_insert_with(|| json!({}));
            if !node.is_object() {
                break;
            }
        }
        root
    }

    /// Whether the expression treats the field at `pointer` as a list.
    fn read_as_list(m: &FacetMapping, pointer: &str) -> bool {
        let dotted = pointer.trim_start_matches('/').replace('/', ".");
        let e = &m.expression;
        e.contains(&format!("{dotted}["))
            || e.contains(&format!("length({dotted})"))
            || e.contains(&format!("length({dotted} "))
    }

    /// Every mapping of the built-in catalog, on `{}`, on nulls at every path it
    /// reads, and on empty arrays where it reads a list (an ALB with no
    /// listener): never a failure, only values or "not observed".
    #[test]
    fn every_builtin_mapping_survives_empty_and_null_payloads() {
        let catalog = crate::Catalog::builtin().unwrap();
        let mut failures = Vec::new();
        for (kind, mappings) in catalog.mapped_kinds() {
            let mut payloads = vec![json!({})];
            for m in mappings {
                for p in &m.sources {
                    payloads.push(with(p, Value::Null));
                    if read_as_list(m, p) {
                        payloads.push(with(p, json!([])));
                    }
                }
            }
            for raw in payloads {
                let mut r = resource(kind, raw.clone());
                for f in apply(mappings, &mut r) {
                    failures.push(format!("{kind} on {raw}: {} {}", f.facet, f.message));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn load_balancer_listeners_in_clear_text() {
        let catalog = crate::Catalog::builtin().unwrap();
        let m = catalog
            .mappings("aws.elasticloadbalancingv2.load-balancer")
            .iter()
            .find(|m| m.facet == "transport.tls_enforced")
            .unwrap();
        let lb = |listeners: Value| json!({"LoadBalancerArn": "a", "Listeners": listeners});
        // Found by review: an NLB's plain TCP listener was not read at all.
        assert_eq!(
            m.evaluate(&lb(json!([{"Protocol": "TCP", "Port": 5432}])))
                .unwrap(),
            Some(json!(false))
        );
        assert_eq!(
            m.evaluate(&lb(json!([{"Protocol": "UDP", "Port": 53}])))
                .unwrap(),
            Some(json!(false))
        );
        assert_eq!(
            m.evaluate(&lb(json!([{"Protocol": "TLS", "Port": 443}])))
                .unwrap(),
            Some(json!(true))
        );
        let to_https = json!({"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}});
        let http = |rules: Value| json!({"Protocol": "HTTP", "DefaultActions": [to_https.clone()], "Rules": rules});
        let tls = json!({"Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"});
        let default_rule = json!({"IsDefault": true, "Actions": [to_https.clone()]});
        let redirect = json!([http(json!([default_rule.clone()])), tls.clone()]);
        assert_eq!(m.evaluate(&lb(redirect)).unwrap(), Some(json!(true)));
        // A rule that forwards some paths over plain HTTP, behind a redirecting default.
        let forwards =
            json!({"IsDefault": false, "Priority": "10", "Actions": [{"Type": "forward"}]});
        let leaky = json!([http(json!([forwards, default_rule])), tls.clone()]);
        assert_eq!(m.evaluate(&lb(leaky)).unwrap(), Some(json!(false)));
        // The rules of an HTTP listener not read: not observed, never true.
        let unread = json!([{"Protocol": "HTTP", "DefaultActions": [to_https.clone()]}, tls]);
        assert_eq!(m.evaluate(&lb(unread)).unwrap(), None);
        let forward = json!([{"Protocol": "HTTP", "DefaultActions": [{"Type": "forward"}]}]);
        assert_eq!(m.evaluate(&lb(forward)).unwrap(), Some(json!(false)));
        // Found by review: no listener at all aborted the run; it serves nothing.
        assert_eq!(m.evaluate(&lb(json!([]))).unwrap(), Some(json!(true)));
        assert_eq!(m.evaluate(&json!({"LoadBalancerArn": "a"})).unwrap(), None);
    }
}
