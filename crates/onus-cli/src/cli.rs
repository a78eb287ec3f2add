//! The command-line grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use onus_report::Format;

const EXIT_CODES: &str = "\
Exit codes:
  0  no gap under the --fail-on policy
  1  gaps found under the policy
  2  invalid input or usage (the message names the input and the location)
  3  audit incomplete: some scope could not be collected (policy 'incomplete')";

/// Audit cloud estates against the shared responsibility model.
#[derive(Debug, Parser)]
#[command(name = "onus", version, about = "Audit AWS, Azure and Google Cloud estates against the cloud shared responsibility model", after_help = EXIT_CODES)]
pub struct Cli {
    /// When to colour terminal output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Log what onus does to standard error (-v: onus at debug; -vv: the SDKs too). Credentials are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a cloud (collecting now) or an inventory file: classify every resource,
    /// check every customer duty, report the duty ledger.
    #[command(after_help = EXIT_CODES)]
    Audit(Box<AuditArgs>),
    /// Collect an inventory from a cloud and write it to a file, to audit later with --inventory.
    #[command(after_help = EXIT_CODES)]
    Collect(Box<CollectArgs>),
    /// List the rules: code, duty, severity, title.
    Rules(RulesArgs),
    /// Print a rule's documentation, or a compliance control's owners and assessment.
    Explain(ExplainArgs),
    /// List the compliance frameworks: id, title, version, controls, automated share.
    Frameworks(FrameworksArgs),
    /// Print the responsibility matrix, or one kind's duties with --kind.
    Matrix(MatrixArgs),
    /// Print the JSON Schema of the inventory or report format.
    Schema(SchemaArgs),
    /// Write a compact baseline from a JSON report, for `onus audit --baseline`.
    Baseline(BaselineArgs),
    /// Pre-migration assessment: who owns which duty after the move, and (with
    /// --verify) whether the deployed resources address them.
    Plan(PlanArgs),
    /// Stored runs, newest first, with counts per status and coverage.
    History(HistoryArgs),
    /// What changed between two stored runs (default: the last two of the same scope).
    Diff(DiffArgs),
    /// Re-render a stored run in any format.
    Report(ReportArgs),
    /// Delete old runs from the store.
    Prune(PruneArgs),
}

/// The parser of `--format`: the report formats of onus-report, with their help.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(Format::ALL.map(|f| {
        PossibleValue::new(f.name())
            .help(f.help())
            .aliases(f.aliases())
    }))
    .map(|name| Format::from_name(&name).unwrap_or(Format::Json))
}

/// A condition that makes `onus audit` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any customer duty is unaddressed.
    Unaddressed,
    /// Exit 1 when any customer duty is unknown.
    Unknown,
    /// Exit 3 when the inventory records collection gaps.
    Incomplete,
    /// Exit 1 when a gap is not in the --baseline.
    New,
    /// Always exit 0 (after valid input).
    Never,
}

/// A cloud onus can collect from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Cloud {
    /// Amazon Web Services (aws-config credentials chain; AWS_ENDPOINT_URL honoured).
    Aws,
    /// Microsoft Azure (ARM through azure_core; ONUS_AZURE_TOKEN or azure_identity credentials).
    Azure,
    /// Google Cloud (Cloud Asset Inventory and the service APIs; ONUS_GCP_TOKEN or Application Default Credentials).
    Gcp,
    /// A Microsoft 365 / Entra ID tenant (Microsoft Graph v1.0, GET only; --tenant; ONUS_GRAPH_TOKEN or azure_identity credentials).
    M365,
    /// A Google Workspace tenant (Admin SDK Directory and Cloud Identity Policy APIs; --customer; ONUS_WORKSPACE_TOKEN or Application Default Credentials).
    Workspace,
    /// A Dropbox team (the Dropbox Business API's read routes; ONUS_DROPBOX_TOKEN, a team token with read scopes).
    Dropbox,
}

impl Cloud {
    /// The name on the command line (clap's own spelling of the value).
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default()
    }
}

/// Scope and endpoints of the SaaS tenant collectors.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "SaaS tenants")]
pub struct SaasArgs {
    /// The Microsoft Graph endpoint (national clouds, a proxy; plain http:// only on loopback).
    #[arg(long, value_name = "URL")]
    pub graph_endpoint: Option<String>,
    /// The Google Workspace customer ID, or `my_customer` (the token's own).
    #[arg(long, value_name = "ID", default_value = "my_customer")]
    pub customer: String,
    /// One base URL replacing the Admin SDK and Cloud Identity hosts (paths stay as on the real hosts).
    #[arg(long, value_name = "URL")]
    pub workspace_endpoint: Option<String>,
    /// Act for this Workspace super administrator through domain-wide delegation, with the service account key in GOOGLE_APPLICATION_CREDENTIALS (read-only scopes only).
    #[arg(long, value_name = "EMAIL")]
    pub delegated_admin: Option<String>,
    /// The Dropbox API endpoint (a proxy; plain http:// only on loopback).
    #[arg(long, value_name = "URL")]
    pub dropbox_endpoint: Option<String>,
}

/// How long cloud calls may take, and how much of an answer onus reads.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Timeouts and limits (every cloud)")]
pub struct TimeoutArgs {
    /// Longest one attempt of a cloud call may take (connecting included: at most
    /// 5 s of it), e.g. 10s, 1m. A call that times out is a gap; the run goes on.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout)]
    pub timeout: std::time::Duration,
    /// Longest one cloud call may take with all its retries.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub operation_timeout: std::time::Duration,
    /// Most MiB onus reads of one response (Azure and Google Cloud). A larger
    /// one, or a listing past 256 MiB or 100,000 items, is a `too-large` gap.
    #[arg(long, value_name = "MIB", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_response_mib: u32,
    /// Longest the whole collection may take, e.g. 20m, 2h. Past it no read
    /// starts and reads in flight end; each is a named `timed-out` gap and the
    /// report holds what was read.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_deadline)]
    pub deadline: std::time::Duration,
    /// Consecutive timed-out or throttled reads of one service after which its
    /// remaining reads are skipped, each a named gap (Azure, Google Cloud); 0:
    /// never.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub breaker: u32,
    /// Most reads the whole collection may start (Azure and Google Cloud); past
    /// it each further read is a named gap. 0: no limit.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_requests: u64,
}

impl TimeoutArgs {
    /// The collectors' timeouts.
    pub fn timeouts(&self) -> onus_endpoint::Timeouts {
        onus_endpoint::Timeouts::new(self.timeout, self.operation_timeout)
    }

    /// The collectors' limits.
    pub fn limits(&self) -> onus_endpoint::Limits {
        let response = usize::try_from(self.max_response_mib).unwrap_or(32) << 20;
        onus_endpoint::Limits {
            response_bytes: response,
            // A listing holds at least a few of the largest responses.
            listing_bytes: onus_endpoint::Limits::DEFAULT
                .listing_bytes
                .max(response.saturating_mul(4)),
            ..onus_endpoint::Limits::DEFAULT
        }
    }
}

/// A run deadline between 1 second and 24 hours.
fn parse_deadline(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("'{s}' is not a duration such as 20m or 2h ({e})"))?;
    if d < std::time::Duration::from_secs(1) || d > std::time::Duration::from_secs(24 * 3600) {
        return Err(format!("'{s}': a deadline must be between 1s and 24h"));
    }
    Ok(d)
}

/// A timeout between 1 second and 1 hour.
fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("'{s}' is not a duration such as 10s or 1m ({e})"))?;
    if d < std::time::Duration::from_secs(1) || d > std::time::Duration::from_secs(3600) {
        return Err(format!("'{s}': a timeout must be between 1s and 1h"));
    }
    Ok(d)
}

/// Scope and credentials of the Azure collector.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Azure scope")]
pub struct AzureArgs {
    /// Subscription ID (repeatable). Default: every subscription the identity can list.
    #[arg(long = "subscription", value_name = "ID")]
    pub subscriptions: Vec<String>,
    /// Tenant for client-secret credentials (else AZURE_TENANT_ID); with
    /// `m365`, the Microsoft 365 tenant to audit (its ID or a verified domain).
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
    /// The ARM endpoint (sovereign clouds; plain http:// only on loopback).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://management.azure.com/"
    )]
    pub azure_endpoint: String,
    /// Use the managed identity of the machine or pod.
    #[arg(long)]
    pub managed_identity: bool,
    /// How to enumerate resources: one paged Resource Graph query over every
    /// subscription (the default; falls back to `arm` when denied), or the
    /// generic ARM list per subscription.
    #[arg(long, value_enum, default_value_t = AzureSource::ResourceGraph)]
    pub azure_source: AzureSource,
}

/// Scope and credentials of the Google Cloud collector.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Google Cloud scope")]
pub struct GcpArgs {
    /// Project ID (repeatable). Default: every active project the identity can list.
    #[arg(long = "project", value_name = "ID")]
    pub projects: Vec<String>,
    /// One base URL replacing every Google API host (private service connect,
    /// emulators; plain http:// only on loopback). Paths stay as on the real hosts.
    #[arg(long, value_name = "URL")]
    pub gcp_endpoint: Option<String>,
    /// List the evaluated kinds through their service APIs only, without Cloud
    /// Asset Inventory (other kinds then go unseen, and the coverage says so).
    #[arg(long)]
    pub no_asset_inventory: bool,
}

/// How the Azure collector enumerates resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AzureSource {
    /// The generic ARM list per subscription, and per-type lists for the types read in depth.
    Arm,
    /// Azure Resource Graph (`Resources` table, paged with `$skipToken`); falls back to `arm` when denied or unavailable.
    ResourceGraph,
}

/// Scope and credentials of the AWS collector.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "AWS scope")]
pub struct AwsArgs {
    /// Regions, comma-separated. Default: every region enabled for the account.
    #[arg(long, value_delimiter = ',', value_name = "REGION,...")]
    pub regions: Option<Vec<String>>,
    /// A named profile from the shared AWS config files.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Assume this role (repeatable: one account per role).
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,
    /// External ID for the assumed roles.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// With AWS Organizations: list the member accounts and assume this role name in each.
    #[arg(long, value_name = "ROLE_NAME")]
    pub organization_role: Option<String>,
    /// Concurrent (account, region, service) tasks.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
    /// Requests per second per (account, region, service); 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub rate_limit: u32,
    /// Attempts per request, retries included (adaptive retry with backoff).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_attempts: u32,
    /// Read this AWS Config aggregator (in the caller's account) to enumerate an
    /// organisation's resources in one query, instead of each account's recorder.
    #[arg(long, value_name = "NAME")]
    pub config_aggregator: Option<String>,
    /// Skip whole-estate enumeration (tagging API, AWS Config): only the kinds
    /// onus evaluates in depth are collected, and the coverage says so.
    #[arg(long)]
    pub no_enumerate: bool,
}

/// Arguments of `onus collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The cloud or SaaS tenant to collect from.
    #[arg(value_enum)]
    pub cloud: Cloud,
    /// Where to write the inventory (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Collect only shard I of N (1-based) of the accounts or subscriptions, split
    /// by a stable hash: N scheduled runners cover an organisation between them.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub azure: AzureArgs,
    #[command(flatten)]
    pub gcp: GcpArgs,
    #[command(flatten)]
    pub saas: SaasArgs,
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
}

/// Arguments of `onus audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Collect from these clouds and SaaS tenants now (one or more, e.g.
    /// `aws m365`) and audit what was collected, in one report.
    #[arg(value_enum, conflicts_with = "inventory", value_name = "CLOUD")]
    pub clouds: Vec<Cloud>,

    /// The inventory to audit (`onus.inventory/v1` JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,

    /// Collect only shard I of N (1-based) of the accounts or subscriptions, split
    /// by a stable hash: N scheduled runners cover an organisation between them.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,

    #[command(flatten)]
    pub aws: AwsArgs,

    #[command(flatten)]
    pub azure: AzureArgs,

    #[command(flatten)]
    pub gcp: GcpArgs,

    #[command(flatten)]
    pub saas: SaasArgs,

    #[command(flatten)]
    pub timeouts: TimeoutArgs,

    /// A catalog file merged over the built-in catalog (reclassify kinds, shift duties).
    #[arg(help_heading = "Policy", long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    #[command(flatten, next_help_heading = "Compliance")]
    pub frameworks: FrameworkArgs,

    /// Output formats, comma-separated. Default: table on a terminal, json otherwise.
    #[arg(help_heading = "Outputs", long, value_parser = format_parser(), value_delimiter = ',', value_name = "F,...")]
    pub format: Vec<Format>,

    /// Write to PATH instead of standard output: a file for one format, a directory
    /// (one `onus.<ext>` per format) for several.
    #[arg(help_heading = "Outputs", long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// What makes the audit fail, comma-separated.
    #[arg(
        help_heading = "Policy",
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "POLICY",
        default_value = "unaddressed,incomplete"
    )]
    pub fail_on: Vec<FailOn>,

    /// A previous JSON report or `onus baseline` file: findings are marked new or
    /// existing, and resolved gaps are listed.
    #[arg(help_heading = "Policy", long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Store the run in a history store: `sqlite:PATH` or `postgres://…`; without a
    /// value, the default SQLite file (see `onus history --help`).
    #[arg(help_heading = "History store", long, value_name = "URL", num_args = 0..=1, default_missing_value = "default")]
    pub store: Option<onus_store::StoreUrl>,

    /// Configuration with waivers (default: ./onus.toml when it exists).
    #[arg(help_heading = "Policy", long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Audit resources of kinds the catalog does not know as `unclassified` (every
    /// duty the customer's) instead of refusing the inventory.
    #[arg(help_heading = "Policy", long)]
    pub allow_unclassified: bool,

    /// Require customer-managed keys for encryption at rest (rule ENC004).
    #[arg(help_heading = "Policy", long)]
    pub require_customer_managed_keys: bool,

    /// Access keys older than this many days are a gap (rule IAM004).
    #[arg(help_heading = "Policy", long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=36_500))]
    pub max_access_key_age: i64,

    /// After writing files, print nothing on standard error (by default one line
    /// names each file written and the verdict).
    #[arg(help_heading = "Outputs", long, short)]
    pub quiet: bool,
}

/// Arguments of `onus rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// A format for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A readable table.
    Table,
    /// JSON.
    Json,
    /// Markdown documentation (every rule with its full documentation).
    Markdown,
}

/// Arguments of `onus explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (NET001), `firewall`, or a control id (CEK-03, or
    /// cis-aws-5.0:1.4 where several frameworks use the id).
    pub code: String,
    #[command(flatten)]
    pub frameworks: FrameworkDirArg,
}

/// `--frameworks DIR`: framework files of the user's own.
#[derive(Debug, Args, Clone, Default)]
pub struct FrameworkDirArg {
    /// Load every *.toml framework file of this directory besides the built-in ones.
    #[arg(long = "frameworks", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `--framework ID` and `--frameworks DIR`: the compliance view of a report.
#[derive(Debug, Args, Clone, Default)]
pub struct FrameworkArgs {
    /// Add the compliance view of a framework (repeatable or comma-separated;
    /// `onus frameworks` lists them), e.g. ccm-4.0.
    #[arg(long = "framework", value_name = "ID", value_delimiter = ',')]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub dir: FrameworkDirArg,
}

/// Arguments of `onus frameworks`.
#[derive(Debug, Args)]
pub struct FrameworksArgs {
    #[command(flatten)]
    pub dir: FrameworkDirArg,
    /// Output format (table or JSON).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Arguments of `onus matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Show one kind's duties, owners and the reasons for provider shifts.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// A catalog file merged over the built-in catalog.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

/// Which schema `onus schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The inventory format, onus.inventory/v1.
    Inventory,
    /// The JSON report format, onus.report/v1.
    Report,
    /// The JSON asset list of `onus plan --assets`.
    Assets,
}

/// Arguments of `onus schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub which: SchemaKind,
}

/// Arguments of `onus baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// A JSON report (`onus audit --format json`).
    #[arg(long, value_name = "REPORT")]
    pub from: PathBuf,
    /// Where to write the baseline.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Clouds to plan for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanTarget {
    /// AWS (and the SaaS the catalog pairs with it).
    Aws,
    /// Azure (and Microsoft's SaaS).
    Azure,
    /// Both, side by side.
    Both,
}

/// A migration strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Lift and shift onto virtual machines (IaaS).
    Rehost,
    /// Move onto a managed platform (PaaS).
    Replatform,
    /// Rebuild on cloud-native services.
    Refactor,
    /// Replace with SaaS.
    Repurchase,
}

/// Output formats of `onus plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A readable table (the default on a terminal).
    Table,
    /// JSON, `onus.plan/v1` (the default on a pipe or file).
    Json,
    /// Markdown.
    #[value(alias = "md")]
    Markdown,
    /// A self-contained HTML page with before/after matrices.
    Html,
}

/// Arguments of `onus plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The asset list: CSV with a header row, or JSON (`onus schema assets`).
    #[arg(long, value_name = "FILE")]
    pub assets: PathBuf,
    /// The cloud(s) to plan for.
    #[arg(long, value_enum, default_value_t = PlanTarget::Both)]
    pub target: PlanTarget,
    /// Only this strategy (an asset's own `strategy` column wins). Default: every strategy.
    #[arg(long, value_enum)]
    pub strategy: Option<StrategyArg>,
    /// An audit report (JSON) of the deployed resources, tagged `onus:asset=NAME`.
    #[arg(long, value_name = "REPORT")]
    pub verify: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<PlanFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A catalog file merged over the built-in catalog.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Show which controls of a framework that gives ownership per service
    /// model (ccm-4.0) change owner with each move.
    #[command(flatten)]
    pub frameworks: FrameworkArgs,
}

/// The store of the history commands.
#[derive(Debug, Clone, Args)]
pub struct StoreArg {
    /// `sqlite:PATH` or `postgres://USER:PASSWORD@HOST/DB`. Default: ONUS_STORE, else
    /// sqlite at $XDG_DATA_HOME/onus/history.db (~/.local/share/onus/history.db).
    #[arg(long, value_name = "URL", env = "ONUS_STORE", hide_env_values = true)]
    pub store: Option<onus_store::StoreUrl>,
}

/// A format for history outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// A readable table.
    Table,
    /// JSON.
    Json,
    /// Markdown.
    #[value(alias = "md")]
    Markdown,
}

/// Arguments of `onus history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// How many runs (1 or more).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub limit: i64,
    /// Check the store's integrity first (SQLite `integrity_check`, orphan rows).
    #[arg(long)]
    pub check: bool,
    /// Show the trend of a framework's controls instead: the runs stored with
    /// `--framework ID`, oldest first, controls per status and the failing ones.
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
}

/// Arguments of `onus diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The older run (with NEW); default: the last two runs of the newest run's scope.
    #[arg(value_name = "OLD", requires = "new")]
    pub old: Option<String>,
    /// The newer run.
    #[arg(value_name = "NEW")]
    pub new: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
}

/// Arguments of `onus report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The run (`onus history` lists them).
    #[arg(long, value_name = "ID")]
    pub run: String,
    #[command(flatten)]
    pub frameworks: FrameworkArgs,
    /// Output formats, comma-separated.
    #[arg(long, value_parser = format_parser(), value_delimiter = ',', value_name = "F,...")]
    pub format: Vec<Format>,
    /// A file (one format) or a directory (several).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Arguments of `onus prune`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["keep", "older_than"])))]
pub struct PruneArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Keep the newest N runs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub keep: Option<i64>,
    /// Delete runs older than this: 30d, 12h, 90m, 1w 2d (at most 100 years).
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub older_than: Option<std::time::Duration>,
}

/// The longest age `--older-than` takes.
const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(100 * 366 * 86_400);

/// A positive duration such as `30d`, `12h`, `90m` or `1w 2d` (humantime's
/// grammar); negative, overflowing or garbage input is a usage error.
pub(crate) fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("'{s}' is not a duration such as 30d, 12h or 90m ({e})"))?;
    if d > MAX_AGE {
        return Err(format!("'{s}' is more than 100 years"));
    }
    Ok(d)
}

/// Parse `I/N` with 1 <= I <= N.
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("'{s}' is not I/N (e.g. 2/8)"))?;
    let (i, n): (u32, u32) = (
        i.trim()
            .parse()
            .map_err(|_| format!("'{i}' is not a number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("'{n}' is not a number"))?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: need 1 <= I <= N"));
    }
    Ok((i, n))
}
