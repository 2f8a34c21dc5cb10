//! `ruzu-bench`: query latencies on a loaded database, as `../shared/bench/kuzu_queries.py`
//! measures Kuzu, so the two can run in one command and be compared as ratios.
//!
//! `ruzu-bench DB --queries queries.cypher --params params.json [--runs 5]`
//! prints, per query: the first run in this fresh process (cold buffer pool) and the median,
//! min and max of `--runs` further runs, with the first result row; `--json` prints one JSON
//! object per query instead. The query file holds `// NAME description` lines, each followed
//! by the query on one line; `$KEY` placeholders are bound from the params JSON object.

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
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    std::process::exit(match run(args) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("ruzu-bench: {e}");
            EXIT_FAILURE
        }
    });
}
