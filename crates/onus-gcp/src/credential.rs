//! Credentials, first match wins: `ONUS_GCP_TOKEN` (a bearer token used as is,
//! e.g. from `gcloud auth print-access-token`); otherwise Application Default
//! Credentials through Google's `google-cloud-auth`: `GOOGLE_APPLICATION_CREDENTIALS`
//! (a service account key or a workload identity federation configuration, how
//! GitHub Actions OIDC arrives), gcloud's user credentials, the metadata server
//! on GCE, GKE and Cloud Run. Tokens are never logged: `Debug` hides them.

use google_cloud_auth::credentials::{AccessTokenCredentials, Builder};

/// The read-only scope onus asks ADC for.
pub const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform.read-only";

/// Why no token could be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CredentialError {
    /// Application Default Credentials could not be set up.
    #[error("cannot set up Google Application Default Credentials: {0}")]
    Setup(String),
    /// A token could not be obtained.
    #[error("cannot obtain a Google access token: {0}")]
    Token(String),
}

/// Where bearer tokens come from.
#[derive(Clone)]
pub enum TokenSource {
    /// `ONUS_GCP_TOKEN`, used as is.
    Static(String),
    /// Application Default Credentials (refreshed and cached by google-cloud-auth).
    Adc(AccessTokenCredentials),
    /// A service account key acting for a Google Workspace administrator.
    Delegated(std::sync::Arc<crate::delegation::Delegated>),
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::Static(_) => f.write_str("TokenSource::Static([censored])"),
            TokenSource::Adc(_) => f.write_str("TokenSource::Adc"),
            TokenSource::Delegated(d) => write!(f, "TokenSource::Delegated({d:?})"),
        }
    }
}

impl TokenSource {
    /// The credential the environment names, and a label for logs.
    pub fn from_environment() -> Result<(TokenSource, &'static str), CredentialError> {
        if let Some(token) = std::env::var("ONUS_GCP_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            return Ok((
                TokenSource::Static(token.trim().to_owned()),
                "ONUS_GCP_TOKEN",
            ));
        }
        let credentials = Builder::default()
            .with_scopes([SCOPE])
            .build_access_token_credentials()
            .map_err(|e| CredentialError::Setup(e.to_string()))?;
        Ok((
            TokenSource::Adc(credentials),
            "Application Default Credentials",
        ))
    }

    /// Application Default Credentials with `scopes` (Google Workspace's
    /// read-only scopes, for `onus audit workspace`).
    pub fn adc_with_scopes(scopes: &[&str]) -> Result<TokenSource, CredentialError> {
        Builder::default()
            .with_scopes(scopes.iter().copied())
            .build_access_token_credentials()
            .map(TokenSource::Adc)
            .map_err(|e| CredentialError::Setup(e.to_string()))
    }

    /// The service account key in `GOOGLE_APPLICATION_CREDENTIALS` acting for
    /// the Workspace administrator `subject` with `scopes` (domain-wide
    /// delegation, for `onus audit workspace --delegated-admin`).
    pub fn delegated(subject: &str, scopes: &[&str]) -> Result<TokenSource, CredentialError> {
        let path = std::env::var("GOOGLE_APPLICATION_CREDENTIALS")
            .ok()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                CredentialError::Setup(
                    "--delegated-admin needs GOOGLE_APPLICATION_CREDENTIALS to name the service account key that domain-wide delegation was granted to".to_owned(),
                )
            })?;
        let key = std::fs::read_to_string(&path).map_err(|e| {
            CredentialError::Setup(format!("GOOGLE_APPLICATION_CREDENTIALS={path}: {e}"))
        })?;
        crate::delegation::Delegated::from_key(&path, &key, subject, scopes)
            .map(|d| TokenSource::Delegated(std::sync::Arc::new(d)))
    }

    /// A bearer token.
    pub async fn token(&self) -> Result<String, CredentialError> {
        match self {
            TokenSource::Static(t) => Ok(t.clone()),
            TokenSource::Adc(c) => c
                .access_token()
                .await
                .map(|t| t.token)
                .map_err(|e| CredentialError::Token(e.to_string())),
            TokenSource::Delegated(d) => d.token().await,
        }
    }
}
