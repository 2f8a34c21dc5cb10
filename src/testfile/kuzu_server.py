# Reference engine for ruzu-testfile: runs queries on the Kuzu Python package and renders
# values the way Kuzu's Value::toString does, as far as the binding's Python values allow
# (INTERVAL months are folded into days by the binding; MAP keys must be hashable).
# Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
#   {"op": "open", "path": P, "buffer_pool_size": N, "threads": T} -> {}
#   {"op": "connect"} -> {"id": N}
#   {"op": "run", "conn": N, "query": Q} -> {"results": [{"columns", "kinds", "rows"} | {"error"}]}
#   {"op": "close"} -> {}
import datetime
import decimal
import json
import sys
import uuid

import kuzu


def render(v, ty=""):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%f" % v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        out = []
        for b in v:
            if 32 <= b <= 126 and chr(b) not in "\\'\"":
                out.append(chr(b))
            else:
                out.append("\\x%02X" % b)
        return "".join(out)
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, datetime.datetime):
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        if v.microsecond:
            s += ("." + "%06d" % v.microsecond).rstrip("0")
        if v.tzinfo is not None:
            s += "+00"
        return s
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        total = v // datetime.timedelta(microseconds=1)
        neg = total < 0
        total = abs(total)
        days, micros = divmod(total, 86400 * 1000000)
        # The binding folds months into days (30 each); guess them back.
        months, days = divmod(days, 30)
        years, months = divmod(months, 12)
        sign = "-" if neg else ""
        parts = []
        for n, unit in ((years, "year"), (months, "month"), (days, "day")):
            if n:
                parts.append("%s%d %s%s" % (sign, n, unit, "" if n == 1 else "s"))
        if micros or not parts:
            secs, frac = divmod(micros, 1000000)
            t = "%02d:%02d:%02d" % (secs // 3600, (secs // 60) % 60, secs % 60)
            if frac:
                t += ("." + "%06d" % frac).rstrip("0")
            parts.append(("-" if neg and not days else "") + t)
        return " ".join(parts)
    if isinstance(v, (list, tuple)):
        inner = ty[:-2] if ty.endswith("[]") else ""
        return "[" + ",".join(render(x, inner) for x in v) + "]"
    if isinstance(v, dict):
        return render_dict(v, ty)
    return str(v)


def render_id(d):
    return "%d:%d" % (d["table"], d["offset"])


def render_dict(v, ty):
    keys = set(v.keys())
    if keys == {"offset", "table"}:
        return render_id(v)
    if "_nodes" in v and "_rels" in v:
        return "{_NODES: [%s], _RELS: [%s]}" % (
            ",".join(render_dict(n, "NODE") for n in v["_nodes"]),
            ",".join(render_dict(r, "REL") for r in v["_rels"]),
        )
    if "_src" in v and "_dst" in v and "_label" in v:
        parts = ["_LABEL: " + str(v["_label"]), "_ID: " + render_id(v["_id"])]
        for k, x in v.items():
            if k.startswith("_") or x is None:
                continue
            parts.append("%s: %s" % (k, render(x)))
        return "(%s)-{%s}->(%s)" % (render_id(v["_src"]), ", ".join(parts), render_id(v["_dst"]))
    if "_label" in v and "_id" in v:
        parts = ["_ID: " + render_id(v["_id"]), "_LABEL: " + str(v["_label"])]
        for k, x in v.items():
            if k.startswith("_") or x is None:
                continue
            parts.append("%s: %s" % (k, render(x)))
        return "{" + ", ".join(parts) + "}"
    if ty.startswith("MAP("):
        return "{" + ", ".join("%s=%s" % (render(k), render(x)) for k, x in v.items()) + "}"
    return "{" + ", ".join("%s: %s" % (k, render(x)) for k, x in v.items()) + "}"


def kind(ty):
    if ty == "FLOAT":
        return "Float"
    if ty == "DOUBLE":
        return "Double"
    return "Other"


def one_result(r):
    if not r.isSuccess():
        return {"error": r.getErrorMessage()}
    names = list(r.getColumnNames())
    types = [str(t) for t in r.getColumnDataTypes()]
    rows = []
    while r.hasNext():
        row = r.getNext()
        cells = []
        for i, x in enumerate(row):
            ty = types[i] if i < len(types) else ""
            num = x if isinstance(x, float) else None
            if num is not None and (num != num or num in (float("inf"), float("-inf"))):
                num = None
            cells.append([render(x, ty), num])
        rows.append(cells)
    return {"columns": names, "kinds": [kind(t) for t in types], "rows": rows}


def run(conn, query):
    try:
        r = conn._connection.query(query)
    except Exception as e:  # noqa: BLE001
        return [{"error": str(e)}]
    out = []
    while True:
        try:
            res = one_result(r)
        except Exception as e:  # noqa: BLE001
            res = {"error": "binding: " + str(e)}
        out.append(res)
        if "error" in res or not r.hasNextQueryResult():
            break
        r = r.getNextQueryResult()
    return out


def main():
    db = None
    conns = {}
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        try:
            if op == "open":
                db = kuzu.Database(
                    req["path"],
                    buffer_pool_size=req["buffer_pool_size"],
                    max_num_threads=req["threads"],
                )
                reply = {}
            elif op == "connect":
                n = len(conns) + 1
                conns[n] = kuzu.Connection(db)
                reply = {"id": n}
            elif op == "run":
                reply = {"results": run(conns[req["conn"]], req["query"])}
            elif op == "close":
                for c in conns.values():
                    c.close()
                conns = {}
                if db is not None:
                    db.close()
                sys.stdout.write("{}\n")
                sys.stdout.flush()
                return
            else:
                reply = {"fail": "unknown op " + op}
        except Exception as e:  # noqa: BLE001
            reply = {"fail": str(e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


main()
