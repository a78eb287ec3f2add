//! Identifiers from responses are data, never paths.
//!
//! A follow-up request names a resource by what an earlier response said: an
//! ARM id, a bucket name, a zone. Whoever can name a resource in the audited
//! account chooses that text, so it must not be able to rewrite the request:
//! a `..` segment would climb out of the resource's path, `?` would start a
//! query, `#` would drop the rest of the path (and the resource document would
//! be read as its own sub-resource), `%2e%2e` would do the same after
//! decoding. [`segment`] turns one name into one path segment or refuses it;
//! [`Endpoint::join`](crate::Endpoint::join) refuses any path that still
//! carries such a segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An identifier from a response refused as part of a request path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused the identifier {id:?} from the response as a request path: {why}")]
pub struct BadId {
    /// The identifier (at most 200 characters of it).
    pub id: String,
    /// Why.
    pub why: &'static str,
}

impl BadId {
    /// A refusal of `id`.
    pub fn new(id: &str, why: &'static str) -> BadId {
        BadId {
            id: id.chars().take(200).collect(),
            why,
        }
    }
}

/// Why `text`, one segment as sent or decoded, cannot be a path segment.
fn fault(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        Some("an empty segment")
    } else if text == "." || text == ".." {
        Some("a dot segment")
    } else if text.contains(['/', '\\']) {
        Some("a path separator inside a segment")
    } else if text.contains(['?', '#']) {
        Some("'?' or '#' inside a segment")
    } else if text.chars().any(char::is_control) {
        Some("a control character")
    } else {
        None
    }
}

/// One name from a response as one path segment: refused when it is empty,
/// `.` or `..`, or holds `/`, `\`, `?`, `#`, `%` or a control character;
/// otherwise percent-encoded (all but `A-Z a-z 0-9 - . _ ~`).
pub fn segment(name: &str) -> Result<String, BadId> {
    if let Some(why) = fault(name) {
        return Err(BadId::new(name, why));
    }
    if name.contains('%') {
        return Err(BadId::new(name, "'%' inside a segment"));
    }
    Ok(utf8_percent_encode(name, SEGMENT).to_string())
}

/// A path of names from a response (`/subscriptions/…/providers/…`): each
/// `/`-separated name as [`segment`]; a leading `/` is kept, a trailing or
/// doubled one refused.
pub fn path(names: &str) -> Result<String, BadId> {
    let (lead, rest) = match names.strip_prefix('/') {
        Some(r) => ("/", r),
        None => ("", names),
    };
    let mut out = String::from(lead);
    for (i, part) in rest.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&segment(part).map_err(|e| BadId::new(names, e.why))?);
    }
    Ok(out)
}

/// Why a path about to be sent (names already encoded) could be rewritten by
/// the server or the URL parser: a segment that is, or decodes to, a dot
/// segment, a separator, `?` or `#`.
pub(crate) fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.contains(['?', '#']) {
        return Some("'?' or '#' in the path");
    }
    for part in path.trim_start_matches('/').split('/') {
        let decoded = percent_decode_str(part).decode_utf8_lossy();
        if part.is_empty() {
            continue;
        }
        if let Some(why) = fault(&decoded) {
            return Some(why);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_become_encoded_segments() {
        assert_eq!(segment("vm-1").unwrap(), "vm-1");
        assert_eq!(segment("my.bucket").unwrap(), "my.bucket");
        assert_eq!(segment("a b(c)").unwrap(), "a%20b%28c%29");
        assert_eq!(segment("é").unwrap(), "%C3%A9");
    }

    #[test]
    fn names_that_would_steer_a_request_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "x?only=query",
            "x#frag",
            "%2e%2e",
            "a%2fb",
            "a\u{1b}[2J",
            "a\u{0}",
        ] {
            assert!(segment(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn arm_ids_become_paths_or_are_refused() {
        let id =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm 1";
        assert_eq!(
            path(id).unwrap(),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm%201"
        );
        for bad in [
            "/subscriptions/s/../../etc/passwd",
            "/subscriptions/s/resourceGroups/rg/providers/x/y/%2e%2e",
            "/subscriptions/s/resourceGroups/rg/providers/x/y/n?only=query",
            "/subscriptions/s/resourceGroups/rg/providers/x/y/n#",
            "/subscriptions//s",
            "/subscriptions/s/",
        ] {
            assert!(path(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn sent_paths_with_steering_segments_are_caught() {
        assert!(unsafe_path("subscriptions/s/instanceView").is_none());
        assert!(unsafe_path("storage/v1/b/my.bucket/iam").is_none());
        for bad in [
            "a/../b",
            "a/%2E%2e/b",
            "a/./b",
            "a/x%3Fq/b",
            "a/b?x",
            "a/b#c",
            "a/x%2Fy/b",
        ] {
            assert!(unsafe_path(bad).is_some(), "{bad:?} passed");
        }
    }

    proptest! {
        /// Whatever a name holds, the path built from it is refused or has
        /// exactly one more segment than the prefix, and no dot segment,
        /// query or fragment once a URL parser has read it.
        #[test]
        fn a_name_never_leaves_its_segment(name in "\\PC{0,12}|[./%?#a-z]{0,6}|\\.\\.|%2[eE]%2[eE]") {
            let base = url::Url::parse("https://api.test/v1/things/").unwrap();
            if let Ok(seg) = segment(&name) {
                let url = base.join(&format!("{seg}/detail")).unwrap();
                prop_assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
                let parts: Vec<&str> = url.path().split('/').collect();
                prop_assert_eq!(parts.len(), 5, "{}", url);
                prop_assert_eq!(parts[3], seg.as_str());
                prop_assert_eq!(parts[4], "detail");
                prop_assert!(unsafe_path(url.path()).is_none());
            }
        }
    }
}
