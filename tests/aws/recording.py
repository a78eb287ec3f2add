"""Summarise a moto recording: which operations were called, and whether any wrote.

Usage: python recording.py ENDPOINT_URL  (downloads /moto-api/recorder/download-recording)
Prints {"requests": N, "operations": {"Service:Op": count}, "writes": [...]}.
"""
import base64
import json
import sys
import urllib.parse
import urllib.request

# AWS Config's Select* operations run a read-only query over recorded resources.
READ = ("Describe", "Get", "List", "Select")
# REST APIs whose read operations are POSTs (a request body too large for a query string).
READ_POSTS = {
    ("es", "/2021-01-01/opensearch/domain-info"): "DescribeDomains",
    ("inspector2", "/status/batch/get"): "BatchGetAccountStatus",
}

with urllib.request.urlopen(sys.argv[1] + "/moto-api/recorder/download-recording") as response:
    lines = [l for l in response.read().decode().splitlines() if l.strip()]

operations, writes = {}, []
for line in lines:
    entry = json.loads(line)
    headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    scope = headers.get("authorization", "").split("Credential=")[-1].split("/")
    service = scope[3] if len(scope) > 3 else "?"
    method = entry.get("method", "GET")
    if "x-amz-target" in headers:
        op = headers["x-amz-target"].split(".")[-1]
        is_read = op.startswith(READ)
    elif headers.get("content-type", "").startswith("application/x-www-form-urlencoded") and "Action=" in body:
        op = urllib.parse.parse_qs(body).get("Action", ["?"])[0]
        is_read = op.startswith(READ)
    else:
        path = urllib.parse.urlparse(entry.get("url", "")).path
        op = READ_POSTS.get((service, path)) if method == "POST" else None
        is_read = op is not None or method in ("GET", "HEAD")
        op = op or f"{method} {path}"
    key = f"{service}:{op}"
    operations[key] = operations.get(key, 0) + 1
    if not is_read:
        writes.append(key)

json.dump({"requests": len(lines), "operations": operations, "writes": writes}, sys.stdout, indent=1, sort_keys=True)
