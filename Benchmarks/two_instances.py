#!/usr/bin/env python3
"""Two instances on one PostgreSQL, as behind a load balancer (issue 25).

Two `sanbao serve` processes share the database. Clients submit visits to them in turn and
send a failed submission again to the other one; a third of the way through, one instance is
killed with SIGKILL and started again. Meanwhile a unit admin accepts and returns visits, the
office opens its dashboard on both, a unit is moved in the tree, `sanbao visits retally` runs,
a photo is uploaded through one instance and fetched through the other, and a ledger setting
(the working days of wage arrears) is changed on one and used by both.

Afterwards: every acknowledged visit stored exactly once; no 5xx answer (a killed instance's
dropped connections are not answers); reviews and dashboards answered within 2 s at the 95th
percentile; the move and the rebuild succeeded; once the catch-up has run, the tallies equal
the rows; the photo served by both; the new setting in force on both.

Usage: Benchmarks/two_instances.py --postgres URL [--bin PATH] [--total N] [--clients N]
The database is emptied first (public schema dropped). Exit status 0 when everything holds.
"""
import argparse, http.cookiejar, json, os, random, re, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
from visits_reliability import Server, free_port  # noqa: E402

# The smallest valid JPEG: what a phone sends, without a camera.
JPEG = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\0" + bytes([1, 1, 0, 0, 1, 0, 1, 0, 0]) \
    + bytes([0xFF, 0xDB, 0x00, 0x43, 0x00]) + bytes([1] * 64) \
    + bytes([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9])


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] if xs else 0.0


class Session:
    """A signed-in browser: cookies and the page forms' CSRF token."""

    def __init__(self, base, username):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.base = base
        page = self.opener.open(base + "/sign-in", timeout=30).read().decode()
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        self.opener.open(base + "/sign-in", urllib.parse.urlencode(
            {"username": username, "password": "Sanbao-2026", "_csrf": csrf}).encode(), timeout=30).read()

    def get(self, path, base=None, timeout=30):
        with self.opener.open((base or self.base) + path, timeout=timeout) as r:
            return r.status, r.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "sanbao"))
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--total", type=int, default=3000)
    ap.add_argument("--clients", type=int, default=16)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="sanbao-two-")
    env = dict(os.environ, LOG_LEVEL="warning", DATABASE_URL=args.postgres, SANBAO_SCAN_MINUTES="1")
    env.setdefault("SANBAO_SECRET", "c2FuYmFvLXR3by1pbnN0YW5jZXMtdGVzdC1rZXktMzI=")
    subprocess.run(["psql", args.postgres, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def query(sql):
        return subprocess.run(["psql", args.postgres, "-tAF,", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()

    def token(user):
        return subprocess.run([args.bin, "token", "create", user, "--name", "two-instances"], env=env, check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]

    log = open(os.path.join(work, "servers.log"), "ab")
    servers = [Server(args.bin, env, free_port(), log), Server(args.bin, env, free_port(), log)]
    # Both started at once on the empty database (a rolling upgrade): one migrates, the other waits.
    starting = [threading.Thread(target=s.start) for s in servers]
    for t in starting: t.start()
    for t in starting: t.join()
    started_together = all(s.proc.poll() is None and s.wait_healthy(1) for s in servers)
    for s in servers: s.kill(signal.SIGTERM)
    subprocess.run([args.bin, "demo"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    admin_path = query("SELECT o.path FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'shushan.admin'")
    cadre = query(f"SELECT u.username FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.roles LIKE '%cadre%' "
                  f"AND o.path LIKE '{admin_path}%' ORDER BY u.username LIMIT 1")
    # A unit two levels below the district, and another parent for it in the same district.
    moved, old_parent, new_parent = query(
        f"SELECT c.code, p.code, (SELECT q.code FROM org_units q WHERE q.parent_id = p.parent_id AND q.id <> p.id "
        f"AND q.retired_at IS NULL ORDER BY q.code LIMIT 1) FROM org_units c JOIN org_units p ON p.id = c.parent_id "
        f"WHERE p.path LIKE '{admin_path}%' AND p.parent_id IS NOT NULL AND p.depth = 2 AND c.retired_at IS NULL "
        f"ORDER BY c.code LIMIT 1").split(",")
    tokens = {"cadre": token(cadre), "reviewer": token("shushan.admin"), "office": token("office")}
    template = open(os.path.join(ROOT, "Benchmarks", "visit-template.json"), encoding="utf-8").read()

    for s in servers:
        s.start()
    bases = [f"http://127.0.0.1:{s.port}" for s in servers]

    def api(i, method, path, who, body=None, headers=None, timeout=10):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        h = {"Authorization": f"Bearer {tokens[who]}", "Content-Type": "application/json"}
        h.update(headers or {})
        req = urllib.request.Request(bases[i] + path, data=data, method=method, headers=h)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")

    status, page = api(0, "GET", "/api/v1/enterprises?per=200", "cadre")
    codes = [e["credit_code"] for e in page["items"]]

    lock = threading.Lock()
    fivexx, acked, retried, unacked = [], {}, 0, []
    killed = threading.Event()
    done = threading.Event()

    def note_5xx(where, e):
        if isinstance(e, urllib.error.HTTPError) and e.code >= 500:
            with lock: fivexx.append(f"{where}: {e.code} {e.read()[:200]!r}")

    def post_visit(i, key, body):
        return api(i, "POST", "/api/v1/visits", "cadre", body.encode(), {"Idempotency-Key": key})[1]

    # --- Visits: alternately to both; a failed one once more to the other ---------------------
    def client(n):
        nonlocal retried
        rng = random.Random(n)
        for k in range(n, args.total, args.clients):
            key = f"two-{n:02d}-{k:05d}"
            body = template.replace("ENTERPRISE_CODE", rng.choice(codes))
            first = k % 2
            for attempt, i in enumerate([first, 1 - first, first]):
                try:
                    receipt = post_visit(i, key, body)
                    with lock: acked[key] = receipt["id"]
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout, OSError) as e:
                    note_5xx(f"visit via {i}", e)
                    if isinstance(e, urllib.error.HTTPError) and e.code < 500: raise
                    with lock: retried += 1
                    servers[1 - i].wait_healthy(30)
            else:
                with lock: unacked.append(key)

    def killer():
        while len(acked) < args.total // 3: time.sleep(0.01)
        servers[0].kill(signal.SIGKILL)
        killed.set()
        time.sleep(1)
        servers[0].start()

    # --- A reviewer accepts and returns visits while they arrive ------------------------------
    review_times, review_outcomes = [], {"accepted": 0, "returned": 0, "conflict": 0}

    def reviewer():
        n = 0
        while not done.is_set():
            i = n % 2
            n += 1
            try:
                _, page = api(i, "GET", "/api/v1/visits?status=submitted&per=5", "reviewer")
                for v in page["items"][:2]:
                    action = "accept" if n % 3 else "return"
                    started = time.time()
                    try:
                        api(i, "POST", f"/api/v1/visits/{v['id']}/{action}", "reviewer",
                            {"revision": v["revision"], "comment": "请补充职工问卷"})
                        review_outcomes["accepted" if action == "accept" else "returned"] += 1
                    except urllib.error.HTTPError as e:
                        if e.code == 409: review_outcomes["conflict"] += 1
                        else: note_5xx(f"review via {i}", e)
                    review_times.append(time.time() - started)
            except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout, OSError) as e:
                note_5xx(f"review list via {i}", e)
            time.sleep(0.3)

    # --- The office opens its dashboard on both -----------------------------------------------
    dashboard_times = []

    def office_dashboard():
        n = 0
        office = Session(bases[1], "office")  # a session is a database row: good on both instances
        while not done.is_set():
            i = n % 2
            n += 1
            try:
                started = time.time()
                office.get("/dashboard", base=bases[i])
                dashboard_times.append(time.time() - started)
            except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout, OSError) as e:
                note_5xx(f"dashboard via {i}", e)
            time.sleep(0.5)

    # --- Once each, mid-load: a unit move, a rebuild of the tallies, a photo, a setting -------------
    checks = {}

    def once():
        while len(acked) < args.total // 4: time.sleep(0.05)
        try:
            started = time.time()
            api(1, "PATCH", f"/api/v1/org-units/{moved}", "office", {"parent_code": new_parent}, timeout=60)
            checks["unit move"] = (True, f"{moved} from {old_parent} to {new_parent} in {time.time() - started:.2f} s")
        except Exception as e:
            note_5xx("unit move", e)
            checks["unit move"] = (False, repr(e))
        started = time.time()
        r = subprocess.run([args.bin, "visits", "retally"], env=env, capture_output=True, text=True)
        checks["visits retally"] = (r.returncode == 0, (r.stdout.strip() or r.stderr.strip()[-300:]) + f" ({time.time() - started:.1f} s wall)")
        office = Session(bases[1], "office")
        # A photo through B, fetched through both.
        try:
            visit = next(iter(acked.values()))
            _, photo = api(1, "POST", f"/api/v1/visits/{visit}/photos", "cadre", JPEG, {"Content-Type": "image/jpeg"})
            served = []
            for i in (0, 1):
                status, data = office.get(f"/photos/{photo['sha256']}", base=bases[i])
                served.append(status == 200 and data == JPEG)
            checks["photo served by both"] = (all(served), f"sha256 {photo['sha256'][:12]}…, uploaded via B, served by A {served[0]}, B {served[1]}")
        except Exception as e:
            note_5xx("photo", e)
            checks["photo served by both"] = (False, repr(e))
        # A ledger setting changed on A, used by both.
        try:
            def deadline(i):
                receipt = post_visit(i, f"setting-{i}-{time.time_ns()}", template.replace("ENTERPRISE_CODE", codes[0]))
                _, p = api(i, "GET", f"/api/v1/problems/{receipt['problem_ids'][0]}", "office")
                return p["problem"]["deadline"]
            before = deadline(1)
            _, page = office.get("/problem-settings", base=bases[0])
            form = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page.decode()))
            form = {k: v for k, v in form.items() if k.startswith(("days.", "threshold.", "_csrf", "basis"))}
            for checkbox in re.findall(r'name="(pause\.[^"]+)"[^>]*checked', page.decode()): form[checkbox] = "1"
            days = int(form["days.wage_arrears"])
            form["days.wage_arrears"] = str(days + 5 if days <= 50 else days - 5)
            office.opener.open(bases[0] + "/problem-settings", urllib.parse.urlencode(form).encode(), timeout=30).read()
            time.sleep(2.5)
            after = [deadline(0), deadline(1)]
            ok = after[0] == after[1] and after[0] != before
            checks["setting in force on both"] = (ok, f"wage arrears {days} → {form['days.wage_arrears']} working days on A: "
                                                      f"deadline before {before}, after via A {after[0]}, via B {after[1]}")
        except Exception as e:
            note_5xx("setting", e)
            checks["setting in force on both"] = (False, repr(e))

    started = time.time()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    side = [threading.Thread(target=f) for f in (killer, reviewer, office_dashboard, once)]
    for t in side + threads: t.start()
    for t in threads: t.join()
    side[0].join()
    side[3].join()
    load_seconds = time.time() - started
    done.set()
    side[1].join()
    side[2].join()

    # The catch-up counts what is left within seconds; then the tallies must equal the rows.
    deadline = time.time() + 90
    while int(query("SELECT COUNT(*) FROM tally_pending") or 0) > 0 and time.time() < deadline: time.sleep(1)
    caught_up = time.time() - started - load_seconds
    for s in servers: s.kill(signal.SIGTERM)

    counting = "SELECT id FROM visits WHERE status IN ('submitted', 'accepted')"
    root = "SELECT id FROM org_units WHERE parent_id IS NULL"
    tally_issues, tally_counts = [], []
    for name, rows_sql, kept_sql in [
        ("visits", f"SELECT COUNT(*) FROM ({counting}) c", f"SELECT SUM(visits) FROM visit_tallies WHERE unit_id IN ({root})"),
        ("questionnaires", f"SELECT COUNT(*) FROM responses WHERE visit_id IN ({counting})",
         f"SELECT SUM(n) FROM answer_tallies WHERE question_key = '' AND value = '*' AND unit_id IN ({root})"),
        ("waiting", "SELECT 0", "SELECT COUNT(*) FROM tally_pending"),
    ]:
        in_rows, kept = int(query(rows_sql) or 0), int(query(kept_sql) or 0)
        if in_rows != kept: tally_issues.append(f"{name}: rows {in_rows}, tallies {kept}")
        elif name != "waiting": tally_counts.append(f"{kept:,} {name}")

    stored = {}
    for line in query("SELECT client_id, COUNT(*), MIN(CAST(id AS TEXT)) FROM visits WHERE client_id LIKE 'two-%' GROUP BY client_id").split():
        key, n, vid = line.split(",")
        stored[key] = (int(n), vid)
    twice = [k for k, (n, _) in stored.items() if n > 1]
    missing = [k for k in acked if k not in stored]
    wrong = [k for k, vid in acked.items() if k in stored and stored[k][1].upper() != vid.upper()]

    print(f"Sanbao on two instances, one PostgreSQL — {args.clients} clients, {args.total} visits, SIGKILL of one at a third, "
          f"{load_seconds:.1f} s ({len(acked) / load_seconds:.0f} visits/s acknowledged)")
    print(f"  both started at once on the empty database: {'ok' if started_together else 'FAILED'}")
    print(f"  acknowledged {len(acked)}; retried {retried} on the other instance; never acknowledged {len(unacked)}; "
          f"acknowledged but missing {len(missing)}; stored twice {len(twice)}; another visit's id {len(wrong)}; killed {killed.is_set()}")
    print(f"  5xx answers: {len(fivexx)}" + "".join(f"\n    {f}" for f in fivexx[:5]))
    print(f"  reviews: {len(review_times)} ({review_outcomes['accepted']} accepted, {review_outcomes['returned']} returned, "
          f"{review_outcomes['conflict']} conflicts), p95 {p95(review_times) * 1000:.0f} ms, max {max(review_times or [0]) * 1000:.0f} ms")
    print(f"  office dashboard: {len(dashboard_times)} loads, p95 {p95(dashboard_times) * 1000:.0f} ms, max {max(dashboard_times or [0]) * 1000:.0f} ms")
    for name, (ok, detail) in checks.items():
        print(f"  {name}: {'ok' if ok else 'FAILED'} — {detail}")
    print(f"  tallies {caught_up:.1f} s after the load: {'; '.join(tally_issues) or ', '.join(tally_counts) + ', each counted once, none waiting'}")
    ok = (started_together and killed.is_set() and not missing and not twice and not wrong and not unacked and not fivexx and not tally_issues
          and len(checks) == 4 and all(ok for ok, _ in checks.values())
          and review_times and p95(review_times) < 2 and dashboard_times and p95(dashboard_times) < 2)
    print("  OK" if ok else f"  FAILED (servers' log: {log.name})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
