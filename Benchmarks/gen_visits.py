#!/usr/bin/env python3
"""Adds a campaign's visiting stage to a Sanbao SQLite database that holds the province demo
(`sanbao demo --scale province`): the campaign re-dated as a demo loaded today would be (begun
five weeks ago, the visiting stage running), a visit task for every enterprise (a cadre of a unit
that covers it), and COUNT visits over the past four weeks — nine in ten on tasks, the rest ad hoc
repeat visits — each with an enterprise response of about five answers (production, orders,
planned layoffs and how many, financing need and how much, training wanted) and, for one visit
in five, a worker response. Three in four visits accepted, one in twenty returned, the rest
waiting for review. Summary tables are rebuilt afterwards with `sanbao visits retally`.

Usage: gen_visits.py DATABASE COUNT [--seed N] [--today YYYY-MM-DD]
"""
import argparse
import datetime as dt
import json
import random
import sqlite3
import time
import uuid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("database")
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--today", default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    today = dt.date.fromisoformat(a.today) if a.today else (dt.datetime.utcnow() + dt.timedelta(hours=8)).date()
    db = sqlite3.connect(a.database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    started = time.time()

    # The campaign as DemoCampaign(today:) dates it.
    monday = today - dt.timedelta(days=35) - dt.timedelta(days=today.weekday())
    bounds = [monday, monday + dt.timedelta(days=7), monday + dt.timedelta(days=98), monday + dt.timedelta(days=161),
              monday + dt.timedelta(days=188)]
    campaign = db.execute("SELECT id FROM campaigns ORDER BY starts_on DESC LIMIT 1").fetchone()[0]
    db.execute("UPDATE campaigns SET starts_on = ?, ends_on = ? WHERE id = ?", (bounds[0].isoformat(), bounds[4].isoformat(), campaign))
    stages = db.execute("SELECT id, position FROM stages WHERE campaign_id = ? ORDER BY position", (campaign,)).fetchall()
    for (sid, pos) in stages:
        start = bounds[pos - 1]
        end = bounds[pos] - dt.timedelta(days=1) if pos < 4 else bounds[4]
        db.execute("UPDATE stages SET starts_on = ?, ends_on = ? WHERE id = ?", (start.isoformat(), end.isoformat(), sid))
    stage = stages[1][0]

    # Cadres by unit, and for each enterprise the covering units that have cadres (deepest first).
    cadres = {}
    for cid, uid, unit in db.execute("SELECT c.id, c.user_id, u.unit_id FROM cadres c JOIN users u ON u.id = c.user_id"):
        cadres.setdefault(unit, []).append((cid, uid))
    depth = dict(db.execute("SELECT id, depth FROM org_units"))
    covering = {}
    for eid, unit in db.execute("SELECT enterprise_id, unit_id FROM enterprise_units"):
        if unit in cadres:
            covering.setdefault(eid, []).append(unit)
    enterprises = [e for (e,) in db.execute("SELECT id FROM enterprises WHERE merged_into_id IS NULL ORDER BY id")]
    q = dict(db.execute("SELECT key, id FROM questionnaires WHERE version = 1"))
    published = time.time() - 36 * 86400

    tasks = []
    for eid in enterprises:
        units = covering.get(eid)
        if not units:
            continue
        unit = max(units, key=lambda u: depth[u])
        cid, uid = rng.choice(cadres[unit])
        tasks.append((str(uuid.uuid4()).upper(), stage, eid, cid, unit, uid))
    db.executemany("INSERT INTO visit_tasks (id, stage_id, enterprise_id, cadre_id, unit_id, distance_m, status, published_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, 'published', ?)", [(t[0], t[1], t[2], t[3], t[4], rng.randint(100, 9000), published) for t in tasks])
    print(f"{len(tasks):,} tasks ({time.time() - started:.0f} s)", flush=True)

    on_tasks = min(len(tasks), a.count * 9 // 10)
    chosen = rng.sample(tasks, on_tasks)
    adhoc = [(None, t) for t in rng.choices(chosen, k=a.count - on_tasks)]
    plan = [(t[0], t) for t in chosen] + adhoc
    rng.shuffle(plan)
    now_ts = time.time()
    start_ts = now_ts - 28 * 86400
    visits, responses, answers = [], [], []
    n_answers = 0

    def flush():
        db.executemany("INSERT INTO visits (id, client_id, request_digest, cadre_user_id, unit_id, enterprise_id, task_id, ad_hoc_reason, "
                       "started_at, finished_at, lat, lon, accuracy_m, people_met, status, review_comment, revision, created_at, updated_at) "
                       "VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, '企业负责人', ?, '', 1, ?, ?)", visits)
        db.executemany("INSERT INTO responses (id, visit_id, questionnaire_id, questionnaire_key, version, worker_id, position, answers) "
                       "VALUES (?, ?, ?, ?, 1, NULL, ?, ?)", responses)
        db.executemany("INSERT INTO answers (response_id, visit_id, questionnaire_key, question_key, number_value, text_value) "
                       "VALUES (?, ?, ?, ?, ?, ?)", answers)
        visits.clear(); responses.clear(); answers.clear()

    for i, (task_id, t) in enumerate(plan):
        vid = str(uuid.uuid4()).upper()
        finished = start_ts + rng.random() * (now_ts - start_ts - 3600)
        roll = rng.random()
        status = "accepted" if roll < 0.75 else "returned" if roll < 0.80 else "submitted"
        visits.append((vid, f"gen-{i}", t[5], t[4], t[2], task_id, "" if task_id else "回访", finished - 3600, finished, status, finished, finished))
        rid = str(uuid.uuid4()).upper()
        e = {"production": rng.choices(["normal", "mostly", "partial", "stopped"], [55, 22, 12, 11])[0],
             "orders": rng.choices(["up", "flat", "down"], [25, 37, 38])[0],
             "layoffs_planned": rng.random() < 0.12, "financing_need": rng.random() < 0.3}
        if e["layoffs_planned"]:
            e["layoffs_count"] = rng.randint(2, 60)
        if e["financing_need"]:
            e["financing_amount"] = rng.randint(20, 800)
        e["training_need"] = rng.sample(["skills", "safety", "management", "digital"], rng.randint(0, 2))
        responses.append((rid, vid, q["enterprise"], "enterprise", 0, json.dumps(e, ensure_ascii=False, sort_keys=True)))
        for key, value in sorted(e.items()):
            if isinstance(value, bool):
                answers.append((rid, vid, "enterprise", key, 1 if value else 0, "yes" if value else "no"))
            elif isinstance(value, int):
                answers.append((rid, vid, "enterprise", key, value, None))
            elif isinstance(value, list):
                answers.extend((rid, vid, "enterprise", key, None, v) for v in value)
            else:
                answers.append((rid, vid, "enterprise", key, None, value))
        if rng.random() < 0.2:
            wid = str(uuid.uuid4()).upper()
            w = {"wages_on_time": rng.random() < 0.9, "union_member": rng.random() < 0.6}
            responses.append((wid, vid, q["worker"], "worker", 1, json.dumps(w, sort_keys=True)))
            answers.extend((wid, vid, "worker", k, 1 if v else 0, "yes" if v else "no") for k, v in sorted(w.items()))
        if len(visits) >= 20000:
            n_answers += len(answers)
            flush()
            db.commit()
            print(f"{i + 1:,} visits ({time.time() - started:.0f} s)", flush=True)
    n_answers += len(answers)
    flush()
    db.commit()
    print(f"{len(plan):,} visits, {n_answers:,} answers in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
