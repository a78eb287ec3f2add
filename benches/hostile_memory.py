"""Benchmark: onus's peak memory against endpoints that send too much.

    cargo build --release
    python3 benches/hostile_memory.py [--sizes-mb 200,1500] [--pages 3000]

Serves a mock Azure Resource Manager on 127.0.0.1 and audits it with
`onus audit azure --azure-source arm` once per case:

- one list response of N MB (the generic resource list), streamed without a
  Content-Length, so only onus's reading limit (32 MiB, --max-response-mib)
  can stop it;
- a listing of many ordinary pages (about 370 KB each, --pages of them),
  which only the listing's byte budget (256 MiB) stops.

For each case it reports the bytes the server managed to send, onus's exit
code, the collection failure onus named, wall time and onus's peak resident
memory (the child's maximum resident set size). Before the limits, a 200 MB
response took onus to 4-5 GB and a 1.5 GB one aborted it with no report.
Needs only the standard library; nothing leaves the machine.
"""
import argparse
import json
import os
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUB = "7f3c2a1e-5b4d-4c8e-9a6f-2d1b0c9e8a7f"
DISK = json.dumps({
    "id": f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d",
    "name": "d",
    "type": "Microsoft.Compute/disks",
    "location": "westeurope",
    "properties": {"diskSizeGB": 32, "encryption": {"type": "EncryptionAtRestWithPlatformKey"}},
}) + ","


class Server:
    """A loopback HTTP server: the generic list is `case`, everything else empty."""

    def __init__(self, case, size_mb, pages):
        self.case, self.size, self.pages = case, size_mb << 20, pages
        self.sent = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn):
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            target = head.split(b" ", 2)[1].decode()
            path, _, query = target.partition("?")
            ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            try:
                if path != f"/subscriptions/{SUB}/resources":
                    body = b'{"value":[]}'
                    conn.sendall(ok + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                elif self.case == "one-response":
                    conn.sendall(ok + b"\r\n" + b'{"value":[')
                    chunk = (DISK * 4000).encode()
                    while self.sent < self.size:
                        conn.sendall(chunk)
                        self.sent += len(chunk)
                    conn.sendall(b"{}]}")
                else:
                    page = int(query.split("page=")[1]) if "page=" in query else 0
                    items = (DISK * 1500).rstrip(",")
                    nxt = f'"{self.url}subscriptions/{SUB}/resources?api-version=2021-04-01&page={page + 1}"'
                    link = f',"nextLink":{nxt}' if page + 1 < self.pages else ""
                    body = f'{{"value":[{items}]{link}}}'.encode()
                    self.sent += len(body)
                    conn.sendall(ok + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            except OSError:
                pass


def run(onus, case, size_mb, pages):
    server = Server(case, size_mb, pages)
    started = time.monotonic()
    child = subprocess.Popen(
        [onus, "audit", "azure", "--subscription", SUB, "--azure-endpoint", server.url,
         "--azure-source", "arm", "--format", "json"],
        env={**os.environ, "ONUS_AZURE_TOKEN": "bench"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    outputs = {}
    readers = [
        threading.Thread(target=lambda: outputs.__setitem__("out", child.stdout.read())),
        threading.Thread(target=lambda: outputs.__setitem__("err", child.stderr.read())),
    ]
    for r in readers:
        r.start()
    # This child's own maximum resident set size.
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    wall = time.monotonic() - started
    peak_text = f"{usage.ru_maxrss // 1024} MiB"
    out = subprocess.CompletedProcess(child.args, child.returncode, outputs["out"], outputs["err"])
    failure = "-"
    try:
        report = json.loads(out.stdout)
        failure = next(
            (f'{g["operation"]} {g["cause"]}' for g in report["gaps"] if g["operation"] == "resources/list"),
            "-",
        )
    except (ValueError, KeyError):
        failure = "no report: " + out.stderr.decode(errors="replace")[-200:]
    label = f"{size_mb} MB in one response" if case == "one-response" else f"{pages} pages of ~370 KB"
    print(f"| {label} | {server.sent >> 20} MiB | {out.returncode} | {failure} | {wall:.1f} s | {peak_text} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onus", default=os.path.join(ROOT, "target", "release", "onus"))
    ap.add_argument("--sizes-mb", default="200,1500")
    ap.add_argument("--pages", type=int, default=3000)
    args = ap.parse_args()
    print("| what the endpoint sends | sent before onus stopped | exit | failure named | wall | peak RSS |")
    print("|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes_mb.split(",")):
        run(args.onus, "one-response", size, 0)
    run(args.onus, "pages", 0, args.pages)


if __name__ == "__main__":
    main()
