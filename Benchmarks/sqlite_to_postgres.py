#!/usr/bin/env python3
"""Copies every row of a Sanbao SQLite database into a PostgreSQL database that `sanbao migrate`
has brought to the same schema, so that a benchmark built with the SQLite generators
(`sanbao demo --scale province`, gen_visits.py, gen_problems.py) runs on PostgreSQL with the
same data. The server must then be started with the SQLite file's key
(SANBAO_SECRET="$(cat FILE.key)"), since personal fields stay encrypted as they are.

Each table is emptied and filled with COPY through `psql` (tables referenced first), values
converted by the PostgreSQL column's type: SQLite's REAL seconds to timestamptz, 0/1 to
boolean, blobs to bytea. Tables only one side has are named and left out.

Usage: sqlite_to_postgres.py SQLITE_FILE POSTGRES_URL
"""
import datetime as dt
import sqlite3
import subprocess
import sys
import time

SKIP = {"_fluent_migrations", "sqlite_stat1", "sqlite_sequence"}


def psql(url, sql):
    out = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def converter(pg_type):
    """A function from a SQLite value to COPY's text form for a column of this type."""
    def timestamp(v):
        if isinstance(v, (int, float)):
            return dt.datetime.fromtimestamp(v, dt.timezone.utc).isoformat()
        return escape(str(v))

    def boolean(v):
        return "t" if v in (1, "1", "true", "t") else "f"

    def bytea(v):
        return "\\\\x" + (v.hex() if isinstance(v, bytes) else v.encode().hex())

    def plain(v):
        if isinstance(v, float) and v.is_integer() and pg_type in ("integer", "bigint", "smallint"):
            return str(int(v))
        return escape(v if isinstance(v, str) else str(v))

    return {"timestamp with time zone": timestamp, "timestamp without time zone": timestamp,
            "boolean": boolean, "bytea": bytea}.get(pg_type, plain)


def order(tables, url):
    """Tables in an order where each comes after those it references (self-references allowed)."""
    refs = {t: set() for t in tables}
    for child, parent in psql(url, """
            SELECT tc.table_name, ccu.table_name FROM information_schema.table_constraints tc
            JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
            WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'"""):
        if child in refs and parent in refs and child != parent:
            refs[child].add(parent)
    done, out = set(), []
    while len(out) < len(tables):
        ready = sorted(t for t in tables if t not in done and refs[t] <= done)
        if not ready:
            raise SystemExit(f"foreign keys go round in a circle among {sorted(set(tables) - done)}")
        out += ready
        done |= set(ready)
    return out


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    source, url = sys.argv[1], sys.argv[2]
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    lite_tables = {name for (name,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - SKIP
    columns = {}
    for table, column, pg_type in psql(url, """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""):
        columns.setdefault(table, []).append((column, pg_type))
    pg_tables = set(columns) - SKIP
    for t in sorted(lite_tables ^ pg_tables):
        print(f"left out: {t} (only in {'SQLite' if t in lite_tables else 'PostgreSQL'})")
    tables = order(sorted(lite_tables & pg_tables), url)
    psql(url, "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    started = time.time()
    total = 0
    for table in tables:
        lite_columns = {row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')}
        cols = [(c, t) for c, t in columns[table] if c in lite_columns]
        convert = [converter(t) for _, t in cols]
        names = ", ".join(f'"{c}"' for c, _ in cols)
        copy = subprocess.Popen(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", f'COPY "{table}" ({names}) FROM STDIN'],
                                stdin=subprocess.PIPE, text=True, bufsize=1 << 20)
        n = 0
        cursor = lite.execute(f'SELECT {names} FROM "{table}"')
        while rows := cursor.fetchmany(10000):
            copy.stdin.write("".join("\t".join("\\N" if v is None else f(v) for f, v in zip(convert, row)) + "\n" for row in rows))
            n += len(rows)
        copy.stdin.close()
        if copy.wait() != 0:
            raise SystemExit(f"COPY into {table} failed")
        total += n
        print(f"{table}: {n:,} rows ({time.time() - started:.0f} s)", flush=True)
    print(f"{total:,} rows in {len(tables)} tables copied in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
