//! Credentials: a pre-acquired token, or azure_identity 1.x.

use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::time::{Duration, OffsetDateTime};

/// A token acquired elsewhere (`ONUS_AZURE_TOKEN`, e.g. from `az account get-access-token`), used as is.
/// Its `Debug` shows no secret.
pub struct StaticToken(Secret);

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(***)")
    }
}

impl StaticToken {
    /// Wrap a token.
    pub fn new(token: String) -> StaticToken {
        StaticToken(Secret::new(token))
    }
}

#[async_trait]
impl TokenCredential for StaticToken {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(
            self.0.secret().to_owned(),
            OffsetDateTime::now_utc() + Duration::hours(1),
        ))
    }
}

/// Why no credential could be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// A client secret without a tenant.
    #[error("AZURE_CLIENT_SECRET needs a tenant: --tenant or AZURE_TENANT_ID")]
    NoTenant,
    /// azure_identity refused the configuration.
    #[error("cannot set up the {what} credential: {message}")]
    Setup {
        /// Which credential.
        what: &'static str,
        /// azure_identity's reason.
        message: String,
    },
}

/// Which credential to use, from the environment:
/// `ONUS_AZURE_TOKEN` (a bearer token, used as is); `AZURE_CLIENT_ID` with
/// `AZURE_CLIENT_SECRET` and `AZURE_TENANT_ID` (client secret);
/// `AZURE_FEDERATED_TOKEN_FILE` (workload identity, how GitHub Actions OIDC
/// and AKS arrive); `IDENTITY_ENDPOINT` or `--managed-identity` (managed
/// identity); otherwise the developer tools (Azure CLI, Azure Developer CLI).
pub fn from_environment(
    tenant: Option<&str>,
    managed_identity: bool,
) -> Result<(Arc<dyn TokenCredential>, &'static str), CredentialError> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let Some(token) = env("ONUS_AZURE_TOKEN") {
        return Ok((Arc::new(StaticToken::new(token)), "ONUS_AZURE_TOKEN"));
    }
    let err = |what: &'static str, e: azure_core::Error| CredentialError::Setup {
        what,
        message: e.to_string(),
    };
    if let (Some(client), Some(secret)) = (env("AZURE_CLIENT_ID"), env("AZURE_CLIENT_SECRET")) {
        let tenant = tenant
            .map(str::to_owned)
            .or_else(|| env("AZURE_TENANT_ID"))
            .ok_or(CredentialError::NoTenant)?;
        let c =
            azure_identity::ClientSecretCredential::new(&tenant, client, Secret::new(secret), None)
                .map_err(|e| err("client secret", e))?;
        return Ok((c, "client secret"));
    }
    if env("AZURE_FEDERATED_TOKEN_FILE").is_some() {
        let c = azure_identity::WorkloadIdentityCredential::new(None)
            .map_err(|e| err("workload identity", e))?;
        return Ok((c, "workload identity"));
    }
    if managed_identity || env("IDENTITY_ENDPOINT").is_some() {
        let c = azure_identity::ManagedIdentityCredential::new(None)
            .map_err(|e| err("managed identity", e))?;
        return Ok((c, "managed identity"));
    }
    let c = azure_identity::DeveloperToolsCredential::new(None)
        .map_err(|e| err("developer tools", e))?;
    Ok((c, "developer tools (Azure CLI)"))
}
