//! Parsing of Kuzu `.test` files into cases and steps.
//!
//! Owns: the tokenizer (Kuzu's token regex), the header/body state machine (a port of the
//! behaviour of Kuzu's `test_parser.cpp`: a line cursor that can step back one line and
//! re-read loop bodies), variables (`-SET`, `${VAR}`, `ARANGE`, `REPEAT`,
//! `current_timestamp()`, `random.*`), `-LOOP`, statement blocks, `-BATCH_STATEMENTS`
//! expansion and named connections. Everything that is not a statement becomes a `Step`.

use super::rng::Pcg32;
use crate::error::{Error, Result};
use regex::Regex;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The name of the connection statements without `[conn_x]` run on.
pub const DEFAULT_CONN: &str = "conn_default";

/// A parsed `.test` file.
#[derive(Debug, Clone, Default)]
pub struct TestFile {
    /// `-DATASET`: dataset type and name (`None` for `empty`).
    pub dataset: Option<Dataset>,
    pub buffer_pool_size: Option<u64>,
    pub checkpoint_wait_timeout: Option<u64>,
    /// Disabled in the header (`-SKIP`, `-WASM_ONLY`).
    pub disabled: bool,
    /// Cases in order of first appearance; same-named cases are merged.
    pub cases: Vec<TestCase>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// `CSV`, `PARQUET`, ... (only `CSV` can be loaded).
    pub kind: String,
    /// Path under `dataset/`.
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct TestCase {
    /// The name as Kuzu registers it (`DISABLED_` prefix when skipped).
    pub name: String,
    pub steps: Vec<Step>,
    /// Every connection the case uses, `conn_default` included.
    pub connections: BTreeSet<String>,
}

impl TestCase {
    pub fn is_disabled(&self) -> bool {
        self.name.starts_with("DISABLED_")
    }

    /// Statements the case executes (each `-STATEMENT`, each batch line, each unsupported
    /// directive), i.e. the statements counted for it.
    pub fn statement_count(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s, Step::Query(_) | Step::Unsupported { .. }))
            .count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Query(Statement),
    Log(String),
    ReloadDb,
    BeginConcurrent,
    EndConcurrent,
    /// A directive of Kuzu's runner that this runner cannot perform
    /// (`-IMPORT_DATABASE`, `-MULTI_COPY_RANDOM`, ...): a failing statement.
    Unsupported {
        directive: String,
        line: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Statement {
    pub conn: String,
    pub query: String,
    pub check_order: bool,
    pub check_column_names: bool,
    pub check_precision: bool,
    pub expected: Vec<Expected>,
    /// 1-based line of the `-STATEMENT` (or `-BATCH_STATEMENTS`) directive.
    pub line: usize,
    /// The `-LOG` label that precedes it in the case, if any.
    pub log: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Ok,
    Error(String),
    ErrorRegex(String),
    Hash {
        tuples: u64,
        md5: String,
    },
    Rows {
        count: usize,
        rows: Vec<String>,
    },
    /// `<FILE>:name`: the rows are the lines of `test/answers/name`.
    File {
        count: usize,
        path: PathBuf,
    },
}

/// What the parser needs from outside: the suite root and the engine's version.
#[derive(Debug, Clone)]
pub struct ParseContext {
    pub root: PathBuf,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Dataset,
    BufferPoolSize,
    Skip,
    WasmOnly,
    /// `-SKIP_IN_MEM` and the other build-dependent skips: no effect here.
    SkipNoop,
    TestFwdOnly,
    Case,
    CheckColumnNames,
    CheckPrecision,
    CheckOrder,
    DefineBlock,
    Empty,
    EndBlock,
    InsertBlock,
    Log,
    Result,
    Separator,
    Set,
    SetEnv,
    Statement,
    Continuation,
    CreateDatasetSchema,
    InsertDatasetByRow,
    MultiCopyRandom,
    LoadDynamicExtension,
    SkipFsmLeakCheck,
    CheckpointWaitTimeout,
    CreateConnection,
    ReloadDb,
    BatchStatements,
    BeginConcurrent,
    EndConcurrent,
    ImportDatabase,
    RemoveFile,
    Loop,
    EndLoop,
}

fn token_type(first: &str) -> Tok {
    match first {
        "-DATASET" => Tok::Dataset,
        "-CASE" => Tok::Case,
        "-CHECK_ORDER" => Tok::CheckOrder,
        "-LOG" => Tok::Log,
        "-DEFINE_STATEMENT_BLOCK" => Tok::DefineBlock,
        "-SKIP" => Tok::Skip,
        "-WASM_ONLY" => Tok::WasmOnly,
        "-SKIP_MUSL"
        | "-SKIP_WASM"
        | "-SKIP_STATIC_LINK"
        | "-SKIP_IN_MEM"
        | "-SKIP_VECTOR_CAPACITY_TESTS"
        | "-SKIP_NODE_GROUP_SIZE_TESTS"
        | "-SKIP_PAGE_SIZE_TESTS"
        | "-SKIP_SEGMENT_SIZE_TESTS"
        | "-SKIP_COMPRESSION_DISABLED" => Tok::SkipNoop,
        // Kuzu maps this odd spelling to SET.
        "-SKIP_LINE" => Tok::Set,
        "-LOAD_DYNAMIC_EXTENSION" => Tok::LoadDynamicExtension,
        "-TEST_FWD_ONLY_REL" => Tok::TestFwdOnly,
        "-STATEMENT" => Tok::Statement,
        "-INSERT_STATEMENT_BLOCK" => Tok::InsertBlock,
        "-BUFFER_POOL_SIZE" => Tok::BufferPoolSize,
        "-CHECKPOINT_WAIT_TIMEOUT" => Tok::CheckpointWaitTimeout,
        "-BATCH_STATEMENTS" => Tok::BatchStatements,
        "-RELOADDB" => Tok::ReloadDb,
        "-CREATE_CONNECTION" => Tok::CreateConnection,
        "]" => Tok::EndBlock,
        "----" => Tok::Result,
        "--" => Tok::Separator,
        "#" => Tok::Empty,
        "-SET" => Tok::Set,
        "-SET_ENV" => Tok::SetEnv,
        "-IMPORT_DATABASE" => Tok::ImportDatabase,
        "-REMOVE_FILE" => Tok::RemoveFile,
        "-CHECK_PRECISION" => Tok::CheckPrecision,
        "-CHECK_COLUMN_NAMES" => Tok::CheckColumnNames,
        "-BEGIN_CONCURRENT_EXECUTION" => Tok::BeginConcurrent,
        "-END_CONCURRENT_EXECUTION" => Tok::EndConcurrent,
        "-CREATE_DATASET_SCHEMA" => Tok::CreateDatasetSchema,
        "-INSERT_DATASET_BY_ROW" => Tok::InsertDatasetByRow,
        "-MULTI_COPY_RANDOM" => Tok::MultiCopyRandom,
        "-LOOP" => Tok::Loop,
        "-ENDLOOP" => Tok::EndLoop,
        "-SKIP_FSM_LEAK_CHECK" => Tok::SkipFsmLeakCheck,
        _ => Tok::Continuation,
    }
}

fn token_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Kuzu's token pattern; the regex crate's leftmost-first alternation matches the way
        // ECMAScript's backtracking does for it.
        Regex::new(r#"(?:[^'"\s\\]+|'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"|\S+)+"#)
            .unwrap_or_else(|_| unreachable_regex())
    })
}

fn conn_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[(conn.*?)\]\s*(.*)").unwrap_or_else(|_| unreachable_regex()))
}

/// A regex that matches nothing; only used if a constant pattern failed to compile.
fn unreachable_regex() -> Regex {
    // `[^\s\S]` is a valid pattern that can never match.
    match Regex::new(r"[^\s\S]") {
        Ok(r) => r,
        Err(_) => panic!("the regex crate rejected a constant pattern"),
    }
}

/// Splits a line into Kuzu's tokens (quoted strings stay inside one token).
pub fn tokenize(line: &str) -> Vec<String> {
    token_regex()
        .find_iter(line)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Parses `text` (the contents of the file `path`).
pub fn parse_test_file(path: &str, text: &str, ctx: &ParseContext) -> Result<TestFile> {
    let mut p = Parser::new(path, text, ctx);
    p.parse_header()?;
    if p.file.dataset.is_none() && !p.saw_dataset {
        return Err(Error::Parser(format!("Invalid test header [{path}].")));
    }
    p.parse_body()?;
    let mut file = p.file;
    let mut cases = Vec::new();
    for name in p.case_order {
        if let Some(mut case) = p.cases.remove(&name) {
            if name.is_empty() {
                return Err(Error::Parser(format!(
                    "Missing test case name (-CASE) [{path}]."
                )));
            }
            case.name = name;
            for step in &case.steps {
                if let Step::Query(s) = step {
                    case.connections.insert(s.conn.clone());
                }
            }
            case.connections.insert(DEFAULT_CONN.to_string());
            cases.push(case);
        }
    }
    file.cases = cases;
    Ok(file)
}

struct Parser<'a> {
    path: String,
    lines: Vec<&'a str>,
    /// Index of the next line to read.
    pos: usize,
    prev_pos: usize,
    line: String,
    line_no: usize,
    params: Vec<String>,
    tok: Tok,
    vars: HashMap<String, String>,
    rng: Pcg32,
    root: PathBuf,
    file: TestFile,
    saw_dataset: bool,
    cases: HashMap<String, TestCase>,
    case_order: Vec<String>,
    blocks: HashMap<String, Vec<Step>>,
    block_conns: HashMap<String, BTreeSet<String>>,
    last_log: Option<String>,
}

impl<'a> Parser<'a> {
    fn new(path: &str, text: &'a str, ctx: &ParseContext) -> Parser<'a> {
        let mut vars = HashMap::new();
        let root = ctx.root.to_string_lossy().to_string();
        vars.insert("KUZU_ROOT_DIRECTORY".to_string(), root);
        vars.insert("KUZU_VERSION".to_string(), ctx.version.clone());
        vars.insert(
            "KUZU_EXPORT_DB_DIRECTORY".to_string(),
            std::env::temp_dir()
                .join("ruzu-testfile-export")
                .to_string_lossy()
                .to_string(),
        );
        Parser {
            path: path.to_string(),
            lines: text.lines().collect(),
            pos: 0,
            prev_pos: 0,
            line: String::new(),
            line_no: 0,
            params: Vec::new(),
            tok: Tok::Empty,
            vars,
            rng: Pcg32::from_clock(),
            root: ctx.root.clone(),
            file: TestFile::default(),
            saw_dataset: false,
            cases: HashMap::new(),
            case_order: Vec::new(),
            blocks: HashMap::new(),
            block_conns: HashMap::new(),
            last_log: None,
        }
    }

    fn err(&self, what: &str) -> Error {
        Error::Parser(format!("{what} [{}:{}]", self.path, self.line_no))
    }

    fn next_line(&mut self) -> bool {
        self.prev_pos = self.pos;
        if self.pos < self.lines.len() {
            self.line = self.lines[self.pos].to_string();
            self.pos += 1;
            self.line_no = self.pos;
            true
        } else {
            self.line.clear();
            false
        }
    }

    fn back(&mut self) {
        self.pos = self.prev_pos;
    }

    fn tokenize(&mut self) {
        self.params = tokenize(&self.line);
        self.tok = match self.params.first() {
            None => Tok::Empty,
            Some(t) if t.starts_with('#') => Tok::Empty,
            Some(t) => token_type(t),
        };
    }

    fn param(&self, i: usize) -> Result<&str> {
        self.params
            .get(i)
            .map(|s| s.as_str())
            .ok_or_else(|| self.err(&format!("Minimum number of parameters is {i}.")))
    }

    fn params_from(&self, i: usize) -> String {
        self.params.get(i..).unwrap_or(&[]).join(" ")
    }

    fn replace_vars(&self, s: &str) -> String {
        if !s.contains("${") {
            return s.to_string();
        }
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        let mut out = s.to_string();
        for name in names {
            let pat = format!("${{{name}}}");
            if out.contains(&pat) {
                out = out.replace(&pat, &self.vars[name]);
            }
        }
        out
    }

    fn case_mut(&mut self, name: &str) -> &mut TestCase {
        if !self.cases.contains_key(name) {
            self.case_order.push(name.to_string());
        }
        self.cases.entry(name.to_string()).or_default()
    }

    fn parse_header(&mut self) -> Result<()> {
        while self.next_line() {
            self.tokenize();
            match self.tok {
                Tok::Empty => {}
                Tok::Dataset => {
                    let kind = self.param(1)?.to_string();
                    let name = self.param(2)?.to_string();
                    self.saw_dataset = true;
                    self.file.dataset = if name.eq_ignore_ascii_case("empty") {
                        None
                    } else {
                        Some(Dataset { kind, name })
                    };
                }
                Tok::BufferPoolSize => {
                    let v = self.param(1)?;
                    self.file.buffer_pool_size =
                        Some(parse_leading_int(v).ok_or_else(|| self.err("Invalid size"))? as u64);
                }
                Tok::TestFwdOnly | Tok::SkipNoop => {}
                Tok::Skip | Tok::WasmOnly => self.file.disabled = true,
                Tok::Separator => return Ok(()),
                _ => return Err(self.err("Invalid test header statement")),
            }
        }
        Ok(())
    }

    fn parse_body(&mut self) -> Result<()> {
        let mut case_name = String::new();
        while self.next_line() {
            self.tokenize();
            match self.tok {
                Tok::Case => {
                    case_name = self.param(1)?.to_string();
                    self.last_log = None;
                }
                Tok::DefineBlock => {
                    self.param(2)?;
                    self.extract_statement_block()?;
                }
                Tok::InsertBlock => {
                    let block = self.param(1)?.to_string();
                    let steps =
                        self.blocks.get(&block).cloned().ok_or_else(|| {
                            self.err(&format!("Statement block not found {block}"))
                        })?;
                    let conns = self.block_conns.get(&block).cloned().unwrap_or_default();
                    let case = self.case_mut(&case_name);
                    case.steps.extend(steps);
                    case.connections.extend(conns);
                }
                Tok::LoadDynamicExtension => {
                    let ext = self.param(1)?.to_string();
                    let root = self.root.to_string_lossy().to_string();
                    let st = Statement {
                        conn: DEFAULT_CONN.to_string(),
                        query: format!(
                            "LOAD EXTENSION '{root}/extension/{ext}/build/lib{ext}.kuzu_extension'"
                        ),
                        expected: vec![Expected::Ok],
                        line: self.line_no,
                        ..Statement::default()
                    };
                    self.case_mut(&case_name).steps.push(Step::Query(st));
                }
                Tok::TestFwdOnly | Tok::Empty | Tok::SkipNoop => {}
                Tok::Loop => {
                    self.parse_loop(&case_name)?;
                }
                Tok::Skip | Tok::WasmOnly => {
                    case_name = format!("DISABLED_{case_name}");
                }
                _ => {
                    let steps = self.parse_statement(&case_name)?;
                    if !steps.is_empty() {
                        self.case_mut(&case_name).steps.extend(steps);
                    }
                }
            }
        }
        Ok(())
    }

    fn extract_statement_block(&mut self) -> Result<()> {
        let name = self.param(1)?.to_string();
        self.blocks.entry(name.clone()).or_default();
        while self.next_line() {
            self.tokenize();
            if self.tok == Tok::EndBlock {
                break;
            }
            let steps = self.parse_statement(&name)?;
            self.blocks.entry(name.clone()).or_default().extend(steps);
        }
        Ok(())
    }

    fn parse_loop(&mut self, case_name: &str) -> Result<()> {
        let var = self.param(1)?.to_string();
        let mut values = Vec::new();
        let p2 = self.param(2)?.to_string();
        let list = self.params_from(2);
        if list.len() >= 2 && p2.starts_with('[') && list.ends_with(']') {
            for v in list[1..list.len() - 1].split(',') {
                let v = v.trim_matches([' ', '\t']);
                if !v.is_empty() {
                    values.push(v.to_string());
                }
            }
        } else if self.params.len() >= 4 {
            let start = parse_leading_int(&p2).ok_or_else(|| self.err("Invalid loop syntax"))?;
            let end =
                parse_leading_int(self.param(3)?).ok_or_else(|| self.err("Invalid loop syntax"))?;
            let step = match self.params.get(4) {
                Some(s) => parse_leading_int(s).ok_or_else(|| self.err("Invalid loop syntax"))?,
                None => 1,
            };
            if step <= 0 {
                return Err(self.err("Loop step must be positive"));
            }
            let mut i = start;
            while i <= end {
                values.push(i.to_string());
                i += step;
            }
        } else {
            return Err(self.err("Invalid loop syntax"));
        }
        let begin = self.pos;
        if values.is_empty() {
            // Skip the body.
            while self.next_line() {
                self.tokenize();
                if self.tok == Tok::EndLoop {
                    break;
                }
            }
            return Ok(());
        }
        for value in values {
            self.pos = begin;
            let mut closed = false;
            while self.next_line() {
                self.tokenize();
                if self.tok == Tok::Loop {
                    continue;
                }
                if self.tok == Tok::EndLoop {
                    closed = true;
                    break;
                }
                self.vars.insert(var.clone(), value.clone());
                let steps = self.parse_statement(case_name)?;
                if !steps.is_empty() {
                    self.case_mut(case_name).steps.extend(steps);
                }
            }
            if !closed {
                return Err(self.err("-LOOP without -ENDLOOP"));
            }
        }
        Ok(())
    }

    /// Parses one statement (or other body directive) starting at the current line. Returns
    /// no step for directives that only change parser state (`-SET`, `-CREATE_CONNECTION`),
    /// several for `-BATCH_STATEMENTS`.
    fn parse_statement(&mut self, case_name: &str) -> Result<Vec<Step>> {
        let mut st = Statement {
            conn: DEFAULT_CONN.to_string(),
            ..Statement::default()
        };
        let mut batch_file: Option<PathBuf> = None;
        let mut started = false;
        let mut first = true;
        loop {
            self.tokenize();
            match self.tok {
                Tok::Log => {
                    self.param(1)?;
                    let msg = self.replace_vars(&self.params_from(1));
                    self.last_log = Some(msg.clone());
                    return Ok(vec![Step::Log(msg)]);
                }
                Tok::BeginConcurrent => return Ok(vec![Step::BeginConcurrent]),
                Tok::EndConcurrent => return Ok(vec![Step::EndConcurrent]),
                Tok::SkipFsmLeakCheck => return Ok(vec![]),
                Tok::ReloadDb => return Ok(vec![Step::ReloadDb]),
                Tok::CreateDatasetSchema
                | Tok::InsertDatasetByRow
                | Tok::ImportDatabase
                | Tok::RemoveFile
                | Tok::MultiCopyRandom => {
                    return Ok(vec![Step::Unsupported {
                        directive: self.params[0].clone(),
                        line: self.line_no,
                    }]);
                }
                Tok::SetEnv => return Ok(vec![]),
                Tok::Set => {
                    let name = self.param(1)?.to_string();
                    self.param(2)?;
                    let value = self.evaluate_set()?;
                    self.vars.insert(name, value);
                    return Ok(vec![]);
                }
                Tok::CreateConnection => {
                    let conn = self.param(1)?.to_string();
                    if self.blocks.contains_key(case_name) {
                        self.block_conns
                            .entry(case_name.to_string())
                            .or_default()
                            .insert(conn);
                    } else {
                        self.case_mut(case_name).connections.insert(conn);
                    }
                    return Ok(vec![]);
                }
                Tok::CheckpointWaitTimeout => {
                    let v = self.param(1)?;
                    self.file.checkpoint_wait_timeout = Some(
                        parse_leading_int(v).ok_or_else(|| self.err("Invalid timeout"))? as u64,
                    );
                }
                Tok::Statement => {
                    let mut query = self.params_from(1);
                    st.conn = extract_conn_name(&mut query);
                    st.line = self.line_no;
                    query.push_str(&self.extract_text_before_next_statement(true));
                    st.query = self.replace_vars(&query);
                    started = true;
                }
                Tok::BatchStatements => {
                    let mut query = self.params_from(1);
                    st.conn = extract_conn_name(&mut query);
                    st.line = self.line_no;
                    let name = query.get(7..).unwrap_or("");
                    batch_file = Some(self.root.join("test").join("statements").join(name));
                    started = true;
                }
                Tok::Result => {
                    self.extract_expected_results(&mut st)?;
                    st.log = self.last_log.take();
                    return Ok(self.finish_statement(st, batch_file));
                }
                Tok::CheckOrder => st.check_order = true,
                Tok::CheckPrecision => st.check_precision = true,
                Tok::CheckColumnNames => st.check_column_names = true,
                Tok::Empty => {}
                Tok::EndBlock | Tok::EndLoop if !started && !first => {
                    // Blank lines before the `]` of a block or an `-ENDLOOP`: the caller
                    // reads the closing line again.
                    self.back();
                    return Ok(vec![]);
                }
                _ => return Err(self.err("Invalid statement")),
            }
            first = false;
            if !self.next_line() {
                if started {
                    return Err(self.err("Statement without expected result"));
                }
                return Ok(vec![]);
            }
        }
    }

    fn finish_statement(&self, st: Statement, batch_file: Option<PathBuf>) -> Vec<Step> {
        let Some(file) = batch_file else {
            return vec![Step::Query(st)];
        };
        // Kuzu skips a missing statements file.
        let Ok(text) = std::fs::read_to_string(&file) else {
            return vec![];
        };
        text.lines()
            .map(|l| {
                Step::Query(Statement {
                    query: l.to_string(),
                    ..st.clone()
                })
            })
            .collect()
    }

    fn extract_expected_results(&mut self, st: &mut Statement) -> Result<()> {
        loop {
            self.tokenize();
            if self.tok != Tok::Empty {
                if self.tok != Tok::Result {
                    self.back();
                    return Ok(());
                }
                let e = self.extract_expected_result()?;
                st.expected.push(e);
            }
            if !self.next_line() {
                return Ok(());
            }
        }
    }

    fn extract_expected_result(&mut self) -> Result<Expected> {
        let result = self.param(1)?.to_string();
        if result == "ok" {
            return Ok(Expected::Ok);
        }
        if result == "error" {
            let text = self.extract_text_before_next_statement(false);
            return Ok(Expected::Error(self.replace_vars(&text)));
        }
        if result == "error(regex)" {
            let text = self.extract_text_before_next_statement(false);
            return Ok(Expected::ErrorRegex(self.replace_vars(&text)));
        }
        if result.starts_with("hash") {
            self.next_line();
            self.tokenize();
            let tuples = self
                .params
                .first()
                .and_then(|t| parse_leading_int(t))
                .ok_or_else(|| self.err("Invalid hash result"))?;
            let md5 = self.params.last().cloned().unwrap_or_default();
            return Ok(Expected::Hash {
                tuples: tuples.max(0) as u64,
                md5,
            });
        }
        let count = parse_leading_int(&result)
            .filter(|n| *n >= 0)
            .ok_or_else(|| self.err("Invalid expected result"))? as usize;
        self.next_line();
        if let Some(name) = self.line.strip_prefix("<FILE>:") {
            let path = self.root.join("test").join("answers").join(name);
            return Ok(Expected::File { count, path });
        }
        self.back();
        let mut rows = Vec::with_capacity(count);
        for _ in 0..count {
            self.next_line();
            rows.push(self.replace_vars(&self.line));
        }
        Ok(Expected::Rows { count, rows })
    }

    fn extract_text_before_next_statement(&mut self, join_with_space: bool) -> String {
        let delim = if join_with_space { " " } else { "\n" };
        let mut text = String::new();
        while self.next_line() {
            self.tokenize();
            if self.tok != Tok::Continuation {
                self.back();
                break;
            }
            if !text.is_empty() {
                text.push_str(delim);
            }
            text.push_str(&self.line);
        }
        text
    }

    fn evaluate_set(&mut self) -> Result<String> {
        let func = self.param(2)?.to_string();
        if func.eq_ignore_ascii_case("REPEAT") {
            let times = parse_leading_int(self.param(3)?)
                .ok_or_else(|| self.err("Invalid SET data type"))?;
            self.param(4)?;
            let rest = self.params_from(4);
            let text = match (rest.find('"'), rest.rfind('"')) {
                (Some(s), Some(e)) if s < e => rest[s + 1..e].to_string(),
                _ => String::new(),
            };
            if text.is_empty() {
                return Err(self.err("Invalid SET data type"));
            }
            let mut out = String::new();
            for i in 1..=times {
                out.push_str(&text.replace("${count}", &i.to_string()));
            }
            return Ok(out);
        }
        if func == "ARANGE" {
            let start =
                parse_leading_int(self.param(3)?).ok_or_else(|| self.err("Invalid ARANGE"))?;
            let end =
                parse_leading_int(self.param(4)?).ok_or_else(|| self.err("Invalid ARANGE"))?;
            let items: Vec<String> = (start..=end).map(|i| i.to_string()).collect();
            return Ok(format!("[{}]", items.join(",")));
        }
        if func.eq_ignore_ascii_case("current_timestamp()") {
            return Ok(current_timestamp_text());
        }
        if let Some(rest) = func.strip_prefix("random.") {
            if let Some(arg) = rest
                .strip_prefix("set_seed(")
                .and_then(|a| a.strip_suffix(')'))
            {
                let arg = self.replace_vars(arg);
                let seed = parse_leading_int(&arg).ok_or_else(|| self.err("Invalid seed"))?;
                self.rng = Pcg32::new(seed as u64);
                return Ok("0".to_string());
            }
            if let Some(arg) = rest
                .strip_prefix("randInt32(")
                .and_then(|a| a.strip_suffix(')'))
            {
                let max = parse_leading_int(arg)
                    .filter(|m| *m != 0)
                    .ok_or_else(|| self.err("Invalid random parameter"))?;
                let v = self.rng.next_below(max as i32 as u32) as i32;
                return Ok(v.to_string());
            }
            return Err(self.err("Unknown random function"));
        }
        if func.len() >= 2 && func.starts_with('"') && func.ends_with('"') {
            return Ok(func[1..func.len() - 1].to_string());
        }
        parse_leading_int(&func)
            .map(|v| v.to_string())
            .ok_or_else(|| {
                self.err(&format!(
                    "Invalid numeric literal [{func}] in SET statement"
                ))
            })
    }
}

/// `std::stoll`: optional leading whitespace and sign, then digits; stops at the first
/// non-digit; `None` without digits.
pub fn parse_leading_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let v: i64 = digits[..end].parse().ok()?;
    Some(if neg { -v } else { v })
}

/// Takes a leading `[conn_x]` off `query` (Kuzu searches for it anywhere) and returns the
/// connection name, `conn_default` without one.
fn extract_conn_name(query: &mut String) -> String {
    if let Some(c) = conn_regex().captures(query) {
        let name = c.get(1).map(|m| m.as_str().to_string()).unwrap_or_default();
        let rest = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
        *query = rest;
        return name;
    }
    DEFAULT_CONN.to_string()
}

/// The current UTC time as Kuzu renders a TIMESTAMP value.
fn current_timestamp_text() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    timestamp_text(micros)
}

/// Renders microseconds since the epoch as `YYYY-MM-DD hh:mm:ss[.ffffff]` (trailing zeros of
/// the fraction removed).
pub fn timestamp_text(micros: i64) -> String {
    let days = micros.div_euclid(86_400_000_000);
    let rem = micros.rem_euclid(86_400_000_000);
    let (y, m, d) = civil_from_days(days);
    let secs = rem / 1_000_000;
    let frac = rem % 1_000_000;
    let mut s = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
    if frac != 0 {
        let f = format!("{frac:06}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The display name of a test file: its path under `<root>/test/test_files` when it is
/// there, otherwise the path as given.
pub fn display_path(root: &Path, file: &Path) -> String {
    let base = root.join("test").join("test_files");
    if let (Ok(b), Ok(f)) = (base.canonicalize(), file.canonicalize()) {
        if let Ok(rel) = f.strip_prefix(&b) {
            return rel.to_string_lossy().replace('\\', "/");
        }
    }
    file.to_string_lossy().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_quoted_strings_whole() {
        assert_eq!(
            tokenize(r#"-STATEMENT RETURN 'a  b', "c \" d"  x"#),
            vec!["-STATEMENT", "RETURN", "'a  b',", r#""c \" d""#, "x"]
        );
        // An unterminated quote is an ordinary run of non-space characters.
        assert_eq!(tokenize("a 'b c"), vec!["a", "'b", "c"]);
        assert_eq!(tokenize("   "), Vec::<String>::new());
    }

    #[test]
    fn leading_integers_like_stoll() {
        assert_eq!(parse_leading_int("42"), Some(42));
        assert_eq!(parse_leading_int(" -7x"), Some(-7));
        assert_eq!(parse_leading_int("2026-11-27 09:00:00"), Some(2026));
        assert_eq!(parse_leading_int("x1"), None);
        assert_eq!(parse_leading_int(""), None);
    }

    #[test]
    fn connection_prefix() {
        let mut q = "[conn_write] CREATE (a)".to_string();
        assert_eq!(extract_conn_name(&mut q), "conn_write");
        assert_eq!(q, "CREATE (a)");
        let mut q = "RETURN [1]".to_string();
        assert_eq!(extract_conn_name(&mut q), DEFAULT_CONN);
        assert_eq!(q, "RETURN [1]");
    }

    #[test]
    fn timestamps_render_like_kuzu() {
        assert_eq!(timestamp_text(0), "1970-01-01 00:00:00");
        assert_eq!(
            timestamp_text(530_310_511_521_000),
            "1986-10-21 20:28:31.521"
        );
        assert_eq!(timestamp_text(-1), "1969-12-31 23:59:59.999999");
    }

    #[test]
    fn display_paths() {
        let dir = std::env::temp_dir().join(format!("ruzu-testfile-dp-{}", std::process::id()));
        let area = dir.join("test").join("test_files").join("area");
        assert!(std::fs::create_dir_all(&area).is_ok());
        let f = area.join("x.test");
        assert!(std::fs::write(&f, "").is_ok());
        assert_eq!(display_path(&dir, &f), "area/x.test");
        assert_eq!(
            display_path(&dir, Path::new("tests/e2e/y.test")),
            "tests/e2e/y.test"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
