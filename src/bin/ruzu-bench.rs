//! `ruzu-bench`: query latencies on a loaded database, as `../shared/bench/kuzu_queries.py`
//! measures Kuzu, so the two can run in one command and be compared as ratios.
//!
//! `ruzu-bench DB --queries queries.cypher --params params.json [--runs 5]`
//! prints, per query: the first run in this fresh process (cold buffer pool) and the median,
//! min and max of `--runs` further runs, with the first result row; `--json` prints one JSON
//! object per query instead. The query file holds `// NAME description` lines, each followed
//! by the query on one line; `$KEY` placeholders are bound from the params JSON object.
//!
//! `ruzu-bench writes BASE --data DATA --work DIR` is the write benchmark of `bench/writes.sh`
//! (see `mod writes` below and docs/PERFORMANCE.md).

use clap::Parser;
use ruzu::cli::{parse_size, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use ruzu::{Config, Database, Params, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(
    name = "ruzu-bench",
    version,
    about = "Query latencies on a ruzu database"
)]
struct Args {
    /// The database file.
    db: PathBuf,
    /// Query file: `// NAME description` then the query on one line.
    #[arg(long)]
    queries: PathBuf,
    /// JSON object whose keys bind `$KEY` parameters.
    #[arg(long)]
    params: Option<PathBuf>,
    /// Warm runs after the first.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Buffer pool size, e.g. 16MB.
    #[arg(long)]
    buffer_pool: Option<String>,
    /// Worker threads.
    #[arg(long)]
    threads: Option<usize>,
    /// Queries whose name contains `global` run once, with this timeout.
    #[arg(long, default_value_t = 120)]
    timeout_s: u64,
    /// Only these queries (comma-separated name prefixes such as Q1,Q4a).
    #[arg(long)]
    only: Option<String>,
    /// One JSON object per query.
    #[arg(long)]
    json: bool,
}

struct Query {
    name: String,
    text: String,
}

fn parse_queries(text: &str) -> Vec<Query> {
    let mut out = Vec::new();
    let mut name = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("//") {
            name = Some(rest.trim().to_string());
        } else if !l.is_empty() {
            out.push(Query {
                name: name
                    .take()
                    .unwrap_or_else(|| format!("query{}", out.len() + 1)),
                text: l.trim_end_matches(';').to_string(),
            });
        }
    }
    out
}

fn json_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int64(i)
            } else if let Some(u) = n.as_u64() {
                Value::UInt64(u)
            } else {
                Value::Double(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => Value::Struct(
            o.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        ),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn run(args: Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.queries)
        .map_err(|e| format!("cannot read {}: {e}", args.queries.display()))?;
    let mut params = Params::new();
    if let Some(p) = &args.params {
        let t =
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let j: serde_json::Value =
            serde_json::from_str(&t).map_err(|e| format!("{}: {e}", p.display()))?;
        let serde_json::Value::Object(o) = j else {
            return Err(format!("{}: expected a JSON object", p.display()));
        };
        for (k, v) in o {
            params.insert(k, json_to_value(&v));
        }
    }
    let mut config = Config {
        read_only: true,
        ..Config::default()
    };
    if let Some(b) = &args.buffer_pool {
        config.buffer_pool_size = parse_size(b)?;
    }
    if let Some(t) = args.threads {
        config.threads = t.max(1);
    }
    let t0 = Instant::now();
    let db = Database::open_with(&args.db, config).map_err(|e| e.to_string())?;
    let conn = db.connect();
    let open = t0.elapsed();
    if args.json {
        println!(
            "{}",
            serde_json::json!({"name": "open", "first_ms": ms(open)})
        );
    } else {
        println!(
            "{:<28} {:>10} {:>10} {:>10} {:>10}  first row",
            "query", "first ms", "median ms", "min ms", "max ms"
        );
        println!("{:<28} {:>10.2}", "open database", ms(open));
    }
    let only: Vec<String> = args
        .only
        .as_deref()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect())
        .unwrap_or_default();
    for q in parse_queries(&text) {
        if !only.is_empty() && !only.iter().any(|o| q.name.starts_with(o.as_str())) {
            continue;
        }
        let once = q.name.contains("global");
        conn.set_timeout(once.then(|| Duration::from_secs(args.timeout_s)));
        let mut times = Vec::new();
        let mut first_row = String::new();
        let runs = if once { 1 } else { 1 + args.runs };
        for i in 0..runs {
            let t = Instant::now();
            let res = conn.query_script_with(&q.text, &params);
            let mut rows = Vec::new();
            for r in res {
                let r = r.map_err(|e| format!("{}: {e}", q.name))?;
                for row in r {
                    rows.push(row.map_err(|e| format!("{}: {e}", q.name))?);
                }
            }
            times.push(t.elapsed());
            if i == 0 {
                first_row = rows
                    .first()
                    .map(|r| {
                        r.iter()
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .unwrap_or_default();
            }
        }
        let first = times[0];
        let mut warm: Vec<Duration> = times[1..].to_vec();
        warm.sort();
        let median = warm.get(warm.len() / 2).copied();
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "name": q.name,
                    "first_ms": ms(first),
                    "median_ms": median.map(ms),
                    "min_ms": warm.first().copied().map(ms),
                    "max_ms": warm.last().copied().map(ms),
                    "first_row": first_row,
                })
            );
        } else {
            let f = |d: Option<Duration>| {
                d.map(|d| format!("{:>10.2}", ms(d)))
                    .unwrap_or_else(|| format!("{:>10}", "-"))
            };
            let short: String = q.name.chars().take(28).collect();
            println!(
                "{:<28} {:>10.2} {} {} {}  {}",
                short,
                ms(first),
                f(median),
                f(warm.first().copied()),
                f(warm.last().copied()),
                first_row
            );
        }
    }
    Ok(())
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    match argv.get(1).map(String::as_str) {
        Some("writes") => exit_with(writes::main(&argv[1..])),
        Some("writes-child") => exit_with(writes::child(&argv[1..])),
        Some("group-commit") => exit_with(writes::group_commit(&argv[1..])),
        _ => {}
    }
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    exit_with(run(args));
}

fn exit_with(r: Result<(), String>) -> ! {
    std::process::exit(match r {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("ruzu-bench: {e}");
            EXIT_FAILURE
        }
    });
}

/// `ruzu-bench writes`: the write benchmark of `bench/writes.sh`, ruzu's side. The Kuzu side,
/// `bench/kuzu_writes.py run`, does the same steps with the same statements, parameters and
/// pseudo-random choices, and prints the same JSON keys.
///
/// On a copy of a loaded gen_social.py database: single-row `CREATE (:Person ...)`
/// auto-commit, then as many in one transaction; rel inserts by two primary-key matches,
/// auto-commit and in one transaction; read queries on a second connection with the commits
/// not yet checkpointed, then after a CHECKPOINT without and during an open write transaction
/// (which must not change their answers); one rel then CHECKPOINT (its time, pages written and
/// file growth); the clean close. On a
/// second copy: a child process commits rows until the WAL holds `--wal-bytes`, is killed with
/// SIGKILL, and the database is reopened (open, first query, every acknowledged commit present).
mod writes {
    use super::{json_to_value, ms};
    use clap::Parser;
    use ruzu::cli::{EXIT_OK, EXIT_USAGE};
    use ruzu::{Connection, Database, Params, PreparedStatement, Value};
    use serde_json::{json, Value as Json};
    use std::io::{BufRead, BufReader};
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    pub const NODE_CREATE: &str = "CREATE (:Person {id: $id, name: $name, age: $age, score: $score, birthday: $birthday, email: $email})";
    pub const REL_CREATE: &str = "MATCH (a:Person {id: $a}), (b:Person {id: $b}) CREATE (a)-[:knows {since: $since, weight: $weight}]->(b)";
    /// The read queries (names and texts as in `queries.cypher`; the same list is in
    /// `bench/kuzu_writes.py`).
    pub const READS: [(&str, &str); 6] = [
        ("Q1", "MATCH (p:Person) RETURN count(*)"),
        (
            "Q3",
            "MATCH (p:Person) WHERE p.age > 50 AND p.score < 0.3 RETURN count(*)",
        ),
        (
            "Q4a",
            "MATCH (a:Person {id: $HUB_ID})-[:knows]->(b) RETURN count(*)",
        ),
        (
            "Q5",
            "MATCH (a:Person {id: $MEDIAN_ID})-[:knows]->()-[:knows]->(c) RETURN count(*)",
        ),
        (
            "Q6",
            "MATCH (a:Person)-[:knows]->(b) RETURN a.id, count(*) AS d ORDER BY d DESC LIMIT 10",
        ),
        (
            "Q7",
            "MATCH (p:Person)-[:livesIn]->(c:City) RETURN c.id, c.name, count(*) AS n ORDER BY n DESC LIMIT 5",
        ),
    ];
    /// `since` of the rels the phases insert (the generator's are years).
    const SINCE_BASE: i64 = 1_000_000;

    #[derive(Parser, Debug)]
    #[command(
        name = "ruzu-bench writes",
        about = "Write, recovery and read-during-write benchmark on a copy of a loaded database"
    )]
    struct WritesArgs {
        /// A database loaded from gen_social.py's output (only copied, never written).
        base: PathBuf,
        /// gen_social.py's output directory (its params.json binds HUB_ID and MEDIAN_ID).
        #[arg(long)]
        data: PathBuf,
        /// Scratch directory for the copies (emptied of earlier copies first).
        #[arg(long)]
        work: PathBuf,
        /// Rows per phase: auto-commit statements, and statements of the one transaction.
        #[arg(long, default_value_t = 2000)]
        rows: u64,
        /// Timed runs of each read query in each of its states (after one warm-up run).
        #[arg(long, default_value_t = 15)]
        reads: usize,
        /// WAL size at which the recovery phase kills its writer.
        #[arg(long, default_value_t = 1_700_000)]
        wal_bytes: u64,
        /// First id of the created Person rows (gen_social.py's NEW_ID_BASE: no generated
        /// id is this large).
        #[arg(long, default_value_t = 1u64 << 62)]
        new_id_base: u64,
        /// Seed of the pseudo-random rel endpoints.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Only these phases, comma-separated: nodes, rels, reads, close, recovery.
        #[arg(long)]
        only: Option<String>,
        /// One JSON object instead of a readable summary.
        #[arg(long)]
        json: bool,
    }

    #[derive(Parser, Debug)]
    #[command(name = "ruzu-bench writes-child")]
    struct ChildArgs {
        db: PathBuf,
        #[arg(long)]
        lo: u64,
        #[arg(long)]
        seed: u64,
        #[arg(long, default_value_t = 100_000_000)]
        max: u64,
    }

    /// Prints a usage error (exit 2) or the help (exit 0), as the query mode does.
    fn usage_exit(e: clap::Error) -> ! {
        let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        let _ = e.print();
        std::process::exit(code)
    }

    /// SplitMix64, as `bench/kuzu_writes.py` computes it.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn pick(&mut self, ids: &[i64]) -> i64 {
            ids[(self.next() % ids.len() as u64) as usize]
        }
    }

    /// The properties of the `k`-th created Person.
    fn node_params(id: i64, k: u64) -> Params {
        let mut p = Params::new();
        p.insert("id".into(), Value::Int64(id));
        p.insert("name".into(), Value::String(format!("Writer {k}")));
        p.insert("age".into(), Value::Int64(18 + (k % 70) as i64));
        p.insert("score".into(), Value::Double((k % 1000) as f64 / 1000.0));
        p.insert("birthday".into(), Value::Date((k % 20000) as i32 - 5000));
        p.insert(
            "email".into(),
            Value::String(format!("writer{k}@bench.example")),
        );
        p
    }

    fn rel_params(a: i64, b: i64, since: i64, k: u64) -> Params {
        let mut p = Params::new();
        p.insert("a".into(), Value::Int64(a));
        p.insert("b".into(), Value::Int64(b));
        p.insert("since".into(), Value::Int64(since));
        p.insert("weight".into(), Value::Double((k % 100) as f64 / 100.0));
        p
    }

    fn prepare(c: &Connection, text: &str) -> Result<PreparedStatement, String> {
        c.prepare(text)
            .map_err(|e| format!("preparing `{text}`: {e}"))
    }

    fn exec(
        c: &Connection,
        s: &PreparedStatement,
        params: &Params,
    ) -> Result<Vec<Vec<Value>>, String> {
        let fail = |e: ruzu::Error| format!("`{}` with {params:?}: {e}", s.text());
        c.execute(s, params)
            .map_err(fail)?
            .collect::<ruzu::Result<Vec<_>>>()
            .map_err(fail)
    }

    fn query(c: &Connection, text: &str, params: &Params) -> Result<Vec<Vec<Value>>, String> {
        let s = prepare(c, text)?;
        exec(c, &s, params)
    }

    fn one_int(c: &Connection, text: &str, params: &Params) -> Result<i64, String> {
        match query(c, text, params)?.as_slice() {
            [row] => match row.as_slice() {
                [Value::Int64(n)] => Ok(*n),
                other => Err(format!("`{text}`: expected one INT64, got {other:?}")),
            },
            rows => Err(format!("`{text}`: expected one row, got {}", rows.len())),
        }
    }

    fn ints(c: &Connection, text: &str, params: &Params) -> Result<Vec<i64>, String> {
        query(c, text, params)?
            .into_iter()
            .map(|r| match r.as_slice() {
                [Value::Int64(n)] => Ok(*n),
                other => Err(format!("`{text}`: expected INT64, got {other:?}")),
            })
            .collect()
    }

    /// Every Person id, sorted (so both engines draw the same endpoints).
    fn person_ids(c: &Connection) -> Result<Vec<i64>, String> {
        let mut ids = ints(c, "MATCH (p:Person) RETURN p.id", &Params::new())?;
        ids.sort_unstable();
        Ok(ids)
    }

    fn run_txn(c: &Connection, stmt: &str) -> Result<(), String> {
        c.query(stmt)
            .and_then(|r| r.materialize())
            .map(|_| ())
            .map_err(|e| format!("`{stmt}`: {e}"))
    }

    fn copy_db(base: &Path, dst: &Path) -> Result<(), String> {
        let wal = ruzu::transaction::wal::path_of(dst);
        for p in [dst, wal.as_path()] {
            if p.exists() {
                std::fs::remove_file(p).map_err(|e| format!("{}: {e}", p.display()))?;
            }
        }
        std::fs::copy(base, dst).map_err(|e| format!("copying {}: {e}", base.display()))?;
        let base_wal = ruzu::transaction::wal::path_of(base);
        if base_wal.exists() {
            std::fs::copy(&base_wal, &wal).map_err(|e| format!("{}: {e}", base_wal.display()))?;
        }
        Ok(())
    }

    fn median(mut v: Vec<Duration>) -> f64 {
        v.sort();
        v.get(v.len() / 2).copied().map(ms).unwrap_or(f64::NAN)
    }

    fn rate(rows: u64, d: Duration) -> f64 {
        rows as f64 / d.as_secs_f64()
    }

    /// CPU time of this process so far, every thread (`/proc/self/task/*/schedstat`: ns on
    /// a CPU; Python's `time.process_time()` on Kuzu's side), or 0 where unavailable. Unlike
    /// wall time it leaves out waiting for fdatasync, which on a shared disk varies tenfold.
    fn cpu_s() -> f64 {
        let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
            return 0.0;
        };
        let ns: u64 = dir
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
            .sum();
        ns as f64 / 1e9
    }

    /// Median latency of appending 128 bytes to a file in `dir` and fdatasync-ing it (100
    /// times): what each auto-commit waits for at least, on this disk, now.
    fn fdatasync_us(dir: &Path) -> Result<f64, String> {
        use std::io::Write;
        let p = dir.join("fdatasync.probe");
        let mut f = std::fs::File::create(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let mut times = Vec::new();
        for _ in 0..100 {
            f.write_all(&[7u8; 128]).map_err(|e| e.to_string())?;
            let t = Instant::now();
            f.sync_data().map_err(|e| e.to_string())?;
            times.push(t.elapsed());
        }
        drop(f);
        let _ = std::fs::remove_file(&p);
        Ok(median(times) * 1000.0)
    }

    /// Nodes: `rows` auto-commit creates (k = 0..rows), then `rows` in one transaction.
    fn nodes(c: &Connection, a: &WritesArgs) -> Result<Json, String> {
        let before = one_int(c, "MATCH (p:Person) RETURN count(*)", &Params::new())?;
        let s = prepare(c, NODE_CREATE)?;
        let base = a.new_id_base as i64;
        let (t, cpu) = (Instant::now(), cpu_s());
        for k in 0..a.rows {
            exec(c, &s, &node_params(base + k as i64, k))?;
        }
        let (auto, auto_cpu) = (t.elapsed(), cpu_s() - cpu);
        let (t, cpu) = (Instant::now(), cpu_s());
        run_txn(c, "BEGIN TRANSACTION")?;
        for k in a.rows..2 * a.rows {
            exec(c, &s, &node_params(base + k as i64, k))?;
        }
        run_txn(c, "COMMIT")?;
        let (txn, txn_cpu) = (t.elapsed(), cpu_s() - cpu);
        let after = one_int(c, "MATCH (p:Person) RETURN count(*)", &Params::new())?;
        // Two created rows read back by primary key.
        let mut lookups_ok = true;
        for k in [0, 2 * a.rows - 1] {
            let mut p = Params::new();
            p.insert("id".into(), Value::Int64(base + k as i64));
            let got = query(
                c,
                "MATCH (p:Person {id: $id}) RETURN p.name, p.age, p.score, p.birthday, p.email",
                &p,
            )?;
            let want = node_params(base + k as i64, k);
            let expect: Vec<Value> = ["name", "age", "score", "birthday", "email"]
                .iter()
                .map(|n| want[*n].clone())
                .collect();
            if got != vec![expect.clone()] {
                lookups_ok = false;
                eprintln!("ruzu-bench writes: Person k={k}: got {got:?}, want {expect:?}");
            }
        }
        Ok(json!({
            "node_auto_s": auto.as_secs_f64(),
            "node_auto_per_s": rate(a.rows, auto),
            "node_auto_cpu_s": auto_cpu,
            "node_txn_s": txn.as_secs_f64(),
            "node_txn_per_s": rate(a.rows, txn),
            "node_txn_cpu_s": txn_cpu,
            "node_count_ok": after - before == 2 * a.rows as i64,
            "node_lookup_ok": lookups_ok,
        }))
    }

    fn knows_count(c: &Connection) -> Result<i64, String> {
        one_int(c, "MATCH ()-[k:knows]->() RETURN count(*)", &Params::new())
    }

    /// Rels: `rows` auto-commit inserts between random existing persons, then `rows` in one
    /// transaction; `since` = SINCE_BASE + k marks them.
    fn rels(c: &Connection, a: &WritesArgs, ids: &[i64], rng: &mut Rng) -> Result<Json, String> {
        let before = knows_count(c)?;
        let s = prepare(c, REL_CREATE)?;
        let args = |k: u64, rng: &mut Rng| {
            let (x, y) = (rng.pick(ids), rng.pick(ids));
            rel_params(x, y, SINCE_BASE + k as i64, k)
        };
        let (t, cpu) = (Instant::now(), cpu_s());
        for k in 0..a.rows {
            exec(c, &s, &args(k, rng))?;
        }
        let (auto, auto_cpu) = (t.elapsed(), cpu_s() - cpu);
        let (t, cpu) = (Instant::now(), cpu_s());
        run_txn(c, "BEGIN TRANSACTION")?;
        for k in a.rows..2 * a.rows {
            exec(c, &s, &args(k, rng))?;
        }
        run_txn(c, "COMMIT")?;
        let (txn, txn_cpu) = (t.elapsed(), cpu_s() - cpu);
        let after = knows_count(c)?;
        let mut p = Params::new();
        p.insert("lo".into(), Value::Int64(SINCE_BASE));
        let marked = one_int(
            c,
            "MATCH ()-[k:knows]->() WHERE k.since >= $lo RETURN count(*)",
            &p,
        )?;
        Ok(json!({
            "rel_auto_s": auto.as_secs_f64(),
            "rel_auto_per_s": rate(a.rows, auto),
            "rel_auto_cpu_s": auto_cpu,
            "rel_txn_s": txn.as_secs_f64(),
            "rel_txn_per_s": rate(a.rows, txn),
            "rel_txn_cpu_s": txn_cpu,
            "rel_count_ok": after - before == 2 * a.rows as i64 && marked == 2 * a.rows as i64,
        }))
    }

    fn first_row(rows: &[Vec<Value>]) -> String {
        rows.first()
            .map(|r| {
                r.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .unwrap_or_default()
    }

    /// `runs` timed runs after one warm-up, and the answer (every row).
    fn time_read(
        c: &Connection,
        s: &PreparedStatement,
        p: &Params,
        runs: usize,
    ) -> Result<(Vec<Duration>, Vec<Vec<Value>>), String> {
        let answer = exec(c, s, p)?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            exec(c, s, p)?;
            times.push(t.elapsed());
        }
        Ok((times, answer))
    }

    /// Read queries on a second connection, in four states: (1) after the write phases, whose
    /// commits are row versions until a checkpoint ("versions"); then CHECKPOINT and (2) no
    /// writer; (3) while the first connection holds a write transaction with `rows`
    /// uncommitted creates of each kind ("with"); (4) after it rolls back. "without" is the
    /// median of the runs of (2) and (4), so drift of a noisy machine weighs on both sides of
    /// the with/without comparison. Every state must give the same answers.
    fn reads(
        db: &Database,
        c: &Connection,
        a: &WritesArgs,
        ids: &[i64],
        rng: &mut Rng,
    ) -> Result<Json, String> {
        let text = std::fs::read_to_string(a.data.join("params.json"))
            .map_err(|e| format!("{}/params.json: {e}", a.data.display()))?;
        let j: Json = serde_json::from_str(&text).map_err(|e| format!("params.json: {e}"))?;
        let mut params = Params::new();
        for k in ["HUB_ID", "MEDIAN_ID"] {
            params.insert(k.into(), json_to_value(&j[k]));
        }
        let r = db.connect();
        let stmts = READS
            .iter()
            .map(|(n, t)| Ok((*n, prepare(&r, t)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let all_reads = || {
            stmts
                .iter()
                .map(|(_, s)| time_read(&r, s, &params, a.reads))
                .collect::<Result<Vec<_>, String>>()
        };
        let versions = all_reads()?;
        let pages0 = db.pager().pages_written();
        let t = Instant::now();
        run_txn(c, "CHECKPOINT")?;
        let checkpoint = t.elapsed();
        let checkpoint_pages = db.pager().pages_written() - pages0;
        let before = all_reads()?;
        let t = Instant::now();
        run_txn(c, "BEGIN TRANSACTION")?;
        let node = prepare(c, NODE_CREATE)?;
        let rel = prepare(c, REL_CREATE)?;
        let base = a.new_id_base as i64;
        for k in 2 * a.rows..3 * a.rows {
            exec(c, &node, &node_params(base + k as i64, k))?;
            let (x, y) = (rng.pick(ids), rng.pick(ids));
            exec(c, &rel, &rel_params(x, y, SINCE_BASE + k as i64, k))?;
        }
        let open_write = t.elapsed();
        let during = all_reads()?;
        // The writer sees its own rows.
        let own = one_int(c, "MATCH (p:Person) RETURN count(*)", &Params::new())?;
        run_txn(c, "ROLLBACK")?;
        let persons = one_int(&r, "MATCH (p:Person) RETURN count(*)", &Params::new())?;
        let after = all_reads()?;
        // One rel between the first two loaded persons, then CHECKPOINT: what a checkpoint of
        // a single change costs (time, pages written, file growth).
        let path = db.pager().path().to_path_buf();
        let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let one = prepare(c, REL_CREATE)?;
        let (x, y) = (ids[0], ids[ids.len().min(2) - 1]);
        exec(c, &one, &rel_params(x, y, SINCE_BASE, 0))?;
        let (size0, pages0) = (size(), db.pager().pages_written());
        let t = Instant::now();
        run_txn(c, "CHECKPOINT")?;
        let one_ckpt = t.elapsed();
        let one_pages = db.pager().pages_written() - pages0;
        let one_grew = size().saturating_sub(size0);
        let mut out = Vec::new();
        let mut persons_before = -1;
        let all = stmts
            .iter()
            .zip(versions)
            .zip(before)
            .zip(during)
            .zip(after);
        for (((((name, _), (v_t, v_ans)), (b_t, b_ans)), (d_t, d_ans)), (a_t, a_ans)) in all {
            if *name == "Q1" {
                if let Some(Value::Int64(n)) = b_ans.first().and_then(|r| r.first()) {
                    persons_before = *n;
                }
            }
            out.push(json!({
                "name": name,
                "versions_ms": median(v_t),
                "before_ms": median(b_t.clone()),
                "with_ms": median(d_t),
                "after_ms": median(a_t.clone()),
                "without_ms": median([b_t, a_t].concat()),
                "answer": first_row(&b_ans),
                "same_answer": b_ans == v_ans && b_ans == d_ans && b_ans == a_ans,
            }));
        }
        Ok(json!({
            "reads": out,
            "open_write_s": open_write.as_secs_f64(),
            "reads_checkpoint_s": checkpoint.as_secs_f64(),
            "reads_checkpoint_pages": checkpoint_pages,
            "one_rel_checkpoint_s": one_ckpt.as_secs_f64(),
            "one_rel_checkpoint_pages": one_pages,
            "one_rel_checkpoint_grew_bytes": one_grew,
            "writer_sees_own": own == persons_before + a.rows as i64,
            "rollback_ok": persons == persons_before,
        }))
    }

    /// Closes the database (a checkpoint), reopens it and counts again.
    fn close(db: Database, c: Connection, path: &Path) -> Result<Json, String> {
        let persons = one_int(&c, "MATCH (p:Person) RETURN count(*)", &Params::new())?;
        let knows = knows_count(&c)?;
        let t = Instant::now();
        drop(c);
        drop(db);
        let close = t.elapsed();
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let db = Database::open(path).map_err(|e| format!("reopen: {e}"))?;
        let c = db.connect();
        let same = one_int(&c, "MATCH (p:Person) RETURN count(*)", &Params::new())? == persons
            && knows_count(&c)? == knows;
        drop(c);
        drop(db);
        Ok(json!({
            "close_s": close.as_secs_f64(),
            "file_bytes_after_close": size,
            "reopen_same_counts": same,
            "check_ok": check(path),
        }))
    }

    fn check(path: &Path) -> bool {
        match ruzu::inspect::check(path) {
            Ok(_) => true,
            Err(e) => {
                eprintln!("ruzu-bench writes: check {}: {e}", path.display());
                false
            }
        }
    }

    /// Kills a writer once the WAL holds `wal_bytes`, then reopens.
    fn recovery(a: &WritesArgs) -> Result<Json, String> {
        let db = a.work.join("crash.ruzu");
        copy_db(&a.base, &db)?;
        let wal = ruzu::transaction::wal::path_of(&db);
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("writes-child")
            .arg(&db)
            .args(["--lo", &a.new_id_base.to_string()])
            .args(["--seed", &a.seed.to_string()])
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting the writer: {e}"))?;
        let out = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(l) if l == "ready" => {}
            other => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the writer did not start: {other:?}"));
            }
        }
        let t = Instant::now();
        let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let mut exited = None;
        while wal_len() < a.wal_bytes && t.elapsed() < Duration::from_secs(300) {
            if let Ok(Some(st)) = child.try_wait() {
                exited = Some(st);
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        let stream = t.elapsed();
        let _ = child.wait();
        let _ = reader.join();
        if let Some(st) = exited {
            return Err(format!("the writer exited by itself: {st}"));
        }
        let wal_bytes = wal_len();
        let (mut nodes, mut rels) = (Vec::new(), Vec::new());
        for l in rx.try_iter() {
            match l.split_once(' ') {
                Some(("n", k)) => nodes.push(k.parse::<i64>().map_err(|e| e.to_string())?),
                Some(("r", k)) => rels.push(k.parse::<i64>().map_err(|e| e.to_string())?),
                _ => return Err(format!("writer said {l:?}")),
            }
        }
        let t = Instant::now();
        let d = Database::open(&db).map_err(|e| format!("reopening after the kill: {e}"))?;
        let c = d.connect();
        let open = t.elapsed();
        let persons = one_int(&c, "MATCH (p:Person) RETURN count(*)", &Params::new())?;
        let total = t.elapsed();
        let lo = a.new_id_base as i64;
        let mut p = Params::new();
        p.insert("lo".into(), Value::Int64(lo));
        let present_nodes: std::collections::HashSet<i64> =
            ints(&c, "MATCH (p:Person) WHERE p.id >= $lo RETURN p.id", &p)?
                .into_iter()
                .map(|id| id - lo)
                .collect();
        let present_rels: std::collections::HashSet<i64> = ints(
            &c,
            "MATCH (a:Person)-[k:knows]->() WHERE a.id >= $lo RETURN k.since",
            &p,
        )?
        .into_iter()
        .collect();
        let missing = nodes.iter().filter(|k| !present_nodes.contains(k)).count()
            + rels.iter().filter(|k| !present_rels.contains(k)).count();
        let extra = (present_nodes.len() + present_rels.len()) as i64
            - (nodes.len() + rels.len()) as i64
            + missing as i64;
        drop(c);
        drop(d);
        Ok(json!({
            "wal_bytes_at_kill": wal_bytes,
            "stream_s": stream.as_secs_f64(),
            "acked_commits": nodes.len() + rels.len(),
            "missing_acked": missing,
            "unacked_present": extra,
            "persons_after": persons,
            "recover_open_s": open.as_secs_f64(),
            "recover_open_query_s": total.as_secs_f64(),
            "recovered_check_ok": check(&db),
        }))
    }

    /// The writer the recovery phase kills: auto-commit creates, each acknowledged on stdout
    /// once its commit has returned: `n K` for Person new_id_base+K, `r K` for a knows rel
    /// from it (since = K) to a random existing person.
    pub fn child(argv: &[String]) -> Result<(), String> {
        let a = ChildArgs::try_parse_from(argv).unwrap_or_else(|e| usage_exit(e));
        let db = Database::open(&a.db).map_err(|e| e.to_string())?;
        let c = db.connect();
        let ids = person_ids(&c)?;
        let node = prepare(&c, NODE_CREATE)?;
        let rel = prepare(&c, REL_CREATE)?;
        let mut rng = Rng(a.seed);
        let lo = a.lo as i64;
        println!("ready");
        for k in 0..a.max {
            let id = lo + k as i64;
            exec(&c, &node, &node_params(id, k))?;
            println!("n {k}");
            let b = rng.pick(&ids);
            exec(&c, &rel, &rel_params(id, b, k as i64, k))?;
            println!("r {k}");
        }
        Ok(())
    }

    fn phase(
        out: &mut serde_json::Map<String, Json>,
        errors: &mut Vec<String>,
        name: &str,
        r: Result<Json, String>,
    ) {
        match r {
            Ok(Json::Object(m)) => out.extend(m),
            Ok(other) => {
                out.insert(name.into(), other);
            }
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }

    #[derive(Parser, Debug)]
    #[command(
        name = "ruzu-bench group-commit",
        about = "Single-row auto-commit CREATEs from 1, 2, 4, 8 threads at once, with group commit and without"
    )]
    struct GroupArgs {
        /// A database loaded from gen_social.py's output (only copied, never written).
        base: PathBuf,
        /// Scratch directory for the copies (on the disk to measure, not tmpfs).
        #[arg(long)]
        work: PathBuf,
        /// Thread counts, comma-separated.
        #[arg(long, default_value = "1,2,4,8")]
        threads: String,
        /// Commits per run (split evenly over the threads).
        #[arg(long, default_value_t = 2000)]
        commits: u64,
        /// Repetitions of each run (each on a fresh copy); the median is reported.
        #[arg(long, default_value_t = 3)]
        reps: usize,
        /// First id of the created Person rows (no generated id is this large).
        #[arg(long, default_value_t = 1u64 << 62)]
        new_id_base: u64,
        /// One JSON object instead of a readable table.
        #[arg(long)]
        json: bool,
    }

    /// One run: `threads` connections each commit `per` single-row CREATEs; returns
    /// commits/s and WAL syncs per commit.
    fn group_run(
        a: &GroupArgs,
        grouped: bool,
        threads: u64,
        per: u64,
    ) -> Result<(f64, f64), String> {
        let path = a.work.join("group.ruzu");
        copy_db(&a.base, &path)?;
        let db = Database::open(&path).map_err(|e| e.to_string())?;
        db.store().set_group_commit(grouped);
        let (syncs0, commits0) = db.store().commit_syncs();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(threads as usize + 1));
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let db = db.clone();
                let barrier = barrier.clone();
                let base = a.new_id_base as i64 + (t * per) as i64;
                std::thread::spawn(move || -> Result<(), String> {
                    let c = db.connect();
                    let s = prepare(&c, NODE_CREATE)?;
                    barrier.wait();
                    for k in 0..per {
                        exec(&c, &s, &node_params(base + k as i64, k))?;
                    }
                    Ok(())
                })
            })
            .collect();
        barrier.wait();
        let t = Instant::now();
        let mut errors = Vec::new();
        for h in handles {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(e),
                Err(_) => errors.push("a writer thread panicked".into()),
            }
        }
        let wall = t.elapsed();
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let (syncs, commits) = db.store().commit_syncs();
        let (syncs, commits) = (syncs - syncs0, commits - commits0);
        let c = db.connect();
        let n = one_int(
            &c,
            "MATCH (p:Person) WHERE p.id >= $lo RETURN count(*)",
            &Params::from([("lo".to_string(), Value::Int64(a.new_id_base as i64))]),
        )?;
        if n != (threads * per) as i64 || commits != threads * per {
            return Err(format!(
                "{} rows and {commits} commits after {} creates",
                n,
                threads * per
            ));
        }
        drop(c);
        drop(db);
        Ok((rate(commits, wall), syncs as f64 / commits.max(1) as f64))
    }

    /// `ruzu-bench group-commit`: commits/s and syncs per commit of single-row auto-commit
    /// CREATEs from 1, 2, 4, 8 threads, with group commit (the default) and with it off (a
    /// commit holds the writer slot until its sync: the behaviour before group commit),
    /// runs interleaved, medians of `--reps`.
    pub fn group_commit(argv: &[String]) -> Result<(), String> {
        let a = GroupArgs::try_parse_from(argv).unwrap_or_else(|e| usage_exit(e));
        std::fs::create_dir_all(&a.work).map_err(|e| format!("{}: {e}", a.work.display()))?;
        let threads: Vec<u64> = a
            .threads
            .split(',')
            .map(|t| {
                t.trim()
                    .parse::<u64>()
                    .map_err(|e| format!("--threads {t:?}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        if threads.contains(&0) || a.reps == 0 {
            return Err("--threads and --reps must be positive".into());
        }
        let mut out = serde_json::Map::new();
        out.insert("engine".into(), json!("ruzu"));
        out.insert("commits".into(), json!(a.commits));
        out.insert("fdatasync_us".into(), json!(fdatasync_us(&a.work)?));
        let mut rows = Vec::new();
        for &n in &threads {
            let per = (a.commits / n).max(1);
            let (mut on, mut off) = (Vec::new(), Vec::new());
            for rep in 0..a.reps {
                // Alternating which goes first, so neither always meets a colder cache.
                for grouped in [rep % 2 == 0, rep % 2 != 0] {
                    let r = group_run(&a, grouped, n, per)?;
                    if grouped {
                        on.push(r)
                    } else {
                        off.push(r)
                    }
                }
            }
            let med = |v: &mut Vec<(f64, f64)>| {
                v.sort_by(|x, y| x.0.total_cmp(&y.0));
                v[v.len() / 2]
            };
            let (on, off) = (med(&mut on), med(&mut off));
            rows.push(json!({
                "threads": n,
                "grouped_per_s": on.0,
                "grouped_syncs_per_commit": on.1,
                "ungrouped_per_s": off.0,
                "ungrouped_syncs_per_commit": off.1,
                "ratio": on.0 / off.0,
            }));
            if !a.json {
                eprintln!(
                    "{n} thread(s): grouped {:.0}/s ({:.3} syncs/commit), ungrouped {:.0}/s ({:.3} syncs/commit), ratio {:.2}",
                    on.0, on.1, off.0, off.1, on.0 / off.0
                );
            }
        }
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        if let Some(l) = load
            .split_whitespace()
            .next()
            .and_then(|l| l.parse::<f64>().ok())
        {
            out.insert("loadavg_1m".into(), json!(l));
        }
        out.insert("runs".into(), json!(rows));
        let out = Json::Object(out);
        if a.json {
            println!("{out}");
        } else {
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Ok(())
    }

    pub fn main(argv: &[String]) -> Result<(), String> {
        let a = WritesArgs::try_parse_from(argv).unwrap_or_else(|e| usage_exit(e));
        let on = |p: &str| {
            a.only
                .as_deref()
                .is_none_or(|o| o.split(',').any(|x| x.trim() == p))
        };
        std::fs::create_dir_all(&a.work).map_err(|e| format!("{}: {e}", a.work.display()))?;
        let mut out = serde_json::Map::new();
        out.insert("engine".into(), json!("ruzu"));
        out.insert("rows".into(), json!(a.rows));
        let mut errors = Vec::new();
        out.insert("fdatasync_us".into(), json!(fdatasync_us(&a.work)?));
        // The 1-minute load average: other processes on a 2-core machine move these figures.
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        if let Some(l) = load
            .split_whitespace()
            .next()
            .and_then(|l| l.parse::<f64>().ok())
        {
            out.insert("loadavg_1m".into(), json!(l));
        }
        if on("nodes") || on("rels") || on("reads") || on("close") {
            let path = a.work.join("writes.ruzu");
            copy_db(&a.base, &path)?;
            let db = Database::open(&path).map_err(|e| e.to_string())?;
            let c = db.connect();
            let ids = person_ids(&c)?;
            let mut rng = Rng(a.seed);
            if on("nodes") {
                phase(&mut out, &mut errors, "nodes", nodes(&c, &a));
            }
            if on("rels") {
                phase(&mut out, &mut errors, "rels", rels(&c, &a, &ids, &mut rng));
            }
            if on("reads") {
                phase(
                    &mut out,
                    &mut errors,
                    "reads",
                    reads(&db, &c, &a, &ids, &mut rng),
                );
            }
            if on("close") {
                phase(&mut out, &mut errors, "close", close(db, c, &path));
            }
        }
        if on("recovery") {
            phase(&mut out, &mut errors, "recovery", recovery(&a));
        }
        out.insert("errors".into(), json!(errors));
        let out = Json::Object(out);
        if a.json {
            println!("{out}");
        } else {
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{} phase(s) failed", errors.len()))
        }
    }
}
