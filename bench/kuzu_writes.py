#!/usr/bin/env python3
"""Kuzu's side of bench/writes.sh, and the table that compares both sides.

    PYTHON kuzu_writes.py load DATA_DIR DB_PATH [--threads 2]
    PYTHON kuzu_writes.py run BASE_DB --data DATA_DIR --work DIR [--rows 2000] [--reads 5]
                             [--wal-bytes 1700000] [--only nodes,rels,reads,close,recovery]
    python3 kuzu_writes.py table RUZU.jsonl KUZU.jsonl

PYTHON is a venv's python with the kuzu package (0.11.3 for the published anchors). `load`
builds a database from gen_social.py's output (schema.cypher, copy.cypher; DB_PATH and its WAL
are deleted first). `run` does what `ruzu-bench writes` does, step for step: the same
statements, parameters (prepared statements), pseudo-random rel endpoints and read queries, and
prints one JSON line with the same keys. `table` prints the medians of both sides' JSON lines
and their ratios (it needs no kuzu).
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import warnings

# Kuzu 0.11 calls prepare() deprecated in favour of execute(text, params), which prepares on
# every call; a prepared statement is what a user running one statement many times uses, and
# is not slower.
warnings.filterwarnings("ignore", category=DeprecationWarning)

NODE_CREATE = ("CREATE (:Person {id: $id, name: $name, age: $age, score: $score, "
               "birthday: $birthday, email: $email})")
REL_CREATE = ("MATCH (a:Person {id: $a}), (b:Person {id: $b}) "
              "CREATE (a)-[:knows {since: $since, weight: $weight}]->(b)")
# Names and texts as in queries.cypher; the same list is in src/bin/ruzu-bench.rs.
READS = [
    ("Q1", "MATCH (p:Person) RETURN count(*)"),
    ("Q3", "MATCH (p:Person) WHERE p.age > 50 AND p.score < 0.3 RETURN count(*)"),
    ("Q4a", "MATCH (a:Person {id: $HUB_ID})-[:knows]->(b) RETURN count(*)"),
    ("Q5", "MATCH (a:Person {id: $MEDIAN_ID})-[:knows]->()-[:knows]->(c) RETURN count(*)"),
    ("Q6", "MATCH (a:Person)-[:knows]->(b) RETURN a.id, count(*) AS d ORDER BY d DESC LIMIT 10"),
    ("Q7", "MATCH (p:Person)-[:livesIn]->(c:City) RETURN c.id, c.name, count(*) AS n "
     "ORDER BY n DESC LIMIT 5"),
]
SINCE_BASE = 1_000_000
MASK = (1 << 64) - 1
EPOCH = datetime.date(1970, 1, 1)


class Rng:
    """SplitMix64, as ruzu-bench computes it."""

    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def pick(self, ids):
        return ids[self.next() % len(ids)]


def node_params(id_, k):
    return {
        "id": id_,
        "name": "Writer %d" % k,
        "age": 18 + k % 70,
        "score": (k % 1000) / 1000.0,
        "birthday": EPOCH + datetime.timedelta(days=k % 20000 - 5000),
        "email": "writer%d@bench.example" % k,
    }


def rel_params(a, b, since, k):
    return {"a": a, "b": b, "since": since, "weight": (k % 100) / 100.0}


def rows_of(res):
    out = []
    while res.has_next():
        out.append(res.get_next())
    return out


def query(conn, text, params=None):
    return rows_of(conn.execute(text, params or {}))


def one_int(conn, text, params=None):
    rows = query(conn, text, params)
    assert len(rows) == 1 and len(rows[0]) == 1, (text, rows)
    return rows[0][0]


def person_ids(conn):
    return sorted(r[0] for r in query(conn, "MATCH (p:Person) RETURN p.id"))


def knows_count(conn):
    return one_int(conn, "MATCH ()-[k:knows]->() RETURN count(*)")


def remove_db(path):
    for p in (path, path + ".wal", path + ".shadow", path + ".lock", path + ".tmp"):
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def copy_db(base, dst):
    remove_db(dst)
    if os.path.isdir(base):
        shutil.copytree(base, dst)
    else:
        shutil.copyfile(base, dst)
    if os.path.exists(base + ".wal"):
        shutil.copyfile(base + ".wal", dst + ".wal")


def open_db(kuzu, path, threads):
    db = kuzu.Database(path, max_num_threads=threads)
    return db, kuzu.Connection(db, num_threads=threads)


def split_statements(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("//") and not line.startswith("--"):
            out.append(line.rstrip(";").strip())
    return out


def cmd_load(a):
    import kuzu
    data = os.path.abspath(a.data_dir)
    db_path = os.path.abspath(a.db_path)
    remove_db(db_path)
    db, conn = open_db(kuzu, db_path, a.threads)
    t = time.perf_counter()
    for s in split_statements(open(os.path.join(data, "schema.cypher")).read()):
        conn.execute(s)
    for s in split_statements(open(os.path.join(data, "copy.cypher")).read()):
        # COPY T FROM "file.csv" (...): the file is relative to DATA_DIR.
        head, q, rest = s.partition('"')
        name, q2, tail = rest.partition('"')
        conn.execute('%s"%s"%s' % (head, os.path.join(data, name), tail))
    conn.execute("CHECKPOINT")
    conn.close()
    db.close()
    print(json.dumps({"engine": "kuzu", "version": kuzu.__version__,
                      "load_s": round(time.perf_counter() - t, 3)}))


def phase_nodes(conn, a):
    before = one_int(conn, "MATCH (p:Person) RETURN count(*)")
    s = conn.prepare(NODE_CREATE)
    base = a.new_id_base
    t, cpu = time.perf_counter(), time.process_time()
    for k in range(a.rows):
        conn.execute(s, node_params(base + k, k))
    auto, auto_cpu = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN TRANSACTION")
    for k in range(a.rows, 2 * a.rows):
        conn.execute(s, node_params(base + k, k))
    conn.execute("COMMIT")
    txn, txn_cpu = time.perf_counter() - t, time.process_time() - cpu
    after = one_int(conn, "MATCH (p:Person) RETURN count(*)")
    ok = True
    for k in (0, 2 * a.rows - 1):
        got = query(conn, "MATCH (p:Person {id: $id}) RETURN p.name, p.age, p.score, "
                    "p.birthday, p.email", {"id": base + k})
        w = node_params(base + k, k)
        want = [[w["name"], w["age"], w["score"], w["birthday"], w["email"]]]
        if got != want:
            ok = False
            print("kuzu_writes: Person k=%d: got %r, want %r" % (k, got, want), file=sys.stderr)
    return {
        "node_auto_s": auto, "node_auto_per_s": a.rows / auto, "node_auto_cpu_s": auto_cpu,
        "node_txn_s": txn, "node_txn_per_s": a.rows / txn, "node_txn_cpu_s": txn_cpu,
        "node_count_ok": after - before == 2 * a.rows, "node_lookup_ok": ok,
    }


def phase_rels(conn, a, ids, rng):
    before = knows_count(conn)
    s = conn.prepare(REL_CREATE)

    def args(k):
        x = rng.pick(ids)
        y = rng.pick(ids)
        return rel_params(x, y, SINCE_BASE + k, k)

    t, cpu = time.perf_counter(), time.process_time()
    for k in range(a.rows):
        conn.execute(s, args(k))
    auto, auto_cpu = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN TRANSACTION")
    for k in range(a.rows, 2 * a.rows):
        conn.execute(s, args(k))
    conn.execute("COMMIT")
    txn, txn_cpu = time.perf_counter() - t, time.process_time() - cpu
    after = knows_count(conn)
    marked = one_int(conn, "MATCH ()-[k:knows]->() WHERE k.since >= $lo RETURN count(*)",
                     {"lo": SINCE_BASE})
    return {
        "rel_auto_s": auto, "rel_auto_per_s": a.rows / auto, "rel_auto_cpu_s": auto_cpu,
        "rel_txn_s": txn, "rel_txn_per_s": a.rows / txn, "rel_txn_cpu_s": txn_cpu,
        "rel_count_ok": after - before == 2 * a.rows and marked == 2 * a.rows,
    }


def first_row(rows):
    return "|".join(str(v) for v in rows[0]) if rows else ""


def time_read(conn, s, params, runs):
    """`runs` timed runs after one warm-up, and the answer (every row)."""
    answer = rows_of(conn.execute(s, params))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        rows_of(conn.execute(s, params))
        times.append(time.perf_counter() - t)
    return times, answer


def median_ms(times):
    times = sorted(times)
    return times[len(times) // 2] * 1000.0


def phase_reads(kuzu, db, conn, a, ids, rng, path):
    """The four states of ruzu-bench's reads phase: versions, CHECKPOINT, before, with, after."""
    p = json.load(open(os.path.join(a.data, "params.json")))
    params_all = {k: p[k] for k in ("HUB_ID", "MEDIAN_ID")}
    r = kuzu.Connection(db, num_threads=a.threads)
    stmts = [(n, r.prepare(t), {k: v for k, v in params_all.items() if "$" + k in t})
             for n, t in READS]

    def all_reads():
        return [time_read(r, s, ps, a.reads) for _, s, ps in stmts]

    versions = all_reads()
    t = time.perf_counter()
    conn.execute("CHECKPOINT")
    checkpoint = time.perf_counter() - t
    before = all_reads()
    t = time.perf_counter()
    conn.execute("BEGIN TRANSACTION")
    node = conn.prepare(NODE_CREATE)
    rel = conn.prepare(REL_CREATE)
    base = a.new_id_base
    for k in range(2 * a.rows, 3 * a.rows):
        conn.execute(node, node_params(base + k, k))
        x = rng.pick(ids)
        y = rng.pick(ids)
        conn.execute(rel, rel_params(x, y, SINCE_BASE + k, k))
    open_write = time.perf_counter() - t
    during = all_reads()
    own = one_int(conn, "MATCH (p:Person) RETURN count(*)")
    conn.execute("ROLLBACK")
    persons = one_int(r, "MATCH (p:Person) RETURN count(*)")
    after = all_reads()
    # One rel between the first two loaded persons, then CHECKPOINT (as ruzu-bench).
    def size():
        return sum(os.path.getsize(q) for q in (path, path + ".wal") if os.path.exists(q))
    conn.execute(conn.prepare(REL_CREATE), rel_params(ids[0], ids[min(len(ids), 2) - 1],
                                                       SINCE_BASE, 0))
    size0 = size()
    t = time.perf_counter()
    conn.execute("CHECKPOINT")
    one_ckpt = time.perf_counter() - t
    one_grew = max(0, size() - size0)
    out = []
    for (name, _, _), (v_t, v_ans), (b_t, b_ans), (d_t, d_ans), (a_t, a_ans) in zip(
            stmts, versions, before, during, after):
        out.append({"name": name, "versions_ms": median_ms(v_t), "before_ms": median_ms(b_t),
                    "with_ms": median_ms(d_t), "after_ms": median_ms(a_t),
                    "without_ms": median_ms(b_t + a_t), "answer": first_row(b_ans),
                    "same_answer": b_ans == v_ans == d_ans == a_ans})
    r.close()
    persons_before = before[0][1][0][0]
    return {"reads": out, "open_write_s": open_write, "reads_checkpoint_s": checkpoint,
            "one_rel_checkpoint_s": one_ckpt, "one_rel_checkpoint_grew_bytes": one_grew,
            "writer_sees_own": own == persons_before + a.rows,
            "rollback_ok": persons == persons_before}


def phase_close(kuzu, db, conn, path, a):
    persons = one_int(conn, "MATCH (p:Person) RETURN count(*)")
    knows = knows_count(conn)
    t = time.perf_counter()
    conn.close()
    db.close()
    close = time.perf_counter() - t
    size = sum(os.path.getsize(p) for p in (path, path + ".wal") if os.path.exists(p))
    db, conn = open_db(kuzu, path, a.threads)
    same = (one_int(conn, "MATCH (p:Person) RETURN count(*)") == persons
            and knows_count(conn) == knows)
    conn.close()
    db.close()
    return {"close_s": close, "file_bytes_after_close": size, "reopen_same_counts": same,
            "check_ok": None}


def phase_recovery(kuzu, a):
    path = os.path.join(a.work, "crash.kuzu")
    copy_db(a.base, path)
    wal = path + ".wal"
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "child", path, "--lo", str(a.new_id_base),
         "--seed", str(a.seed), "--threads", str(a.threads)],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    lines = []
    ready = threading.Event()

    def reader():
        for line in child.stdout:
            if line.strip() == "ready":
                ready.set()
            else:
                lines.append(line.strip())
        ready.set()

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    if not ready.wait(300) or child.poll() is not None:
        child.kill()
        child.wait()
        raise RuntimeError("the writer did not start")

    def wal_len():
        try:
            return os.path.getsize(wal)
        except OSError:
            return 0

    t = time.perf_counter()
    exited = None
    while wal_len() < a.wal_bytes and time.perf_counter() - t < 300:
        if child.poll() is not None:
            exited = child.returncode
            break
        time.sleep(0.001)
    child.kill()
    stream = time.perf_counter() - t
    child.wait()
    th.join()
    if exited is not None:
        raise RuntimeError("the writer exited by itself: %r" % exited)
    wal_bytes = wal_len()
    nodes, rels = [], []
    for line in lines:
        kind, k = line.split(" ")
        (nodes if kind == "n" else rels).append(int(k))
    t = time.perf_counter()
    db, conn = open_db(kuzu, path, a.threads)
    open_s = time.perf_counter() - t
    persons = one_int(conn, "MATCH (p:Person) RETURN count(*)")
    total = time.perf_counter() - t
    lo = a.new_id_base
    present_nodes = {r[0] - lo for r in query(
        conn, "MATCH (p:Person) WHERE p.id >= $lo RETURN p.id", {"lo": lo})}
    present_rels = {r[0] for r in query(
        conn, "MATCH (a:Person)-[k:knows]->() WHERE a.id >= $lo RETURN k.since", {"lo": lo})}
    missing = (sum(1 for k in nodes if k not in present_nodes)
               + sum(1 for k in rels if k not in present_rels))
    extra = len(present_nodes) + len(present_rels) - len(nodes) - len(rels) + missing
    conn.close()
    db.close()
    return {
        "wal_bytes_at_kill": wal_bytes, "stream_s": stream,
        "acked_commits": len(nodes) + len(rels), "missing_acked": missing,
        "unacked_present": extra, "persons_after": persons,
        "recover_open_s": open_s, "recover_open_query_s": total, "recovered_check_ok": None,
    }


def cmd_child(a):
    import kuzu
    db, conn = open_db(kuzu, a.db, a.threads)
    ids = person_ids(conn)
    node = conn.prepare(NODE_CREATE)
    rel = conn.prepare(REL_CREATE)
    rng = Rng(a.seed)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for k in range(a.max):
        id_ = a.lo + k
        conn.execute(node, node_params(id_, k))
        out.write("n %d\n" % k)
        out.flush()
        conn.execute(rel, rel_params(id_, rng.pick(ids), k, k))
        out.write("r %d\n" % k)
        out.flush()


def fdatasync_us(dirname):
    """Median latency of appending 128 bytes and fdatasync (100 times), as ruzu-bench."""
    path = os.path.join(dirname, "fdatasync.probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    times = []
    try:
        for _ in range(100):
            os.write(fd, b"\x07" * 128)
            t = time.perf_counter()
            os.fdatasync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        os.remove(path)
    return median_ms(times) * 1000.0


def cmd_run(a):
    import kuzu
    on = (lambda p: True) if not a.only else (lambda p: p in a.only.split(","))
    os.makedirs(a.work, exist_ok=True)
    out = {"engine": "kuzu", "version": kuzu.__version__, "rows": a.rows}
    errors = []
    out["fdatasync_us"] = fdatasync_us(a.work)
    if hasattr(os, "getloadavg"):
        out["loadavg_1m"] = os.getloadavg()[0]

    def phase(name, f, *args):
        try:
            out.update(f(*args))
        except Exception as e:  # noqa: BLE001 - reported in the JSON
            errors.append("%s: %s" % (name, e))

    if on("nodes") or on("rels") or on("reads") or on("close"):
        path = os.path.join(a.work, "writes.kuzu")
        copy_db(a.base, path)
        db, conn = open_db(kuzu, path, a.threads)
        ids = person_ids(conn)
        rng = Rng(a.seed)
        if on("nodes"):
            phase("nodes", phase_nodes, conn, a)
        if on("rels"):
            phase("rels", phase_rels, conn, a, ids, rng)
        if on("reads"):
            phase("reads", phase_reads, kuzu, db, conn, a, ids, rng, path)
        if on("close"):
            phase("close", phase_close, kuzu, db, conn, path, a)
    if on("recovery"):
        phase("recovery", phase_recovery, kuzu, a)
    out["errors"] = errors
    print(json.dumps(out))
    sys.stdout.flush()
    return 1 if errors else 0


def med(rows, key):
    vals = [r[key] for r in rows if isinstance(r.get(key), (int, float))
            and not isinstance(r.get(key), bool)]
    return statistics.median(vals) if vals else None


def read_med(rows, name, key):
    vals = [q[key] for r in rows for q in r.get("reads", []) if q["name"] == name]
    return statistics.median(vals) if vals else None


def all_true(rows, key):
    vals = [r.get(key) for r in rows if r.get(key) is not None]
    return "-" if not vals else ("yes" if all(vals) else "NO")


def cmd_table(a):
    sides = []
    for path in (a.ruzu, a.kuzu):
        rows = []
        if path and os.path.exists(path):
            for line in open(path):
                line = line.strip()
                if line.startswith("{"):
                    rows.append(json.loads(line))
        sides.append(rows)
    ru, ku = sides
    reps = max(len(ru), len(ku))

    def fmt(v, unit):
        if v is None:
            return "-"
        if unit == "/s":
            return "{:,.0f} /s".format(v)
        if unit == "ms":
            return "%.3f ms" % v
        if unit == "s":
            return "%.3f s" % v
        if unit == "f":
            return "%.2f" % v
        if unit == "us":
            return "%.1f us" % v
        if unit == "B":
            return "{:,} B".format(int(v))
        return "{:,.0f}".format(v)

    def ratio(r, k, higher_better):
        if higher_better is None or r is None or k is None or r == 0 or k == 0:
            return "-"
        x = r / k if higher_better else k / r
        return "%.2fx" % x

    lines = [("metric", "ruzu", "kuzu", "ruzu/kuzu")]

    def add(label, key, unit, higher_better):
        r, k = med(ru, key), med(ku, key)
        lines.append((label, fmt(r, unit), fmt(k, unit), ratio(r, k, higher_better)))

    add("load average (1 min) at start", "loadavg_1m", "f", None)
    add("fdatasync of 128 B in the work dir (probe)", "fdatasync_us", "us", None)
    add("CREATE Person, auto-commit", "node_auto_per_s", "/s", True)
    add("CREATE Person, %s in one txn" % (ru or ku or [{}])[0].get("rows", "?"),
        "node_txn_per_s", "/s", True)
    add("rel by 2 PK matches, auto-commit", "rel_auto_per_s", "/s", True)
    add("rel by 2 PK matches, in one txn", "rel_txn_per_s", "/s", True)
    for r in ru + ku:
        for k in ("node_auto", "node_txn", "rel_auto", "rel_txn"):
            if isinstance(r.get(k + "_cpu_s"), (int, float)) and r.get("rows"):
                r[k + "_cpu_us"] = r[k + "_cpu_s"] / r["rows"] * 1e6
    add("  CPU per row, CREATE Person auto-commit", "node_auto_cpu_us", "us", False)
    add("  CPU per row, CREATE Person in one txn", "node_txn_cpu_us", "us", False)
    add("  CPU per row, rel auto-commit", "rel_auto_cpu_us", "us", False)
    add("  CPU per row, rel in one txn", "rel_txn_cpu_us", "us", False)
    add("CHECKPOINT after the writes", "reads_checkpoint_s", "s", False)
    add("  pages it wrote", "reads_checkpoint_pages", "", None)
    add("one rel, then CHECKPOINT", "one_rel_checkpoint_s", "s", False)
    add("  pages it wrote", "one_rel_checkpoint_pages", "", None)
    add("  file growth", "one_rel_checkpoint_grew_bytes", "B", None)
    add("close after the writes", "close_s", "s", False)
    add("WAL at kill -9", "wal_bytes_at_kill", "B", None)
    add("acknowledged commits before kill", "acked_commits", "", None)
    add("reopen after kill: open", "recover_open_s", "s", False)
    add("reopen after kill: open + first query", "recover_open_query_s", "s", False)
    for name, _ in READS:
        for key, label in (("versions_ms", "commits not checkpointed"),
                           ("without_ms", "checkpointed, no writer"),
                           ("with_ms", "checkpointed, open write txn")):
            r, k = read_med(ru, name, key), read_med(ku, name, key)
            lines.append(("%s read, %s" % (name, label), fmt(r, "ms"), fmt(k, "ms"),
                          ratio(r, k, False)))
    # During/without ratio per engine (> 1: slower while a write transaction is open), and
    # the cost of row versions not yet checkpointed.
    lines.append(("", "", "", ""))
    for name, _ in READS:
        cells = []
        for rows in (ru, ku):
            w, d = read_med(rows, name, "without_ms"), read_med(rows, name, "with_ms")
            cells.append("%.2fx" % (d / w) if w and d else "-")
        lines.append(("%s with/without writer" % name, cells[0], cells[1], ""))
    for name, _ in READS:
        cells = []
        for rows in (ru, ku):
            w, v = read_med(rows, name, "without_ms"), read_med(rows, name, "versions_ms")
            cells.append("%.2fx" % (v / w) if w and v else "-")
        lines.append(("%s not checkpointed/checkpointed" % name, cells[0], cells[1], ""))
    w = [max(len(l[i]) for l in lines) for i in range(4)]
    print("medians of %d repetition(s); ratio > 1: ruzu better" % reps)
    for i, l in enumerate(lines):
        print("| " + " | ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j])
                                for j, c in enumerate(l)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w[j] + 2) for j in range(4)) + "|")
    print()
    checks = ["node_count_ok", "node_lookup_ok", "rel_count_ok", "writer_sees_own",
              "rollback_ok", "reopen_same_counts", "check_ok", "recovered_check_ok"]
    for side, rows in (("ruzu", ru), ("kuzu", ku)):
        if not rows:
            continue
        missing = sum(r.get("missing_acked", 0) or 0 for r in rows)
        same = all(q["same_answer"] for r in rows for q in r.get("reads", []))
        errs = [e for r in rows for e in r.get("errors", [])]
        print("%s checks: %s; reads same answer during the write txn: %s; acknowledged "
              "commits missing after kill -9: %d%s" % (
                  side, ", ".join("%s %s" % (c, all_true(rows, c)) for c in checks),
                  "yes" if same else "NO", missing,
                  "; ERRORS: " + " / ".join(errs) if errs else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("load")
    p.add_argument("data_dir")
    p.add_argument("db_path")
    p.add_argument("--threads", type=int, default=2)
    p = sub.add_parser("run")
    p.add_argument("base")
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--rows", type=int, default=2000)
    p.add_argument("--reads", type=int, default=15)
    p.add_argument("--wal-bytes", type=int, default=1_700_000)
    p.add_argument("--new-id-base", type=int, default=1 << 62)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", default="")
    p = sub.add_parser("child")
    p.add_argument("db")
    p.add_argument("--lo", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max", type=int, default=100_000_000)
    p = sub.add_parser("table")
    p.add_argument("ruzu")
    p.add_argument("kuzu", nargs="?")
    a = ap.parse_args()
    if a.cmd == "load":
        cmd_load(a)
    elif a.cmd == "run":
        a.base = os.path.abspath(a.base)
        a.work = os.path.abspath(a.work)
        sys.exit(cmd_run(a))
    elif a.cmd == "child":
        cmd_child(a)
    else:
        cmd_table(a)


if __name__ == "__main__":
    main()
