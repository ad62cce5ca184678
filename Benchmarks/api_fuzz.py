#!/usr/bin/env python3
"""Fuzzing the API against its own description (issue 17): a server on the demo city, then
`schemathesis` over every operation of `/api/v1/openapi.json`, once with the office's token and
once with a cadre's — generated parameters and bodies, a fixed seed, a bounded number of examples.
Checks: no 5xx answer, and every answer conforms to its schema.

Usage: Benchmarks/api_fuzz.py [--bin PATH] [--examples N] [--seed N]. Exit status 0 when both runs pass.
"""
import argparse, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
from visits_reliability import Server, free_port  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "sanbao"))
    ap.add_argument("--examples", type=int, default=15)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sanbao-fuzz-")
    env = dict(os.environ, LOG_LEVEL="warning", DATABASE_URL="sqlite:" + os.path.join(work, "fuzz.sqlite"),
               SANBAO_SIGNIN_PER_MINUTE="1000")
    subprocess.run([args.bin, "demo"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(args.bin, env, free_port(), open(os.path.join(work, "server.log"), "ab"))
    server.start()
    results = {}
    try:
        for role, user in [("office", "office"), ("cadre", "C00193")]:
            token = subprocess.run([args.bin, "token", "create", user, "--name", "fuzz"], env=env, check=True,
                                   capture_output=True, text=True).stdout.strip().splitlines()[-1]
            run = subprocess.run(["schemathesis", "run", f"http://127.0.0.1:{server.port}/api/v1/openapi.json",
                                  "-H", f"Authorization: Bearer {token}", "--checks", "not_a_server_error,response_schema_conformance",
                                  "--max-examples", str(args.examples), "--seed", str(args.seed), "--workers", "1",
                                  "--request-timeout", "30"], capture_output=True, text=True)
            print(f"--- schemathesis as {role} ({user}): exit {run.returncode}")
            print("\n".join(run.stdout.strip().splitlines()[-40:]))
            results[role] = run.returncode
    finally:
        server.kill(15)
    print("OK" if all(code == 0 for code in results.values()) else f"FAILED (server log: {work}/server.log)")
    sys.exit(0 if all(code == 0 for code in results.values()) else 1)


if __name__ == "__main__":
    main()
