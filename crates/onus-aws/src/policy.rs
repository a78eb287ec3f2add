//! IAM policy documents: the few questions onus asks of them, as pure functions.

use serde_json::Value;

/// The statements of a policy document (`Statement` may be one object or a list).
fn statements(policy: &Value) -> Vec<&Value> {
    match &policy["Statement"] {
        Value::Array(a) => a.iter().collect(),
        s @ Value::Object(_) => vec![s],
        _ => Vec::new(),
    }
}

/// Whether a principal element names everyone: `"*"`, `{"AWS": "*"}` or a list
/// holding `"*"`.
fn is_everyone(principal: &Value) -> bool {
    match principal {
        Value::String(s) => s == "*",
        Value::Array(a) => a.iter().any(is_everyone),
        Value::Object(m) => m.get("AWS").is_some_and(is_everyone),
        _ => false,
    }
}

/// Whether any `Allow` statement admits everyone with no condition at all.
/// A condition (source IP, VPC endpoint, organisation) narrows who gets in; onus
/// does not judge how far, so such a statement does not count as open.
pub fn allows_anyone(policy: &Value) -> bool {
    statements(policy).into_iter().any(|s| {
        s["Effect"] == "Allow"
            && is_everyone(&s["Principal"])
            && s.get("Condition")
                .is_none_or(|c| c.as_object().is_some_and(serde_json::Map::is_empty))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn everyone_in_each_spelling() {
        for p in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["arn:aws:iam::1:root", "*"]}),
        ] {
            let doc = json!({"Statement": {"Effect": "Allow", "Principal": p}});
            assert!(allows_anyone(&doc), "{doc}");
        }
    }

    #[test]
    fn conditions_denies_and_named_principals_are_not_open() {
        let cases = [
            json!({"Statement": [{"Effect": "Deny", "Principal": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Principal": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]}),
            json!({"Statement": "garbage"}),
            json!({}),
        ];
        for doc in cases {
            assert!(!allows_anyone(&doc), "{doc}");
        }
        let empty_condition =
            json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Condition": {}}]});
        assert!(allows_anyone(&empty_condition));
    }
}
