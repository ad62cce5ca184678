#!/usr/bin/env python3
"""The served OpenAPI document is valid OpenAPI 3.1 (issue 17): a server on an empty SQLite file,
`GET /api/v1/openapi.json` without a token, `openapi-spec-validator` on it.

Usage: Benchmarks/openapi_check.py [--bin PATH]. Exit status 0 when it validates.
"""
import argparse, json, os, subprocess, sys, tempfile, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
from visits_reliability import Server, free_port  # noqa: E402
from openapi_spec_validator import validate  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "sanbao"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sanbao-openapi-")
    env = dict(os.environ, LOG_LEVEL="warning", DATABASE_URL="sqlite:" + os.path.join(work, "openapi.sqlite"))
    server = Server(args.bin, env, free_port(), open(os.path.join(work, "server.log"), "ab"))
    server.start()
    try:
        document = json.load(urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/v1/openapi.json", timeout=30))
    finally:
        server.kill(15)
    validate(document)
    operations = sum(len(v) for v in document["paths"].values())
    print(f"OpenAPI {document['openapi']}: {len(document['paths'])} paths, {operations} operations, "
          f"{len(document['components']['schemas'])} schemas — valid")


if __name__ == "__main__":
    main()
