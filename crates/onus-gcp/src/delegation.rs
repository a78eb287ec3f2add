//! Domain-wide delegation: a service account key acting for a Google
//! Workspace administrator (`sub`), as the Admin SDK and the Cloud Identity
//! Policy API require of a service account. google-cloud-auth signs (the
//! key never leaves its signer); this module writes the JWT bearer grant
//! (RFC 7523) around that signature, sends it through the collectors' one
//! client ([`onus_endpoint::http::Client`]: no redirect, a bounded answer,
//! retries on 5xx) to the key's `token_uri` (`https://`, or `http://` on
//! loopback where tests run) and caches the access token until a minute
//! before it expires. Only read-only scopes are asked for; the grant itself
//! changes nothing in the tenant.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use onus_endpoint::http::{Client, Method};
use onus_model::GapCause;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::credential::CredentialError;

/// Google's token endpoint, when the key names none.
const TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// How long an assertion asks for: Google grants at most an hour.
const LIFETIME: Duration = Duration::from_secs(3600);

/// A token answer is a few hundred bytes; more is not read.
const MAX_ANSWER: usize = 64 * 1024;

/// The grant's retries on 429 and 5xx.
const RETRIES: u32 = 2;

/// A service account acting for one administrator, with its scopes.
pub struct Delegated {
    signer: google_cloud_auth::signer::Signer,
    client_email: String,
    key_id: Option<String>,
    token_uri: url::Url,
    subject: String,
    scope: String,
    http: Client,
    cached: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for Delegated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delegated")
            .field("client_email", &self.client_email)
            .field("subject", &self.subject)
            .field("token_uri", &self.token_uri.as_str())
            .finish_non_exhaustive()
    }
}

fn setup(what: impl std::fmt::Display) -> CredentialError {
    CredentialError::Setup(what.to_string())
}

impl Delegated {
    /// From a service account key file's JSON (`source` names it in
    /// errors), acting for `subject` with `scopes`.
    pub fn from_key(
        source: &str,
        key: &str,
        subject: &str,
        scopes: &[&str],
    ) -> Result<Delegated, CredentialError> {
        let json: Value = serde_json::from_str(key)
            .map_err(|e| setup(format!("{source}: not a service account key (JSON): {e}")))?;
        if json["type"] != "service_account" {
            return Err(setup(format!(
                "{source}: domain-wide delegation needs a service account key (\"type\": \"service_account\"), not {}",
                json["type"]
            )));
        }
        let client_email = json["client_email"]
            .as_str()
            .filter(|e| !e.is_empty())
            .ok_or_else(|| setup(format!("{source}: the key has no client_email")))?
            .to_owned();
        let given = json["token_uri"].as_str().unwrap_or(TOKEN_URI);
        let token_uri = onus_endpoint::http::token_url(given).map_err(|_| {
            setup(format!(
                "{source}: token_uri {given}: not an https:// URL (plain http:// only on loopback): the signed grant goes there"
            ))
        })?;
        if !subject.contains('@') || subject.chars().any(char::is_control) {
            return Err(setup(format!(
                "--delegated-admin {subject}: not an administrator's email address"
            )));
        }
        let signer = google_cloud_auth::credentials::service_account::Builder::new(json.clone())
            .build_signer()
            .map_err(|e| setup(format!("{source}: {e}")))?;
        let limits = onus_endpoint::Limits {
            response_bytes: MAX_ANSWER,
            ..onus_endpoint::Limits::DEFAULT
        };
        let http = Client::new(
            onus_endpoint::Timeouts::DEFAULT,
            limits,
            RETRIES,
            read_oauth_error,
        )
        .map_err(setup)?;
        Ok(Delegated {
            signer,
            client_email,
            key_id: json["private_key_id"].as_str().map(str::to_owned),
            token_uri,
            subject: subject.to_owned(),
            scope: scopes.join(" "),
            http,
            cached: Mutex::new(None),
        })
    }

    /// The claims of a grant issued at `now` (seconds since the epoch).
    fn claims(&self, now: u64) -> Value {
        json!({
            "iss": self.client_email,
            "sub": self.subject,
            "scope": self.scope,
            "aud": self.token_uri.as_str(),
            "iat": now,
            "exp": now + LIFETIME.as_secs(),
        })
    }

    /// The signed assertion: header, claims and RS256 signature, each
    /// base64url without padding.
    async fn assertion(&self) -> Result<String, CredentialError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| CredentialError::Token(e.to_string()))?
            .as_secs();
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = &self.key_id {
            header["kid"] = json!(kid);
        }
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(self.claims(now).to_string())
        );
        let signature = self
            .signer
            .sign(signed.as_bytes())
            .await
            .map_err(|e| CredentialError::Token(format!("cannot sign the grant: {e}")))?;
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// An access token for the administrator: the cached one while it has
    /// more than a minute left, else a new grant.
    pub async fn token(&self) -> Result<String, CredentialError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() + Duration::from_secs(60) < *until
        {
            return Ok(token.clone());
        }
        let assertion = self.assertion().await?;
        let failed = |what: String| {
            CredentialError::Token(format!(
                "{} acting for {}: {what}",
                self.client_email, self.subject
            ))
        };
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
            .append_pair("assertion", &assertion)
            .finish();
        let (answer, _) = self
            .http
            .call(
                "oauth2",
                "token",
                Method::Form(&form),
                &self.token_uri,
                || async { Ok(None) },
            )
            .await
            .map_err(|e| failed(format!("the token endpoint {}", e.message)))?;
        let token = answer["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| failed("the token endpoint's answer has no access_token".into()))?
            .to_owned();
        let lifetime = answer["expires_in"]
            .as_u64()
            .map_or(LIFETIME, Duration::from_secs)
            .min(LIFETIME);
        *cached = Some((token.clone(), Instant::now() + lifetime));
        Ok(token)
    }
}

/// An OAuth error answer (`error`, `error_description`), with what to do
/// when the tenant has not granted the delegation.
fn read_oauth_error(status: u16, body: &[u8]) -> (GapCause, String) {
    let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let said = [
        answer["error"].as_str(),
        answer["error_description"].as_str(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(": ");
    let hint = if said.contains("unauthorized_client") {
        " (in the Admin console, Security > API controls > Domain-wide delegation, grant the service account's client ID the scopes in config/workspace-scopes.txt)"
    } else {
        ""
    };
    (
        onus_endpoint::http::cause_of(status),
        format!("answered HTTP {status}: {said}{hint}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(token_uri: &str) -> String {
        json!({"type": "service_account", "client_email": "onus@p.iam.gserviceaccount.com",
            "project_id": "p", "private_key_id": "k1", "private_key": "", "token_uri": token_uri})
        .to_string()
    }

    #[test]
    fn the_grant_goes_only_to_an_https_or_loopback_token_endpoint() {
        let make =
            |uri: &str| Delegated::from_key("key.json", &key(uri), "admin@example.org", &["s"]);
        for bad in ["http://tokens.example/", "ftp://x/", "nonsense"] {
            let e = make(bad).unwrap_err().to_string();
            assert!(e.contains("not an https:// URL"), "{bad}: {e}");
        }
        // Loopback over plain HTTP is the tests' mock; the key itself is
        // checked by the signer when it signs.
        assert!(make("http://127.0.0.1:9/token").is_ok());
        assert!(make("https://oauth2.googleapis.com/token").is_ok());
    }

    #[test]
    fn only_service_account_keys_and_an_administrators_address() {
        let user = json!({"type": "authorized_user"}).to_string();
        let e = Delegated::from_key("adc.json", &user, "admin@example.org", &["s"]).unwrap_err();
        assert!(e.to_string().contains("needs a service account key"), "{e}");
        let e = Delegated::from_key("key.json", "{", "admin@example.org", &["s"]).unwrap_err();
        assert!(
            e.to_string()
                .contains("key.json: not a service account key"),
            "{e}"
        );
        let e = Delegated::from_key("key.json", &key(TOKEN_URI), "admin", &["s"]).unwrap_err();
        assert!(e.to_string().contains("--delegated-admin admin"), "{e}");
    }

    #[test]
    fn the_claims_name_the_administrator_and_only_the_scopes_given() {
        let d = Delegated::from_key(
            "key.json",
            &key(TOKEN_URI),
            "admin@example.org",
            &[
                "https://www.googleapis.com/auth/admin.directory.user.readonly",
                "b",
            ],
        )
        .unwrap();
        let c = d.claims(1000);
        assert_eq!(c["iss"], "onus@p.iam.gserviceaccount.com");
        assert_eq!(c["sub"], "admin@example.org");
        assert_eq!(
            c["scope"],
            "https://www.googleapis.com/auth/admin.directory.user.readonly b"
        );
        assert_eq!(c["aud"], TOKEN_URI);
        assert_eq!(c["exp"], 4600);
        assert!(!format!("{d:?}").contains("private_key"));
    }
}
