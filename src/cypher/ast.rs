//! The typed AST of Kuzu's Cypher dialect, as produced by `cypher::parse`.
//!
//! Owns: every statement, clause, pattern, expression and type-name node. Shapes follow Kuzu's
//! grammar (`Cypher.g4`) and its parsed-statement classes, so a binder can follow Kuzu's
//! binder. Names are kept as written (case preserved, back-quotes removed); keywords are not
//! kept. Spans are byte offsets relative to the start of the owning `Statement::text`
//! (use `Statement::source(span)` to get the raw text Kuzu uses for column names).
//!
//! Data types stay syntactic (`TypeName`), converted to `LogicalType` by the binder;
//! `TypeName`'s `Display` prints Kuzu's canonical spelling of the type as written
//! (e.g. `STRUCT(a INT64, b STRING[])`).

use std::fmt;

/// A byte range `[start, end)` relative to the start of the statement text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// One `;`-separated statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `EXPLAIN [LOGICAL]` or `PROFILE` prefix.
    pub option: Option<StatementOption>,
    pub kind: StatementKind,
    /// The statement's text (without the trailing `;`), including the EXPLAIN/PROFILE prefix.
    pub text: String,
    /// Byte range of `text` in the string given to `parse`.
    pub span: Span,
}

impl Statement {
    /// The raw source text of a span inside this statement (empty if out of range).
    pub fn source(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementOption {
    Explain,
    /// `EXPLAIN LOGICAL`.
    ExplainLogical,
    Profile,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    Query(Query),
    CreateNodeTable(CreateNodeTable),
    CreateRelTable(CreateRelTable),
    CreateSequence(CreateSequence),
    /// `CREATE TYPE name AS type`.
    CreateType {
        name: String,
        data_type: TypeName,
    },
    CreateUser {
        name: String,
        if_not_exists: bool,
        password: Option<String>,
    },
    CreateRole {
        name: String,
        if_not_exists: bool,
    },
    CreateMacro(CreateMacro),
    Drop {
        what: DropKind,
        name: String,
        if_exists: bool,
    },
    AlterTable {
        table: String,
        action: AlterAction,
    },
    CopyFrom(CopyFrom),
    /// `COPY T FROM ("a", "b") BY COLUMN`.
    CopyFromByColumn {
        table: String,
        files: Vec<String>,
    },
    /// `COPY (query) TO 'file' (options)`.
    CopyTo {
        query: Box<Query>,
        file: String,
        options: Vec<OptionEntry>,
    },
    /// `CALL name = value` sets a configuration option.
    CallOption {
        name: String,
        value: Expr,
    },
    /// `CALL f(args)` without RETURN.
    CallFunction(FunctionCall),
    /// `COMMENT ON TABLE t IS 'text'`.
    CommentOnTable {
        table: String,
        comment: String,
    },
    Transaction(TransactionKind),
    /// `LOAD [EXTENSION] path-or-name`.
    LoadExtension {
        path: String,
    },
    InstallExtension {
        name: String,
        force: bool,
        from: Option<String>,
    },
    UninstallExtension {
        name: String,
    },
    UpdateExtension {
        name: String,
    },
    ExportDatabase {
        path: String,
        options: Vec<OptionEntry>,
    },
    ImportDatabase {
        path: String,
    },
    AttachDatabase {
        path: String,
        alias: Option<String>,
        db_type: String,
        options: Vec<OptionEntry>,
    },
    DetachDatabase {
        name: String,
    },
    UseDatabase {
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionKind {
    Begin { read_only: bool },
    Commit,
    Rollback,
    Checkpoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropKind {
    Table,
    Sequence,
    Macro,
}

/// `name [=] literal` or a bare `name` (a flag) in COPY/LOAD/EXPORT/ATTACH/WITH options.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionEntry {
    pub name: String,
    /// `None` for a bare flag; otherwise a literal expression (number, string, bool, null,
    /// list or struct of literals).
    pub value: Option<Expr>,
}

/// A column or property definition `name TYPE [DEFAULT expr] [PRIMARY KEY]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDefinition {
    pub name: String,
    pub data_type: TypeName,
    pub default: Option<Expr>,
}

/// `name TYPE` as in `LOAD WITH HEADERS (...)`, STRUCT and UNION types.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDefinition {
    pub name: String,
    pub data_type: TypeName,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateNodeTable {
    pub name: String,
    pub if_not_exists: bool,
    pub properties: Vec<PropertyDefinition>,
    /// The primary-key property (from `PRIMARY KEY(p)` or inline `p TYPE PRIMARY KEY`).
    /// Always set for the definition form (the parser errors without one); `None` only for
    /// `CREATE NODE TABLE T AS query`.
    pub primary_key: Option<String>,
    pub as_query: Option<Box<Query>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateRelTable {
    pub name: String,
    /// `CREATE REL TABLE GROUP`.
    pub group: bool,
    pub if_not_exists: bool,
    /// `FROM a TO b` pairs, in order.
    pub connections: Vec<FromTo>,
    pub properties: Vec<PropertyDefinition>,
    /// `MANY_ONE`, `ONE_MANY`, `ONE_ONE`, `MANY_MANY` as written (unchecked).
    pub multiplicity: Option<String>,
    pub as_query: Option<Box<Query>>,
    /// `WITH (options)`.
    pub options: Vec<OptionEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromTo {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateSequence {
    pub name: String,
    pub if_not_exists: bool,
    /// In the order written.
    pub options: Vec<SequenceOption>,
}

/// Sequence options; integers keep their text with sign (Kuzu range-checks in the binder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SequenceOption {
    IncrementBy(String),
    /// `None` for `NO MINVALUE`.
    MinValue(Option<String>),
    /// `None` for `NO MAXVALUE`.
    MaxValue(Option<String>),
    StartWith(String),
    /// `CYCLE` (true) or `NO CYCLE` (false).
    Cycle(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateMacro {
    pub name: String,
    pub positional_args: Vec<String>,
    /// `name := literal` arguments.
    pub default_args: Vec<(String, Expr)>,
    pub body: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AlterAction {
    AddProperty {
        name: String,
        data_type: TypeName,
        default: Option<Expr>,
        if_not_exists: bool,
    },
    DropProperty {
        name: String,
        if_exists: bool,
    },
    RenameTable {
        new_name: String,
    },
    RenameProperty {
        old_name: String,
        new_name: String,
    },
    AddConnection {
        connection: FromTo,
        if_not_exists: bool,
    },
    DropConnection {
        connection: FromTo,
        if_exists: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CopyFrom {
    pub table: String,
    /// `COPY T(c1, c2) FROM ...`; `None` when no column list is given.
    pub columns: Option<Vec<String>>,
    pub source: ScanSource,
    pub options: Vec<OptionEntry>,
}

/// What COPY FROM / LOAD FROM read.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanSource {
    /// One file (`"f.csv"`), a list (`["a.csv", "b.csv"]`) or `GLOB("*.csv")` (glob = true).
    Files {
        paths: Vec<String>,
        glob: bool,
    },
    Query(Box<Query>),
    Parameter(String),
    /// A variable in scope (e.g. a data frame name).
    Variable(String),
    /// `var.name`.
    VariableProperty {
        variable: String,
        property: String,
    },
    Function(FunctionCall),
}

// ------------------------------------------------------------------------------ queries

/// `single_query (UNION [ALL] single_query)*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub first: SingleQuery,
    pub unions: Vec<UnionPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionPart {
    pub all: bool,
    pub query: SingleQuery,
}

/// A single query: zero or more parts ending in WITH, then a final part. The grammar
/// guarantees the final part has a `return_clause` or at least one updating clause.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub parts: Vec<QueryPart>,
    pub reading_clauses: Vec<ReadingClause>,
    pub updating_clauses: Vec<UpdatingClause>,
    pub return_clause: Option<Projection>,
}

/// `reading* updating* WITH ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPart {
    pub reading_clauses: Vec<ReadingClause>,
    pub updating_clauses: Vec<UpdatingClause>,
    pub with: WithClause,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WithClause {
    pub projection: Projection,
    pub where_clause: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadingClause {
    Match(MatchClause),
    Unwind {
        expr: Expr,
        alias: String,
    },
    /// `CALL f(args) [WHERE ...] [YIELD a [AS b], ...]`.
    Call {
        function: FunctionCall,
        where_clause: Option<Expr>,
        yield_items: Vec<YieldItem>,
    },
    LoadFrom(LoadFrom),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchClause {
    pub optional: bool,
    pub pattern: Vec<PatternPart>,
    pub where_clause: Option<Expr>,
    pub hint: Option<JoinHint>,
}

/// `HINT` join order: `a JOIN (b JOIN c)`, `x MULTI_JOIN y MULTI_JOIN z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinHint {
    Variable(String),
    Join(Box<JoinHint>, Box<JoinHint>),
    MultiJoin(Box<JoinHint>, Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YieldItem {
    /// The procedure's output column.
    pub name: String,
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadFrom {
    /// `LOAD WITH HEADERS (col TYPE, ...)`.
    pub headers: Option<Vec<ColumnDefinition>>,
    pub source: ScanSource,
    pub options: Vec<OptionEntry>,
    pub where_clause: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UpdatingClause {
    Create(Vec<PatternPart>),
    Merge {
        pattern: Vec<PatternPart>,
        /// `ON MATCH SET` / `ON CREATE SET` in the order written.
        actions: Vec<MergeAction>,
    },
    Set(Vec<SetItem>),
    Delete {
        detach: bool,
        exprs: Vec<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct MergeAction {
    /// true: `ON CREATE SET`; false: `ON MATCH SET`.
    pub on_create: bool,
    pub items: Vec<SetItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `SET target.key = value`; `target` is `ExprKind::Property`.
    Property { target: Expr, value: Expr },
    /// `SET n = {a: 1, b: 2}`: each entry becomes a property assignment in Kuzu.
    AllProperties {
        target: Expr,
        properties: Vec<(String, Expr)>,
    },
}

/// The body of RETURN or WITH.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `RETURN *` (possibly followed by more items).
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<String>,
    /// The expression's source text as written (Kuzu's column name when there is no alias).
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub ascending: bool,
}

// ------------------------------------------------------------------------------ patterns

/// `[p =] (a)-[r]->(b)...`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub path_variable: Option<String>,
    pub element: PatternElement,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    pub start: NodePattern,
    pub chain: Vec<PatternChain>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatternChain {
    pub rel: RelPattern,
    pub node: NodePattern,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub variable: Option<String>,
    /// Label alternatives (`:A:B` and `:A|B` both mean "any of"; Kuzu treats them alike).
    pub labels: Vec<String>,
    pub properties: Vec<(String, Expr)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `-[]->`.
    Right,
    /// `<-[]-`.
    Left,
    /// `-[]-`.
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub variable: Option<String>,
    /// Type alternatives `:T|U`.
    pub types: Vec<String>,
    pub direction: Direction,
    /// `*...` for variable-length / shortest paths.
    pub recursive: Option<RecursiveInfo>,
    pub properties: Vec<(String, Expr)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecursiveInfo {
    pub kind: RecursiveKind,
    /// Lower bound as written (`*2..` -> Some(2); `*..3` -> None; `*2` -> Some(2)).
    pub lower: Option<u64>,
    /// Upper bound as written (`*2` -> Some(2); `*2..` -> None).
    pub upper: Option<u64>,
    /// `(r, n | WHERE ... | {r-projection}, {n-projection})`.
    pub comprehension: Option<RecursiveComprehension>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecursiveKind {
    /// Plain `*` (Kuzu's VARIABLE_LENGTH, walk semantics).
    Variable,
    Shortest,
    AllShortest,
    /// `WSHORTEST(weight)`.
    WeightedShortest {
        weight: String,
    },
    /// `ALL WSHORTEST(weight)`.
    AllWeightedShortest {
        weight: String,
    },
    Trail,
    Acyclic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecursiveComprehension {
    pub rel_variable: String,
    pub node_variable: String,
    pub where_clause: Option<Expr>,
    /// Projection list for rels and for nodes (`{a, b}`); `None` if not given.
    pub rel_projection: Option<Vec<ProjectionItem>>,
    pub node_projection: Option<Vec<ProjectionItem>>,
}

// ------------------------------------------------------------------------------ expressions

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    /// Source range inside the statement text.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Any integer literal; the binder types it INT64 if it fits, else INT128. A leading
    /// minus applied directly to a number is folded into the literal (as Kuzu does).
    Integer(i128),
    Double(f64),
    /// Unescaped string.
    String(String),
    Boolean(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitOr,
    BitAnd,
    ShiftLeft,
    ShiftRight,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    /// `x IN list`.
    In,
    /// `=~`.
    RegexMatch,
    StartsWith,
    EndsWith,
    Contains,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantifierKind {
    All,
    Any,
    None,
    Single,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubqueryKind {
    Exists,
    Count,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    /// As written (Kuzu matches function names case-insensitively).
    pub name: String,
    pub distinct: bool,
    pub args: Vec<FunctionArg>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionArg {
    /// `name := value` (named/optional parameter).
    pub name: Option<String>,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CastTarget {
    /// `CAST(x AS TYPE)`.
    Type(TypeName),
    /// `CAST(x, 'TYPE')`: the type as an expression (usually a string literal).
    Expr(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `$name` or `$1` (name without `$`).
    Parameter(String),
    Variable(String),
    /// `base.key`.
    Property {
        base: Box<Expr>,
        key: String,
    },
    /// `base.*`.
    PropertyStar(Box<Expr>),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Not(Box<Expr>),
    /// Unary minus on a non-literal.
    Negate(Box<Expr>),
    /// Postfix `!`.
    Factorial(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `list[index]`.
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `list[start:end]` or `list[start..end]`.
    Slice {
        base: Box<Expr>,
        start: Option<Box<Expr>>,
        end: Option<Box<Expr>>,
    },
    FunctionCall(FunctionCall),
    /// `COUNT(*)`.
    CountStar,
    Cast {
        expr: Box<Expr>,
        target: CastTarget,
    },
    Case {
        /// `CASE operand WHEN v THEN ...` (simple form); `None` for the generic form.
        operand: Option<Box<Expr>>,
        /// (when, then) pairs.
        alternatives: Vec<(Expr, Expr)>,
        else_expr: Option<Box<Expr>>,
    },
    /// `[a, b]`; an empty entry (`[1,,2]`) is a NULL literal, as in Kuzu.
    List(Vec<Expr>),
    /// `{a: 1, 'b': 2}`.
    Struct(Vec<(String, Expr)>),
    /// `ALL(x IN list WHERE pred)` etc.
    Quantifier {
        kind: QuantifierKind,
        variable: String,
        list: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// `x -> body` or `(x, y) -> body` (only as a function argument).
    Lambda {
        params: Vec<String>,
        body: Box<Expr>,
    },
    /// A relationship pattern used as an expression: `(a)-[:knows]->(b)`.
    PathPattern(Box<PatternElement>),
    /// `EXISTS { MATCH ... }` / `COUNT { MATCH ... }`.
    Subquery {
        kind: SubqueryKind,
        pattern: Vec<PatternPart>,
        where_clause: Option<Box<Expr>>,
        hint: Option<JoinHint>,
    },
}

// ------------------------------------------------------------------------------ types

/// A data type as written. Names are kept as written (case preserved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeName {
    /// `INT64`, `STRING`, `SERIAL`, a user-defined type, ...
    Named(String),
    /// `T[]` (size `None`) or `T[n]` (fixed-size array).
    List {
        element: Box<TypeName>,
        size: Option<u64>,
    },
    Struct(Vec<(String, TypeName)>),
    Union(Vec<(String, TypeName)>),
    Map {
        key: Box<TypeName>,
        value: Box<TypeName>,
    },
    Decimal {
        precision: u64,
        scale: u64,
    },
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn fields(f: &mut fmt::Formatter<'_>, fs: &[(String, TypeName)]) -> fmt::Result {
            for (i, (n, t)) in fs.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{n} {t}")?;
            }
            Ok(())
        }
        match self {
            TypeName::Named(n) => f.write_str(n),
            TypeName::List {
                element,
                size: None,
            } => write!(f, "{element}[]"),
            TypeName::List {
                element,
                size: Some(n),
            } => write!(f, "{element}[{n}]"),
            TypeName::Struct(fs) => {
                f.write_str("STRUCT(")?;
                fields(f, fs)?;
                f.write_str(")")
            }
            TypeName::Union(fs) => {
                f.write_str("UNION(")?;
                fields(f, fs)?;
                f.write_str(")")
            }
            TypeName::Map { key, value } => write!(f, "MAP({key}, {value})"),
            TypeName::Decimal { precision, scale } => write!(f, "DECIMAL({precision}, {scale})"),
        }
    }
}
