#!/usr/bin/env python3
"""Times pages and API reads of a running Sanbao server as a signed-in user would load them:
each URL fetched `--runs` times after one warm-up, printing the median and the slowest.

Usage: time_pages.py BASE_URL USERNAME PASSWORD [--runs N] [--token T] PATH...
       (paths starting with /api/ are read with the bearer token)
"""
import argparse
import http.cookiejar
import re
import statistics
import time
import urllib.parse
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("username")
    ap.add_argument("password")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--token", default=None)
    a = ap.parse_args()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(a.base + "/sign-in").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": a.username, "password": a.password, "_csrf": csrf}).encode()
    opener.open(a.base + "/sign-in", body).read()
    for path in a.paths:
        request = urllib.request.Request(a.base + path)
        if path.startswith("/api/"):
            request.add_header("Authorization", f"Bearer {a.token}")
        opener.open(request).read()
        times = []
        for _ in range(a.runs):
            start = time.perf_counter()
            with opener.open(request) as response:
                response.read()
                assert response.status == 200, (path, response.status)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{a.username:>14} GET {path:<44} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
