//! The onus AWS collector.
//!
//! Enumerates accounts read-only with `aws-config` and the `aws-sdk-*` crates
//! and writes an [`onus_model::Inventory`]: resources with their facets, and a
//! [`onus_model::Gap`] for every call that failed, so that every duty which
//! depended on it becomes `unknown`, never a pass or a fail.
//!
//! - Credentials come from aws-config's default chain (environment, profiles,
//!   SSO, web identity, container and instance roles), optionally a named
//!   profile, and optionally an assumed role per account.
//! - `AWS_ENDPOINT_URL` is honoured, so the whole collector runs against an
//!   emulator; S3 then uses path-style addressing and S3 Control an endpoint
//!   without the account-ID host prefix (see [`s3`]).
//! - Every client carries the [`guard::ReadOnlyGuard`], which refuses any
//!   operation outside the read-only list before it is sent and counts the rest.

mod acm;
mod apigateway;
mod backup;
mod budget;
mod cloudfront;
mod cloudtrail;
mod dynamodb;
mod ec2;
mod ecr;
mod efs;
mod eks;
mod elasticache;
mod elasticbeanstalk;
mod elbv2;
mod enumerate;
mod eventbridge;
mod gap;
pub mod guard;
mod guardduty;
mod iam;
mod kinds;
mod kinesis;
mod kms;
mod lambda;
mod limit;
mod logs;
mod network_acls;
pub mod opensearch;
mod policy;
mod rds;
mod rds_snapshots;
mod redshift;
pub mod s3;
mod secretsmanager;
mod services;
mod sns;
mod sqs;
mod ssm;
mod vpcs;

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use onus_model::{Gap, GapCause, Inventory, Provider, Resource};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use guard::{OperationLog, ReadOnlyGuard};

use crate::gap::Scope;
use crate::limit::RateLimiter;

/// What to collect, and how.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// Regions to enumerate; `None`: every region enabled for the account (DescribeRegions).
    pub regions: Option<Vec<String>>,
    /// A named profile from the shared config files.
    pub profile: Option<String>,
    /// Roles to assume, one per account; empty: the credentials' own account only.
    pub role_arns: Vec<String>,
    /// External ID for the assumed roles.
    pub external_id: Option<String>,
    /// With AWS Organizations: the role name to assume in every active member account.
    pub organization_role: Option<String>,
    /// Requests per second per (account, region, service); 0 disables the limit.
    pub rate_limit: u32,
    /// Attempts per request, retries included (the SDK's adaptive retry).
    pub max_attempts: u32,
    /// Concurrency (tasks per account, region and service), shard, timeouts.
    pub collector: onus_endpoint::CollectorOptions,
    /// Enumerate the whole estate (tagging API, AWS Config) besides the deep collectors.
    pub enumerate: bool,
    /// Read this organisation Config aggregator (in the base account) instead of
    /// each account's recorder.
    pub config_aggregator: Option<String>,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            regions: None,
            profile: None,
            role_arns: Vec::new(),
            external_id: None,
            organization_role: None,
            rate_limit: 100,
            max_attempts: 3,
            collector: onus_endpoint::CollectorOptions::default(),
            enumerate: true,
            config_aggregator: None,
        }
    }
}

/// Progress of a collection, for a progress display.
pub trait Progress: Send + Sync {
    /// `n` more tasks were scheduled.
    fn add_tasks(&self, n: u64);
    /// A task finished.
    fn task_done(&self, label: &str);
}

/// No progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn add_tasks(&self, _n: u64) {}
    fn task_done(&self, _label: &str) {}
}

/// Why a collection could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// The credentials could not be used to identify the caller.
    #[error(
        "cannot authenticate to AWS{endpoint}: sts:GetCallerIdentity failed ({cause}: {message})"
    )]
    Identity {
        /// Where (the custom endpoint, if any).
        endpoint: String,
        /// The kind of failure.
        cause: &'static str,
        /// The error as reported.
        message: String,
    },
    /// Options that cannot work together.
    #[error("{0}")]
    Options(String),
}

/// Everything shared by the tasks of one account.
#[derive(Clone)]
pub(crate) struct Account {
    pub id: String,
    pub config: SdkConfig,
    pub guard: ReadOnlyGuard,
    /// Retries within the operation timeout and the run's deadline.
    pub retries: budget::RetryBudget,
    pub limiter: Arc<RateLimiter>,
    /// A custom endpoint is configured (an emulator, a VPC endpoint).
    pub custom_endpoint: bool,
}

impl Account {
    /// The account's config for `region`.
    pub fn in_region(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build()
    }

    /// The scope of a call.
    pub fn scope(&self, region: Option<&str>) -> Scope {
        Scope {
            account: self.id.clone(),
            region: region.map(str::to_owned),
        }
    }

    /// Wait for the rate limit of `service` in `region`.
    pub async fn pace(&self, region: Option<&str>, service: &str) {
        self.limiter
            .wait(&format!(
                "{}/{}/{service}",
                self.id,
                region.unwrap_or("global")
            ))
            .await;
    }
}

/// Resources of one service read at once, per (account, region, service) task
/// (a resource's own reads may run together too: an S3 bucket's seven). With the tasks themselves concurrent (`--concurrency`), this
/// keeps requests in flight when one service holds most of the estate, while
/// the rate limit per (account, region, service) still paces them.
pub(crate) const PER_SERVICE: usize = 8;

/// Run `read` for every item, [`PER_SERVICE`] at a time, and gather what they
/// collected in the items' order (so inventories do not depend on timing).
pub(crate) async fn each<T, F, Fut>(items: Vec<T>, read: F) -> Collected
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Collected>,
{
    use futures_util::StreamExt as _;
    let mut out = Collected::default();
    let mut parts = futures_util::stream::iter(items.into_iter().map(read)).buffered(PER_SERVICE);
    while let Some(part) = parts.next().await {
        out.extend(part);
    }
    out
}

/// Resources and gaps from one task.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub resources: Vec<Resource>,
    pub gaps: Vec<Gap>,
    pub sources: Vec<onus_model::EnumerationSource>,
}

impl Collected {
    pub fn extend(&mut self, other: Collected) {
        self.resources.extend(other.resources);
        self.gaps.extend(other.gaps);
        self.sources.extend(other.sources);
    }
}

/// A new resource with empty facets.
pub(crate) fn resource(
    id: &str,
    account: &str,
    region: Option<&str>,
    kind: &str,
    name: Option<&str>,
) -> Resource {
    Resource {
        id: id.to_owned(),
        provider: Provider::Aws,
        account: account.to_owned(),
        region: region.map(str::to_owned),
        kind: kind.to_owned(),
        name: name.map(str::to_owned),
        tags: Default::default(),
        facets: Default::default(),
        sources: Default::default(),
        raw: serde_json::Value::Null,
        enumerated_only: false,
    }
}

/// Record where a facet field came from.
pub(crate) fn source(r: &mut Resource, facet: &str, pointer: &str) {
    r.sources.insert(facet.to_owned(), pointer.to_owned());
}

async fn base_config(opts: &AwsOptions) -> SdkConfig {
    let retry = RetryConfig::adaptive()
        .with_max_attempts(opts.max_attempts.max(1))
        .with_initial_backoff(Duration::from_millis(200));
    // Every call is bounded: a black-holed endpoint becomes a timed-out gap, never a hang.
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(opts.collector.timeouts.connect)
        .read_timeout(opts.collector.timeouts.attempt)
        .operation_attempt_timeout(opts.collector.timeouts.attempt)
        .operation_timeout(opts.collector.timeouts.operation)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config
            .to_builder()
            .region(Region::from_static("us-east-1"))
            .build();
    }
    config
}

async fn assume(base: &SdkConfig, role_arn: &str, external_id: Option<&str>) -> SdkConfig {
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("onus-audit")
        .configure(base);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

fn sts(
    config: &SdkConfig,
    guard: &ReadOnlyGuard,
    retries: &budget::RetryBudget,
) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(guard.clone())
            .interceptor(retries.clone())
            .build(),
    )
}

/// Every service onus reads in depth, with the kinds it yields (for the
/// catalog's tests and the documentation).
pub fn service_kinds() -> Vec<(&'static str, &'static [&'static str])> {
    services::SERVICES
        .iter()
        .map(|s| (s.name, s.kinds))
        .collect()
}

/// Collect an inventory. Fails only when the base credentials cannot identify the
/// caller; every later failure becomes a gap.
pub async fn collect(
    opts: &AwsOptions,
    log: &OperationLog,
    progress: Arc<dyn Progress>,
) -> Result<Inventory, AwsError> {
    if opts.organization_role.is_some() && !opts.role_arns.is_empty() {
        return Err(AwsError::Options(
            "--organization-role and --role-arn cannot be combined".to_owned(),
        ));
    }
    let guard = ReadOnlyGuard::new(log.clone());
    let retries = budget::RetryBudget::new(opts.collector.budget());
    let base = base_config(opts).await;
    let custom_endpoint = base.endpoint_url().is_some();
    let endpoint = base
        .endpoint_url()
        .map(|u| format!(" at {u}"))
        .unwrap_or_default();
    let identity = sts(&base, &guard, &retries)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            let (cause, message) = gap::describe(&e);
            AwsError::Identity {
                endpoint: endpoint.clone(),
                cause: cause.as_str(),
                message,
            }
        })?;
    let base_account = identity.account().unwrap_or_default().to_owned();
    let limiter = Arc::new(RateLimiter::new(opts.rate_limit));
    let mut accounts: Vec<Account> = Vec::new();
    let mut collected = Collected::default();

    let mk = |id: String, config: SdkConfig| Account {
        id,
        config,
        guard: guard.clone(),
        retries: retries.clone(),
        limiter: limiter.clone(),
        custom_endpoint,
    };
    let role_gap = |account: &str, role: &str, cause: GapCause, error: String| Gap {
        provider: Provider::Aws,
        account: Some(account.to_owned()),
        region: None,
        service: "sts".to_owned(),
        operation: "AssumeRole".to_owned(),
        cause,
        error: onus_model::api_text(&format!("{role}: {error}")),
        kinds: vec![],
        facets: vec![],
        resources: vec![],
    };

    let mut roles: Vec<(String, String)> = opts
        .role_arns
        .iter()
        .map(|arn| {
            (
                arn.split(':').nth(4).unwrap_or("unknown").to_owned(),
                arn.clone(),
            )
        })
        .collect();
    if let Some(role_name) = &opts.organization_role {
        let client = aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&base)
                .interceptor(guard.clone())
                .interceptor(retries.clone())
                .build(),
        );
        let mut pages = client.list_accounts().into_paginator().send();
        loop {
            match pages.next().await {
                None => break,
                Some(Ok(page)) => {
                    for a in page.accounts() {
                        let active = a
                            .state()
                            .map(|s| s.as_str() == "ACTIVE")
                            .or_else(|| a.status().map(|s| s.as_str() == "ACTIVE"))
                            .unwrap_or(true);
                        if let (Some(id), true) = (a.id(), active) {
                            roles.push((
                                id.to_owned(),
                                format!("arn:aws:iam::{id}:role/{role_name}"),
                            ));
                        }
                    }
                }
                Some(Err(e)) => {
                    collected.gaps.push(gap::gap(
                        &Scope {
                            account: base_account.clone(),
                            region: None,
                        },
                        "organizations",
                        "ListAccounts",
                        &e,
                        &[],
                        &[],
                        vec![],
                    ));
                    break;
                }
            }
        }
    }
    if let Some((i, n)) = opts.collector.shard {
        roles.retain(|(account, _)| onus_model::in_shard(account, i, n));
    }
    let own_account_only = opts.role_arns.is_empty() && opts.organization_role.is_none();
    if own_account_only {
        if opts
            .collector
            .shard
            .is_none_or(|(i, n)| onus_model::in_shard(&base_account, i, n))
        {
            accounts.push(mk(base_account.clone(), base.clone()));
        }
    } else {
        for (account_id, role) in roles {
            let config = assume(&base, &role, opts.external_id.as_deref()).await;
            match sts(&config, &guard, &retries)
                .get_caller_identity()
                .send()
                .await
            {
                Ok(id) => accounts.push(mk(id.account().unwrap_or(&account_id).to_owned(), config)),
                Err(e) => {
                    let (cause, error) = gap::describe(&e);
                    tracing::warn!(account = %account_id, %error, "cannot assume role");
                    collected
                        .gaps
                        .push(role_gap(&account_id, &role, cause, error));
                }
            }
        }
    }

    let semaphore = Arc::new(Semaphore::new(opts.collector.concurrency.max(1)));
    let mut tasks: JoinSet<Collected> = JoinSet::new();
    if let (true, Some(name)) = (opts.enumerate, &opts.config_aggregator) {
        // One query for the whole organisation, from the base account.
        let region = base
            .region()
            .map_or_else(|| "us-east-1".to_owned(), |r| r.to_string());
        let account = mk(base_account.clone(), base.clone());
        let name = name.clone();
        progress.add_tasks(1);
        let progress = progress.clone();
        tasks.spawn(async move {
            let out = enumerate::aggregator(account, region, name).await;
            progress.task_done("config aggregator");
            out
        });
    }
    let plan = Plan {
        enumerate: opts.enumerate,
        per_region_config: opts.config_aggregator.is_none(),
    };
    for account in accounts {
        let regions = match &opts.regions {
            Some(r) => r.clone(),
            None => {
                let (regions, gap) = ec2::enabled_regions(&account).await;
                collected.gaps.extend(gap);
                regions
            }
        };
        schedule(
            &mut tasks,
            &semaphore,
            &progress,
            account,
            regions,
            opts.regions.clone(),
            plan,
        );
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(part) => collected.extend(part),
            Err(e) => collected.gaps.push(Gap::task_failed(Provider::Aws, e)),
        }
    }

    summarise_trails(&mut collected);
    collected.resources = enumerate::merge(std::mem::take(&mut collected.resources));
    mark_tags_read(&mut collected);
    Ok(Inventory::collected(
        "onus-aws",
        env!("CARGO_PKG_VERSION"),
        collected.resources,
        collected.gaps,
        collected.sources,
    ))
}

pub(crate) type Task = std::pin::Pin<Box<dyn Future<Output = Collected> + Send>>;

/// Which enumeration sources to run besides the deep collectors.
#[derive(Debug, Clone, Copy)]
struct Plan {
    enumerate: bool,
    per_region_config: bool,
}

fn schedule(
    tasks: &mut JoinSet<Collected>,
    semaphore: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
    account: Account,
    regions: Vec<String>,
    explicit_regions: Option<Vec<String>>,
    plan: Plan,
) {
    let mut jobs: Vec<(String, Task)> = Vec::new();
    for service in services::SERVICES {
        let here = |region: &str| services::Where {
            region: region.to_owned(),
            regions: regions.clone(),
            explicit_regions: explicit_regions.clone(),
        };
        match service.scope {
            services::Scope::Account => jobs.push((
                format!("{} {}", account.id, service.name),
                (service.fetch)(account.clone(), here("")),
            )),
            services::Scope::AccountEnumeration if plan.enumerate => jobs.push((
                format!("{} {}", account.id, service.name),
                (service.fetch)(account.clone(), here("")),
            )),
            services::Scope::AccountEnumeration => {}
            services::Scope::Regional | services::Scope::Enumeration => {
                if service.scope == services::Scope::Enumeration
                    && (!plan.enumerate || (service.name == "config" && !plan.per_region_config))
                {
                    continue;
                }
                for region in &regions {
                    jobs.push((
                        format!("{} {region} {}", account.id, service.name),
                        (service.fetch)(account.clone(), here(region)),
                    ));
                }
            }
        }
    }
    progress.add_tasks(jobs.len() as u64);
    for (label, job) in jobs {
        let semaphore = semaphore.clone();
        let progress = progress.clone();
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            tracing::debug!(task = %label, "collecting");
            let out = job.await;
            tracing::debug!(task = %label, resources = out.resources.len(), gaps = out.gaps.len(), "collected");
            progress.task_done(&label);
            out
        });
    }
}

/// How a token-paged listing ([`token_pages`]) ended early.
pub(crate) enum TokenStop<E> {
    /// A call failed.
    Failed(
        Box<
            aws_smithy_runtime_api::client::result::SdkError<
                E,
                aws_smithy_runtime_api::client::orchestrator::HttpResponse,
            >,
        >,
    ),
    /// The shared paging guard stopped the listing (a repeated token, too
    /// many pages): why.
    Stopped(String),
}

/// Follow `NextToken` through an operation the SDK has no paginator for:
/// `send` makes one call with the token (pacing included), `next` reads a
/// page's token, `each` takes every page as it comes, so what was read before
/// a failure is kept. [`onus_endpoint::Pages`] stops loops and runaway
/// listings as on every other collector.
pub(crate) async fn token_pages<P, E, F, Fut>(
    mut send: F,
    next: impl Fn(&P) -> Option<&str>,
    mut each: impl FnMut(P),
) -> Result<(), TokenStop<E>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<
        Output = Result<
            P,
            aws_smithy_runtime_api::client::result::SdkError<
                E,
                aws_smithy_runtime_api::client::orchestrator::HttpResponse,
            >,
        >,
    >,
{
    let mut token = None;
    let mut guard = onus_endpoint::Pages::new();
    loop {
        let page = send(token.take())
            .await
            .map_err(|e| TokenStop::Failed(Box::new(e)))?;
        let following = next(&page).filter(|t| !t.is_empty()).map(str::to_owned);
        each(page);
        let Some(t) = following else {
            return Ok(());
        };
        guard
            .next(&t)
            .map_err(|stop| TokenStop::Stopped(stop.to_string()))?;
        token = Some(t);
    }
}

/// Every page of a paginated call, and the error that stopped it early, if any:
/// the resources of the pages already read are kept, and the error becomes a gap.
/// The SDK's paginator stops on a repeated token; [`onus_endpoint::Pages`]
/// caps the pages of one listing as on every other collector, and the cap
/// becomes the error.
pub(crate) async fn pages<P, E>(
    mut stream: aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<
            P,
            aws_smithy_runtime_api::client::result::SdkError<
                E,
                aws_smithy_runtime_api::client::orchestrator::HttpResponse,
            >,
        >,
    >,
) -> (
    Vec<P>,
    Option<
        aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >,
    >,
) {
    let mut out = Vec::new();
    let mut guard = onus_endpoint::Pages::new();
    while let Some(page) = stream.next().await {
        match page {
            Ok(p) => {
                out.push(p);
                if let Err(stop) = guard.next(&out.len().to_string()) {
                    return (
                        out,
                        Some(
                            aws_smithy_runtime_api::client::result::SdkError::construction_failure(
                                stop,
                            ),
                        ),
                    );
                }
            }
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

/// Tags as a map.
pub(crate) fn tag_map<'a>(
    tags: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> std::collections::BTreeMap<String, String> {
    tags.into_iter()
        .filter_map(|(k, v)| Some((k?.to_owned(), v.unwrap_or_default().to_owned())))
        .collect()
}

/// Where the tagging API listed a region's tagged resources, a resource of
/// that region it did not list has no tags: its tags were read, and were none.
/// Recorded in `raw.Tags` (the tag set as the tagging API gives it: `Key`,
/// `Value`) with `sources.tags` pointing there, so that a missing
/// classification label is a gap rather than unknown (tags not read).
fn mark_tags_read(collected: &mut Collected) {
    let used: std::collections::HashSet<(String, String)> = collected
        .sources
        .iter()
        .filter(|s| s.source == enumerate::TAGGING && s.status == onus_model::SourceStatus::Used)
        .map(|s| (s.account.clone(), s.region.clone().unwrap_or_default()))
        .collect();
    for r in &mut collected.resources {
        let region = r.region.clone().unwrap_or_default();
        if r.enumerated_only || !used.contains(&(r.account.clone(), region)) {
            continue;
        }
        let tags: Vec<serde_json::Value> = r
            .tags
            .iter()
            .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
            .collect();
        if let Some(raw) = r.raw.as_object_mut() {
            raw.entry("Tags").or_insert(serde_json::Value::Array(tags));
            r.sources
                .entry("tags".to_owned())
                .or_insert_with(|| "/Tags".to_owned());
        }
    }
}

/// A trail as the account summary sees it: its raw, whether it logs
/// management events, whether it is multi-region, and its own pointer for
/// `logging.audit_enabled`.
type TrailSeen = (
    serde_json::Value,
    Option<bool>,
    Option<bool>,
    Option<String>,
);

/// The account resource's `logging` facet: whether a multi-region trail logs
/// management events. Unknown when no such trail was seen and some CloudTrail
/// call failed.
///
/// The account's `raw.Trails` is the list of its trails as the trail resources
/// hold them (DescribeTrails, GetTrailStatus and GetEventSelectors, with the
/// API's field names); the evidence pointers name the trail that decided.
fn summarise_trails(collected: &mut Collected) {
    let accounts: Vec<String> = collected
        .resources
        .iter()
        .filter(|r| r.kind == iam::ACCOUNT)
        .map(|r| r.account.clone())
        .collect();
    for account in accounts {
        let trails: Vec<TrailSeen> = collected
            .resources
            .iter()
            .filter(|r| r.kind == cloudtrail::TRAIL && r.account == account)
            .map(|r| {
                let l = r.facets.logging.as_ref();
                (
                    r.raw.clone(),
                    l.and_then(|l| l.audit_enabled),
                    l.and_then(|l| l.multi_region),
                    r.source_of("logging.audit_enabled").map(str::to_owned),
                )
            })
            .collect();
        let failed = collected
            .gaps
            .iter()
            .any(|g| g.service == "cloudtrail" && g.account.as_deref() == Some(&account));
        let good = trails
            .iter()
            .position(|(_, on, multi, _)| *on == Some(true) && *multi == Some(true));
        let logging_regional = trails.iter().position(|(_, on, _, _)| *on == Some(true));
        // (facet, the pointers of audit_enabled and multi_region)
        let decided: Option<(onus_model::Logging, String, Option<String>)> = if let Some(i) = good {
            let own = trails[i].3.as_deref().unwrap_or("");
            Some((
                onus_model::Logging {
                    audit_enabled: Some(true),
                    multi_region: Some(true),
                    ..Default::default()
                },
                format!("/Trails/{i}{own}"),
                Some(format!("/Trails/{i}/Trail/IsMultiRegionTrail")),
            ))
        } else if failed {
            None
        } else if let Some(i) = logging_regional {
            let own = trails[i].3.as_deref().unwrap_or("");
            Some((
                onus_model::Logging {
                    audit_enabled: Some(true),
                    multi_region: Some(false),
                    ..Default::default()
                },
                format!("/Trails/{i}{own}"),
                Some("/Trails".to_owned()),
            ))
        } else {
            Some((
                onus_model::Logging {
                    audit_enabled: Some(false),
                    ..Default::default()
                },
                "/Trails".to_owned(),
                None,
            ))
        };
        if let Some(r) = collected
            .resources
            .iter_mut()
            .find(|r| r.kind == iam::ACCOUNT && r.account == account)
        {
            if let Some(obj) = r.raw.as_object_mut() {
                obj.insert(
                    "Trails".to_owned(),
                    serde_json::Value::Array(trails.into_iter().map(|t| t.0).collect()),
                );
            }
            if let Some((logging, audit, multi)) = decided {
                r.sources.insert("logging.audit_enabled".to_owned(), audit);
                if let Some(multi) = multi {
                    r.sources.insert("logging.multi_region".to_owned(), multi);
                }
                r.facets.logging = Some(logging);
            }
        }
    }
}
