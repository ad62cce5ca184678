#!/usr/bin/env python3
"""Reliability of visit submission (issue 5).

32 clients submit 5,000 visits, each with its own Idempotency-Key, and retry a submission once
when it times out or the connection fails. Half-way through, the server is killed with SIGKILL
and started again. Afterwards every submission the server acknowledged must exist exactly
once, and none may exist twice; and once the office opens its dashboard, the tallies must count
every stored visit and questionnaire once — those the killed server held in memory on their way
into the tallies too (they are read back from their rows).

Usage: Benchmarks/visits_reliability.py [--bin PATH] [--total N] [--clients N] [--postgres URL]
With --postgres the server runs on that database, which is emptied first (public schema dropped).
Exit status 0 when the check holds.
"""
import argparse, http.cookiejar, json, os, random, re, signal, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, binary, env, port, log):
        self.binary, self.env, self.port, self.log = binary, env, port, log
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_healthy(60)

    def wait_healthy(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).read()
                return True
            except Exception:
                time.sleep(0.05)
        return False

    def kill(self, sig):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            self.proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "sanbao"))
    ap.add_argument("--total", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--postgres")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="sanbao-reliability-")
    env = dict(os.environ, LOG_LEVEL="warning")
    if args.postgres:
        env["DATABASE_URL"] = args.postgres
        env.setdefault("SANBAO_SECRET", "c2FuYmFvLXJlbGlhYmlsaXR5LXRlc3Qta2V5LTMyYiE=")
        subprocess.run(["psql", args.postgres, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        def query(sql):
            return subprocess.run(["psql", args.postgres, "-tAF,", "-c", sql], check=True, capture_output=True, text=True).stdout
    else:
        db = os.path.join(work, "reliability.sqlite")
        env["DATABASE_URL"] = "sqlite:" + db
        def query(sql):
            return subprocess.run(["sqlite3", "-csv", db, sql], check=True, capture_output=True, text=True).stdout

    subprocess.run([args.bin, "demo"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cadre = query("SELECT username FROM users WHERE roles LIKE '%cadre%' AND password_hash IS NOT NULL ORDER BY username LIMIT 1").strip()
    token = subprocess.run([args.bin, "token", "create", cadre, "--name", "reliability"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    template = open(os.path.join(ROOT, "Benchmarks", "visit-template.json"), encoding="utf-8").read()

    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(args.bin, env, free_port(), log)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    req = urllib.request.Request(f"{base}/api/v1/enterprises?per=200", headers={"Authorization": f"Bearer {token}"})
    codes = [e["credit_code"] for e in json.load(urllib.request.urlopen(req))["items"]]

    lock = threading.Lock()
    acked, retried, retried_acked, unacked = {}, 0, 0, []
    killed = threading.Event()

    def post(key, body):
        r = urllib.request.Request(f"{base}/api/v1/visits", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"})
        with urllib.request.urlopen(r, timeout=5) as res:
            return json.load(res)["id"]

    def client(n):
        nonlocal retried, retried_acked
        rng = random.Random(n)
        for i in range(n, args.total, args.clients):
            key = f"rel-{n:02d}-{i:05d}"
            body = template.replace("ENTERPRISE_CODE", rng.choice(codes)).encode()
            try:
                vid = post(key, body)
                with lock: acked[key] = vid
                continue
            except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout, OSError) as e:
                if isinstance(e, urllib.error.HTTPError) and e.code < 500:
                    raise
            # Once more with the same key and body, when the server answers again.
            server.wait_healthy(60)
            with lock: retried += 1
            try:
                vid = post(key, body)
                with lock:
                    acked[key] = vid
                    retried_acked += 1
            except Exception:
                with lock: unacked.append(key)

    def killer():
        while len(acked) < args.total // 2:
            time.sleep(0.01)
        server.kill(signal.SIGKILL)
        killed.set()
        time.sleep(0.5)
        server.start()

    started = time.time()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    k = threading.Thread(target=killer)
    k.start()
    for t in threads: t.start()
    for t in threads: t.join()
    k.join()
    elapsed = time.time() - started

    # The office's dashboard brings the tallies up to date; they must then agree with the rows.
    office = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    csrf = re.search(r'name="_csrf" value="([^"]+)"', office.open(base + "/sign-in").read().decode()).group(1)
    office.open(base + "/sign-in", urllib.parse.urlencode({"username": "office", "password": "Sanbao-2026", "_csrf": csrf}).encode()).read()
    office.open(base + "/dashboard").read()
    server.kill(signal.SIGTERM)
    counting = "SELECT id FROM visits WHERE status IN ('submitted', 'accepted')"
    root = "SELECT id FROM org_units WHERE parent_id IS NULL"
    tallies = {
        "visits": (f"SELECT COUNT(*) FROM ({counting}) c", f"SELECT SUM(visits) FROM visit_tallies WHERE unit_id IN ({root})"),
        "questionnaires": (f"SELECT COUNT(*) FROM responses WHERE visit_id IN ({counting})",
                           f"SELECT SUM(n) FROM answer_tallies WHERE question_key = '' AND value = '*' AND unit_id IN ({root})"),
        "waiting": ("SELECT 0", "SELECT COUNT(*) FROM tally_pending"),
    }
    tally_issues, tally_counts = [], []
    for name, (rows_sql, kept_sql) in tallies.items():
        in_rows, kept = int(query(rows_sql).strip() or 0), int(query(kept_sql).strip() or 0)
        if in_rows != kept: tally_issues.append(f"{name}: rows {in_rows}, tallies {kept}")
        elif name != "waiting": tally_counts.append(f"{kept:,} {name}")

    rows = [line.split(",") for line in query("SELECT client_id, COUNT(*), MIN(CAST(id AS TEXT)) FROM visits WHERE client_id LIKE 'rel-%' GROUP BY client_id").split()]
    stored = {r[0]: (int(r[1]), r[2]) for r in rows}
    duplicates = [k for k, (n, _) in stored.items() if n > 1]
    missing = [k for k in acked if k not in stored]
    wrong = [k for k, vid in acked.items() if k in stored and stored[k][1].upper() != vid.upper()]
    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Sanbao visit reliability — {kind}, {args.clients} clients, {args.total} submissions, SIGKILL at half-way, {elapsed:.1f} s")
    print(f"  acknowledged {len(acked)} (of which {retried_acked} on the retry); retried {retried}; never acknowledged {len(unacked)}")
    print(f"  stored {len(stored)} distinct keys; acknowledged but missing {len(missing)}; stored twice {len(duplicates)}; "
          f"answered with another visit's id {len(wrong)}; server killed: {killed.is_set()}")
    print(f"  tallies after the office's dashboard: {'; '.join(tally_issues) or ', '.join(tally_counts) + ', each counted once, none waiting'}")
    ok = killed.is_set() and not missing and not duplicates and not wrong and not tally_issues
    print("  OK" if ok else "  FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
