"""Benchmark: audit a seeded two-region estate in moto; report wall time and requests.

    cargo build --release
    .venv/bin/python benches/aws_moto.py [--runs 5] [--prowler PATH_TO_PROWLER]

Starts moto on 127.0.0.1 (a free port), seeds it with tests/aws/seed.py (74
resources in onus's report, across us-east-1 and eu-west-1), then times
`onus audit aws --regions us-east-1,eu-west-1 --format json` (best and median of
--runs) and counts the requests moto received during one audit. With --prowler,
times Prowler's equivalent checks against the same emulator for comparison.
Nothing leaves the machine: every request goes to the loopback emulator.
moto has no Resource Explorer; a loopback stub answers it as AWS does for an
account without an index (the SDK's per-service endpoint variable points there).
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.path.dirname(sys.executable), "moto_server")

# Prowler checks covering the same duties as onus's AWS rules.
PROWLER_CHECKS = [
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
    "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
    "ec2_instance_imdsv2_enabled",
    "ec2_ebs_volume_encryption",
    "ec2_ebs_default_encryption",
    "ec2_ebs_public_snapshot",
    "ec2_instance_managed_by_ssm",
    "s3_bucket_default_encryption",
    "s3_bucket_level_public_access_block",
    "s3_bucket_public_access",
    "s3_bucket_secure_transport_policy",
    "s3_bucket_object_versioning",
    "s3_bucket_server_access_logging_enabled",
    "iam_root_mfa_enabled",
    "iam_user_mfa_enabled_console_access",
    "iam_rotate_access_key_90_days",
    "iam_password_policy_minimum_length_14",
    "cloudtrail_multi_region_enabled",
    "rds_instance_storage_encrypted",
    "rds_instance_no_public_access",
    "rds_instance_minor_version_upgrade_enabled",
    "rds_instance_backup_enabled",
    "dynamodb_tables_pitr_enabled",
    "awslambda_function_using_supported_runtimes",
    "awslambda_function_url_public",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoExplorerIndex(BaseHTTPRequestHandler):
    """Resource Explorer for an account without an aggregator index."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"Indexes":[]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def post(url):
    urllib.request.urlopen(urllib.request.Request(url, method="POST")).read()


def start_moto(env=None):
    """moto on a free loopback port, once it answers: (process, base URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen([BIN, "-H", "127.0.0.1", "-p", str(port)], env=env or dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            post(url + "/moto-api/recorder/stop-recording")
            break
        except OSError:
            time.sleep(0.1)
    return moto, url


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--onus", default=os.path.join(ROOT, "target", "release", "onus"))
    ap.add_argument("--prowler", help="path to a prowler executable to compare with")
    ap.add_argument("--prowler-full", action="store_true",
                    help="with --prowler, run its full default scan instead of the equivalent checks")
    args = ap.parse_args()

    env = dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false", MOTO_ENABLE_RECORDING="True",
               MOTO_RECORDER_FILEPATH=f"/tmp/onus-bench-{os.getpid()}.rec")
    moto, url = start_moto(env)
    port = url.rsplit(":", 1)[1]
    try:
        seeded = json.loads(subprocess.check_output([sys.executable, os.path.join(ROOT, "tests/aws/seed.py"), url]))
        explorer = ThreadingHTTPServer(("127.0.0.1", 0), NoExplorerIndex)
        threading.Thread(target=explorer.serve_forever, daemon=True).start()
        audit_env = dict(os.environ, AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                         AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
                         AWS_ENDPOINT_URL_RESOURCE_EXPLORER_2=f"http://127.0.0.1:{explorer.server_address[1]}")
        cmd = [args.onus, "audit", "aws", "--regions", "us-east-1,eu-west-1", "--format", "json"]
        times, resources = [], 0
        for i in range(args.runs):
            if i == 0:
                post(url + "/moto-api/recorder/start-recording")
            t = time.perf_counter()
            out = subprocess.run(cmd, env=audit_env, capture_output=True)
            times.append(time.perf_counter() - t)
            if i == 0:
                post(url + "/moto-api/recorder/stop-recording")
                report = json.loads(out.stdout)["resources"]
                resources = len(report)
                onus_ids = {r["id"] for r in report}
        rec = json.loads(subprocess.check_output([sys.executable, os.path.join(ROOT, "tests/aws/recording.py"), url]))
        print(f"estate: {len(seeded)} seeded resources checked, {resources} resources in the report")
        print(f"onus audit aws: best {min(times):.3f} s, median {statistics.median(times):.3f} s over {args.runs} runs; "
              f"{rec['requests']} requests ({rec['requests'] / max(resources, 1):.2f} per resource), {len(rec['writes'])} writes")
        if args.prowler:
            checks = [] if args.prowler_full else ["--checks", *PROWLER_CHECKS]
            pcmd = [args.prowler, "aws", "--no-banner", "-f", "us-east-1", "eu-west-1", *checks,
                    "-M", "json-ocsf", "-o", f"/tmp/prowler-bench-{port}"]
            post(url + "/moto-api/recorder/start-recording")
            t = time.perf_counter()
            p = subprocess.run(pcmd, env=audit_env, capture_output=True)
            elapsed = time.perf_counter() - t
            post(url + "/moto-api/recorder/stop-recording")
            prec = json.loads(subprocess.check_output([sys.executable, os.path.join(ROOT, "tests/aws/recording.py"), url]))
            # The resources Prowler's findings name (OCSF resources[].uid).
            named = set()
            out_dir = f"/tmp/prowler-bench-{port}"
            for root, _, files in os.walk(out_dir):
                for f in files:
                    if f.endswith(".ocsf.json"):
                        try:
                            for finding in json.load(open(os.path.join(root, f))):
                                for r in finding.get("resources", []):
                                    if r.get("uid"):
                                        named.add(r["uid"])
                        except (OSError, ValueError):
                            pass
            what = "full default scan" if args.prowler_full else f"{len(PROWLER_CHECKS)} checks"
            print(f"prowler ({what}): {elapsed:.3f} s, exit {p.returncode}; {prec['requests']} requests; "
                  f"{len(named)} resources named in its findings")
            # What Prowler names that onus's report does not, in three kinds: its
            # pseudo-resources (account- and region-level settings and services that
            # are off, named by a bare type or ".../unknown"), AWS's own managed
            # policies, and real resources of the account. A parent is named when
            # onus names a child of it (a REST API through its stages); log
            # groups are compared without the API's ":*" suffix.
            normal = {u.removesuffix(":*") for u in onus_ids}
            missed = sorted(u for u in named if u.removesuffix(":*") not in normal
                            and not any(o.startswith(u.removesuffix(":*") + "/") for o in normal))
            def kind_of(uid):
                parts = uid.split(":", 5)
                tail = parts[5] if len(parts) == 6 else ""
                if parts[:5] == ["arn", "aws", "iam", "", "aws"]:
                    return "aws-managed"
                if not tail or tail.endswith("/unknown") or tail == "unknown" or ("/" not in tail and ":" not in tail):
                    return "pseudo"
                if tail == f"registry/{parts[4]}":
                    return "pseudo"  # the account's registry settings
                return "resource"
            for label in ("resource", "aws-managed", "pseudo"):
                these = [u for u in missed if kind_of(u) == label]
                print(f"named by Prowler, not in onus's report ({label}): {len(these)}")
                for u in these:
                    print(f"  {u}")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
