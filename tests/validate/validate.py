"""Independent validators for onus outputs.

    python validate.py ocsf FILE    every event parses as a py-ocsf-models ComplianceFinding
    python validate.py junit FILE   junitparser reads it; prints {"tests", "failures", "skipped"}

Exits non-zero with the validator's message on the first invalid item.
"""
import json
import sys


def ocsf(path):
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

    events = json.load(open(path))
    assert isinstance(events, list) and events, "expected a non-empty JSON array of events"
    for i, e in enumerate(events):
        try:
            ComplianceFinding(**e)
        except Exception as err:  # noqa: BLE001 - report the validator's own message
            sys.exit(f"event {i}: {err}")
    print(json.dumps({"events": len(events)}))


def junit(path):
    from junitparser import JUnitXml, Failure, Skipped

    xml = JUnitXml.fromfile(path)
    tests = failures = skipped = 0
    for suite in xml:
        for case in suite:
            tests += 1
            kinds = {type(r) for r in case.result}
            failures += Failure in kinds
            skipped += Skipped in kinds
    print(json.dumps({"tests": tests, "failures": failures, "skipped": skipped}))


{"ocsf": ocsf, "junit": junit}[sys.argv[1]](sys.argv[2])
