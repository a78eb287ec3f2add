//! `onus collect` and the collecting half of `onus audit CLOUD`.

use onus_model::Inventory;

use crate::cli::{AwsArgs, AzureArgs, Cloud, CollectArgs, GcpArgs, SaasArgs, TimeoutArgs};

/// Collection could not start: the run is incomplete (exit 3), not bad input.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CollectionFailed(pub String);

/// Collect an inventory from `cloud`.
pub(crate) fn collect(
    cloud: Cloud,
    aws: &AwsArgs,
    azure: &AzureArgs,
    gcp: &GcpArgs,
    saas: &SaasArgs,
    timeouts: &TimeoutArgs,
    shard: Option<(u32, u32)>,
) -> anyhow::Result<Inventory> {
    let collector = onus_endpoint::CollectorOptions {
        concurrency: aws.concurrency,
        shard,
        timeouts: timeouts.timeouts(),
        limits: timeouts.limits(),
        deadline: Some(timeouts.deadline),
        breaker: onus_endpoint::Breaker {
            trip_after: timeouts.breaker,
            max_requests: timeouts.max_requests,
        },
    };
    match cloud {
        Cloud::Aws => collect_aws(aws, collector),
        Cloud::Azure => collect_azure(azure, collector),
        Cloud::Gcp => collect_gcp(gcp, collector),
        Cloud::M365 | Cloud::Workspace | Cloud::Dropbox => {
            collect_saas(cloud, azure, saas, collector)
        }
    }
}

/// Two collections as one inventory (`onus audit aws m365`): resources,
/// gaps and enumeration sources of both, the collectors named together, and
/// the earlier collection time (age-based rules measure against it).
pub(crate) fn merge(mut a: Inventory, b: Inventory) -> Inventory {
    a.resources.extend(b.resources);
    a.gaps.extend(b.gaps);
    a.sources.extend(b.sources);
    a.collected_at = match (a.collected_at, b.collected_at) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    a.collector = match (a.collector.take(), b.collector) {
        (Some(x), Some(y)) => Some(onus_model::CollectorInfo {
            name: format!("{}+{}", x.name, y.name),
            version: x.version.or(y.version),
        }),
        (x, y) => x.or(y),
    };
    a
}

/// A SaaS tenant: its token, then the collection.
#[cfg(feature = "saas")]
fn collect_saas(
    cloud: Cloud,
    azure: &AzureArgs,
    args: &SaasArgs,
    collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    use onus_saas::{Tenant, Tokens};
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let (tenant, endpoint, tokens, kind) = match cloud {
        Cloud::M365 => {
            let tenant = azure
                .tenant
                .clone()
                .or_else(|| env("AZURE_TENANT_ID"))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "onus audit m365 needs the tenant: --tenant TENANT_ID (or AZURE_TENANT_ID)"
                    )
                })?;
            let (tokens, kind) = match env("ONUS_GRAPH_TOKEN") {
                Some(t) => (Tokens::fixed(&t), "ONUS_GRAPH_TOKEN"),
                None => graph_credential(&tenant, azure.managed_identity)?,
            };
            (
                Tenant::M365(tenant),
                args.graph_endpoint.clone(),
                tokens,
                kind,
            )
        }
        Cloud::Workspace => {
            // The flag, when given, beats a token in the environment.
            let admin = args.delegated_admin.as_deref();
            let (tokens, kind) = match (admin, env("ONUS_WORKSPACE_TOKEN")) {
                (None, Some(t)) => (Tokens::fixed(&t), "ONUS_WORKSPACE_TOKEN"),
                _ => workspace_credential(admin)?,
            };
            (
                Tenant::Workspace(args.customer.clone()),
                args.workspace_endpoint.clone(),
                tokens,
                kind,
            )
        }
        _ => {
            let token = env("ONUS_DROPBOX_TOKEN").ok_or_else(|| {
                anyhow::anyhow!(
                    "onus audit dropbox needs a team token with read scopes (members.read, team_info.read) in ONUS_DROPBOX_TOKEN"
                )
            })?;
            (
                Tenant::Dropbox,
                args.dropbox_endpoint.clone(),
                Tokens::fixed(&token),
                "ONUS_DROPBOX_TOKEN",
            )
        }
    };
    let opts = onus_saas::SaasOptions {
        endpoint,
        max_retries: 3,
        collector,
    };
    tracing::info!(credential = kind, endpoint = ?opts.endpoint, tenant = cloud.name(), "SaaS collection starting");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    let result = runtime.block_on(onus_saas::collect(&tenant, &opts, tokens));
    match result {
        Ok((inventory, calls)) => {
            tracing::info!(
                requests = calls.values().sum::<u64>(),
                "SaaS collection finished"
            );
            Ok(inventory)
        }
        Err(e) => anyhow::bail!(e.to_string()),
    }
}

#[cfg(not(feature = "saas"))]
fn collect_saas(
    _cloud: Cloud,
    _azure: &AzureArgs,
    _args: &SaasArgs,
    _collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    anyhow::bail!(
        "this onus was built without the `saas` feature, so it cannot collect from SaaS tenants; rebuild with `--features saas` or audit an inventory file"
    )
}

/// Microsoft Graph tokens from the azure_identity chain (client secret,
/// workload identity, managed identity, Azure CLI), for Graph's scope.
#[cfg(all(feature = "saas", feature = "azure"))]
fn graph_credential(
    tenant: &str,
    managed_identity: bool,
) -> anyhow::Result<(onus_saas::Tokens, &'static str)> {
    let (credential, kind) =
        onus_azure::credential::from_environment(Some(tenant), managed_identity)?;
    if kind == "ONUS_AZURE_TOKEN" {
        anyhow::bail!(
            "ONUS_AZURE_TOKEN is a token for Azure Resource Manager, not Microsoft Graph: set ONUS_GRAPH_TOKEN, or unset ONUS_AZURE_TOKEN to use the azure_identity credentials"
        );
    }
    let fetch = move || -> onus_saas::TokenFuture {
        let credential = credential.clone();
        Box::pin(async move {
            credential
                .get_token(&["https://graph.microsoft.com/.default"], None)
                .await
                .map(|t| t.token.secret().to_owned())
                .map_err(|e| e.to_string())
        })
    };
    Ok((
        onus_saas::Tokens::Credential(std::sync::Arc::new(fetch)),
        kind,
    ))
}

#[cfg(all(feature = "saas", not(feature = "azure")))]
fn graph_credential(
    _tenant: &str,
    _managed_identity: bool,
) -> anyhow::Result<(onus_saas::Tokens, &'static str)> {
    anyhow::bail!(
        "no Microsoft Graph token: set ONUS_GRAPH_TOKEN (this onus was built without the `azure` feature, which brings the azure_identity credentials)"
    )
}

/// Google Workspace tokens with the collector's read-only scopes: the service
/// account key acting for `delegated_admin` (domain-wide delegation), else
/// Application Default Credentials.
#[cfg(all(feature = "saas", feature = "gcp"))]
fn workspace_credential(
    delegated_admin: Option<&str>,
) -> anyhow::Result<(onus_saas::Tokens, &'static str)> {
    let scopes = onus_saas::ops::permissions(onus_saas::Api::Workspace);
    let (source, label) = match delegated_admin {
        Some(admin) => (
            onus_gcp::TokenSource::delegated(admin, &scopes)?,
            "a service account key acting for --delegated-admin",
        ),
        None => (
            onus_gcp::TokenSource::adc_with_scopes(&scopes)?,
            "Application Default Credentials",
        ),
    };
    let fetch = move || -> onus_saas::TokenFuture {
        let source = source.clone();
        Box::pin(async move { source.token().await.map_err(|e| e.to_string()) })
    };
    Ok((
        onus_saas::Tokens::Credential(std::sync::Arc::new(fetch)),
        label,
    ))
}

#[cfg(all(feature = "saas", not(feature = "gcp")))]
fn workspace_credential(
    _delegated_admin: Option<&str>,
) -> anyhow::Result<(onus_saas::Tokens, &'static str)> {
    anyhow::bail!(
        "no Google Workspace token: set ONUS_WORKSPACE_TOKEN (this onus was built without the `gcp` feature, which brings Application Default Credentials)"
    )
}

#[cfg(feature = "gcp")]
fn collect_gcp(
    args: &GcpArgs,
    collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    let opts = onus_gcp::GcpOptions {
        projects: args.projects.clone(),
        endpoint: args.gcp_endpoint.clone(),
        max_retries: 3,
        asset_inventory: !args.no_asset_inventory,
        collector,
    };
    let (tokens, kind) = onus_gcp::TokenSource::from_environment()?;
    tracing::info!(credential = kind, endpoint = ?opts.endpoint, "Google Cloud collection starting");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    let bar = Bar::new("collecting Google Cloud");
    let result = runtime.block_on(onus_gcp::collect(&opts, tokens));
    drop(bar);
    match result {
        Ok((inventory, calls)) => {
            tracing::info!(
                requests = calls.values().sum::<u64>(),
                "Google Cloud collection finished"
            );
            Ok(inventory)
        }
        Err(e @ (onus_gcp::GcpError::Options(_) | onus_gcp::GcpError::Endpoint(_))) => {
            anyhow::bail!(e.to_string())
        }
        Err(e) => Err(CollectionFailed(e.to_string()).into()),
    }
}

#[cfg(not(feature = "gcp"))]
fn collect_gcp(
    _args: &GcpArgs,
    _collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    anyhow::bail!(
        "this onus was built without the `gcp` feature, so it cannot collect from Google Cloud; rebuild with `--features gcp` or audit an inventory file"
    )
}

#[cfg(feature = "azure")]
fn collect_azure(
    args: &AzureArgs,
    collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    let opts = onus_azure::AzureOptions {
        subscriptions: args.subscriptions.clone(),
        endpoint: args.azure_endpoint.clone(),
        max_retries: 3,
        resource_graph: args.azure_source == crate::cli::AzureSource::ResourceGraph,
        collector,
    };
    let (credential, kind) =
        onus_azure::credential::from_environment(args.tenant.as_deref(), args.managed_identity)?;
    tracing::info!(credential = kind, endpoint = %opts.endpoint, "Azure collection starting");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    let bar = Bar::new("collecting Azure");
    let result = runtime.block_on(onus_azure::collect(&opts, credential));
    drop(bar);
    match result {
        Ok((inventory, calls)) => {
            tracing::info!(
                requests = calls.values().sum::<u64>(),
                "Azure collection finished"
            );
            Ok(inventory)
        }
        Err(e @ (onus_azure::AzureError::Options(_) | onus_azure::AzureError::Endpoint(_))) => {
            anyhow::bail!(e.to_string())
        }
        Err(e) => Err(CollectionFailed(e.to_string()).into()),
    }
}

#[cfg(not(feature = "azure"))]
fn collect_azure(
    _args: &AzureArgs,
    _collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    anyhow::bail!(
        "this onus was built without the `azure` feature, so it cannot collect from Azure; rebuild with `--features azure` or audit an inventory file"
    )
}

#[cfg(feature = "aws")]
fn collect_aws(
    args: &AwsArgs,
    collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    use std::sync::Arc;

    let opts = onus_aws::AwsOptions {
        regions: args.regions.clone(),
        profile: args.profile.clone(),
        role_arns: args.role_arns.clone(),
        external_id: args.external_id.clone(),
        organization_role: args.organization_role.clone(),
        rate_limit: args.rate_limit,
        max_attempts: args.max_attempts,
        collector,
        enumerate: !args.no_enumerate,
        config_aggregator: args.config_aggregator.clone(),
    };
    if let Some(r) = args
        .regions
        .as_ref()
        .and_then(|rs| rs.iter().find(|r| !valid_region(r)))
    {
        anyhow::bail!("--regions: '{r}' is not an AWS region name (expected e.g. eu-west-1)");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    let progress: Arc<dyn onus_aws::Progress> = Arc::new(Bar::new("collecting AWS"));
    let log = onus_aws::OperationLog::default();
    let result = runtime.block_on(onus_aws::collect(&opts, &log, progress.clone()));
    drop(progress);
    tracing::info!(requests = log.total(), "AWS collection finished");
    match result {
        Ok(inventory) => Ok(inventory),
        Err(onus_aws::AwsError::Options(m)) => anyhow::bail!(m),
        Err(e) => Err(CollectionFailed(e.to_string()).into()),
    }
}

#[cfg(feature = "aws")]
fn valid_region(r: &str) -> bool {
    !r.is_empty()
        && r.split('-').count() >= 3
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(not(feature = "aws"))]
fn collect_aws(
    _args: &AwsArgs,
    _collector: onus_endpoint::CollectorOptions,
) -> anyhow::Result<Inventory> {
    anyhow::bail!(
        "this onus was built without the `aws` feature, so it cannot collect from AWS; rebuild with `--features aws` or audit an inventory file"
    )
}

/// A progress bar on standard error, shown only on a terminal.
#[cfg(any(feature = "aws", feature = "azure", feature = "gcp"))]
pub(crate) struct Bar(Option<indicatif::ProgressBar>);

#[cfg(any(feature = "aws", feature = "azure", feature = "gcp"))]
impl Bar {
    pub(crate) fn new(message: &str) -> Bar {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr())
            || tracing::enabled!(tracing::Level::DEBUG)
        {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} {wide_msg:.dim}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar(Some(bar))
    }
}

#[cfg(any(feature = "aws", feature = "azure", feature = "gcp"))]
impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(feature = "aws")]
impl onus_aws::Progress for Bar {
    fn add_tasks(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc_length(n);
        }
    }
    fn task_done(&self, _label: &str) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

pub(crate) fn run(args: CollectArgs) -> anyhow::Result<u8> {
    let mut inventory = collect(
        args.cloud,
        &args.aws,
        &args.azure,
        &args.gcp,
        &args.saas,
        &args.timeouts,
        args.shard,
    )?;
    // The inventory carries the facets the catalog's mappings derive from `raw`
    // (an audit derives them again, so a --catalog given then wins).
    let catalog = crate::setup::load_catalog(None)?;
    catalog.apply_mappings(&mut inventory);
    let text = inventory.to_json_pretty() + "\n";
    crate::output::write_text(&crate::output::Target::new(Some(&args.out)), &text)?;
    let gaps = inventory.gaps.len();
    crate::output::note(&format!(
        "onus: collected {} resources{}",
        inventory.resources.len(),
        if gaps == 0 {
            String::new()
        } else {
            format!(", {gaps} collection failure(s)")
        }
    ));
    Ok(if gaps == 0 {
        crate::EXIT_OK
    } else {
        crate::EXIT_INCOMPLETE
    })
}
