#!/usr/bin/env python3
"""Adds N problems in all states to a Sanbao SQLite database that holds the province demo
(`sanbao demo --scale province`), as the ledger would have them after four months: reported
by the unit that covers the enterprise, most handed to its district (some to its street),
deadlines on the stored working-day calendar, most of the old ones resolved and called back,
some reworked, some merged, some waiting on a referral, some overdue and already escalated as
far as yesterday's scan would have taken them. Figures are rebuilt afterwards with
`sanbao problems retally`.

Usage: gen_problems.py DATABASE COUNT [--seed N] [--today YYYY-MM-DD]
"""
import argparse
import datetime as dt
import random
import sqlite3
import sys
import time
import uuid

OPEN_WORKING = ["dispatched", "accepted", "in_progress"]
CATEGORY_WEIGHTS = {"wage_arrears": 14, "safety": 8, "layoffs": 8, "pay_cuts": 6, "restructuring": 4, "policy_legal": 12,
                    "hardship": 16, "hiring": 16, "financing": 8, "other": 8}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("database")
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--today", default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    today = dt.date.fromisoformat(a.today) if a.today else (dt.datetime.utcnow() + dt.timedelta(hours=8)).date()
    db = sqlite3.connect(a.database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    started = time.time()

    # The calendar, as the app counts it: Monday–Friday, minus holidays, plus swapped workdays.
    special = dict(db.execute("SELECT day, kind FROM calendar_days"))

    def working(d):
        k = special.get(d.isoformat())
        return k == "workday" if k else d.weekday() < 5

    first, last = today - dt.timedelta(days=130), today + dt.timedelta(days=90)
    days, ordinal = [], {}
    d = first
    while d <= last:
        if working(d):
            ordinal[d] = len(days)
            days.append(d)
        d += dt.timedelta(days=1)

    def add_wd(d, n):
        # The n-th working day after d (d itself need not be one).
        while d not in ordinal:
            d -= dt.timedelta(days=1)
        return days[min(ordinal[d] + n, len(days) - 1)]

    def wd_between(a, b):
        # Working days after a up to and including b (0 when b <= a).
        def before_or_on(x):
            while x not in ordinal:
                x -= dt.timedelta(days=1)
            return ordinal[x]
        return max(0, before_or_on(b) - before_or_on(a))

    settings = dict(db.execute("SELECT category, working_days FROM problem_settings"))
    pauses = {c for c, p in db.execute("SELECT category, pause_on_referral FROM problem_settings") if p}
    units = {uid: (path, depth) for uid, path, depth in db.execute("SELECT id, path, depth FROM org_units")}
    by_path = {path: uid for uid, (path, _) in units.items()}
    # Each enterprise with the deepest unit that covers it: that unit reports its problems.
    covering = {}
    for eid, uid in db.execute("SELECT enterprise_id, unit_id FROM enterprise_units"):
        if eid not in covering or units[uid][1] > units[covering[eid]][1]:
            covering[eid] = uid
    enterprises = list(covering.items())
    users = [r[0] for r in db.execute("SELECT id FROM users LIMIT 5000")]
    categories = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[c] for c in categories]
    print(f"read {len(enterprises)} enterprises, {len(units)} units in {time.time() - started:.1f} s", file=sys.stderr)

    def ancestor(path, depth):
        parts = path.strip("/").split("/")
        return by_path.get("/" + "/".join(parts[:depth + 1]) + "/") if len(parts) > depth else None

    columns = ["id", "visit_id", "enterprise_id", "worker_id", "unit_id", "reporter_user_id", "category", "description", "severity",
               "status", "created_at", "updated_at", "reported_on", "deadline", "responsible_unit_id", "dispatcher_unit_id",
               "rework_count", "first_resolved_on", "first_on_time", "resolved_on", "satisfaction", "revision", "escalation_level",
               "paused_since", "paused_days", "working_days_to_resolve", "callbacks", "satisfied_callbacks"]
    sql = f"INSERT INTO problems ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    batch = []
    counts = {}
    for n in range(a.count):
        eid, reporter = enterprises[rng.randrange(len(enterprises))]
        rpath, rdepth = units[reporter]
        category = rng.choices(categories, weights)[0]
        reported = today - dt.timedelta(days=int(rng.random() ** 0.8 * 120))
        deadline = add_wd(reported, settings.get(category, 15))
        late = wd_between(deadline, today)
        u = rng.random()
        if late == 0:
            status = "reported" if u < .05 else "dispatched" if u < .20 else "accepted" if u < .50 else \
                "in_progress" if u < .75 else "resolved" if u < .90 else "closed"
        else:
            # Past its deadline: mostly done; a few in a hundred still open (overdue).
            status = "closed" if u < .82 else "resolved" if u < .93 else "merged" if u < .945 else \
                "returned" if u < .95 else "reported" if u < .955 else rng.choice(OPEN_WORKING)
        responsible = None
        if status != "reported":
            # The district (or county, or city industry union) above the reporting unit; one in ten to the street.
            responsible = ancestor(rpath, 3 if rng.random() < .1 and rdepth >= 3 else 2) or reporter
        first_resolved = first_on_time = resolved_on = satisfaction = wdays = paused = None
        rework = callbacks = satisfied = level = 0
        if status in ("resolved", "closed"):
            took = rng.randint(1, settings.get(category, 15) + 4)
            first_resolved = min(add_wd(reported, took), today)
            wdays = wd_between(reported, first_resolved)
            first_on_time = 1 if first_resolved <= deadline else 0
            resolved_on = first_resolved
            if status == "closed":
                if rng.random() < .06:
                    rework, callbacks, satisfied = 1, 2, 1
                    resolved_on = min(add_wd(first_resolved, rng.randint(1, 4)), today)
                else:
                    callbacks, satisfied = 1, 1
                satisfaction = "basically_satisfied" if rng.random() < .2 else "satisfied"
        elif status in OPEN_WORKING:
            if category in pauses and rng.random() < .1:
                paused = min(add_wd(reported, 2), today)
            elif late >= 1:
                # As far up as yesterday's scan took it: a level per two working days late.
                level = min((late - 1) // 2, units[responsible][1])
        counts[status] = counts.get(status, 0) + 1
        stamp = dt.datetime.combine(reported, dt.time(10)).timestamp()
        batch.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper(), None, eid, None, reporter, rng.choice(users),
                      category, "职工反映的问题（基准数据）", rng.choice(["low", "medium", "high"]), status, stamp, stamp,
                      reported.isoformat(), deadline.isoformat(), responsible, ancestor(rpath, 2) if responsible else None,
                      rework, first_resolved and first_resolved.isoformat(), first_on_time, resolved_on and resolved_on.isoformat(),
                      satisfaction, 3, level, paused and paused.isoformat(), 0, wdays, callbacks, satisfied))
        if len(batch) == 20000:
            db.executemany(sql, batch)
            batch.clear()
    db.executemany(sql, batch)
    db.commit()
    print(f"inserted {a.count} problems in {time.time() - started:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
