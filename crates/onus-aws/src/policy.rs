//! IAM-style resource policy documents (S3, OpenSearch, SQS, SNS, KMS, ECR): a
//! small evaluator for the questions onus asks of them, as pure functions.
//!
//! It reads effect, principal (`Principal`, `NotPrincipal`), action and resource
//! wildcards (`Action`/`NotAction`, `Resource`/`NotResource`, matched without
//! regard to case for actions and with `*`/`?` as IAM does) and conditions. A
//! condition narrows who gets in only when the evaluator can show it does: a
//! source address, VPC, VPC endpoint, organisation or account key with a value
//! that is not itself broad. Anything it cannot read is [`Answer::Unknown`]
//! with the reason, never a pass.

use onus_model::address::{AddressSet, Family, parse_cidr};
use onus_model::excerpt;
use serde_json::{Map, Value};

/// The answer to a question about a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Yes, shown by the statement at this index.
    Yes(usize),
    /// No.
    No,
    /// The evaluator cannot tell: why.
    Unknown(String),
}

/// The statements of a policy document (`Statement` may be one object or a list).
fn statements(policy: &Value) -> Result<Vec<&Map<String, Value>>, String> {
    let list: Vec<&Value> = match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        Some(_) => return Err("the policy's Statement is neither an object nor a list".into()),
        None => return Err("the policy has no Statement".into()),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, s)| {
            s.as_object()
                .ok_or_else(|| format!("statement {i} of the policy is not an object"))
        })
        .collect()
}

/// A value that may be one string or a list of strings.
fn strings(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => a.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// IAM's wildcard match: `*` any run of characters, `?` any one.
fn wildcard(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let norm = |s: &str| {
        if ignore_case {
            s.to_ascii_lowercase()
        } else {
            s.to_owned()
        }
    };
    let (p, t) = (norm(pattern), norm(text));
    let (p, t) = (p.as_bytes(), t.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether a principal element names everyone: `"*"`, `{"AWS": "*"}` or a list
/// holding `"*"`, or an ARN whose account is a wildcard
/// (`arn:aws:iam::*:root`, which some services write for `"*"`).
fn is_everyone(principal: &Value) -> bool {
    match principal {
        Value::String(s) => {
            s == "*"
                || s.split(':')
                    .nth(4)
                    .is_some_and(|account| account.contains(['*', '?']))
        }
        Value::Array(a) => a.iter().any(is_everyone),
        Value::Object(m) => m.get("AWS").is_some_and(is_everyone),
        _ => false,
    }
}

/// Whether the statement applies to every caller: `Principal` is everyone.
/// (An Allow with `NotPrincipal`, everyone but a few, is treated as everyone by
/// [`allows_anyone`]; a Deny with it exempts someone and covers not everyone.)
fn applies_to_everyone(s: &Map<String, Value>) -> bool {
    s.get("Principal").is_some_and(is_everyone)
}

/// The patterns of `element` (`Action`, `Resource`), unless the statement uses
/// its negation (`NotAction`, `NotResource`): `Ok(None)` then. `Err` when the
/// element cannot be read.
fn patterns<'s>(s: &'s Map<String, Value>, element: &str) -> Result<Option<Vec<&'s str>>, String> {
    if s.contains_key(&format!("Not{element}")) {
        return Ok(None);
    }
    s.get(element)
        .and_then(strings)
        .map(Some)
        .ok_or_else(|| format!("a statement's {element} is not a string or a list of strings"))
}

/// Whether the statement's actions cover every action of `service` (`s3`):
/// `Action` holding `*` or `service:*`, and no `NotAction`.
fn covers_every_action(s: &Map<String, Value>, service: &str) -> Result<bool, String> {
    let every = format!("{service}:*");
    Ok(patterns(s, "Action")?.is_some_and(|actions| {
        actions
            .iter()
            .any(|a| *a == "*" || a.eq_ignore_ascii_case(&every))
    }))
}

/// Whether the statement's resources cover every one of `arns`: `Resource`
/// patterns matching each (case-sensitive, as ARNs are), and no `NotResource`.
fn covers_resources(s: &Map<String, Value>, arns: &[&str]) -> Result<bool, String> {
    Ok(patterns(s, "Resource")?.is_some_and(|resources| {
        arns.iter()
            .all(|arn| resources.iter().any(|p| wildcard(p, arn, false)))
    }))
}

/// One condition: operator, key, values.
struct Condition<'a> {
    operator: &'a str,
    key: String,
    values: Vec<String>,
}

fn conditions(s: &Map<String, Value>) -> Result<Vec<Condition<'_>>, String> {
    let Some(block) = s.get("Condition") else {
        return Ok(Vec::new());
    };
    let block = block
        .as_object()
        .ok_or("a statement's Condition is not an object")?;
    let mut out = Vec::new();
    for (operator, keys) in block {
        let keys = keys.as_object().ok_or_else(|| {
            format!(
                "condition {} is not an object of keys",
                excerpt(operator, 60)
            )
        })?;
        for (key, values) in keys {
            let values: Vec<String> = match values {
                Value::Array(a) => a.iter().map(scalar).collect::<Option<_>>(),
                v => scalar(v).map(|s| vec![s]),
            }
            .ok_or_else(|| {
                format!(
                    "condition {} {} has a value onus cannot read",
                    excerpt(operator, 60),
                    excerpt(key, 80)
                )
            })?;
            out.push(Condition {
                operator: operator.as_str(),
                key: key.to_ascii_lowercase(),
                values,
            });
        }
    }
    Ok(out)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Keys that identify where a request comes from or who makes it; a positive
/// match on a specific value narrows an Allow to those callers.
const NARROWING_KEYS: &[&str] = &[
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourcearn",
    "aws:principalarn",
    "aws:sourceowner",
    "aws:principalorgpaths",
    "aws:sourceorgpaths",
    "aws:userid",
    "aws:username",
];

/// Keys that say nothing about who the caller is.
const NEUTRAL_KEYS: &[&str] = &[
    "aws:securetransport",
    "aws:currenttime",
    "aws:epochtime",
    "aws:requestedregion",
    "s3:tlsversion",
    "aws:useragent",
    "aws:referer",
];

/// Whether a condition narrows an Allow to some callers: `Ok(true)` when it
/// provably does, `Ok(false)` when it provably does not, `Err` when onus cannot
/// tell.
fn narrows(c: &Condition<'_>) -> Result<bool, String> {
    let op = c.operator;
    // `…IfExists` is true when the key is absent, as it is on most internet
    // requests (no VPC, no organisation): it narrows nothing onus can rely on.
    if op.ends_with("IfExists") {
        return Ok(false);
    }
    let negated = op.contains("Not");
    if c.key == "aws:sourceip" {
        if !matches!(op, "IpAddress" | "NotIpAddress") {
            return Err(format!("condition {} on aws:SourceIp", excerpt(op, 60)));
        }
        if negated {
            // Everyone but a list of addresses.
            return Ok(false);
        }
        let mut v4 = AddressSet::new();
        let mut v6 = AddressSet::new();
        for v in &c.values {
            match parse_cidr(v) {
                Some((Family::V4, span)) => v4.union(&AddressSet::of(span)),
                Some((Family::V6, span)) => v6.union(&AddressSet::of(span)),
                None => {
                    return Err(format!(
                        "aws:SourceIp value '{}' is not an address",
                        excerpt(v, 80)
                    ));
                }
            }
        }
        return Ok(!(v4.is_broad(Family::V4) || v6.is_broad(Family::V6)));
    }
    if NARROWING_KEYS.contains(&c.key.as_str()) {
        if negated || op == "Null" {
            return Ok(false);
        }
        let positive = op.starts_with("String") || op.starts_with("Arn");
        if !positive {
            return Err(format!(
                "condition {} on {}",
                excerpt(op, 60),
                excerpt(&c.key, 80)
            ));
        }
        // A value that is only wildcards matches every caller.
        let only_wildcards = |v: &String| v.chars().all(|ch| ch == '*' || ch == '?');
        if op.contains("Like") && c.values.iter().any(only_wildcards) {
            return Ok(false);
        }
        // With a `…Like` operator a wildcard can match callers of every account
        // (`arn:aws:iam::*:root`): onus cannot show how far it narrows.
        let wild =
            op.contains("Like") && c.values.iter().any(|v| v.contains('*') || v.contains('?'));
        if wild {
            return Err(format!(
                "condition {op} on {} has a wildcard value",
                excerpt(&c.key, 80)
            ));
        }
        return Ok(true);
    }
    if NEUTRAL_KEYS.contains(&c.key.as_str()) {
        return Ok(false);
    }
    Err(format!(
        "condition key {} is not one onus evaluates",
        excerpt(&c.key, 80)
    ))
}

/// Whether the `Policy` attribute of SQS's GetQueueAttributes or SNS's
/// GetTopicAttributes (a JSON document in a string, as the API returns it)
/// allows anyone, with the pointer into `raw` that shows it: no `Policy`
/// attribute is no policy, so nobody unnamed (`Ok(Some((false,
/// "/Attributes")))`); no attributes at all is not observed (`Ok(None)`); a
/// policy onus cannot read or evaluate is `Err` with the reason.
pub fn attribute_policy_public(raw: &Value) -> Result<Option<(bool, String)>, String> {
    embedded_policy_public(raw, "/Attributes", "Policy")
}

/// Whether the resource policy held as JSON text in the field `field` of the
/// object at `holder` (a JSON Pointer into `raw`, `""` for `raw` itself)
/// allows anyone, with the pointer that shows it. The object without the
/// field is a resource without a policy: nobody unnamed (`Ok(Some((false,
/// holder)))`); no object at `holder` is not observed (`Ok(None)`); text that
/// is not a policy, or a policy onus cannot evaluate, is `Err` with the
/// reason. (SQS and SNS attributes, an EventBridge bus's `Policy`, a backup
/// vault's access policy.)
pub fn embedded_policy_public(
    raw: &Value,
    holder: &str,
    field: &str,
) -> Result<Option<(bool, String)>, String> {
    let Some(object) = raw.pointer(holder).and_then(Value::as_object) else {
        return Ok(None);
    };
    let pointer = format!("{holder}/{field}");
    let Some(text) = object.get(field).filter(|v| !v.is_null()) else {
        // The evidence is the field the API left empty, or the object without it.
        let shown = if object.contains_key(field) || holder.is_empty() {
            pointer
        } else {
            holder.to_owned()
        };
        return Ok(Some((false, shown)));
    };
    let Some(text) = text.as_str() else {
        return Err(format!("the {field} field is not a string"));
    };
    let policy: Value = serde_json::from_str(text)
        .map_err(|e| format!("the {field} field is not a JSON document: {e}"))?;
    match allows_anyone(&policy) {
        Answer::Yes(_) => Ok(Some((true, pointer))),
        Answer::No => Ok(Some((false, pointer))),
        Answer::Unknown(why) => Err(format!("the policy cannot be evaluated: {why}")),
    }
}

/// Whether an `Allow` statement grants every action on every resource (`*`
/// in both `Action` and `Resource`): full administrative access as CIS AWS
/// 1.16 defines it (a condition does not count as narrowing it). An `Allow`
/// with `NotAction` or `NotResource`, which can grant nearly everything, makes
/// the answer unknown unless another statement already shows it.
pub fn grants_everything(policy: &Value) -> Answer {
    let statements = match statements(policy) {
        Ok(s) => s,
        Err(why) => return Answer::Unknown(why),
    };
    let mut unknown = None;
    for (i, s) in statements.into_iter().enumerate() {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        if s.contains_key("NotAction") || s.contains_key("NotResource") {
            unknown.get_or_insert(format!(
                "statement {i} allows with NotAction or NotResource, which onus does not evaluate"
            ));
            continue;
        }
        let all = |key: &str| match s.get(key).map(strings) {
            // `*:*` is written for `*` too (CIS AWS 1.16 names both).
            Some(Some(v)) => Ok(v.iter().any(|a| *a == "*" || *a == "*:*")),
            Some(None) => Err(format!(
                "statement {i}'s {key} is not a string or a list of strings"
            )),
            None => Ok(false),
        };
        match (all("Action"), all("Resource")) {
            (Ok(true), Ok(true)) => return Answer::Yes(i),
            (Err(why), _) | (_, Err(why)) => {
                unknown.get_or_insert(why);
            }
            _ => {}
        }
    }
    unknown.map_or(Answer::No, Answer::Unknown)
}

/// Whether an `Allow` statement admits anyone (any principal, or everyone but
/// those in `NotPrincipal`) without a condition that provably narrows it.
pub fn allows_anyone(policy: &Value) -> Answer {
    let statements = match statements(policy) {
        Ok(s) => s,
        Err(why) => return Answer::Unknown(why),
    };
    let mut unknown = None;
    for (i, s) in statements.into_iter().enumerate() {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        if !(applies_to_everyone(s) || s.contains_key("NotPrincipal")) {
            continue;
        }
        let conds = match conditions(s) {
            Ok(c) => c,
            Err(why) => {
                unknown.get_or_insert(format!("statement {i}: {why}"));
                continue;
            }
        };
        let mut narrowed = false;
        let mut undecided = None;
        for c in &conds {
            match narrows(c) {
                Ok(true) => narrowed = true,
                Ok(false) => {}
                Err(why) => {
                    undecided.get_or_insert(why);
                }
            }
        }
        if narrowed {
            continue;
        }
        match undecided {
            Some(why) => {
                unknown.get_or_insert(format!("statement {i}: {why}"));
            }
            None => return Answer::Yes(i),
        }
    }
    unknown.map_or(Answer::No, Answer::Unknown)
}

/// Whether the policy denies every request made without TLS to every action of
/// `service` on every one of `arns`, for every principal: a `Deny` with
/// `Principal` everyone, `Action` `*` or `service:*`, resources covering each
/// ARN, and `aws:SecureTransport` false as its only condition (`Bool` or
/// `BoolIfExists`; keys are matched without regard to case, as IAM does). A
/// deny of `s3:PutObject` alone, or of the bucket but not its objects, leaves
/// plain-HTTP reads open and is not enough.
pub fn denies_insecure_transport(policy: &Value, service: &str, arns: &[&str]) -> Answer {
    let statements = match statements(policy) {
        Ok(s) => s,
        Err(why) => return Answer::Unknown(why),
    };
    let mut unknown = None;
    for (i, s) in statements.into_iter().enumerate() {
        if s.get("Effect").and_then(Value::as_str) != Some("Deny") || !applies_to_everyone(s) {
            continue;
        }
        let conds = match conditions(s) {
            Ok(c) => c,
            Err(why) => {
                unknown.get_or_insert(format!("statement {i}: {why}"));
                continue;
            }
        };
        let [c] = conds.as_slice() else { continue };
        let insecure = c.key == "aws:securetransport"
            && matches!(c.operator, "Bool" | "BoolIfExists")
            && c.values.len() == 1
            && c.values[0].eq_ignore_ascii_case("false");
        if !insecure {
            continue;
        }
        match (covers_every_action(s, service), covers_resources(s, arns)) {
            (Ok(true), Ok(true)) => return Answer::Yes(i),
            (Err(why), _) | (_, Err(why)) => {
                unknown.get_or_insert(format!("statement {i}: {why}"));
            }
            _ => {}
        }
    }
    unknown.map_or(Answer::No, Answer::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_administrative_access_is_star_on_star() {
        let admin = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert!(matches!(grants_everything(&admin), Answer::Yes(0)));
        let listed = json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}]});
        assert!(matches!(grants_everything(&listed), Answer::Yes(0)));
        let star_star = json!({"Statement": {"Effect": "Allow", "Action": "*:*", "Resource": "*"}});
        assert!(matches!(grants_everything(&star_star), Answer::Yes(0)));
        let scoped = json!({"Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]});
        assert_eq!(grants_everything(&scoped), Answer::No);
        let not_action =
            json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]});
        assert!(matches!(grants_everything(&not_action), Answer::Unknown(_)));
        assert!(matches!(grants_everything(&json!({})), Answer::Unknown(_)));
    }
    use serde_json::json;

    const BUCKET: [&str; 2] = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"];

    fn tls_deny(action: Value, resource: Value) -> Value {
        json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": action,
            "Resource": resource, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    }

    /// The `Policy` attribute of SQS and SNS, as the APIs return it: a string.
    #[test]
    fn attribute_policies() {
        let with = |policy: Value| json!({"Attributes": {"QueueArn": "arn:aws:sqs:eu-west-1:1:q", "Policy": policy.to_string()}});
        let open = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]});
        assert_eq!(
            attribute_policy_public(&with(open)),
            Ok(Some((true, "/Attributes/Policy".to_owned())))
        );
        let from_topic = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage",
            "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:t"}}}]});
        assert_eq!(
            attribute_policy_public(&with(from_topic)),
            Ok(Some((false, "/Attributes/Policy".to_owned())))
        );
        let odd = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
            "Resource": "*", "Condition": {"StringEquals": {"sns:Protocol": "https"}}}]});
        assert!(attribute_policy_public(&with(odd)).is_err());
        assert_eq!(
            attribute_policy_public(&json!({"Attributes": {"QueueArn": "q"}})),
            Ok(Some((false, "/Attributes".to_owned())))
        );
        assert_eq!(attribute_policy_public(&json!({"QueueUrl": "u"})), Ok(None));
        // A bus without a policy: the API's empty field is the evidence.
        assert_eq!(
            embedded_policy_public(&json!({"Name": "default", "Policy": null}), "", "Policy"),
            Ok(Some((false, "/Policy".to_owned())))
        );
        let open = json!({"Policy": r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents"}]}"#});
        assert_eq!(
            embedded_policy_public(&open, "", "Policy"),
            Ok(Some((true, "/Policy".to_owned())))
        );
        assert!(attribute_policy_public(&json!({"Attributes": {"Policy": "{not json"}})).is_err());
    }

    #[test]
    fn everyone_in_each_spelling() {
        for p in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["arn:aws:iam::1:root", "*"]}),
        ] {
            let doc = json!({"Statement": {"Effect": "Allow", "Principal": p}});
            assert_eq!(allows_anyone(&doc), Answer::Yes(0), "{doc}");
        }
        // Every account's root, as EventBridge's emulator writes "*".
        let any_account =
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}}});
        assert!(matches!(allows_anyone(&any_account), Answer::Yes(0)));
        let one_account =
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}});
        assert_eq!(allows_anyone(&one_account), Answer::No);
        let not_principal = json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}});
        assert_eq!(allows_anyone(&not_principal), Answer::Yes(0));
    }

    #[test]
    fn conditions_narrow_only_when_shown_to() {
        let with = |c: Value| json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*", "Condition": c}]});
        // Narrowing: an office range, an organisation, a VPC endpoint.
        for c in [
            json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
            json!({"StringEquals": {"AWS:SOURCEVPCE": "vpce-1"}}),
        ] {
            assert_eq!(allows_anyone(&with(c.clone())), Answer::No, "{c}");
        }
        // Not narrowing: the whole internet by address, everyone but one address,
        // a key absent on internet requests, a wildcard organisation.
        for c in [
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            json!({"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}),
            json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.7/32"}}),
            json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}),
            json!({"StringLike": {"aws:PrincipalOrgID": "*"}}),
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            json!({}),
        ] {
            assert_eq!(allows_anyone(&with(c.clone())), Answer::Yes(0), "{c}");
        }
        // Unknown: a wildcard that may match every account's principals.
        let any_root = with(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}));
        assert!(
            matches!(allows_anyone(&any_root), Answer::Unknown(why) if why.contains("wildcard"))
        );
        // Unknown: a key onus does not evaluate.
        let odd = with(json!({"StringEquals": {"es:SomethingNew": "x"}}));
        assert!(
            matches!(allows_anyone(&odd), Answer::Unknown(why) if why.contains("es:somethingnew"))
        );
    }

    #[test]
    fn denies_and_named_principals_are_not_open() {
        for doc in [
            json!({"Statement": [{"Effect": "Deny", "Principal": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}]}),
        ] {
            assert_eq!(allows_anyone(&doc), Answer::No, "{doc}");
        }
        for doc in [json!({"Statement": "garbage"}), json!({}), json!("text")] {
            assert!(matches!(allows_anyone(&doc), Answer::Unknown(_)), "{doc}");
        }
    }

    #[test]
    fn tls_is_enforced_only_by_a_deny_of_everything() {
        let full = json!(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
        assert_eq!(
            denies_insecure_transport(&tls_deny(json!("s3:*"), full.clone()), "s3", &BUCKET),
            Answer::Yes(0)
        );
        assert_eq!(
            denies_insecure_transport(&tls_deny(json!("S3:*"), json!("*")), "s3", &BUCKET),
            Answer::Yes(0)
        );
        assert_eq!(
            denies_insecure_transport(
                &tls_deny(json!("*"), json!("arn:aws:s3:::b*")),
                "s3",
                &BUCKET
            ),
            Answer::Yes(0)
        );
        // A deny of writes alone leaves plain-HTTP reads open.
        assert_eq!(
            denies_insecure_transport(
                &tls_deny(json!("s3:PutObject"), full.clone()),
                "s3",
                &BUCKET
            ),
            Answer::No
        );
        // The bucket but not its objects.
        assert_eq!(
            denies_insecure_transport(
                &tls_deny(json!("s3:*"), json!("arn:aws:s3:::b")),
                "s3",
                &BUCKET
            ),
            Answer::No
        );
        // One principal only.
        let one = json!({"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::1:user/u"},
            "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert_eq!(denies_insecure_transport(&one, "s3", &BUCKET), Answer::No);
        // Another condition narrows the deny.
        let narrowed = json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:SourceVpce": "vpce-1"}}}]});
        assert_eq!(
            denies_insecure_transport(&narrowed, "s3", &BUCKET),
            Answer::No
        );
        // Key case does not matter; a boolean value reads as well.
        let spelled = json!({"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:*"],
            "Resource": "*", "Condition": {"Bool": {"AWS:securetransport": false}}}});
        assert_eq!(
            denies_insecure_transport(&spelled, "s3", &BUCKET),
            Answer::Yes(0)
        );
        // An allow is not a deny; a policy that cannot be read is unknown.
        let allow = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert_eq!(denies_insecure_transport(&allow, "s3", &BUCKET), Answer::No);
        assert!(matches!(
            denies_insecure_transport(&Value::Null, "s3", &BUCKET),
            Answer::Unknown(_)
        ));
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::b/*", false));
        assert!(wildcard("arn:aws:s3:::*", "arn:aws:s3:::b/*", false));
        assert!(wildcard("arn:aws:s3:::?", "arn:aws:s3:::b", false));
        assert!(!wildcard("arn:aws:s3:::B", "arn:aws:s3:::b", false));
        assert!(wildcard("S3:GET*", "s3:getobject", true));
        assert!(!wildcard("s3:Get*", "s3:PutObject", true));
    }
}
