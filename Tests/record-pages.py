#!/usr/bin/env python3
"""Records the render tests' fixtures: starts the demo city with SANBAO_RECORD_PAGES set, opens
every page once as the users who work on it, and leaves one JSON page model per template in
Tests/SanbaoAppTests/Fixtures/Pages (lists cut to three items). Run after changing a page
model:  python3 Tests/record-pages.py   (uses .build/debug/sanbao, or SANBAO_BIN)."""
import http.cookiejar
import os
import re
import shutil
import sys
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "SanbaoAppTests", "Fixtures", "Pages")
sys.path.insert(0, os.path.join(ROOT, "e2e"))
from demo_server import demo_server  # noqa: E402


class User:
    def __init__(self, base, username=None):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if username:
            page = self.get("/sign-in")
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
            self.post("/sign-in", {"_csrf": csrf, "username": username, "password": "Sanbao-2026", "next": "/"})

    def get(self, path):
        try:
            return self.opener.open(self.base + path, timeout=120).read().decode()
        except urllib.error.HTTPError as e:
            return e.read().decode()

    def post(self, path, form):
        return self.opener.open(self.base + path, urllib.parse.urlencode(form).encode(), timeout=120).read().decode()

    def first(self, path, pattern):
        found = re.search(pattern, self.get(path))
        if not found:
            raise SystemExit(f"{path}: nothing matches {pattern}")
        return found.group(1)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with demo_server(SANBAO_RECORD_PAGES=OUT) as base:
        User(base).get("/sign-in")
        office = User(base, "office")
        for path in ["/", "/dashboard", "/assignment", "/assignment/explain?stage=1&code=" +
                     office.first("/enterprises", r'href="/enterprises/([0-9A-Z]{18})"'),
                     "/campaign", "/people", "/people/C00193", "/units/3401", "/enterprises", "/enterprises/duplicates",
                     "/tokens", "/audit", "/visits", "/problems", "/problems/overview", "/problems/new", "/problem-settings",
                     "/supervision", "/reports", "/reports/completeness", "/statistics", "/questionnaires",
                     "/import/org-units", "/problems/00000000-0000-0000-0000-000000000000"]:
            office.get(path)
        office.get("/enterprises/" + office.first("/enterprises", r'href="/enterprises/([0-9A-Z]{18})"'))
        office.get("/questionnaires/" + office.first("/questionnaires", r'href="/questionnaires/([a-z_]+)"'))
        problem = office.first("/problems?view=all", r'href="/problems/([0-9A-Fa-f-]{36})"')
        office.get("/problems/" + problem)
        office.get("/supervision/new?problem=" + problem)
        office.get("/visits/" + office.first("/visits?status=accepted", r'href="/visits/([0-9A-Fa-f-]{36})"'))
        report = office.first("/reports", r'href="(/reports/[0-9]+/[0-9A-Za-z-]+)"')
        office.get(report)
        office.get(report + "/print")
        text = office.first("/statistics", r'href="/statistics/texts\?([^"]+)"')
        office.get("/statistics/texts?" + text.replace("&amp;", "&"))
        assistance = User(base, "assistance")
        assistance.get("/workers")
        assistance.get("/workers/" + assistance.first("/workers", r'href="/workers/([0-9A-Fa-f-]{36})"'))
        inspector = User(base, "inspector")
        order = inspector.first("/supervision?view=all", r'href="/supervision/([0-9A-Fa-f-]{36})"')
        inspector.get("/supervision/" + order)
        cadre = User(base, "C00193")
        cadre.get("/visits/new?task=" + cadre.first("/", r'href="/visits/new\?task=([0-9A-Fa-f-]{36})"'))
        cadre.get("/")
    print(len(os.listdir(OUT)), "page models in", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
