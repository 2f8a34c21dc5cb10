//! Not a unit test: an `#[ignore]`d sweep over every `-STATEMENT` of Kuzu's test files in
//! `/work/shared/kuzu-suite` (and the datasets' schema/copy scripts), reporting how many parse
//! as Kuzu expects. Run with
//! `cargo test --lib cypher::suite_check -- --ignored --nocapture`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::parse;
use crate::error::Error;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/kuzu-suite");

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(ext))
        {
            out.push(p);
        }
    }
}

/// Splits into tokens the way the runner does: whitespace-separated, quoted strings kept.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut esc = false;
    for c in line.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == q {
                quote = None;
            }
        } else if c.is_whitespace() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_directive(tok: &str) -> bool {
    tok == "----"
        || tok == "--"
        || tok == "]"
        || (tok.len() > 1
            && tok.starts_with('-')
            && tok[1..].chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

fn subst(s: &str, vars: &HashMap<String, String>) -> String {
    let mut out = s.replace("${KUZU_ROOT_DIRECTORY}", ROOT);
    for (k, v) in vars {
        out = out.replace(&format!("${{{k}}}"), v);
    }
    out
}

struct Case {
    file: String,
    text: String,
    expected_parser_error: Option<String>,
}

fn collect() -> Vec<Case> {
    let mut paths = Vec::new();
    files(
        Path::new(&format!("{ROOT}/test/test_files")),
        ".test",
        &mut paths,
    );
    paths.sort();
    let mut cases = Vec::new();
    for p in &paths {
        let Ok(content) = std::fs::read_to_string(p) else {
            continue;
        };
        let lines: Vec<&str> = content.lines().collect();
        let mut vars: HashMap<String, String> = HashMap::new();
        let mut i = 0;
        while i < lines.len() {
            let toks = tokens(lines[i]);
            let Some(first) = toks.first() else {
                i += 1;
                continue;
            };
            if first == "-SET" && toks.len() >= 3 {
                vars.insert(
                    toks[1].clone(),
                    toks[2..].join(" ").trim_matches('"').to_string(),
                );
            }
            if first == "-LOOP" && toks.len() >= 3 {
                let v = toks[2]
                    .trim_start_matches('[')
                    .split(',')
                    .next()
                    .unwrap_or("0");
                vars.insert(toks[1].clone(), v.trim_end_matches(']').to_string());
            }
            if first != "-STATEMENT" {
                i += 1;
                continue;
            }
            let mut rest: Vec<String> = toks[1..].to_vec();
            if rest.first().is_some_and(|t| t.starts_with("[conn")) {
                rest.remove(0);
            }
            let mut text = rest.join(" ");
            let mut j = i + 1;
            let mut firstc = true;
            while j < lines.len() {
                let t = tokens(lines[j]);
                match t.first() {
                    None => break,
                    Some(f) if is_directive(f) || f.starts_with('#') => break,
                    _ => {}
                }
                if !firstc {
                    text.push(' ');
                }
                text.push_str(lines[j]);
                firstc = false;
                j += 1;
            }
            // expected result
            let mut expected = None;
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            if j < lines.len() && lines[j].trim_start().starts_with("---- error") {
                let mut msg = Vec::new();
                let mut k = j + 1;
                while k < lines.len() {
                    let t = tokens(lines[k]);
                    match t.first() {
                        None => break,
                        Some(f) if is_directive(f) || f.starts_with('#') => break,
                        _ => msg.push(lines[k].trim_end()),
                    }
                    k += 1;
                }
                let m = subst(&msg.join("\n"), &vars);
                if m.starts_with("Parser exception") {
                    expected = Some(m);
                }
            }
            cases.push(Case {
                file: p.display().to_string(),
                text: subst(&text, &vars),
                expected_parser_error: expected,
            });
            i = j;
        }
    }
    let mut scripts = Vec::new();
    files(
        Path::new(&format!("{ROOT}/dataset")),
        ".cypher",
        &mut scripts,
    );
    for s in scripts {
        let Ok(content) = std::fs::read_to_string(&s) else {
            continue;
        };
        for l in content.lines().filter(|l| !l.trim().is_empty()) {
            cases.push(Case {
                file: s.display().to_string(),
                text: l.to_string(),
                expected_parser_error: None,
            });
        }
    }
    cases
}

#[test]
#[ignore]
fn parse_every_suite_statement() {
    let cases = collect();
    let (mut ok, mut bad, mut err_ok, mut err_exact, mut err_total) = (0, 0, 0, 0, 0);
    for c in &cases {
        let r = parse(&c.text);
        match (&c.expected_parser_error, r) {
            (None, Ok(_)) => ok += 1,
            (None, Err(Error::Parser(m))) => {
                bad += 1;
                println!(
                    "FAIL {}\n  {}\n  {}",
                    c.file,
                    c.text,
                    m.replace('\n', "\n  ")
                );
            }
            (None, Err(_)) => ok += 1,
            (Some(want), r) => {
                err_total += 1;
                match r {
                    Err(e @ Error::Parser(_)) => {
                        err_ok += 1;
                        let got = e.to_string();
                        if got.trim_end() == want.trim_end() {
                            err_exact += 1;
                        } else {
                            println!(
                                "MSG  {}\n  {}\n  want: {want}\n  got:  {got}",
                                c.file, c.text
                            );
                        }
                    }
                    other => println!("NOERR {}\n  {}\n  {other:?}", c.file, c.text),
                }
            }
        }
    }
    println!(
        "statements expected to parse: {} of {} parse; expected parser errors: {err_ok} of \
         {err_total} fail, {err_exact} with Kuzu's exact message",
        ok,
        ok + bad
    );
}

/// Prints `[line index, outcome]` JSON lines for each line of the file named by
/// `RUZU_PARSE_PROBE` (outcome "OK" or the error text), to diff error texts with Kuzu.
#[test]
#[ignore]
fn print_parse_outcomes() {
    let Ok(path) = std::env::var("RUZU_PARSE_PROBE") else {
        return;
    };
    let Ok(content) = std::fs::read_to_string(path) else {
        return;
    };
    for (i, q) in content.split('\n').enumerate() {
        if q.trim().is_empty() {
            continue;
        }
        let r = match parse(q) {
            Ok(_) => "OK".to_string(),
            Err(e) => e.to_string(),
        };
        println!("{}", serde_json::json!([i, r]));
    }
}
