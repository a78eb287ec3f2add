//! The store's URL: a secret-bearing string that never prints its secrets.

use std::fmt;

/// Query parameters whose values are secrets (libpq's and sqlx's names, and
/// anything that looks like one).
fn is_secret_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "key",
        "credential",
    ]
    .iter()
    .any(|s| n.contains(s))
        && n != "sslrootcert"
        && n != "sslcert"
}

/// A store URL (`sqlite:PATH`, `postgres://USER:PASSWORD@HOST/DB?…`). Its `Debug`
/// and `Display` mask the password and every secret-looking query parameter
/// (`password`, `sslpassword`, …); [`StoreUrl::expose`] is the only way to the
/// real text, and only the database driver gets it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreUrl(String);

impl StoreUrl {
    /// Wrap a URL.
    pub fn new(url: impl Into<String>) -> StoreUrl {
        StoreUrl(url.into())
    }

    /// The URL with its secrets, for the driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret values in the URL (password, secret query parameters), to scrub
    /// from driver messages.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(u) = url::Url::parse(&self.0) {
            if let Some(p) = u.password() {
                out.push(p.to_owned());
                if let Ok(d) = urlencoding_decode(p) {
                    out.push(d);
                }
            }
            for (k, v) in u.query_pairs() {
                if is_secret_param(&k) && !v.is_empty() {
                    out.push(v.into_owned());
                }
            }
        }
        out.retain(|s| !s.is_empty());
        out
    }

    /// The URL with its secrets masked.
    pub fn redacted(&self) -> String {
        if let Some(path) = self.0.strip_prefix("sqlite:")
            && !self.0.contains('?')
        {
            return format!("sqlite:{path}");
        }
        let Ok(mut u) = url::Url::parse(&self.0) else {
            // Unparseable: show no more than the scheme.
            let scheme = self.0.split(':').next().unwrap_or("");
            return format!("{scheme}:… (not a valid URL)");
        };
        if u.password().is_some() {
            let _ = u.set_password(Some("***"));
        }
        if u.query().is_some() {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if is_secret_param(&k) {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
        u.to_string()
    }

    /// `message` with every secret of this URL replaced by `***`.
    pub fn scrub(&self, message: &str) -> String {
        let mut out = message.replace(&self.0, &self.redacted());
        for s in self.secrets() {
            // A one-letter password would garble every message; such a secret is
            // not echoed by the drivers anyway, and the URL itself was replaced above.
            if s.len() >= 3 {
                out = out.replace(&s, "***");
            }
        }
        out
    }
}

fn urlencoding_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| Ok(v.into_owned()))
        .unwrap_or_else(|| Ok(String::new()))
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreUrl({:?})", self.redacted())
    }
}

impl std::str::FromStr for StoreUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<StoreUrl, Self::Err> {
        Ok(StoreUrl::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_secret_parameters_are_masked() {
        let u = StoreUrl::new(
            "postgres://u:hunter22@127.0.0.1:5432/db?password=s3cret&sslpassword=k3y&application_name=onus",
        );
        let shown = u.to_string();
        assert!(
            !shown.contains("hunter22") && !shown.contains("s3cret") && !shown.contains("k3y"),
            "{shown}"
        );
        assert!(shown.contains("application_name=onus"), "{shown}");
        assert!(!format!("{u:?}").contains("hunter22"));
        let only_query = StoreUrl::new("postgres://u@127.0.0.1:1/db?password=s");
        assert!(!only_query.to_string().contains("=s"), "{only_query}");
        assert_eq!(
            StoreUrl::new("sqlite:/tmp/h.db").to_string(),
            "sqlite:/tmp/h.db"
        );
        assert_eq!(
            u.scrub("FATAL: password authentication failed (hunter22)"),
            "FATAL: password authentication failed (***)"
        );
        assert_eq!(
            u.expose(),
            "postgres://u:hunter22@127.0.0.1:5432/db?password=s3cret&sslpassword=k3y&application_name=onus"
        );
    }

    #[test]
    fn unparseable_urls_show_only_the_scheme() {
        let u = StoreUrl::new("postgres://u:pa ss@[bad/db");
        assert!(!u.to_string().contains("pa ss"));
    }
}
