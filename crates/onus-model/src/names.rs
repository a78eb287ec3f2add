//! Kind names from provider type names, the same way for every cloud.

/// A provider's type name as a kind segment: `SecurityGroup` →
/// `security-group`, `DBInstance` → `db-instance`, `publicIPAddresses` →
/// `public-ip-addresses`, `EC2Fleet` → `ec2-fleet`, `log_group` → `log-group`,
/// `managedHSMs` → `managed-hsms` (a plural `s` after an acronym stays on it),
/// `signalR` → `signalr` (a lone trailing capital is part of the word).
pub fn kebab(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            let last = i + 1 == chars.len();
            let plural = next == Some('s') && i + 2 == chars.len();
            // A new word: after a lower-case letter or digit, or the last capital
            // of an acronym followed by lower case (`IPAddresses`).
            let starts = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase())
                    && !plural);
            if starts && !last && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_matches('-').to_owned()
}

/// At most `max` characters of `text` (an ellipsis marks a cut), for messages
/// that quote cloud data: a name or a policy value can be any length.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The most bytes of one API-provided message (an error an endpoint sent)
/// that onus keeps, in logs, errors and reports alike.
pub const API_TEXT_LIMIT: usize = 1024;

/// An API-provided message as onus keeps it: on one line (line breaks and tabs
/// become spaces, so it cannot forge lines of a log or an error), at most
/// [`API_TEXT_LIMIT`] bytes, with the full length noted when cut. Other
/// control characters are left to each medium's escaper.
pub fn api_text(text: &str) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r', '\t', '\u{2028}', '\u{2029}', '\u{85}'], " ");
    if text.len() <= API_TEXT_LIMIT {
        return one_line(text);
    }
    let mut cut = API_TEXT_LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}… (cut: {} bytes in all)",
        one_line(&text[..cut]),
        text.len()
    )
}

#[cfg(test)]
mod tests {
    use super::{API_TEXT_LIMIT, api_text, kebab};

    #[test]
    fn api_text_is_one_bounded_line() {
        assert_eq!(api_text("AccessDenied: no"), "AccessDenied: no");
        assert_eq!(api_text("a\nverdict: PASS\r\tb"), "a verdict: PASS  b");
        let long = "é".repeat(30_000);
        let kept = api_text(&long);
        assert!(kept.len() < API_TEXT_LIMIT + 40, "{}", kept.len());
        assert!(kept.ends_with("(cut: 60000 bytes in all)"), "{kept}");
    }

    #[test]
    fn type_names_become_kind_segments() {
        for (name, kind) in [
            ("DBInstance", "db-instance"),
            ("SecurityGroup", "security-group"),
            ("stateMachine", "state-machine"),
            ("VPCEndpoint", "vpc-endpoint"),
            ("log_group", "log-group"),
            ("EC2Fleet", "ec2-fleet"),
            ("publicIPAddresses", "public-ip-addresses"),
            ("managedHSMs", "managed-hsms"),
            ("signalR", "signalr"),
            ("InstanceTemplate", "instance-template"),
            ("_odd__name_", "odd-name"),
        ] {
            assert_eq!(kebab(name), kind, "{name}");
        }
    }
}
