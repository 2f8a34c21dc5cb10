//! Tests of the `.test` file runner (`ruzu::testfile`): the parser on inline texts, and the
//! runner and command line on a scripted mock engine in a temporary suite root. Nothing here
//! needs /work/shared.

use ruzu::testfile::engine::{Cell, ColumnKind, QueryOutput};
use ruzu::testfile::mock::{error, rows, MockEngine};
use ruzu::testfile::parse::{parse_test_file, Dataset, Expected, ParseContext, Step, TestFile};
use ruzu::testfile::{cli, run};
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------------------
// Helpers

fn ctx(root: &str) -> ParseContext {
    ParseContext {
        root: PathBuf::from(root),
        version: "9.9.9".to_string(),
    }
}

fn parse(text: &str) -> TestFile {
    match parse_test_file("t.test", text, &ctx("/kuzu")) {
        Ok(f) => f,
        Err(e) => panic!("parse failed: {e}"),
    }
}

fn queries(f: &TestFile, case: usize) -> Vec<String> {
    f.cases[case]
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Query(q) => Some(q.query.clone()),
            _ => None,
        })
        .collect()
}

fn stmt(f: &TestFile, case: usize, i: usize) -> ruzu::testfile::Statement {
    f.cases[case]
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Query(q) => Some(q.clone()),
            _ => None,
        })
        .nth(i)
        .unwrap_or_else(|| panic!("no statement {i}"))
}

/// A temporary suite root with `test/test_files`, `dataset`, `test/answers`,
/// `test/statements`.
struct Suite {
    dir: tempfile::TempDir,
}

impl Suite {
    fn new() -> Suite {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        for d in [
            "test/test_files",
            "dataset",
            "test/answers",
            "test/statements",
        ] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap_or_else(|e| panic!("{e}"));
        }
        Suite { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.root().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        p
    }

    fn test_file(&self, rel: &str, text: &str) -> PathBuf {
        self.write(&format!("test/test_files/{rel}"), text)
    }

    /// Runs the command line; returns (exit code, stdout).
    fn cli(&self, engine: MockEngine, extra: &[&str]) -> (i32, String) {
        let mut args: Vec<std::ffi::OsString> = vec![
            "ruzu-testfile".into(),
            "--root".into(),
            self.root().as_os_str().to_owned(),
        ];
        args.extend(extra.iter().map(|a| a.into()));
        let mut out = Vec::new();
        let code = cli::main_with(Arc::new(engine), args, &mut out);
        (code, String::from_utf8_lossy(&out).to_string())
    }

    fn run(&self, engine: MockEngine, files: &[PathBuf]) -> run::RunSummary {
        let mut opts = run::RunOptions::new(self.root());
        opts.timeout = std::time::Duration::from_secs(5);
        run::run_files(Arc::new(engine), files, &opts)
    }
}

fn last_lines(out: &str, n: usize) -> Vec<String> {
    let lines: Vec<&str> = out.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

const HEADER: &str = "-DATASET CSV empty\n\n--\n\n";

// ---------------------------------------------------------------------------------------
// Parser

#[test]
fn header_dataset_buffer_pool_and_noop_skips() {
    let f = parse(
        "-DATASET CSV tinysnb\n-BUFFER_POOL_SIZE 1024\n-SKIP_IN_MEM\n-TEST_FWD_ONLY_REL\n--\n-CASE A\n-STATEMENT RETURN 1\n---- ok\n",
    );
    assert_eq!(
        f.dataset,
        Some(Dataset {
            kind: "CSV".into(),
            name: "tinysnb".into()
        })
    );
    assert_eq!(f.buffer_pool_size, Some(1024));
    assert!(!f.disabled);
    assert_eq!(f.cases.len(), 1);
    assert_eq!(f.cases[0].name, "A");
}

#[test]
fn header_skip_and_wasm_only_disable_the_file() {
    assert!(
        parse("-DATASET CSV empty\n-SKIP\n--\n-CASE A\n-STATEMENT RETURN 1\n---- ok\n").disabled
    );
    assert!(
        parse("-DATASET CSV empty\n-WASM_ONLY\n--\n-CASE A\n-STATEMENT RETURN 1\n---- ok\n")
            .disabled
    );
}

#[test]
fn header_errors() {
    assert!(parse_test_file("t.test", "--\n-CASE A\n", &ctx("/k")).is_err());
    assert!(parse_test_file("t.test", "-DATASET CSV x\n-STATEMENT A\n--\n", &ctx("/k")).is_err());
    assert_eq!(parse("-DATASET CSV empty\n--\n").dataset, None);
}

#[test]
fn statement_text_joins_tokens_and_continuation_lines() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-STATEMENT MATCH   (a)    WHERE a.name = 'x  y'\n    RETURN a\n  LIMIT 1\n---- ok\n"
    ));
    // Tokens joined by one space; the first continuation line appended as is, later ones
    // after a space.
    assert_eq!(
        queries(&f, 0),
        vec!["MATCH (a) WHERE a.name = 'x  y'    RETURN a   LIMIT 1".to_string()]
    );
    assert_eq!(stmt(&f, 0, 0).line, 6);
}

#[test]
fn connection_names() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-CREATE_CONNECTION conn2\n-STATEMENT [conn2] RETURN 2\n---- ok\n-STATEMENT RETURN 1\n---- ok\n"
    ));
    let s0 = stmt(&f, 0, 0);
    assert_eq!(s0.conn, "conn2");
    assert_eq!(s0.query, "RETURN 2");
    assert_eq!(stmt(&f, 0, 1).conn, "conn_default");
    let conns: Vec<&str> = f.cases[0].connections.iter().map(|s| s.as_str()).collect();
    assert_eq!(conns, vec!["conn2", "conn_default"]);
}

#[test]
fn check_flags_before_and_after_statement() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-CHECK_ORDER\n-STATEMENT RETURN 1\n-CHECK_COLUMN_NAMES\n-CHECK_PRECISION\n---- 2\nx\n1\n-STATEMENT RETURN 2\n---- 1\n2\n"
    ));
    let s = stmt(&f, 0, 0);
    assert!(s.check_order && s.check_column_names && s.check_precision);
    let s = stmt(&f, 0, 1);
    assert!(!s.check_order && !s.check_column_names && !s.check_precision);
}

#[test]
fn expected_result_forms() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n\
-STATEMENT Q1\n---- ok\n\
-STATEMENT Q2\n---- error\nBinder exception: a\nsecond line\n\n\
-STATEMENT Q3\n---- error(regex)\n^Runtime .*$\n\
-STATEMENT Q4\n---- hash\n3 tuples hashed to abcdef\n\
-STATEMENT Q5\n---- 3\n\n-STATEMENT looks like a directive\n# not a comment\n\
-STATEMENT Q6\n---- 2\n<FILE>:answer.txt\n"
    ));
    let exp: Vec<Expected> = (0..6).map(|i| stmt(&f, 0, i).expected[0].clone()).collect();
    assert_eq!(exp[0], Expected::Ok);
    assert_eq!(
        exp[1],
        Expected::Error("Binder exception: a\nsecond line".into())
    );
    assert_eq!(exp[2], Expected::ErrorRegex("^Runtime .*$".into()));
    assert_eq!(
        exp[3],
        Expected::Hash {
            tuples: 3,
            md5: "abcdef".into()
        }
    );
    assert_eq!(
        exp[4],
        Expected::Rows {
            count: 3,
            rows: vec![
                "".into(),
                "-STATEMENT looks like a directive".into(),
                "# not a comment".into()
            ]
        }
    );
    assert_eq!(
        exp[5],
        Expected::File {
            count: 2,
            path: PathBuf::from("/kuzu/test/answers/answer.txt")
        }
    );
    assert_eq!(queries(&f, 0).len(), 6);
}

#[test]
fn several_result_blocks_for_one_statement() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-STATEMENT RETURN 1; RETURN 2;\n---- 1\n1\n\n# comment between\n---- 1\n2\n-STATEMENT X\n---- ok\n"
    ));
    let s = stmt(&f, 0, 0);
    assert_eq!(s.expected.len(), 2);
    assert_eq!(
        s.expected[1],
        Expected::Rows {
            count: 1,
            rows: vec!["2".into()]
        }
    );
    assert_eq!(queries(&f, 0).len(), 2);
}

#[test]
fn skip_renames_the_case_and_same_names_merge() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-STATEMENT Q1\n---- ok\n-CASE B\n-SKIP\n-STATEMENT Q2\n---- ok\n-CASE A\n-STATEMENT Q3\n---- ok\n-CASE C\n-SKIP_IN_MEM\n-SKIP_WASM\n-STATEMENT Q4\n---- ok\n-CASE D\n-WASM_ONLY\n-STATEMENT Q5\n---- ok\n"
    ));
    let names: Vec<&str> = f.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["A", "DISABLED_B", "C", "DISABLED_D"]);
    assert_eq!(queries(&f, 0), vec!["Q1".to_string(), "Q3".to_string()]);
    assert!(f.cases[1].is_disabled());
    assert!(!f.cases[2].is_disabled());
}

#[test]
fn log_reload_concurrency_and_fsm_directives() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-LOG first ${{KUZU_VERSION}}\n-STATEMENT Q1\n---- ok\n-RELOADDB\n-SKIP_FSM_LEAK_CHECK\n-CREATE_CONNECTION conn1\n-BEGIN_CONCURRENT_EXECUTION\n-STATEMENT [conn1] Q2\n---- ok\n-END_CONCURRENT_EXECUTION\n-CHECKPOINT_WAIT_TIMEOUT 10000\n-STATEMENT Q3\n---- ok\n"
    ));
    let kinds: Vec<String> = f.cases[0]
        .steps
        .iter()
        .map(|s| match s {
            Step::Query(q) => format!("Q:{}", q.query),
            Step::Log(l) => format!("LOG:{l}"),
            Step::ReloadDb => "RELOAD".into(),
            Step::BeginConcurrent => "BEGIN".into(),
            Step::EndConcurrent => "END".into(),
            Step::Unsupported { directive, .. } => format!("UNSUPPORTED:{directive}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "LOG:first 9.9.9",
            "Q:Q1",
            "RELOAD",
            "BEGIN",
            "Q:Q2",
            "END",
            "Q:Q3"
        ]
    );
    assert_eq!(stmt(&f, 0, 0).log.as_deref(), Some("first 9.9.9"));
    assert_eq!(f.checkpoint_wait_timeout, Some(10000));
}

#[test]
fn unsupported_directives_become_failing_steps() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-IMPORT_DATABASE \"/x\"\n-STATEMENT Q\n---- ok\n"
    ));
    assert!(matches!(
        &f.cases[0].steps[0],
        Step::Unsupported { directive, line: 6 } if directive == "-IMPORT_DATABASE"
    ));
    assert_eq!(f.cases[0].statement_count(), 2);
}

#[test]
fn statement_blocks() {
    let f = parse(&format!(
        "{HEADER}-DEFINE_STATEMENT_BLOCK SETUP [\n-STATEMENT CREATE X\n---- ok\n-STATEMENT CREATE Y\n---- ok\n\n]\n-CASE A\n-INSERT_STATEMENT_BLOCK SETUP\n-STATEMENT Q\n---- ok\n-CASE B\n-INSERT_STATEMENT_BLOCK SETUP\n"
    ));
    assert_eq!(
        queries(&f, 0),
        vec!["CREATE X".to_string(), "CREATE Y".into(), "Q".into()]
    );
    assert_eq!(
        queries(&f, 1),
        vec!["CREATE X".to_string(), "CREATE Y".into()]
    );
    assert!(parse_test_file(
        "t.test",
        &format!("{HEADER}-CASE A\n-INSERT_STATEMENT_BLOCK NOPE\n"),
        &ctx("/k")
    )
    .is_err());
}

#[test]
fn loops_with_ranges_steps_and_lists() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-LOOP i 1 3\n-STATEMENT RETURN ${{i}}\n---- 1\n${{i}}\n-ENDLOOP\n-LOOP j 0 10 5\n-STATEMENT J ${{j}}\n---- ok\n-ENDLOOP\n-LOOP k [a, b]\n-STATEMENT K ${{k}}\n---- ok\n-ENDLOOP\n"
    ));
    assert_eq!(
        queries(&f, 0),
        vec!["RETURN 1", "RETURN 2", "RETURN 3", "J 0", "J 5", "J 10", "K a", "K b"]
    );
    assert_eq!(
        stmt(&f, 0, 2).expected[0],
        Expected::Rows {
            count: 1,
            rows: vec!["3".into()]
        }
    );
}

#[test]
fn set_values() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-SET N 42\n-SET S \"a b\"\n-SET L ARANGE 2 5\n-SET R REPEAT 3 \"c${{count}}, \"\n-STATEMENT ${{N}}|${{S}}|${{L}}|${{R}}|${{KUZU_ROOT_DIRECTORY}}\n---- ok\n"
    ));
    assert_eq!(queries(&f, 0), vec!["42|a b|[2,3,4,5]|c1, c2, c3, |/kuzu"]);
}

#[test]
fn set_current_timestamp_and_random() {
    let f = parse(&format!(
        "{HEADER}-CASE A\n-SET T current_timestamp()\n-SET _ random.set_seed(1234567890)\n-LOOP i 1 1000\n-SET v random.randInt32(1000000)\n-STATEMENT ${{v}}\n---- ok\n-ENDLOOP\n-STATEMENT ${{T}}\n---- ok\n"
    ));
    let q = queries(&f, 0);
    assert_eq!(q.len(), 1001);
    // Kuzu's pcg32: this seed's 1000 draws sum to 502790265 (create_random_int.test).
    let sum: u64 = q[..1000]
        .iter()
        .map(|s| s.parse::<u64>().unwrap_or(u64::MAX / 2000))
        .sum();
    assert_eq!(sum, 502_790_265);
    let ts = &q[1000];
    assert!(ts.len() >= 19, "{ts}");
    assert_eq!(&ts[4..5], "-");
    assert_eq!(&ts[10..11], " ");
}

#[test]
fn batch_statements_expand_to_one_statement_per_line() {
    let suite = Suite::new();
    suite.write("test/statements/batch.cypher", "CREATE (a);\nCREATE (b);\n");
    let root = suite.root().to_string_lossy().to_string();
    let f = parse_test_file(
        "t.test",
        &format!("{HEADER}-CASE A\n-BATCH_STATEMENTS [conn2] <FILE>:batch.cypher\n---- ok\n-BATCH_STATEMENTS <FILE>:missing.cypher\n---- ok\n"),
        &ctx(&root),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(queries(&f, 0), vec!["CREATE (a);", "CREATE (b);"]);
    assert_eq!(stmt(&f, 0, 1).conn, "conn2");
    assert_eq!(f.cases[0].statement_count(), 2);
}

#[test]
fn body_errors() {
    for body in [
        "-CASE A\n-STATEMENT Q\n",                       // no result
        "-CASE A\nstray continuation\n",                 // continuation outside a statement
        "-STATEMENT Q\n---- ok\n",                       // no -CASE
        "-CASE A\n-LOOP i 1 2\n-STATEMENT Q\n---- ok\n", // no -ENDLOOP
    ] {
        assert!(
            parse_test_file("t.test", &format!("{HEADER}{body}"), &ctx("/k")).is_err(),
            "{body}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Runner with the mock engine

#[test]
fn sorted_and_ordered_comparison() {
    let suite = Suite::new();
    let f = suite.test_file(
        "a/order.test",
        &format!("{HEADER}-CASE Sorted\n-STATEMENT Q\n---- 2\na\nb\n-CASE Ordered\n-CHECK_ORDER\n-STATEMENT Q\n---- 2\na\nb\n"),
    );
    let engine = MockEngine::scripted(vec![("Q", vec![rows(&["x"], &["b", "a"])])]);
    let s = suite.run(engine, &[f]);
    let st: Vec<(String, run::CaseStatus)> =
        s.outcomes.iter().map(|o| (o.id(), o.status)).collect();
    assert_eq!(
        st,
        vec![
            ("a/order.test::Ordered".to_string(), run::CaseStatus::Failed),
            ("a/order.test::Sorted".to_string(), run::CaseStatus::Passed)
        ]
    );
    assert_eq!(s.statements(), (1, 1));
    assert!(
        s.outcomes[0].report.contains("! b"),
        "{}",
        s.outcomes[0].report
    );
}

#[test]
fn column_names_are_the_first_row() {
    let suite = Suite::new();
    let f = suite.test_file(
        "c.test",
        &format!("{HEADER}-CASE Ok\n-CHECK_COLUMN_NAMES\n-CHECK_ORDER\n-STATEMENT Q\n---- 2\na.name\nAlice\n-CASE Sorted\n-CHECK_COLUMN_NAMES\n-STATEMENT Q\n---- 2\nAlice\na.name\n-CASE Bad\n-CHECK_COLUMN_NAMES\n-STATEMENT Q\n---- 2\nname\nAlice\n"),
    );
    let engine = MockEngine::scripted(vec![("Q", vec![rows(&["a.name"], &["Alice"])])]);
    let s = suite.run(engine, &[f]);
    let st: Vec<(String, run::CaseStatus)> = s
        .outcomes
        .iter()
        .map(|o| (o.case.clone(), o.status))
        .collect();
    assert_eq!(
        st,
        vec![
            ("Bad".to_string(), run::CaseStatus::Failed),
            ("Ok".to_string(), run::CaseStatus::Passed),
            ("Sorted".to_string(), run::CaseStatus::Passed)
        ]
    );
}

fn double_output(values: &[f64]) -> QueryOutput {
    QueryOutput {
        columns: vec!["x".into(), "s".into()],
        kinds: vec![ColumnKind::Double, ColumnKind::Other],
        rows: values
            .iter()
            .map(|v| {
                vec![
                    Cell {
                        text: format!("{v:.6}"),
                        number: Some(*v),
                    },
                    Cell::text("k"),
                ]
            })
            .collect(),
    }
}

#[test]
fn precision_compares_doubles_within_one_ulp() {
    let suite = Suite::new();
    let f = suite.test_file(
        "p.test",
        &format!("{HEADER}-CASE Exact\n-CHECK_ORDER\n-CHECK_PRECISION\n-STATEMENT Q\n---- 1\n0.30000000000000004|k\n-CASE Off\n-CHECK_ORDER\n-CHECK_PRECISION\n-STATEMENT Q\n---- 1\n0.3000001|k\n-CASE NoOrder\n-CHECK_PRECISION\n-STATEMENT Q\n---- 1\n0.30000000000000004|k\n"),
    );
    let engine = MockEngine::scripted(vec![("Q", vec![Ok(double_output(&[0.1 + 0.2]))])]);
    let s = suite.run(engine, &[f]);
    let st: Vec<(String, run::CaseStatus)> = s
        .outcomes
        .iter()
        .map(|o| (o.case.clone(), o.status))
        .collect();
    assert_eq!(
        st,
        vec![
            ("Exact".to_string(), run::CaseStatus::Passed),
            ("NoOrder".to_string(), run::CaseStatus::Failed),
            ("Off".to_string(), run::CaseStatus::Failed)
        ]
    );
}

#[test]
fn hash_of_rendered_rows() {
    let suite = Suite::new();
    // md5("a\nb\n") = dd8c6a395b5dd36c56d23275028f526c (rows sorted first).
    let f = suite.test_file(
        "h.test",
        &format!("{HEADER}-CASE Good\n-STATEMENT Q\n---- hash\n2 tuples hashed to dd8c6a395b5dd36c56d23275028f526c\n-CASE Bad\n-CHECK_ORDER\n-STATEMENT Q\n---- hash\n2 tuples hashed to dd8c6a395b5dd36c56d23275028f526c\n"),
    );
    let engine = MockEngine::scripted(vec![("Q", vec![rows(&["x"], &["b", "a"])])]);
    let s = suite.run(engine, &[f]);
    assert_eq!(s.outcomes[0].case, "Bad");
    assert_eq!(s.outcomes[0].status, run::CaseStatus::Failed);
    assert_eq!(s.outcomes[1].status, run::CaseStatus::Passed);
}

#[test]
fn errors_and_regexes() {
    let suite = Suite::new();
    let f = suite.test_file(
        "e.test",
        &format!(
            "{HEADER}-CASE A\n\
-STATEMENT E\n---- error\nBinder exception: Variable b is not in scope.\n\
-STATEMENT E\n---- error(regex)\nBinder exception: Variable [a-z] is not in scope\\.\n\
-STATEMENT E\n---- error(regex)\nVariable b\n\
-STATEMENT E\n---- error\nBinder exception: other\n\
-STATEMENT E\n---- ok\n\
-STATEMENT OK\n---- error\nBinder exception: Variable b is not in scope.\n\
-STATEMENT TWO\n---- error\nline one\nline two\n"
        ),
    );
    let engine = MockEngine::scripted(vec![
        (
            "E",
            vec![error("Binder exception: Variable b is not in scope.  \n")],
        ),
        ("TWO", vec![error("line one\nline two")]),
    ]);
    let s = suite.run(engine, &[f]);
    // Passing: exact (right-trimmed), regex whole match, two-line message. Failing: partial
    // regex, other message, ok expected, error expected but succeeded.
    assert_eq!(s.statements(), (3, 4));
    let r = &s.outcomes[0].report;
    assert!(r.contains("error message does not match the regex"), "{r}");
    assert!(r.contains("expected an error, the query succeeded"), "{r}");
}

#[test]
fn several_results_use_block_min_i_n_minus_1() {
    let suite = Suite::new();
    let f = suite.test_file(
        "m.test",
        &format!("{HEADER}-CASE OneOk\n-STATEMENT S\n---- ok\n-CASE PerResult\n-STATEMENT S\n---- 1\n1\n---- 1\n2\n-CASE LastRepeats\n-STATEMENT S3\n---- 1\n1\n---- 1\n2\n-CASE Wrong\n-STATEMENT S\n---- 1\n1\n---- 1\n3\n"),
    );
    let engine = MockEngine::scripted(vec![
        ("S", vec![rows(&["x"], &["1"]), rows(&["x"], &["2"])]),
        (
            "S3",
            vec![
                rows(&["x"], &["1"]),
                rows(&["x"], &["2"]),
                rows(&["x"], &["2"]),
            ],
        ),
    ]);
    let s = suite.run(engine, &[f]);
    let st: Vec<(String, run::CaseStatus)> = s
        .outcomes
        .iter()
        .map(|o| (o.case.clone(), o.status))
        .collect();
    assert_eq!(
        st,
        vec![
            ("LastRepeats".to_string(), run::CaseStatus::Passed),
            ("OneOk".to_string(), run::CaseStatus::Passed),
            ("PerResult".to_string(), run::CaseStatus::Passed),
            ("Wrong".to_string(), run::CaseStatus::Failed)
        ]
    );
    assert!(s.outcomes[3].report.contains("result 2 of 2"));
    // One statement each, although each holds several queries.
    assert_eq!(s.statements(), (3, 1));
}

#[test]
fn loops_blocks_batches_and_skips_are_counted() {
    let suite = Suite::new();
    suite.write("test/statements/b.cypher", "B1\nB2\nB3\n");
    let f = suite.test_file(
        "l.test",
        &format!("{HEADER}-DEFINE_STATEMENT_BLOCK BLK [\n-STATEMENT X\n---- ok\n-STATEMENT Y\n---- ok\n]\n-CASE A\n-LOOP i 1 4\n-STATEMENT L${{i}}\n---- ok\n-ENDLOOP\n-INSERT_STATEMENT_BLOCK BLK\n-BATCH_STATEMENTS <FILE>:b.cypher\n---- ok\n-CASE S\n-SKIP\n-STATEMENT Z\n---- ok\n"),
    );
    let engine = MockEngine::scripted(vec![("B2", vec![error("Runtime exception: no")])]);
    let log_engine = Arc::new(engine);
    let mut opts = run::RunOptions::new(suite.root());
    opts.timeout = std::time::Duration::from_secs(5);
    let s = run::run_files(log_engine.clone(), &[f], &opts);
    assert_eq!(s.statements(), (8, 1));
    assert_eq!(s.count(run::CaseStatus::Skipped), 1);
    assert_eq!(s.count(run::CaseStatus::Failed), 1);
    let log = log_engine.log();
    let ran: Vec<&str> = log.iter().filter_map(|l| l.split(": ").nth(1)).collect();
    assert_eq!(
        ran,
        vec!["L1", "L2", "L3", "L4", "X", "Y", "B1", "B2", "B3"]
    );
}

#[test]
fn dataset_is_loaded_line_by_line_with_absolute_paths() {
    let suite = Suite::new();
    suite.write(
        "dataset/ds/schema.cypher",
        "CREATE NODE TABLE p(id INT64, PRIMARY KEY(id));\n",
    );
    suite.write(
        "dataset/ds/copy.cypher",
        "COPY p FROM \"dataset/ds/p.csv\";\n",
    );
    let f = suite.test_file(
        "d.test",
        "-DATASET CSV ds\n--\n-CASE A\n-STATEMENT Q\n---- ok\n",
    );
    let engine = Arc::new(MockEngine::scripted(vec![]));
    let opts = run::RunOptions::new(suite.root());
    let s = run::run_files(engine.clone(), &[f], &opts);
    assert_eq!(s.outcomes[0].status, run::CaseStatus::Passed);
    let root = suite.root().canonicalize().unwrap_or_default();
    assert_eq!(
        engine.log(),
        vec![
            "open #1".to_string(),
            "#1@1: CREATE NODE TABLE p(id INT64, PRIMARY KEY(id));".to_string(),
            format!("#1@1: COPY p FROM \"{}/dataset/ds/p.csv\";", root.display()),
            "#1@1: Q".to_string(),
        ]
    );
}

#[test]
fn a_failing_dataset_fails_every_statement() {
    let suite = Suite::new();
    suite.write("dataset/bad/schema.cypher", "BROKEN\n");
    let f = suite.test_file(
        "d.test",
        "-DATASET CSV bad\n--\n-CASE A\n-STATEMENT Q1\n---- ok\n-STATEMENT Q2\n---- ok\n",
    );
    let engine = MockEngine::scripted(vec![("BROKEN", vec![error("Parser exception: x")])]);
    let s = suite.run(engine, &[f]);
    assert_eq!(s.outcomes[0].status, run::CaseStatus::Failed);
    assert_eq!(s.statements(), (0, 2));
    assert!(s.outcomes[0].report.contains("failed to load"));
}

#[test]
fn reload_reopens_and_reconnects() {
    let suite = Suite::new();
    let f = suite.test_file(
        "r.test",
        &format!("{HEADER}-CASE A\n-STATEMENT Q1\n---- ok\n-RELOADDB\n-STATEMENT Q2\n---- ok\n"),
    );
    let engine = Arc::new(MockEngine::scripted(vec![]));
    let s = run::run_files(engine.clone(), &[f], &run::RunOptions::new(suite.root()));
    assert_eq!(s.statements(), (2, 0));
    assert_eq!(
        engine.log(),
        vec!["open #1", "#1@1: Q1", "open #2", "#2@2: Q2"]
    );
    let opts = engine.options.lock().clone();
    assert_eq!(opts[0].buffer_pool_size, 76_546_048);
    assert_eq!(opts[0].threads, 2);
}

#[test]
fn buffer_pool_size_reaches_the_engine() {
    let suite = Suite::new();
    let f = suite.test_file(
        "b.test",
        "-DATASET CSV empty\n-BUFFER_POOL_SIZE 123456\n--\n-CASE A\n-STATEMENT Q\n---- ok\n",
    );
    let engine = Arc::new(MockEngine::scripted(vec![]));
    run::run_files(engine.clone(), &[f], &run::RunOptions::new(suite.root()));
    assert_eq!(engine.options.lock()[0].buffer_pool_size, 123456);
}

#[test]
fn named_connections_and_concurrent_blocks() {
    let suite = Suite::new();
    let f = suite.test_file(
        "c.test",
        &format!("{HEADER}-CASE A\n-CREATE_CONNECTION conn2\n-STATEMENT [conn2] WHO\n---- 1\nconn2\n-STATEMENT WHO\n---- 1\ndefault\n-BEGIN_CONCURRENT_EXECUTION\n-STATEMENT WHO\n---- 1\ndefault\n-STATEMENT [conn2] WHO\n---- 1\nconn2\n-END_CONCURRENT_EXECUTION\n-STATEMENT WHO\n---- 1\ndefault\n"),
    );
    // Connections are opened in name order: conn2 is #1, conn_default #2.
    let engine = MockEngine::new(Arc::new(|q: &str, c: &ruzu::testfile::mock::MockConn| {
        if q == "WHO" {
            let who = if c.id == 1 { "conn2" } else { "default" };
            vec![rows(&["x"], &[who])]
        } else {
            vec![Ok(QueryOutput::default())]
        }
    }));
    let s = suite.run(engine, &[f]);
    assert_eq!(s.statements(), (5, 0), "{}", s.outcomes[0].report);
}

#[test]
fn an_engine_panic_fails_only_that_case() {
    let suite = Suite::new();
    let f = suite.test_file(
        "p.test",
        &format!("{HEADER}-CASE A\n-STATEMENT PANIC\n---- error(regex)\n.*\n-STATEMENT Q\n---- ok\n-CASE B\n-STATEMENT Q\n---- ok\n"),
    );
    let s = suite.run(MockEngine::scripted(vec![]), &[f]);
    assert_eq!(s.outcomes[0].status, run::CaseStatus::Failed);
    assert!(s.outcomes[0].report.contains("engine panicked"));
    assert_eq!(s.outcomes[1].status, run::CaseStatus::Passed);
    assert_eq!(s.statements(), (2, 1));
}

#[test]
fn a_hanging_case_is_interrupted_and_fails() {
    let suite = Suite::new();
    let f = suite.test_file(
        "t.test",
        &format!("{HEADER}-CASE A\n-STATEMENT Q\n---- ok\n-STATEMENT HANG\n---- ok\n-STATEMENT Q\n---- ok\n-CASE B\n-STATEMENT HANG_HARD\n---- ok\n-CASE C\n-STATEMENT Q\n---- ok\n"),
    );
    let mut opts = run::RunOptions::new(suite.root());
    opts.timeout = std::time::Duration::from_secs(1);
    let start = std::time::Instant::now();
    let s = run::run_files(Arc::new(MockEngine::scripted(vec![])), &[f], &opts);
    // A: interrupted (then its last statement still runs, but the case fails); B: abandoned.
    assert!(start.elapsed() < std::time::Duration::from_secs(15));
    let st: Vec<run::CaseStatus> = s.outcomes.iter().map(|o| o.status).collect();
    assert_eq!(
        st,
        vec![
            run::CaseStatus::Failed,
            run::CaseStatus::Failed,
            run::CaseStatus::Passed
        ]
    );
    assert!(s.outcomes[0].report.contains("timed out"));
    assert!(s.outcomes[1].report.contains("timed out"));
    assert_eq!(s.outcomes[1].statements_failed, 1);
}

#[test]
fn answer_files() {
    let suite = Suite::new();
    suite.write("test/answers/ans.txt", "b\na\n");
    let f = suite.test_file(
        "f.test",
        &format!("{HEADER}-CASE Good\n-STATEMENT Q\n---- 2\n<FILE>:ans.txt\n-CASE WrongCountPasses\n-STATEMENT R\n---- 5\n<FILE>:ans.txt\n-CASE Bad\n-STATEMENT R\n---- 2\n<FILE>:ans.txt\n"),
    );
    let engine = MockEngine::scripted(vec![
        ("Q", vec![rows(&["x"], &["a", "b"])]),
        ("R", vec![rows(&["x"], &["a", "c"])]),
    ]);
    let s = suite.run(engine, &[f]);
    let st: Vec<(String, run::CaseStatus)> = s
        .outcomes
        .iter()
        .map(|o| (o.case.clone(), o.status))
        .collect();
    assert_eq!(
        st,
        vec![
            ("Bad".to_string(), run::CaseStatus::Failed),
            ("Good".to_string(), run::CaseStatus::Passed),
            ("WrongCountPasses".to_string(), run::CaseStatus::Passed)
        ]
    );
}

#[test]
fn database_path_variable_is_the_case_directory() {
    let suite = Suite::new();
    let f = suite.test_file(
        "v.test",
        &format!("{HEADER}-CASE A\n-STATEMENT COPY t FROM '${{DATABASE_PATH}}/x.csv'\n---- ok\n"),
    );
    let engine = Arc::new(MockEngine::scripted(vec![]));
    run::run_files(engine.clone(), &[f], &run::RunOptions::new(suite.root()));
    let log = engine.log();
    assert!(!log[1].contains("${DATABASE_PATH}"), "{log:?}");
    assert!(log[1].contains("ruzu-testfile-"), "{log:?}");
}

// ---------------------------------------------------------------------------------------
// Command line, output and lists

fn two_case_suite() -> Suite {
    let suite = Suite::new();
    suite.test_file(
        "area/x.test",
        &format!("{HEADER}-CASE Good\n-STATEMENT Q\n---- 1\n1\n-CASE Bad\n-STATEMENT Q\n---- 1\n2\n-CASE Off\n-SKIP\n-STATEMENT Q\n---- 1\n1\n"),
    );
    suite
}

fn q_engine() -> MockEngine {
    MockEngine::scripted(vec![("Q", vec![rows(&["x"], &["1"])])])
}

#[test]
fn output_lists_failures_and_closing_lines() {
    let suite = two_case_suite();
    let folder = suite.root().join("test/test_files");
    let (code, out) = suite.cli(q_engine(), &[folder.to_str().unwrap_or("")]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("FAIL area/x.test::Bad (1 of 1 statements failed)\n"),
        "{out}"
    );
    assert!(out.contains("  line 10: Q\n"), "{out}");
    assert!(out.contains("  ! 2\n"), "{out}");
    assert!(out.contains("  ! 1\n"), "{out}");
    assert_eq!(
        last_lines(&out, 2),
        vec![
            "statements: 1 passed, 1 failed",
            "1 passed, 1 failed, 1 skipped"
        ]
    );
}

#[test]
fn by_area_counts_cases_and_statements_per_area() {
    let suite = two_case_suite();
    suite.test_file(
        "other/y.test",
        &format!("{HEADER}-CASE A\n-STATEMENT Q\n---- 1\n1\n-STATEMENT Q\n---- 1\n1\n"),
    );
    let (code, out) = suite.cli(q_engine(), &["--by-area", "area", "other"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        last_lines(&out, 4),
        vec![
            "area   cases 1 passed, 1 failed, 1 skipped; statements 1 passed, 1 failed",
            "other  cases 1 passed, 0 failed, 0 skipped; statements 2 passed, 0 failed",
            "statements: 3 passed, 1 failed",
            "2 passed, 1 failed, 1 skipped"
        ]
    );
}

#[test]
fn paths_relative_to_the_suite_are_accepted() {
    let suite = two_case_suite();
    let (code, out) = suite.cli(q_engine(), &["area"]);
    assert_eq!(code, 0);
    assert_eq!(last_lines(&out, 1), vec!["1 passed, 1 failed, 1 skipped"]);
}

#[test]
fn missing_root_is_exit_2() {
    let mut out = Vec::new();
    let code = cli::main_with(
        Arc::new(q_engine()),
        [
            "ruzu-testfile",
            "--root",
            "/nonexistent/kuzu-suite",
            "x.test",
        ]
        .iter()
        .map(std::ffi::OsString::from),
        &mut out,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
}

#[test]
fn update_passing_then_check() {
    let suite = two_case_suite();
    let list = suite.root().join("kuzu-suite.passing");
    let list_s = list.to_str().unwrap_or("").to_string();
    let (code, _) = suite.cli(q_engine(), &["--update-passing", &list_s, "area"]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&list).unwrap_or_default(),
        "area/x.test::Good\n"
    );
    // Same engine: no regression.
    let (code, out) = suite.cli(q_engine(), &["--passing", &list_s, "--strict", "area"]);
    assert_eq!(code, 0, "{out}");
    // A changed expected row makes the passing case fail: a regression.
    suite.test_file(
        "area/x.test",
        &format!(
            "{HEADER}-CASE Good\n-STATEMENT Q\n---- 1\n7\n-CASE Bad\n-STATEMENT Q\n---- 1\n2\n"
        ),
    );
    let (code, out) = suite.cli(q_engine(), &["--passing", &list_s, "area"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("REGRESSION area/x.test::Good"), "{out}");
}

#[test]
fn new_passes_fail_only_with_strict() {
    let suite = two_case_suite();
    let list = suite.write("lists/kuzu-suite.passing", "# nothing yet\n");
    let list_s = list.to_str().unwrap_or("").to_string();
    let (code, out) = suite.cli(q_engine(), &["--passing", &list_s, "area"]);
    assert_eq!(code, 0);
    assert!(out.contains("NEW PASS area/x.test::Good"), "{out}");
    let (code, _) = suite.cli(q_engine(), &["--passing", &list_s, "--strict", "area"]);
    assert_eq!(code, 1);
}

#[test]
fn deviations_count_as_failed_and_must_not_pass() {
    let suite = two_case_suite();
    let list = suite.write("lists/kuzu-suite.passing", "");
    suite.write(
        "lists/kuzu-suite.deviations",
        "area/x.test::Bad # ruzu words this differently\n",
    );
    let list_s = list.to_str().unwrap_or("").to_string();
    // Bad fails and is a deviation: fine; Good is new (not strict).
    let (code, out) = suite.cli(q_engine(), &["--passing", &list_s, "area"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("(deviation: ruzu words this differently)"),
        "{out}"
    );
    // A deviation that passes is an error, and counts as failed.
    suite.write(
        "lists/kuzu-suite.deviations",
        "area/x.test::Good # expected to differ\n",
    );
    let (code, out) = suite.cli(q_engine(), &["--passing", &list_s, "area"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DEVIATION PASSES area/x.test::Good"), "{out}");
    assert_eq!(last_lines(&out, 1), vec!["0 passed, 2 failed, 1 skipped"]);
}

#[test]
fn unstable_cases_never_fail_the_check() {
    let suite = two_case_suite();
    let list = suite.write(
        "lists/kuzu-suite.passing",
        "area/x.test::Good\narea/x.test::Bad\n",
    );
    suite.write("lists/kuzu-suite.unstable", "area/x.test::Bad\n");
    let list_s = list.to_str().unwrap_or("").to_string();
    let (code, out) = suite.cli(q_engine(), &["--passing", &list_s, "--strict", "area"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("UNSTABLE FAIL area/x.test::Bad"), "{out}");
    assert!(out.contains("FAIL area/x.test::Bad (1 of 1"), "{out}");
}

#[test]
fn parallel_output_is_deterministic() {
    let suite = Suite::new();
    for i in 0..6 {
        suite.test_file(
            &format!("p/f{i}.test"),
            &format!(
                "{HEADER}-CASE A\n-STATEMENT Q\n---- 1\n{i}\n-CASE B\n-STATEMENT Q\n---- 1\n1\n"
            ),
        );
    }
    let (c1, o1) = suite.cli(q_engine(), &["p"]);
    let (c2, o2) = suite.cli(q_engine(), &["-j", "3", "p"]);
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(o1, o2);
    assert!(o1.find("p/f0.test::A") < o1.find("p/f2.test::A"), "{o1}");
    assert_eq!(last_lines(&o1, 1), vec!["7 passed, 5 failed, 0 skipped"]);
}

#[test]
fn the_projects_e2e_files_parse_and_run_on_the_mock() {
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let files = run::collect_test_files(&[e2e]).unwrap_or_default();
    assert!(!files.is_empty());
    let suite = Suite::new();
    let s = suite.run(MockEngine::scripted(vec![]), &files);
    assert!(
        s.outcomes.iter().all(|o| o.case != "(file)"),
        "{:?}",
        s.outcomes
    );
}

#[test]
fn dump_lists_cases_and_steps_without_running() {
    let suite = two_case_suite();
    let engine = MockEngine::scripted(vec![]);
    let log = Arc::new(engine);
    let mut out = Vec::new();
    let root = suite.root().as_os_str().to_owned();
    let code = cli::main_with(
        log.clone(),
        vec![
            "ruzu-testfile".into(),
            "--root".into(),
            root,
            "--dump".into(),
            "area".into(),
        ],
        &mut out,
    );
    assert_eq!(code, 0);
    let text = String::from_utf8_lossy(&out);
    assert_eq!(
        text.lines().take(3).collect::<Vec<_>>(),
        vec![
            "area/x.test::Good (1 statements; conn_default)",
            "  6: [conn_default] Q",
            "    ---- 1 rows"
        ]
    );
    assert!(text.contains("area/x.test::DISABLED_Off [skipped] (1 statements; conn_default)"));
    assert!(log.log().is_empty());
}

#[test]
fn engine_selection_errors_are_exit_2() {
    let suite = two_case_suite();
    let root = suite.root().to_string_lossy().to_string();
    for extra in [
        vec!["--engine", "nope"],
        vec!["--engine", "kuzu-python", "--python", "/nonexistent/python"],
    ] {
        let mut args = vec!["ruzu-testfile", "--root", &root];
        args.extend(extra);
        args.push("area");
        let mut out = Vec::new();
        let code = cli::main(args.iter().map(std::ffi::OsString::from), &mut out);
        assert_eq!(code, 2);
        assert!(out.is_empty());
    }
}
