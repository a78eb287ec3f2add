//! The AWS collector against moto: the seeded estate, read-only proof, canary credentials, unreachable endpoints.

use predicates::prelude::*;
use serde_json::Value;

use crate::fault::*;
use crate::moto::*;
use crate::util::*;

#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_audit_against_moto_matches_the_seeded_estate_and_writes_nothing() {
    let moto = Moto::start("aws_audit_against_moto");
    let expected = moto.python("seed.py");
    moto.post("/moto-api/recorder/start-recording").unwrap();
    let out = moto
        .onus()
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1,eu-west-1",
            "--format",
            "json",
            "--framework",
            "ccm-4.0",
        ])
        .output()
        .unwrap();
    moto.post("/moto-api/recorder/stop-recording").unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    let resources = report["resources"].as_array().unwrap();
    let mut mismatches = Vec::new();
    for (name, duties) in expected.as_object().unwrap() {
        // By name, or by id where names repeat (every VPC's group is "default").
        let Some(r) = resources
            .iter()
            .find(|r| r["name"] == name.as_str() || r["id"] == name.as_str())
        else {
            mismatches.push(format!("{name}: not in the report"));
            continue;
        };
        for (duty, want) in duties.as_object().unwrap() {
            let got = &r["duties"][duty]["status"];
            if got != want {
                mismatches.push(format!(
                    "{name} {duty}: want {want}, got {got} ({})",
                    r["duties"][duty]["reason"]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // GuardDuty is off in eu-west-1; Security Hub there is named beside it.
    let account = resources
        .iter()
        .find(|r| r["kind"] == "aws.iam.account")
        .unwrap();
    let td = &account["duties"]["threat-detection"];
    let reason = td["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("eu-west-1") && reason.contains("Security Hub (eu-west-1)"),
        "{td:#}"
    );
    assert!(
        !reason.contains("us-east-1)"),
        "Security Hub is off in us-east-1: {td:#}"
    );

    // The compliance view of the live estate: every CCM control with its three
    // owners; the estate's unencrypted stores and open groups make the
    // encryption and network-security controls unaddressed; a control no API
    // shows is never addressed.
    let ccm = &report["compliance"][0];
    let controls = ccm["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 197);
    for c in controls {
        assert!(c["ownership"]["iaas"].is_string() && c["ownership"]["saas"].is_string());
        if c.get("manual").is_some() {
            assert_ne!(c["status"], "addressed", "{}", c["id"]);
        }
    }
    let status = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
    };
    for id in ["CEK-03", "IVS-03", "IVS-09"] {
        assert_eq!(status(id).as_deref(), Some("unaddressed"), "{id}");
    }

    // Whole-estate enumeration: the tagging API was read in both regions, the
    // kinds onus does not evaluate are in the ledger, and the coverage says so.
    let coverage = &report["coverage"];
    let sources = coverage["sources"].as_array().unwrap();
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            sources
                .iter()
                .any(|s| s["source"] == "resourcegroupstaggingapi"
                    && s["region"] == region
                    && s["status"] == "used"),
            "{sources:#?}"
        );
        assert!(
            sources
                .iter()
                .any(|s| s["source"] == "config" && s["region"] == region),
            "AWS Config's fate is recorded too: {sources:#?}"
        );
    }
    // Resource Explorer was asked once for the account, and has no index there.
    assert!(
        sources
            .iter()
            .any(|s| s["source"] == "resource-explorer-2" && s["status"] == "absent"),
        "{sources:#?}"
    );
    assert!(
        coverage["totals"]["enumerated_only"].as_u64().unwrap() >= 1,
        "{coverage:#}"
    );
    let ecs = &coverage["kinds"]["aws.ecs.cluster"];
    assert_eq!(ecs["service_model"], "paas", "{coverage:#}");
    assert_eq!(ecs["evaluated"], 0, "{coverage:#}");
    for kind in [
        "aws.sqs.queue",
        "aws.sns.topic",
        "aws.kms.key",
        "aws.secretsmanager.secret",
        "aws.efs.file-system",
        "aws.logs.log-group",
        "aws.opensearch.domain",
        "aws.elasticache.replication-group",
        "aws.cloudfront.distribution",
        "aws.apigateway.stage",
    ] {
        assert_eq!(
            coverage["kinds"][kind]["enumerated_only"], 0,
            "{kind} is read in depth: {coverage:#}"
        );
    }
    // A resource read in depth is not duplicated by its enumeration.
    let ids: Vec<&str> = resources
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "a resource appears twice");

    // The emulator's SSM answers HTTP 500: recorded as gaps naming the operation.
    let gaps = report["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["service"] == "ssm"
        && g["operation"] == "DescribeInstanceInformation"
        && g["region"] == "us-east-1"));

    // Read-only: every request moto received was a Describe/Get/List (or HTTP GET).
    let recording = moto.python("recording.py");
    assert_eq!(
        recording["writes"],
        serde_json::json!([]),
        "the collector wrote: {recording}"
    );
    assert!(recording["requests"].as_u64().unwrap() > 20);
}

#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_collect_writes_an_inventory_that_audits_the_same() {
    let moto = Moto::start("aws_collect_writes_an_inventory");
    moto.python("seed.py");
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("aws.json");
    let out = moto
        .onus()
        .args(["collect", "aws", "--regions", "us-east-1", "--out"])
        .arg(&inv)
        .output()
        .unwrap();
    // SSM answers 500 in moto: the collection is incomplete (3), and says so.
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("collection failure(s)"));
    let text = std::fs::read_to_string(&inv).unwrap();
    let inventory: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(inventory["schema"], "onus.inventory/v1");
    assert!(
        inventory["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["region"] == "us-east-1" || r["region"].is_null())
    );
    // Every evidence pointer of real collector output resolves in its `raw`.
    assert_evidence_pointers_resolve(&inventory, 20);
    assert_raw_is_what_the_api_returned(&inventory);
    onus()
        .args(["audit", "--format", "json", "--inventory"])
        .arg(&inv)
        .assert()
        .code(1);
}

#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_credentials_never_reach_logs_or_outputs() {
    let moto = Moto::start("aws_credentials_never_reach_logs");
    let secret = "CanarySecretKey/ONUS/0123456789abcdefghijklmn";
    let token = "CanarySessionToken+ONUS+zyxwvutsrqponml";
    let out = moto
        .onus()
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token)
        .args([
            "-vv",
            "audit",
            "aws",
            "--regions",
            "us-east-1",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("DescribeInstances"), "-vv logs the SDK's work");
    assert!(
        !all.contains(secret) && !all.contains(token),
        "a credential reached the output"
    );
}

#[test]
fn aws_unreachable_endpoint_is_a_clear_incomplete_run() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    onus()
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "1",
        ])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "cannot authenticate to AWS at http://127.0.0.1:{port}"
        )))
        .stderr(predicate::str::contains("unreachable"));
}

/// Status of every (resource name, duty) pair of a report.
#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_faults_become_unknown_and_named_gaps_and_the_run_finishes() {
    let moto = Moto::start("aws_faults_become_unknown");
    moto.python("seed.py");
    let audit = |endpoint: &str| {
        let started = std::time::Instant::now();
        let out = moto
            .onus()
            .env("AWS_ENDPOINT_URL", endpoint)
            .args([
                "audit",
                "aws",
                "--regions",
                "us-east-1,eu-west-1",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (report, started.elapsed())
    };
    let (clean, _) = audit(&moto.endpoint);

    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![
            // RDS never answers in either region.
            ("Action=DescribeDBInstances", Fault::Hang),
            // Lambda function URLs denied (REST-JSON).
            (
                "/url ",
                Fault::Respond(
                    403,
                    "x-amzn-ErrorType: AccessDeniedException\r\nContent-Type: application/json\r\n",
                    r#"{"Message":"User is not authorized to perform lambda:GetFunctionUrlConfig"}"#,
                ),
            ),
            // CloudTrail fails with HTTP 500 (JSON protocol).
            (
                "DescribeTrails",
                Fault::Respond(
                    500,
                    "Content-Type: application/x-amz-json-1.1\r\n",
                    r#"{"__type":"InternalFailure","message":"injected"}"#,
                ),
            ),
            // DynamoDB throttles beyond every retry.
            (
                "DynamoDB_20120810.ListTables",
                Fault::Respond(
                    400,
                    "Content-Type: application/x-amz-json-1.0\r\n",
                    r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"#,
                ),
            ),
        ],
    );
    // The default timeouts (10 s an attempt, 30 s an operation) and retries.
    let (faulty, elapsed) = audit(&proxy.url);
    eprintln!("audit through the fault proxy: {elapsed:?}");
    assert!(
        elapsed < std::time::Duration::from_secs(60),
        "the audit took {elapsed:?} with one endpoint hanging"
    );

    let hits = proxy.hits.lock().unwrap().clone();
    for needle in [
        "DescribeDBInstances",
        "/url ",
        "DescribeTrails",
        "ListTables",
    ] {
        assert!(
            hits.iter().any(|h| h.contains(needle)),
            "{needle} never asked: {hits:?}"
        );
    }
    // Every fault is a named gap with its cause.
    let gaps = faulty["gaps"].as_array().unwrap();
    let gap = |service: &str, cause: &str| {
        gaps.iter()
            .any(|g| g["service"] == service && g["cause"] == cause)
    };
    assert!(gap("rds", "timed-out"), "{gaps:#?}");
    assert!(gap("lambda", "access-denied"), "{gaps:#?}");
    assert!(gap("cloudtrail", "api-error"), "{gaps:#?}");
    // Adaptive retry slows down after throttling; the retries stop before their
    // waits would use up the operation timeout, so the failure says throttled.
    assert!(gap("dynamodb", "throttled"), "{gaps:#?}");

    // Every duty either kept its status or became unknown; resources only the
    // faulted listings return are gone, never passed.
    let changed = assert_no_status_flips(&clean, &faulty, |id| {
        [":rds:", ":dynamodb:", ":cloudtrail:"]
            .iter()
            .any(|s| id.contains(s))
    });
    assert!(changed > 0, "the faults touched no duty");
    // Lambda identity (function URL auth) is unknown on every function; their other duties held.
    for r in faulty["resources"].as_array().unwrap() {
        if r["kind"] == "aws.lambda.function" {
            assert_eq!(r["duties"]["identity-access"]["status"], "unknown", "{r:#}");
        }
    }
}

/// The run's deadline holds on AWS too: with RDS hanging and a 60 s
/// operation timeout, the audit ends at `--deadline`, the hung reads named.
#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_a_hung_service_ends_by_the_deadline() {
    let moto = Moto::start("aws_deadline");
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![("Action=DescribeDBInstances", Fault::Hang)],
    );
    let started = std::time::Instant::now();
    let out = moto
        .onus()
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1",
            "--timeout",
            "60s",
            "--operation-timeout",
            "60s",
            "--deadline",
            "6s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    eprintln!("ended after {elapsed:?}");
    assert!(elapsed < std::time::Duration::from_secs(15), "{elapsed:?}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_named(&report, "DescribeDBInstances", "timed-out");
}

/// A listing throttled on every attempt, with attempts to spare, stops
/// retrying once the next wait would not fit in the operation timeout: the
/// failure is named `throttled` (what the API said), not `timed-out`.
#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_endless_throttling_is_named_throttled() {
    let moto = Moto::start("aws_endless_throttling");
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![(
            "DynamoDB_20120810.ListTables",
            Fault::Respond(
                400,
                "Content-Type: application/x-amz-json-1.0\r\n",
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"#,
            ),
        )],
    );
    let started = std::time::Instant::now();
    let out = moto
        .onus()
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "100",
            "--timeout",
            "4s",
            "--operation-timeout",
            "6s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let gaps = report["gaps"].as_array().unwrap();
    let tables = gaps
        .iter()
        .find(|g| g["service"] == "dynamodb")
        .unwrap_or_else(|| panic!("{gaps:#?}"));
    assert_eq!(tables["cause"], "throttled", "{tables}");
    assert!(
        tables["error"]
            .as_str()
            .unwrap_or_default()
            .contains("ThrottlingException"),
        "{tables}"
    );
    let hits = proxy.hits.lock().unwrap().len();
    assert!(hits > 3, "retried with attempts to spare: {hits}");
    assert!(elapsed < std::time::Duration::from_secs(30), "{elapsed:?}");
}

#[test]
#[cfg_attr(
    onus_missing_moto,
    ignore = "needs moto_server in .venv (the AWS emulator): run scripts/test, which installs it"
)]
fn aws_resource_explorer_aggregator_enumerates_the_regions_in_scope() {
    let moto = Moto::start("aws_resource_explorer");
    moto.python("seed.py");
    let account = "123456789012";
    let resources = serde_json::json!({"Resources": [
        // A kind onus does not evaluate, in each region in scope.
        {"Arn": format!("arn:aws:states:us-east-1:{account}:stateMachine:onus-flow"),
         "ResourceType": "states:stateMachine", "Service": "states", "Region": "us-east-1",
         "OwningAccountId": account,
         "Properties": [{"Name": "tags", "Data": [{"Key": "team", "Value": "flow"}]}]},
        {"Arn": format!("arn:aws:glue:eu-west-1:{account}:job/onus-etl"),
         "ResourceType": "glue:job", "Service": "glue", "Region": "eu-west-1",
         "OwningAccountId": account, "Properties": []},
        // A region out of scope: dropped.
        {"Arn": format!("arn:aws:glue:ap-south-1:{account}:job/elsewhere"),
         "ResourceType": "glue:job", "Service": "glue", "Region": "ap-south-1",
         "OwningAccountId": account, "Properties": []},
        // A queue the deep collector reads too: merged, not duplicated.
        {"Arn": format!("arn:aws:sqs:us-east-1:{account}:onus-events"),
         "ResourceType": "sqs:queue", "Service": "sqs", "Region": "us-east-1",
         "OwningAccountId": account, "Properties": []}
    ]});
    let body: &'static str = Box::leak(resources.to_string().into_boxed_str());
    let indexes: &'static str = Box::leak(
        format!(r#"{{"Indexes":[{{"Arn":"arn:aws:resource-explorer-2:eu-west-1:{account}:index/1","Region":"eu-west-1","Type":"AGGREGATOR"}}]}}"#)
            .into_boxed_str(),
    );
    let json = "Content-Type: application/json\r\n";
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![
            ("POST /ListIndexes ", Fault::Respond(200, json, indexes)),
            ("POST /ListResources ", Fault::Respond(200, json, body)),
        ],
    );
    let out = moto
        .onus()
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1,eu-west-1",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let hits = proxy.hits.lock().unwrap().clone();
    assert_eq!(
        hits.iter().filter(|h| h.contains("ListIndexes")).count(),
        1,
        "one ListIndexes for the account: {hits:?}"
    );
    let sources = report["coverage"]["sources"].as_array().unwrap();
    let explorer = sources
        .iter()
        .find(|s| s["source"] == "resource-explorer-2")
        .unwrap_or_else(|| panic!("{sources:#?}"));
    assert_eq!(explorer["status"], "used", "{explorer:#}");
    assert_eq!(explorer["region"], "eu-west-1", "{explorer:#}");
    assert_eq!(
        explorer["resources"], 3,
        "the out-of-scope region is dropped: {explorer:#}"
    );

    let all = report["resources"].as_array().unwrap();
    let find = |id: &str| all.iter().filter(|r| r["id"] == id).collect::<Vec<_>>();
    let flow = find(&format!(
        "arn:aws:states:us-east-1:{account}:stateMachine:onus-flow"
    ));
    assert_eq!(flow.len(), 1);
    assert_eq!(flow[0]["kind"], "aws.stepfunctions.state-machine");
    assert_eq!(flow[0]["region"], "us-east-1");
    let etl = find(&format!("arn:aws:glue:eu-west-1:{account}:job/onus-etl"));
    assert_eq!(etl.len(), 1);
    assert_eq!(etl[0]["kind"], "aws.glue.job");
    assert_eq!(etl[0]["duties"]["identity-access"]["status"], "unknown");
    assert!(find(&format!("arn:aws:glue:ap-south-1:{account}:job/elsewhere")).is_empty());
    let queue = find(&format!("arn:aws:sqs:us-east-1:{account}:onus-events"));
    assert_eq!(queue.len(), 1, "merged by ARN");
    assert_eq!(
        queue[0]["duties"]["encryption-at-rest"]["status"], "addressed",
        "the deep collector's reading wins: {:#}",
        queue[0]
    );
}

/// `raw` holds the API's answers with the API's field names and shapes, never
/// onus's conclusions (found by review: `{"AllFourOn": true}`,
/// `"NetworkInterfacesUsingIt": 2`, `"MultiRegionLogging": [...]` were there,
/// and evidence pointed at them).
fn assert_raw_is_what_the_api_returned(inventory: &Value) {
    let resources = inventory["resources"].as_array().unwrap();
    let of = |kind: &'static str| resources.iter().filter(move |r| r["kind"] == kind);
    let text = inventory.to_string();
    for made_up in [
        "AllFourOn",
        "NetworkInterfacesUsingIt",
        "MultiRegionLogging",
    ] {
        assert!(!text.contains(made_up), "raw holds onus's own {made_up}");
    }
    let mut groups = 0;
    for sg in of("aws.ec2.security-group") {
        for p in sg["raw"]["IpPermissions"].as_array().unwrap() {
            for range in p["IpRanges"].as_array().unwrap() {
                assert!(range["CidrIp"].is_string(), "{range}");
                groups += 1;
            }
        }
        // Each ingress rule's evidence is the CIDR entry it came from.
        for (i, rule) in sg["facets"]["network"]["ingress"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let pointer = sg["sources"][format!("network.ingress[{i}]")]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no pointer for ingress[{i}]", sg["id"]));
            assert_eq!(
                sg["raw"].pointer(pointer),
                Some(&rule["source"]),
                "{pointer}"
            );
        }
    }
    assert!(groups > 0, "no security group ranges seen");
    let mut buckets = 0;
    for b in of("aws.s3.bucket") {
        let account = &b["raw"]["AccountPublicAccessBlock"]["PublicAccessBlockConfiguration"];
        assert!(
            account.is_null() || account["BlockPublicAcls"].is_boolean(),
            "{account}"
        );
        let own = &b["raw"]["PublicAccessBlockConfiguration"];
        assert!(
            own.is_null() || own.get("BlockPublicAcls").is_some(),
            "{own}"
        );
        let sse = &b["raw"]["ServerSideEncryptionConfiguration"];
        assert!(sse.is_null() || sse["Rules"].is_array(), "{sse}");
        buckets += 1;
    }
    assert!(buckets > 0);
    for a in of("aws.iam.account") {
        for t in a["raw"]["Trails"].as_array().unwrap() {
            assert!(t["Trail"]["Name"].is_string(), "{t}");
        }
    }
}
