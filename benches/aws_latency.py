"""Benchmark: collection of a large estate at real latency, with moto behind a delaying proxy.

    cargo build --release
    .venv/bin/python benches/aws_latency.py [--latency-ms 200] [--scale 1.0]

Starts moto on 127.0.0.1 (a free port) and seeds it directly with about 2,000
resources in us-east-1 and eu-west-1 that each need reads of their own (S3
buckets, SQS queues, SNS topics, DynamoDB tables, KMS keys; --scale multiplies
the counts). Then runs `onus audit aws --regions us-east-1,eu-west-1` through a
loopback proxy that holds every request for --latency-ms before forwarding it,
as a region 200 ms away would, and reports:

- resources in the report and requests the proxy forwarded;
- wall time, and the effective concurrency: requests x latency / wall time
  (how many requests were in flight on average), beside the peak the proxy saw;
- onus's peak resident memory (the child's maximum resident set size).

Nothing leaves the machine: moto, the proxy and the Resource Explorer stub all
listen on loopback.
"""
import argparse
import http.client
import json
import os
import resource
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_moto import ROOT, NoExplorerIndex, start_moto  # noqa: E402

import boto3  # noqa: E402

REGIONS = ("us-east-1", "eu-west-1")
ACCOUNT = "123456789012"


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.inflight = 0
        self.peak = 0


def proxy_handler(upstream_port, latency, counter):
    local = threading.local()

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            with counter.lock:
                counter.requests += 1
                counter.inflight += 1
                counter.peak = max(counter.peak, counter.inflight)
            try:
                time.sleep(latency)
                if getattr(local, "conn", None) is None:
                    local.conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                try:
                    local.conn.request(self.command, self.path, body, headers)
                    resp = local.conn.getresponse()
                except (http.client.HTTPException, OSError):
                    local.conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
                    local.conn.request(self.command, self.path, body, headers)
                    resp = local.conn.getresponse()
                data = resp.read()
            finally:
                with counter.lock:
                    counter.inflight -= 1
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "content-length", "connection", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = forward

        def log_message(self, *args):
            pass

    return Proxy


def seed(url, scale):
    def client(service, region):
        return boto3.client(service, region_name=region, endpoint_url=url,
                            aws_access_key_id="test", aws_secret_access_key="test")

    n = lambda base: max(1, int(base * scale))  # noqa: E731
    count = 0
    for region in REGIONS:
        s3 = client("s3", region)
        for i in range(n(100)):
            name = f"bench-{region}-{i}"
            if region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
            count += 1
        sqs = client("sqs", region)
        for i in range(n(400)):
            sqs.create_queue(QueueName=f"bench-queue-{i}")
            count += 1
        sns = client("sns", region)
        for i in range(n(250)):
            sns.create_topic(Name=f"bench-topic-{i}")
            count += 1
        ddb = client("dynamodb", region)
        for i in range(n(100)):
            ddb.create_table(TableName=f"bench-table-{i}", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
            count += 1
        kms = client("kms", region)
        for i in range(n(150)):
            kms.create_key(Description=f"bench-key-{i}")
            count += 1
    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency-ms", type=int, default=200)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--onus", default=os.path.join(ROOT, "target", "release", "onus"))
    ap.add_argument("--extra", default="", help="extra onus arguments, space separated")
    ap.add_argument("--log", help="write onus's debug log (RUST_LOG=onus_aws=debug) to this file")
    args = ap.parse_args()

    moto, url = start_moto(dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false"))
    port = int(url.rsplit(":", 1)[1])
    try:
        t = time.perf_counter()
        seeded = seed(url, args.scale)
        print(f"seeded {seeded} resources in {time.perf_counter() - t:.1f} s")
        counter = Counter()
        latency = args.latency_ms / 1000
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), proxy_handler(port, latency, counter))
        proxy.daemon_threads = True
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        explorer = ThreadingHTTPServer(("127.0.0.1", 0), NoExplorerIndex)
        threading.Thread(target=explorer.serve_forever, daemon=True).start()
        audit_env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{proxy.server_address[1]}",
                         AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                         AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
                         AWS_ENDPOINT_URL_RESOURCE_EXPLORER_2=f"http://127.0.0.1:{explorer.server_address[1]}")
        cmd = [args.onus, "audit", "aws", "--regions", ",".join(REGIONS), "--format", "json", *args.extra.split()]
        if args.log:
            audit_env["RUST_LOG"] = "onus_aws=debug"
        t = time.perf_counter()
        out = subprocess.run(cmd, env=audit_env, capture_output=True)
        if args.log:
            with open(args.log, "wb") as f:
                f.write(out.stderr)
        wall = time.perf_counter() - t
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report = json.loads(out.stdout)
        resources = len(report["resources"])
        gaps = len(report.get("gaps", []))
        effective = counter.requests * latency / wall
        print(f"onus audit aws at {args.latency_ms} ms: {resources} resources, {counter.requests} requests, "
              f"{wall:.1f} s wall, effective concurrency {effective:.1f} (peak in flight {counter.peak}), "
              f"peak memory {peak_kib / 1024:.0f} MiB, {gaps} collection failures, exit {out.returncode}")
        causes = {}
        for g in report.get("gaps", []):
            key = f"{g.get('service')} {g.get('operation')} {g.get('cause')}"
            causes[key] = causes.get(key, 0) + 1
        for key, k in sorted(causes.items()):
            print(f"  failure: {key} x{k}")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
