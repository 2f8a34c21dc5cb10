//! Text to AST: runs the pest grammar (`cypher.pest`) and builds `ast` nodes from the parse
//! tree, raising Kuzu's parser errors (syntax errors in Kuzu's "Invalid input <...>: expected
//! rule ..." form, `!=`, empty back-quoted names, RETURN not at the end, chained comparisons,
//! missing or duplicate primary keys).

use pest::iterators::Pair;
use pest::Parser as _;
use pest_derive::Parser;

use super::ast::*;
use super::errors;
use crate::error::{Error, Result};

#[derive(Parser)]
#[grammar = "cypher/cypher.pest"]
pub(crate) struct CypherParser;

/// Parses all `;`-separated statements of `text`. Empty statements are skipped.
pub fn parse(text: &str) -> Result<Vec<Statement>> {
    let pairs = match CypherParser::parse(Rule::statements, text) {
        Ok(p) => p,
        Err(e) => {
            // Re-parse with pest's detailed attempt tracking (which also records failed
            // literal tokens) to find the furthest position, as Kuzu's lexer-level errors do.
            pest::set_error_detail(true);
            let detailed = CypherParser::parse(Rule::statements, text).err();
            pest::set_error_detail(false);
            return Err(errors::syntax_error(text, detailed.as_ref().unwrap_or(&e)));
        }
    };
    // Kuzu raises its grammar-action errors (`!=`, empty names, ...) while parsing all
    // statements, and its transformer errors (primary keys, INT128 overflow) afterwards: a
    // transformer error is reported only if no statement has a parse-time error.
    let mut out = Vec::new();
    let mut transform_error = None;
    for top in pairs {
        for p in top.into_inner() {
            if p.as_rule() == Rule::cypher {
                match build_statement(text, p) {
                    Ok(s) => out.push(s),
                    Err(e) if is_transform_error(&e) => {
                        transform_error.get_or_insert(e);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    match transform_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Parses a data type written alone, e.g. `INT64[]` or `STRUCT(a INT64, b MAP(STRING, INT64))`
/// (for `CAST(x, 'TYPE')` and stored schemas). Errors carry Kuzu's position suffix.
pub fn parse_data_type(text: &str) -> Result<TypeName> {
    let b = Builder { text, base: 0 };
    let pairs = CypherParser::parse(Rule::single_data_type, text).map_err(|e| {
        let pos = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        errors::positioned(
            text,
            pos,
            errors::token_at(text, pos).1,
            "Invalid data type",
        )
    })?;
    let t = pairs
        .flat_map(|p| p.into_inner())
        .find(|p| p.as_rule() == Rule::data_type)
        .ok_or_else(|| internal("data type"))?;
    b.data_type(t)
}

/// Parses an expression written alone (e.g. a stored DEFAULT value). Spans are relative to
/// `text`.
pub fn parse_expression(text: &str) -> Result<Expr> {
    let b = Builder { text, base: 0 };
    let pairs = CypherParser::parse(Rule::single_expression, text).map_err(|e| {
        let pos = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        errors::positioned(
            text,
            pos,
            errors::token_at(text, pos).1,
            "Invalid expression",
        )
    })?;
    let e = pairs
        .flat_map(|p| p.into_inner())
        .find(|p| p.as_rule() == Rule::expression)
        .ok_or_else(|| internal("expression"))?;
    b.expr(e)
}

fn is_transform_error(e: &Error) -> bool {
    match e {
        Error::Parser(m) => !m.contains("(line: "),
        Error::Conversion(_) => true,
        _ => false,
    }
}

/// Is `word` a reserved keyword (not usable as an unquoted name)?
pub(crate) fn is_reserved(word: &str) -> bool {
    CypherParser::parse(Rule::reserved_word, word).is_ok_and(|p| p.as_str().len() == word.len())
}

/// Does `text` parse as exactly one complete statement? (Used by the error heuristics.)
pub(crate) fn is_complete_statement(text: &str) -> bool {
    match CypherParser::parse(Rule::statements, text) {
        Ok(pairs) => pairs
            .flat_map(|p| p.into_inner())
            .any(|p| p.as_rule() == Rule::cypher),
        Err(_) => false,
    }
}

fn build_statement(text: &str, p: Pair<Rule>) -> Result<Statement> {
    let start = p.as_span().start();
    let end = end_of(&p);
    let b = Builder { text, base: start };
    let mut option = None;
    let mut kind = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::explain => {
                option = Some(if c.into_inner().any(|k| k.as_rule() == Rule::kw_logical) {
                    StatementOption::ExplainLogical
                } else {
                    StatementOption::Explain
                })
            }
            Rule::profile => option = Some(StatementOption::Profile),
            _ => kind = Some(b.statement_kind(c)?),
        }
    }
    let kind = kind.ok_or_else(|| internal("statement without body"))?;
    Ok(Statement {
        option,
        kind,
        text: text[start..end].to_string(),
        span: Span::new(start, end),
    })
}

/// The end of a pair without the whitespace and comments pest's implicit skipping leaves at
/// the end of rules that finish with an unmatched optional part.
fn end_of(p: &P) -> usize {
    let s = p.as_span();
    let text = s.as_str();
    match text.chars().last() {
        Some(c) if !c.is_whitespace() && c != '/' => s.end(),
        None => s.end(),
        _ => s.start() + errors::meaningful_len(text),
    }
}

fn internal(what: &str) -> Error {
    Error::Parser(format!("internal parser error: {what}"))
}

fn is_kw(r: Rule) -> bool {
    format!("{r:?}").starts_with("kw_")
}

struct Builder<'a> {
    /// The whole input (for error positions).
    text: &'a str,
    /// Absolute byte offset of the statement start.
    base: usize,
}

type P<'i> = Pair<'i, Rule>;

/// The non-keyword children of a pair.
fn kids(p: P) -> Vec<P> {
    p.into_inner().filter(|c| !is_kw(c.as_rule())).collect()
}

fn has_kw(p: &P, r: Rule) -> bool {
    p.clone().into_inner().any(|c| c.as_rule() == r)
}

fn first<'i>(p: &P<'i>, r: Rule) -> Option<P<'i>> {
    p.clone().into_inner().find(|c| c.as_rule() == r)
}

fn all<'i>(p: &P<'i>, r: Rule) -> Vec<P<'i>> {
    p.clone()
        .into_inner()
        .filter(|c| c.as_rule() == r)
        .collect()
}

impl<'a> Builder<'a> {
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        Span::new(s.start() - self.base, end_of(p) - self.base)
    }

    fn error_at(&self, pos: usize, width: usize, msg: &str) -> Error {
        errors::positioned(self.text, pos, width, msg)
    }

    fn req<'i>(&self, p: &P<'i>, r: Rule) -> Result<P<'i>> {
        first(p, r).ok_or_else(|| internal(&format!("missing {r:?} in {:?}", p.as_rule())))
    }

    // ------------------------------------------------------------------ names and literals

    /// A `symbolic_name` (or a rule wrapping one: variable, schema_name, ...).
    fn name(&self, p: P) -> Result<String> {
        let inner = match p.as_rule() {
            Rule::symbolic_name => p,
            _ => self.req(&p, Rule::symbolic_name)?,
        };
        let tok = inner
            .into_inner()
            .next()
            .ok_or_else(|| internal("empty name"))?;
        match tok.as_rule() {
            Rule::escaped_name => {
                let s = tok.as_str();
                if s == "``" {
                    return Err(self.error_at(
                        tok.as_span().start(),
                        2,
                        "'' is not a valid token name. Token names cannot be empty or contain \
                         any null-bytes",
                    ));
                }
                Ok(s[1..s.len() - 1].replace("``", "`"))
            }
            _ => Ok(tok.as_str().to_string()),
        }
    }

    fn string(&self, p: P) -> Result<String> {
        let inner = match p.as_rule() {
            Rule::string => p,
            _ => self.req(&p, Rule::string)?,
        };
        let content = inner
            .into_inner()
            .next()
            .ok_or_else(|| internal("string without content"))?;
        Ok(unescape(content.as_str()))
    }

    fn integer_u64(&self, p: P) -> Result<u64> {
        p.as_str()
            .parse::<u64>()
            .map_err(|_| Error::Parser(format!("Integer {} is out of range.", p.as_str())))
    }

    fn signed_integer(&self, p: P) -> String {
        p.as_str().chars().filter(|c| !c.is_whitespace()).collect()
    }

    // ------------------------------------------------------------------ statements

    fn statement_kind(&self, p: P) -> Result<StatementKind> {
        Ok(match p.as_rule() {
            Rule::query => StatementKind::Query(self.query(p)?),
            Rule::create_node_table => StatementKind::CreateNodeTable(self.create_node_table(p)?),
            Rule::create_rel_table => StatementKind::CreateRelTable(self.create_rel_table(p)?),
            Rule::create_sequence => StatementKind::CreateSequence(self.create_sequence(p)?),
            Rule::create_type => StatementKind::CreateType {
                name: self.name(self.req(&p, Rule::schema_name)?)?,
                data_type: self.data_type(self.req(&p, Rule::data_type)?)?,
            },
            Rule::create_user => StatementKind::CreateUser {
                if_not_exists: has_kw(&p, Rule::if_not_exists),
                name: self.name(self.req(&p, Rule::variable)?)?,
                password: first(&p, Rule::string)
                    .map(|s| self.string(s))
                    .transpose()?,
            },
            Rule::create_role => StatementKind::CreateRole {
                if_not_exists: has_kw(&p, Rule::if_not_exists),
                name: self.name(self.req(&p, Rule::variable)?)?,
            },
            Rule::create_macro => StatementKind::CreateMacro(self.create_macro(p)?),
            Rule::drop => {
                let what = if has_kw(&p, Rule::kw_table) {
                    DropKind::Table
                } else if has_kw(&p, Rule::kw_sequence) {
                    DropKind::Sequence
                } else {
                    DropKind::Macro
                };
                StatementKind::Drop {
                    what,
                    if_exists: has_kw(&p, Rule::if_exists),
                    name: self.name(self.req(&p, Rule::schema_name)?)?,
                }
            }
            Rule::alter_table => self.alter_table(p)?,
            Rule::copy_from => {
                let columns = match first(&p, Rule::column_names) {
                    Some(c) => Some(
                        all(&c, Rule::schema_name)
                            .into_iter()
                            .map(|n| self.name(n))
                            .collect::<Result<Vec<_>>>()?,
                    ),
                    None => None,
                };
                StatementKind::CopyFrom(CopyFrom {
                    table: self.name(self.req(&p, Rule::schema_name)?)?,
                    columns,
                    source: self.scan_source(self.req(&p, Rule::scan_source)?)?,
                    options: self.options(first(&p, Rule::options))?,
                })
            }
            Rule::copy_from_by_column => StatementKind::CopyFromByColumn {
                table: self.name(self.req(&p, Rule::schema_name)?)?,
                files: all(&p, Rule::string)
                    .into_iter()
                    .map(|s| self.string(s))
                    .collect::<Result<_>>()?,
            },
            Rule::copy_to => StatementKind::CopyTo {
                query: Box::new(self.query(self.req(&p, Rule::query)?)?),
                file: self.string(self.req(&p, Rule::string)?)?,
                options: self.options(first(&p, Rule::options))?,
            },
            Rule::standalone_call => {
                let c = p
                    .into_inner()
                    .next()
                    .ok_or_else(|| internal("empty call"))?;
                if c.as_rule() == Rule::call_option {
                    StatementKind::CallOption {
                        name: self.name(self.req(&c, Rule::symbolic_name)?)?,
                        value: self.expr(self.req(&c, Rule::expression)?)?,
                    }
                } else {
                    StatementKind::CallFunction(
                        self.function_call(self.req(&c, Rule::function_invocation)?)?,
                    )
                }
            }
            Rule::comment_on => StatementKind::CommentOnTable {
                table: self.name(self.req(&p, Rule::schema_name)?)?,
                comment: self.string(self.req(&p, Rule::string)?)?,
            },
            Rule::begin_transaction => StatementKind::Transaction(TransactionKind::Begin {
                read_only: has_kw(&p, Rule::read_only),
            }),
            Rule::commit => StatementKind::Transaction(TransactionKind::Commit),
            Rule::rollback => StatementKind::Transaction(TransactionKind::Rollback),
            Rule::checkpoint => StatementKind::Transaction(TransactionKind::Checkpoint),
            Rule::load_extension => StatementKind::LoadExtension {
                path: match first(&p, Rule::string) {
                    Some(s) => self.string(s)?,
                    None => self.name(self.req(&p, Rule::variable)?)?,
                },
            },
            Rule::install_extension => StatementKind::InstallExtension {
                force: has_kw(&p, Rule::kw_force),
                name: self.name(self.req(&p, Rule::variable)?)?,
                from: first(&p, Rule::string)
                    .map(|s| self.string(s))
                    .transpose()?,
            },
            Rule::uninstall_extension => StatementKind::UninstallExtension {
                name: self.name(self.req(&p, Rule::variable)?)?,
            },
            Rule::update_extension => StatementKind::UpdateExtension {
                name: self.name(self.req(&p, Rule::variable)?)?,
            },
            Rule::export_database => StatementKind::ExportDatabase {
                path: self.string(self.req(&p, Rule::string)?)?,
                options: self.options(first(&p, Rule::options))?,
            },
            Rule::import_database => StatementKind::ImportDatabase {
                path: self.string(self.req(&p, Rule::string)?)?,
            },
            Rule::attach_database => StatementKind::AttachDatabase {
                path: self.string(self.req(&p, Rule::string)?)?,
                alias: first(&p, Rule::schema_name)
                    .map(|n| self.name(n))
                    .transpose()?,
                db_type: self.name(self.req(&p, Rule::symbolic_name)?)?,
                options: self.options(first(&p, Rule::options))?,
            },
            Rule::detach_database => StatementKind::DetachDatabase {
                name: self.name(self.req(&p, Rule::schema_name)?)?,
            },
            Rule::use_database => StatementKind::UseDatabase {
                name: self.name(self.req(&p, Rule::schema_name)?)?,
            },
            r => return Err(internal(&format!("unexpected statement rule {r:?}"))),
        })
    }

    fn options(&self, p: Option<P>) -> Result<Vec<OptionEntry>> {
        let Some(p) = p else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for o in all(&p, Rule::option) {
            let mut it = o.into_inner();
            let name = self.name(it.next().ok_or_else(|| internal("option name"))?)?;
            let value = match it.next() {
                Some(v) => Some(self.atom(v)?),
                None => None,
            };
            out.push(OptionEntry { name, value });
        }
        Ok(out)
    }

    fn scan_source(&self, p: P) -> Result<ScanSource> {
        let c = p
            .into_inner()
            .next()
            .ok_or_else(|| internal("empty scan source"))?;
        Ok(match c.as_rule() {
            Rule::file_paths => {
                if let Some(g) = first(&c, Rule::glob_paths) {
                    ScanSource::Files {
                        paths: vec![self.string(self.req(&g, Rule::string)?)?],
                        glob: true,
                    }
                } else {
                    ScanSource::Files {
                        paths: all(&c, Rule::string)
                            .into_iter()
                            .map(|s| self.string(s))
                            .collect::<Result<_>>()?,
                        glob: false,
                    }
                }
            }
            Rule::query => ScanSource::Query(Box::new(self.query(c)?)),
            Rule::parameter => ScanSource::Parameter(self.parameter_name(c)?),
            Rule::function_invocation => ScanSource::Function(self.function_call(c)?),
            Rule::scan_variable_property => ScanSource::VariableProperty {
                variable: self.name(self.req(&c, Rule::variable)?)?,
                property: self.name(self.req(&c, Rule::schema_name)?)?,
            },
            Rule::variable => ScanSource::Variable(self.name(c)?),
            r => return Err(internal(&format!("unexpected scan source {r:?}"))),
        })
    }

    fn data_type(&self, p: P) -> Result<TypeName> {
        let mut it = p.into_inner();
        let base = it.next().ok_or_else(|| internal("empty type"))?;
        let mut t = match base.as_rule() {
            Rule::named_type => TypeName::Named(self.name(base)?),
            Rule::union_type => TypeName::Union(self.column_defs_pairs(base)?),
            Rule::struct_type => TypeName::Struct(self.column_defs_pairs(base)?),
            Rule::map_type => {
                let ts = all(&base, Rule::data_type);
                let mut ts = ts.into_iter();
                let (Some(k), Some(v)) = (ts.next(), ts.next()) else {
                    return Err(internal("map type"));
                };
                TypeName::Map {
                    key: Box::new(self.data_type(k)?),
                    value: Box::new(self.data_type(v)?),
                }
            }
            Rule::decimal_type => {
                let ints = all(&base, Rule::integer);
                if ints.len() != 2 {
                    return Err(internal("decimal type"));
                }
                TypeName::Decimal {
                    precision: self.integer_u64(ints[0].clone())?,
                    scale: self.integer_u64(ints[1].clone())?,
                }
            }
            r => return Err(internal(&format!("unexpected type rule {r:?}"))),
        };
        for li in it {
            let size = match first(&li, Rule::integer) {
                Some(i) => Some(self.integer_u64(i)?),
                None => None,
            };
            t = TypeName::List {
                element: Box::new(t),
                size,
            };
        }
        Ok(t)
    }

    fn column_defs_pairs(&self, p: P) -> Result<Vec<(String, TypeName)>> {
        Ok(self
            .column_definitions(self.req(&p, Rule::column_definitions)?)?
            .into_iter()
            .map(|c| (c.name, c.data_type))
            .collect())
    }

    fn column_definitions(&self, p: P) -> Result<Vec<ColumnDefinition>> {
        all(&p, Rule::column_definition)
            .into_iter()
            .map(|c| self.column_definition(c))
            .collect()
    }

    fn column_definition(&self, p: P) -> Result<ColumnDefinition> {
        Ok(ColumnDefinition {
            name: self.name(self.req(&p, Rule::property_key_name)?)?,
            data_type: self.data_type(self.req(&p, Rule::data_type)?)?,
        })
    }

    /// Property definitions plus the names declared inline `PRIMARY KEY`.
    fn property_definitions(&self, p: P) -> Result<(Vec<PropertyDefinition>, Vec<String>)> {
        let mut defs = Vec::new();
        let mut pks = Vec::new();
        for d in all(&p, Rule::property_definition) {
            let col = self.column_definition(self.req(&d, Rule::column_definition)?)?;
            let default = match first(&d, Rule::default_value) {
                Some(dv) => Some(self.expr(self.req(&dv, Rule::expression)?)?),
                None => None,
            };
            if first(&d, Rule::inline_primary_key).is_some() {
                pks.push(col.name.clone());
            }
            defs.push(PropertyDefinition {
                name: col.name,
                data_type: col.data_type,
                default,
            });
        }
        Ok((defs, pks))
    }

    fn create_node_table(&self, p: P) -> Result<CreateNodeTable> {
        let name = self.name(self.req(&p, Rule::schema_name)?)?;
        let if_not_exists = first(&p, Rule::if_not_exists).is_some();
        if let Some(q) = first(&p, Rule::query) {
            return Ok(CreateNodeTable {
                name,
                if_not_exists,
                properties: Vec::new(),
                primary_key: None,
                as_query: Some(Box::new(self.query(q)?)),
            });
        }
        let (properties, mut pks) =
            self.property_definitions(self.req(&p, Rule::property_definitions)?)?;
        // As Kuzu: `PRIMARY KEY(p)` repeating the inline primary key is not a second key.
        let mut count = pks.len();
        let mut pk = pks.pop();
        if let Some(c) = first(&p, Rule::node_pk_constraint) {
            let name = self.name(self.req(&c, Rule::property_key_name)?)?;
            if count == 0 || pk.as_deref() != Some(name.as_str()) {
                count += 1;
            }
            pk = Some(name);
        }
        if count > 1 {
            return Err(Error::Parser("Found multiple primary keys.".into()));
        }
        let Some(pk) = pk else {
            return Err(Error::Parser("Can not find primary key.".into()));
        };
        Ok(CreateNodeTable {
            name,
            if_not_exists,
            properties,
            primary_key: Some(pk),
            as_query: None,
        })
    }

    fn connection(&self, p: P) -> Result<FromTo> {
        let names = all(&p, Rule::schema_name);
        if names.len() != 2 {
            return Err(internal("from-to connection"));
        }
        Ok(FromTo {
            from: self.name(names[0].clone())?,
            to: self.name(names[1].clone())?,
        })
    }

    fn create_rel_table(&self, p: P) -> Result<CreateRelTable> {
        let connections = all(
            &self.req(&p, Rule::from_to_connections)?,
            Rule::from_to_connection,
        )
        .into_iter()
        .map(|c| self.connection(c))
        .collect::<Result<Vec<_>>>()?;
        let properties = match first(&p, Rule::property_definitions) {
            Some(d) => self.property_definitions(d)?.0,
            None => Vec::new(),
        };
        Ok(CreateRelTable {
            name: self.name(self.req(&p, Rule::schema_name)?)?,
            group: has_kw(&p, Rule::kw_group),
            if_not_exists: first(&p, Rule::if_not_exists).is_some(),
            connections,
            properties,
            multiplicity: first(&p, Rule::rel_constraint)
                .map(|c| self.name(c))
                .transpose()?,
            as_query: first(&p, Rule::query)
                .map(|q| self.query(q).map(Box::new))
                .transpose()?,
            options: self.options(first(&p, Rule::options))?,
        })
    }

    fn create_sequence(&self, p: P) -> Result<CreateSequence> {
        let mut options = Vec::new();
        for o in p.clone().into_inner() {
            let value = first(&o, Rule::signed_integer).map(|i| self.signed_integer(i));
            let opt = match o.as_rule() {
                Rule::increment_by => SequenceOption::IncrementBy(value.unwrap_or_default()),
                Rule::min_value => SequenceOption::MinValue(value),
                Rule::max_value => SequenceOption::MaxValue(value),
                Rule::start_with => SequenceOption::StartWith(value.unwrap_or_default()),
                Rule::cycle => SequenceOption::Cycle(!has_kw(&o, Rule::kw_no)),
                _ => continue,
            };
            options.push(opt);
        }
        Ok(CreateSequence {
            name: self.name(self.req(&p, Rule::schema_name)?)?,
            if_not_exists: first(&p, Rule::if_not_exists).is_some(),
            options,
        })
    }

    fn create_macro(&self, p: P) -> Result<CreateMacro> {
        let positional_args = match first(&p, Rule::positional_args) {
            Some(a) => all(&a, Rule::symbolic_name)
                .into_iter()
                .map(|n| self.name(n))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let mut default_args = Vec::new();
        for d in all(&p, Rule::default_arg) {
            let mut it = d.into_inner().filter(|c| c.as_rule() != Rule::assign);
            let (Some(n), Some(v)) = (it.next(), it.next()) else {
                return Err(internal("default arg"));
            };
            default_args.push((self.name(n)?, self.atom(v)?));
        }
        Ok(CreateMacro {
            name: self.name(self.req(&p, Rule::function_name)?)?,
            positional_args,
            default_args,
            body: self.expr(self.req(&p, Rule::expression)?)?,
        })
    }

    fn alter_table(&self, p: P) -> Result<StatementKind> {
        let table = self.name(self.req(&p, Rule::schema_name)?)?;
        let a = p
            .into_inner()
            .filter(|c| !is_kw(c.as_rule()))
            .nth(1)
            .ok_or_else(|| internal("alter action"))?;
        let keys = all(&a, Rule::property_key_name);
        let action = match a.as_rule() {
            Rule::add_property => AlterAction::AddProperty {
                name: self.name(self.req(&a, Rule::property_key_name)?)?,
                data_type: self.data_type(self.req(&a, Rule::data_type)?)?,
                default: match first(&a, Rule::default_value) {
                    Some(d) => Some(self.expr(self.req(&d, Rule::expression)?)?),
                    None => None,
                },
                if_not_exists: first(&a, Rule::if_not_exists).is_some(),
            },
            Rule::drop_property => AlterAction::DropProperty {
                name: self.name(self.req(&a, Rule::property_key_name)?)?,
                if_exists: first(&a, Rule::if_exists).is_some(),
            },
            Rule::rename_table => AlterAction::RenameTable {
                new_name: self.name(self.req(&a, Rule::schema_name)?)?,
            },
            Rule::rename_property if keys.len() == 2 => AlterAction::RenameProperty {
                old_name: self.name(keys[0].clone())?,
                new_name: self.name(keys[1].clone())?,
            },
            Rule::add_from_to_connection => AlterAction::AddConnection {
                connection: self.connection(self.req(&a, Rule::from_to_connection)?)?,
                if_not_exists: first(&a, Rule::if_not_exists).is_some(),
            },
            Rule::drop_from_to_connection => AlterAction::DropConnection {
                connection: self.connection(self.req(&a, Rule::from_to_connection)?)?,
                if_exists: first(&a, Rule::if_exists).is_some(),
            },
            r => return Err(internal(&format!("unexpected alter action {r:?}"))),
        };
        Ok(StatementKind::AlterTable { table, action })
    }

    // ------------------------------------------------------------------ queries

    fn query(&self, p: P) -> Result<Query> {
        let mut first_q = None;
        let mut unions = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::return_not_at_end => {
                    return Err(self.error_at(
                        c.as_span().start(),
                        "RETURN".len(),
                        "RETURN can only be used at the end of the query",
                    ))
                }
                Rule::single_query => first_q = Some(self.single_query(c)?),
                Rule::union_clause => unions.push(UnionPart {
                    all: has_kw(&c, Rule::kw_all),
                    query: self.single_query(self.req(&c, Rule::single_query)?)?,
                }),
                _ => {}
            }
        }
        Ok(Query {
            first: first_q.ok_or_else(|| internal("query without single query"))?,
            unions,
        })
    }

    fn single_query(&self, p: P) -> Result<SingleQuery> {
        // The grammar gives a flat clause list; split it into parts at each WITH.
        let mut parts = Vec::new();
        let mut reading = Vec::new();
        let mut updating = Vec::new();
        let mut ret = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::with_clause => parts.push(QueryPart {
                    reading_clauses: std::mem::take(&mut reading),
                    updating_clauses: std::mem::take(&mut updating),
                    with: self.with_clause(c)?,
                }),
                Rule::return_clause => {
                    ret = Some(self.projection(self.req(&c, Rule::projection_body)?)?)
                }
                _ => {
                    if let Some(rc) = self.reading_clause(c.clone())? {
                        reading.push(rc);
                    } else {
                        updating.push(self.updating_clause(c)?);
                    }
                }
            }
        }
        Ok(SingleQuery {
            parts,
            reading_clauses: reading,
            updating_clauses: updating,
            return_clause: ret,
        })
    }

    fn with_clause(&self, p: P) -> Result<WithClause> {
        Ok(WithClause {
            projection: self.projection(self.req(&p, Rule::projection_body)?)?,
            where_clause: self.where_clause(first(&p, Rule::where_clause))?,
        })
    }

    fn where_clause(&self, p: Option<P>) -> Result<Option<Expr>> {
        match p {
            Some(w) => Ok(Some(self.expr(self.req(&w, Rule::expression)?)?)),
            None => Ok(None),
        }
    }

    fn reading_clause(&self, p: P) -> Result<Option<ReadingClause>> {
        Ok(Some(match p.as_rule() {
            Rule::match_clause => ReadingClause::Match(MatchClause {
                optional: has_kw(&p, Rule::kw_optional),
                pattern: self.pattern(self.req(&p, Rule::pattern)?)?,
                where_clause: self.where_clause(first(&p, Rule::where_clause))?,
                hint: first(&p, Rule::hint)
                    .map(|h| {
                        self.req(&h, Rule::join_node)
                            .and_then(|j| self.join_node(j))
                    })
                    .transpose()?,
            }),
            Rule::unwind_clause => ReadingClause::Unwind {
                expr: self.expr(self.req(&p, Rule::expression)?)?,
                alias: self.name(self.req(&p, Rule::variable)?)?,
            },
            Rule::in_query_call => {
                let mut yield_items = Vec::new();
                if let Some(ys) = first(&p, Rule::yield_items) {
                    for y in all(&ys, Rule::yield_item) {
                        let vars = all(&y, Rule::variable);
                        match vars.len() {
                            1 => yield_items.push(YieldItem {
                                name: self.name(vars[0].clone())?,
                                alias: None,
                            }),
                            2 => yield_items.push(YieldItem {
                                name: self.name(vars[0].clone())?,
                                alias: Some(self.name(vars[1].clone())?),
                            }),
                            _ => return Err(internal("yield item")),
                        }
                    }
                }
                ReadingClause::Call {
                    function: self.function_call(self.req(&p, Rule::function_invocation)?)?,
                    where_clause: self.where_clause(first(&p, Rule::where_clause))?,
                    yield_items,
                }
            }
            Rule::load_from => ReadingClause::LoadFrom(LoadFrom {
                headers: first(&p, Rule::column_definitions)
                    .map(|c| self.column_definitions(c))
                    .transpose()?,
                source: self.scan_source(self.req(&p, Rule::scan_source)?)?,
                options: self.options(first(&p, Rule::options))?,
                where_clause: self.where_clause(first(&p, Rule::where_clause))?,
            }),
            _ => return Ok(None),
        }))
    }

    fn join_node(&self, p: P) -> Result<JoinHint> {
        let mut it = p.into_inner();
        let head = it.next().ok_or_else(|| internal("empty join node"))?;
        let mut acc = self.join_primary(head)?;
        for s in it {
            match s.as_rule() {
                Rule::join_with => {
                    let rhs = kids(s)
                        .into_iter()
                        .next()
                        .ok_or_else(|| internal("join rhs"))?;
                    acc = JoinHint::Join(Box::new(acc), Box::new(self.join_primary(rhs)?));
                }
                Rule::multi_join_with => {
                    let names = all(&s, Rule::schema_name)
                        .into_iter()
                        .map(|n| self.name(n))
                        .collect::<Result<_>>()?;
                    acc = JoinHint::MultiJoin(Box::new(acc), names);
                }
                _ => {}
            }
        }
        Ok(acc)
    }

    fn join_primary(&self, p: P) -> Result<JoinHint> {
        match p.as_rule() {
            Rule::join_node => self.join_node(p),
            _ => Ok(JoinHint::Variable(self.name(p)?)),
        }
    }

    fn updating_clause(&self, p: P) -> Result<UpdatingClause> {
        Ok(match p.as_rule() {
            Rule::create_clause => {
                UpdatingClause::Create(self.pattern(self.req(&p, Rule::pattern)?)?)
            }
            Rule::merge_clause => {
                let mut actions = Vec::new();
                for a in all(&p, Rule::merge_action) {
                    actions.push(MergeAction {
                        on_create: has_kw(&a, Rule::kw_create),
                        items: self.set_items(self.req(&a, Rule::set_clause)?)?,
                    });
                }
                UpdatingClause::Merge {
                    pattern: self.pattern(self.req(&p, Rule::pattern)?)?,
                    actions,
                }
            }
            Rule::set_clause => UpdatingClause::Set(self.set_items(p)?),
            Rule::remove_clause => UpdatingClause::Set(
                all(&p, Rule::property_expression)
                    .into_iter()
                    .map(|e| {
                        let target = self.property_expression(e)?;
                        let value = self.mk(ExprKind::Literal(Literal::Null), target.span);
                        Ok(SetItem::Property { target, value })
                    })
                    .collect::<Result<_>>()?,
            ),
            Rule::delete_clause => UpdatingClause::Delete {
                detach: has_kw(&p, Rule::kw_detach),
                exprs: all(&p, Rule::expression)
                    .into_iter()
                    .map(|e| self.expr(e))
                    .collect::<Result<_>>()?,
            },
            r => return Err(internal(&format!("unexpected clause {r:?}"))),
        })
    }

    fn set_items(&self, p: P) -> Result<Vec<SetItem>> {
        let mut out = Vec::new();
        for c in kids(p) {
            match c.as_rule() {
                Rule::set_item => {
                    let target =
                        self.property_expression(self.req(&c, Rule::property_expression)?)?;
                    out.push(SetItem::Property {
                        target,
                        value: self.expr(self.req(&c, Rule::expression)?)?,
                    });
                }
                Rule::set_properties => {
                    let mut it = c.into_inner();
                    let atom = it.next().ok_or_else(|| internal("set target"))?;
                    let props = it.next().ok_or_else(|| internal("set properties"))?;
                    out.push(SetItem::AllProperties {
                        target: self.atom(atom)?,
                        properties: self.properties(props)?,
                    });
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn property_expression(&self, p: P) -> Result<Expr> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let atom = it.next().ok_or_else(|| internal("property target"))?;
        let lookup = it.next().ok_or_else(|| internal("property lookup"))?;
        let base = self.atom(atom)?;
        self.apply_lookup(base, lookup, span)
    }

    fn projection(&self, p: P) -> Result<Projection> {
        let items_pair = self.req(&p, Rule::projection_items)?;
        let star = first(&items_pair, Rule::star).is_some();
        let items = self.projection_items(items_pair)?;
        let mut order_by = Vec::new();
        if let Some(o) = first(&p, Rule::order_by) {
            for s in all(&o, Rule::sort_item) {
                order_by.push(SortItem {
                    ascending: !(has_kw(&s, Rule::kw_desc) || has_kw(&s, Rule::kw_descending)),
                    expr: self.expr(self.req(&s, Rule::expression)?)?,
                });
            }
        }
        Ok(Projection {
            distinct: has_kw(&p, Rule::kw_distinct_sp),
            star,
            items,
            order_by,
            skip: match first(&p, Rule::skip) {
                Some(s) => Some(self.expr(self.req(&s, Rule::expression)?)?),
                None => None,
            },
            limit: match first(&p, Rule::limit) {
                Some(s) => Some(self.expr(self.req(&s, Rule::expression)?)?),
                None => None,
            },
        })
    }

    fn projection_items(&self, p: P) -> Result<Vec<ProjectionItem>> {
        let mut out = Vec::new();
        for it in all(&p, Rule::projection_item) {
            let e = self.req(&it, Rule::expression)?;
            let sp = self.span(&e);
            let raw = self.text[self.base + sp.start..self.base + sp.end].to_string();
            out.push(ProjectionItem {
                expr: self.expr(e)?,
                alias: first(&it, Rule::variable)
                    .map(|v| self.name(v))
                    .transpose()?,
                raw,
            });
        }
        Ok(out)
    }

    // ------------------------------------------------------------------ patterns

    fn pattern(&self, p: P) -> Result<Vec<PatternPart>> {
        all(&p, Rule::pattern_part)
            .into_iter()
            .map(|pp| {
                Ok(PatternPart {
                    path_variable: first(&pp, Rule::variable)
                        .map(|v| self.name(v))
                        .transpose()?,
                    element: self.pattern_element(self.req(&pp, Rule::pattern_element)?)?,
                })
            })
            .collect()
    }

    fn pattern_element(&self, p: P) -> Result<PatternElement> {
        if let Some(inner) = first(&p, Rule::pattern_element) {
            return self.pattern_element(inner);
        }
        let start = self.node_pattern(self.req(&p, Rule::node_pattern)?)?;
        let chain = all(&p, Rule::pattern_element_chain)
            .into_iter()
            .map(|c| self.chain(c))
            .collect::<Result<_>>()?;
        Ok(PatternElement { start, chain })
    }

    fn chain(&self, p: P) -> Result<PatternChain> {
        Ok(PatternChain {
            rel: self.rel_pattern(self.req(&p, Rule::relationship_pattern)?)?,
            node: self.node_pattern(self.req(&p, Rule::node_pattern)?)?,
        })
    }

    fn node_pattern(&self, p: P) -> Result<NodePattern> {
        Ok(NodePattern {
            span: self.span(&p),
            variable: first(&p, Rule::variable)
                .map(|v| self.name(v))
                .transpose()?,
            labels: match first(&p, Rule::node_labels) {
                Some(l) => all(&l, Rule::schema_name)
                    .into_iter()
                    .map(|n| self.name(n))
                    .collect::<Result<_>>()?,
                None => Vec::new(),
            },
            properties: match first(&p, Rule::properties) {
                Some(pr) => self.properties(pr)?,
                None => Vec::new(),
            },
        })
    }

    fn properties(&self, p: P) -> Result<Vec<(String, Expr)>> {
        let mut out = Vec::new();
        for e in all(&p, Rule::property_entry) {
            out.push((
                self.name(self.req(&e, Rule::property_key_name)?)?,
                self.expr(self.req(&e, Rule::expression)?)?,
            ));
        }
        Ok(out)
    }

    fn rel_pattern(&self, p: P) -> Result<RelPattern> {
        let s = p.as_str().trim_start();
        let direction = if s.starts_with(['<', '\u{27e8}', '\u{3008}', '\u{fe64}', '\u{ff1c}']) {
            Direction::Left
        } else if s
            .trim_end()
            .ends_with(['>', '\u{27e9}', '\u{3009}', '\u{fe65}', '\u{ff1e}'])
        {
            Direction::Right
        } else {
            Direction::Both
        };
        let span = self.span(&p);
        let Some(d) = first(&p, Rule::relationship_detail) else {
            return Ok(RelPattern {
                variable: None,
                types: Vec::new(),
                direction,
                recursive: None,
                properties: Vec::new(),
                span,
            });
        };
        Ok(RelPattern {
            variable: first(&d, Rule::variable)
                .map(|v| self.name(v))
                .transpose()?,
            types: match first(&d, Rule::relationship_types) {
                Some(t) => all(&t, Rule::schema_name)
                    .into_iter()
                    .map(|n| self.name(n))
                    .collect::<Result<_>>()?,
                None => Vec::new(),
            },
            direction,
            recursive: first(&d, Rule::recursive_detail)
                .map(|r| self.recursive(r))
                .transpose()?,
            properties: match first(&d, Rule::properties) {
                Some(pr) => self.properties(pr)?,
                None => Vec::new(),
            },
            span,
        })
    }

    fn recursive(&self, p: P) -> Result<RecursiveInfo> {
        let mut info = RecursiveInfo {
            kind: RecursiveKind::Variable,
            lower: None,
            upper: None,
            comprehension: None,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::weighted_shortest => {
                    let weight = self.name(self.req(&c, Rule::property_key_name)?)?;
                    info.kind = if has_kw(&c, Rule::kw_all) {
                        RecursiveKind::AllWeightedShortest { weight }
                    } else {
                        RecursiveKind::WeightedShortest { weight }
                    };
                }
                Rule::all_shortest => info.kind = RecursiveKind::AllShortest,
                Rule::shortest => info.kind = RecursiveKind::Shortest,
                Rule::trail => info.kind = RecursiveKind::Trail,
                Rule::acyclic => info.kind = RecursiveKind::Acyclic,
                Rule::range_literal => {
                    let r = c.into_inner().next().ok_or_else(|| internal("range"))?;
                    if r.as_rule() == Rule::integer {
                        let n = self.integer_u64(r)?;
                        info.lower = Some(n);
                        info.upper = Some(n);
                    } else {
                        for b in r.into_inner() {
                            let v = self.integer_u64(self.req(&b, Rule::integer)?)?;
                            if b.as_rule() == Rule::lower_bound {
                                info.lower = Some(v);
                            } else {
                                info.upper = Some(v);
                            }
                        }
                    }
                }
                Rule::recursive_comprehension => {
                    let vars = all(&c, Rule::variable);
                    if vars.len() != 2 {
                        return Err(internal("recursive comprehension"));
                    }
                    let projs = all(&c, Rule::recursive_projection)
                        .into_iter()
                        .map(|rp| match first(&rp, Rule::projection_items) {
                            Some(items) => self.projection_items(items),
                            None => Ok(Vec::new()),
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let mut projs = projs.into_iter();
                    info.comprehension = Some(RecursiveComprehension {
                        rel_variable: self.name(vars[0].clone())?,
                        node_variable: self.name(vars[1].clone())?,
                        where_clause: self.where_clause(first(&c, Rule::where_clause))?,
                        rel_projection: projs.next(),
                        node_projection: projs.next(),
                    });
                }
                _ => {}
            }
        }
        Ok(info)
    }

    // ------------------------------------------------------------------ expressions

    fn mk(&self, kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    fn binary(&self, op: BinaryOp, left: Expr, right: Expr) -> Expr {
        let span = Span::new(left.span.start, right.span.end);
        self.mk(
            ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
            span,
        )
    }

    /// Any expression-level rule.
    fn expr(&self, p: P) -> Result<Expr> {
        match p.as_rule() {
            Rule::expression => {
                let inner = p
                    .into_inner()
                    .next()
                    .ok_or_else(|| internal("empty expression"))?;
                self.expr(inner)
            }
            Rule::or_expression => self.fold_same(p, BinaryOp::Or),
            Rule::xor_expression => self.fold_same(p, BinaryOp::Xor),
            Rule::and_expression => self.fold_same(p, BinaryOp::And),
            Rule::bitwise_or_expression => self.fold_same(p, BinaryOp::BitOr),
            Rule::bitwise_and_expression => self.fold_same(p, BinaryOp::BitAnd),
            Rule::power_expression => self.fold_same(p, BinaryOp::Pow),
            Rule::not_expression => {
                let span = self.span(&p);
                let nots = all(&p, Rule::kw_not);
                let inner = self.expr(self.req(&p, Rule::comparison_expression)?)?;
                let mut e = inner;
                for n in nots.iter().rev() {
                    let start = n.as_span().start() - self.base;
                    e = self.mk(ExprKind::Not(Box::new(e)), Span::new(start, span.end));
                }
                Ok(e)
            }
            Rule::comparison_expression => self.comparison(p),
            Rule::bit_shift_expression | Rule::add_sub_expression | Rule::mul_div_expression => {
                self.fold_ops(p)
            }
            Rule::string_list_null_expression => self.string_list_null(p),
            Rule::unary_expression => self.unary(p),
            Rule::property_or_labels_expression => self.property_or_labels(p),
            _ => self.atom(p),
        }
    }

    fn fold_same(&self, p: P, op: BinaryOp) -> Result<Expr> {
        let mut it = kids(p).into_iter();
        let mut acc = self.expr(it.next().ok_or_else(|| internal("empty operand list"))?)?;
        for c in it {
            let rhs = self.expr(c)?;
            acc = self.binary(op, acc, rhs);
        }
        Ok(acc)
    }

    fn fold_ops(&self, p: P) -> Result<Expr> {
        let mut it = p.into_inner();
        let mut acc = self.expr(it.next().ok_or_else(|| internal("empty operand list"))?)?;
        while let Some(op) = it.next() {
            let op = match op.as_str().trim() {
                ">>" => BinaryOp::ShiftRight,
                "<<" => BinaryOp::ShiftLeft,
                "+" => BinaryOp::Add,
                "-" => BinaryOp::Sub,
                "*" => BinaryOp::Mul,
                "/" => BinaryOp::Div,
                "%" => BinaryOp::Mod,
                o => return Err(internal(&format!("operator {o}"))),
            };
            let rhs = self.expr(it.next().ok_or_else(|| internal("missing operand"))?)?;
            acc = self.binary(op, acc, rhs);
        }
        Ok(acc)
    }

    fn comparison(&self, p: P) -> Result<Expr> {
        let start = p.as_span().start();
        let ops = all(&p, Rule::comparison_operator);
        // Kuzu reports problems inside the operands (e.g. empty names) first.
        let operands = kids(p.clone())
            .into_iter()
            .filter(|c| c.as_rule() != Rule::comparison_operator)
            .map(|c| self.expr(c))
            .collect::<Result<Vec<_>>>()?;
        for o in &ops {
            if o.as_str() == "!=" {
                return Err(self.error_at(
                    o.as_span().start(),
                    2,
                    "Unknown operation '!=' (you probably meant to use '<>', which is the \
                     operator for inequality testing.)",
                ));
            }
        }
        if ops.len() > 1 {
            let width = errors::token_at(self.text, start).1;
            return Err(self.error_at(
                start,
                width,
                "Non-binary comparison (e.g. a=b=c) is not supported",
            ));
        }
        let mut operands = operands.into_iter();
        let left = operands.next().ok_or_else(|| internal("comparison"))?;
        let Some(op) = ops.first() else {
            return Ok(left);
        };
        let right = operands.next().ok_or_else(|| internal("comparison rhs"))?;
        let op = match op.as_str().trim() {
            "=" => BinaryOp::Eq,
            "<>" => BinaryOp::Ne,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::Le,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::Ge,
            o => return Err(internal(&format!("comparison operator {o}"))),
        };
        Ok(self.binary(op, left, right))
    }

    fn string_list_null(&self, p: P) -> Result<Expr> {
        let mut it = p.into_inner();
        let mut acc = self.expr(it.next().ok_or_else(|| internal("empty operand"))?)?;
        for c in it {
            let end = c.as_span().end() - self.base;
            let span = Span::new(acc.span.start, end);
            acc = match c.as_rule() {
                Rule::null_operator_expression => self.mk(
                    ExprKind::IsNull {
                        expr: Box::new(acc),
                        negated: has_kw(&c, Rule::kw_not),
                    },
                    span,
                ),
                Rule::in_operator => {
                    let rhs = self.expr(self.req(&c, Rule::property_or_labels_expression)?)?;
                    self.binary(BinaryOp::In, acc, rhs)
                }
                Rule::index_operator => {
                    let index = self.expr(self.req(&c, Rule::expression)?)?;
                    self.mk(
                        ExprKind::Index {
                            base: Box::new(acc),
                            index: Box::new(index),
                        },
                        span,
                    )
                }
                Rule::slice_operator => {
                    let start = match first(&c, Rule::slice_start) {
                        Some(s) => Some(Box::new(self.expr(self.req(&s, Rule::expression)?)?)),
                        None => None,
                    };
                    let end_e = match first(&c, Rule::slice_end) {
                        Some(s) => Some(Box::new(self.expr(self.req(&s, Rule::expression)?)?)),
                        None => None,
                    };
                    self.mk(
                        ExprKind::Slice {
                            base: Box::new(acc),
                            start,
                            end: end_e,
                        },
                        span,
                    )
                }
                Rule::string_operator_expression => {
                    let op_pair = self.req(&c, Rule::string_operator)?;
                    let op = match op_pair.into_inner().next().map(|o| o.as_rule()) {
                        Some(Rule::regex_match) => BinaryOp::RegexMatch,
                        Some(Rule::starts_with) => BinaryOp::StartsWith,
                        Some(Rule::ends_with) => BinaryOp::EndsWith,
                        _ => BinaryOp::Contains,
                    };
                    let rhs = self.expr(self.req(&c, Rule::property_or_labels_expression)?)?;
                    self.binary(op, acc, rhs)
                }
                r => return Err(internal(&format!("unexpected postfix {r:?}"))),
            };
        }
        Ok(acc)
    }

    fn unary(&self, p: P) -> Result<Expr> {
        let span = self.span(&p);
        let minuses = all(&p, Rule::minus);
        let factorial = first(&p, Rule::factorial);
        let pol = self.req(&p, Rule::property_or_labels_expression)?;
        let pol_kids: Vec<P> = pol.clone().into_inner().collect();
        let is_number =
            pol_kids.len() == 1 && matches!(pol_kids[0].as_rule(), Rule::integer | Rule::double);
        let mut e = if is_number {
            let negative = minuses.len() % 2 == 1;
            let lit = self.number(pol_kids[0].clone(), negative)?;
            let start = minuses
                .first()
                .map(|m| m.as_span().start() - self.base)
                .unwrap_or(lit.span.start);
            self.mk(lit.kind, Span::new(start, lit.span.end))
        } else {
            self.expr(pol)?
        };
        if let Some(f) = factorial {
            let end = f.as_span().end() - self.base;
            let s = Span::new(e.span.start, end);
            e = self.mk(ExprKind::Factorial(Box::new(e)), s);
        }
        if !is_number {
            for m in minuses.iter().rev() {
                let s = Span::new(m.as_span().start() - self.base, span.end);
                e = self.mk(ExprKind::Negate(Box::new(e)), s);
            }
        }
        Ok(e)
    }

    fn number(&self, p: P, negative: bool) -> Result<Expr> {
        let span = self.span(&p);
        let text = if negative {
            format!("-{}", p.as_str())
        } else {
            p.as_str().to_string()
        };
        let lit = if p.as_rule() == Rule::integer {
            match text.parse::<i128>() {
                Ok(v) => Literal::Integer(v),
                Err(_) => {
                    return Err(Error::Conversion(format!(
                        "Cast failed. {text} is not within INT128 range."
                    )))
                }
            }
        } else {
            match text.parse::<f64>() {
                Ok(v) => Literal::Double(v),
                Err(_) => {
                    return Err(Error::Conversion(format!(
                        "Cast failed. Could not convert \"{text}\" to DOUBLE."
                    )))
                }
            }
        };
        Ok(self.mk(ExprKind::Literal(lit), span))
    }

    fn property_or_labels(&self, p: P) -> Result<Expr> {
        let mut it = p.into_inner();
        let mut acc = self.atom(it.next().ok_or_else(|| internal("empty atom"))?)?;
        for l in it {
            let span = Span::new(acc.span.start, l.as_span().end() - self.base);
            acc = self.apply_lookup(acc, l, span)?;
        }
        Ok(acc)
    }

    fn apply_lookup(&self, base: Expr, lookup: P, span: Span) -> Result<Expr> {
        let k = lookup
            .into_inner()
            .next()
            .ok_or_else(|| internal("empty lookup"))?;
        Ok(if k.as_rule() == Rule::star {
            self.mk(ExprKind::PropertyStar(Box::new(base)), span)
        } else {
            self.mk(
                ExprKind::Property {
                    base: Box::new(base),
                    key: self.name(k)?,
                },
                span,
            )
        })
    }

    fn parameter_name(&self, p: P) -> Result<String> {
        let c = p
            .into_inner()
            .next()
            .ok_or_else(|| internal("empty parameter"))?;
        if c.as_rule() == Rule::integer {
            Ok(c.as_str().to_string())
        } else {
            self.name(c)
        }
    }

    fn atom(&self, p: P) -> Result<Expr> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::integer | Rule::double => return self.number(p, false),
            Rule::string => ExprKind::Literal(Literal::String(self.string(p)?)),
            Rule::boolean_literal => ExprKind::Literal(Literal::Boolean(has_kw(&p, Rule::kw_true))),
            Rule::null_literal => ExprKind::Literal(Literal::Null),
            Rule::list_literal => {
                let mut items = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::expression => items.push(self.expr(c)?),
                        Rule::list_entry => match first(&c, Rule::expression) {
                            Some(e) => items.push(self.expr(e)?),
                            None => {
                                let s = self.span(&c);
                                items.push(self.mk(ExprKind::Literal(Literal::Null), s))
                            }
                        },
                        _ => {}
                    }
                }
                ExprKind::List(items)
            }
            Rule::struct_literal => {
                let mut fields = Vec::new();
                for f in all(&p, Rule::struct_field) {
                    let mut it = f.into_inner();
                    let (Some(k), Some(v)) = (it.next(), it.next()) else {
                        return Err(internal("struct field"));
                    };
                    let key = if k.as_rule() == Rule::string {
                        self.string(k)?
                    } else {
                        self.name(k)?
                    };
                    fields.push((key, self.expr(v)?));
                }
                ExprKind::Struct(fields)
            }
            Rule::parameter => ExprKind::Parameter(self.parameter_name(p)?),
            Rule::case_expression => {
                let operand = match first(&p, Rule::case_operand) {
                    Some(o) => Some(Box::new(self.expr(self.req(&o, Rule::expression)?)?)),
                    None => None,
                };
                let mut alternatives = Vec::new();
                for a in all(&p, Rule::case_alternative) {
                    let es = all(&a, Rule::expression);
                    if es.len() != 2 {
                        return Err(internal("case alternative"));
                    }
                    alternatives.push((self.expr(es[0].clone())?, self.expr(es[1].clone())?));
                }
                let else_expr = match first(&p, Rule::case_else) {
                    Some(e) => Some(Box::new(self.expr(self.req(&e, Rule::expression)?)?)),
                    None => None,
                };
                ExprKind::Case {
                    operand,
                    alternatives,
                    else_expr,
                }
            }
            Rule::count_star => ExprKind::CountStar,
            Rule::cast_expression => {
                let params = all(&p, Rule::function_parameter);
                let arg = params
                    .first()
                    .ok_or_else(|| internal("cast argument"))?
                    .clone();
                let expr = Box::new(self.function_arg(arg)?.value);
                let target = match first(&p, Rule::data_type) {
                    Some(t) => CastTarget::Type(self.data_type(t)?),
                    None => {
                        let t = params
                            .get(1)
                            .ok_or_else(|| internal("cast target"))?
                            .clone();
                        CastTarget::Expr(Box::new(self.function_arg(t)?.value))
                    }
                };
                ExprKind::Cast { expr, target }
            }
            Rule::quantifier => {
                let kind_pair = self.req(&p, Rule::quantifier_kind)?;
                let kind = match kind_pair.into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::kw_all) => QuantifierKind::All,
                    Some(Rule::kw_any) => QuantifierKind::Any,
                    Some(Rule::kw_none) => QuantifierKind::None,
                    _ => QuantifierKind::Single,
                };
                let w = self.req(&p, Rule::where_clause)?;
                ExprKind::Quantifier {
                    kind,
                    variable: self.name(self.req(&p, Rule::variable)?)?,
                    list: Box::new(self.expr(self.req(&p, Rule::expression)?)?),
                    predicate: Box::new(self.expr(self.req(&w, Rule::expression)?)?),
                }
            }
            Rule::exists_count_subquery => ExprKind::Subquery {
                kind: if has_kw(&p, Rule::kw_exists) {
                    SubqueryKind::Exists
                } else {
                    SubqueryKind::Count
                },
                pattern: self.pattern(self.req(&p, Rule::pattern)?)?,
                where_clause: self
                    .where_clause(first(&p, Rule::where_clause))?
                    .map(Box::new),
                hint: first(&p, Rule::hint)
                    .map(|h| {
                        self.req(&h, Rule::join_node)
                            .and_then(|j| self.join_node(j))
                    })
                    .transpose()?,
            },
            Rule::path_patterns => {
                let start = self.node_pattern(self.req(&p, Rule::node_pattern)?)?;
                let chain = all(&p, Rule::pattern_element_chain)
                    .into_iter()
                    .map(|c| self.chain(c))
                    .collect::<Result<_>>()?;
                ExprKind::PathPattern(Box::new(PatternElement { start, chain }))
            }
            Rule::parenthesized_expression => {
                // The inner expression, spanning its parentheses (so that the source text of
                // an enclosing expression, e.g. a stored DEFAULT or macro body, is whole).
                let mut e = self.expr(self.req(&p, Rule::expression)?)?;
                e.span = self.span(&p);
                return Ok(e);
            }
            Rule::function_invocation => ExprKind::FunctionCall(self.function_call(p)?),
            Rule::variable => ExprKind::Variable(self.name(p)?),
            Rule::lambda_parameter => {
                let vars = self.req(&p, Rule::lambda_vars)?;
                let params = all(&vars, Rule::symbolic_name)
                    .into_iter()
                    .map(|n| self.name(n))
                    .collect::<Result<_>>()?;
                ExprKind::Lambda {
                    params,
                    body: Box::new(self.expr(self.req(&p, Rule::expression)?)?),
                }
            }
            _ => return self.expr(p),
        };
        Ok(self.mk(kind, span))
    }

    fn function_arg(&self, p: P) -> Result<FunctionArg> {
        let mut name = None;
        let mut value = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::symbolic_name => name = Some(self.name(c)?),
                Rule::assign => {}
                _ => value = Some(self.atom(c)?),
            }
        }
        Ok(FunctionArg {
            name,
            value: value.ok_or_else(|| internal("function argument"))?,
        })
    }

    fn function_call(&self, p: P) -> Result<FunctionCall> {
        Ok(FunctionCall {
            name: self.name(self.req(&p, Rule::function_name)?)?,
            distinct: has_kw(&p, Rule::kw_distinct),
            args: all(&p, Rule::function_parameter)
                .into_iter()
                .map(|a| self.function_arg(a))
                .collect::<Result<_>>()?,
        })
    }
}

/// Resolves backslash escapes of a string literal's content (the grammar only admits
/// `\\ \' \" \b \f \n \r \t \xHH \uHHHH \UHHHHHHHH`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'b' | 'B' => out.push('\u{8}'),
            'f' | 'F' => out.push('\u{c}'),
            'n' | 'N' => out.push('\n'),
            'r' | 'R' => out.push('\r'),
            't' | 'T' => out.push('\t'),
            'x' | 'X' | 'u' | 'U' => {
                let n = match e {
                    'x' | 'X' => 2,
                    _ => {
                        // \U may have 8 or 4 digits: take 8 if available.
                        let rest: String = chars.clone().take(8).collect();
                        if rest.len() == 8 && rest.chars().all(|c| c.is_ascii_hexdigit()) {
                            8
                        } else {
                            4
                        }
                    }
                };
                let hex: String = chars.by_ref().take(n).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(e);
                        out.push_str(&hex);
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn unescape_sequences() {
        assert_eq!(unescape(r#"a\nb\tc\\d\'e\"f"#), "a\nb\tc\\d'e\"f");
        assert_eq!(unescape(r"\x41\u00e9\U0001F600"), "Aé😀");
        assert_eq!(unescape("plain"), "plain");
    }
}
