//! Kuzu's configuration options (`CALL name=value`, `current_setting('name')`).
//!
//! Owns: the table of known options (name, value type, whether the connection or the
//! database keeps it, default), the validation of a new value in Kuzu's words, and
//! `SettingValues`, the overrides a connection or a database holds. `ClientContext` (context.rs) reads
//! and writes them through `Connection::setting` / `Connection::set_setting`.

use crate::error::{Error, Result};
use crate::types::{LogicalType, Value};
use std::collections::HashMap;

/// The type an option's value has (Kuzu's `inputType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    UInt64,
    Int64,
    Bool,
    String,
}

impl SettingKind {
    pub fn logical_type(self) -> LogicalType {
        match self {
            SettingKind::UInt64 => LogicalType::UInt64,
            SettingKind::Int64 => LogicalType::Int64,
            SettingKind::Bool => LogicalType::Bool,
            SettingKind::String => LogicalType::String,
        }
    }
}

/// Who keeps an option: each connection (Kuzu's client config) or the database (DB config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingScope {
    Connection,
    Database,
}

#[derive(Debug)]
pub struct SettingDef {
    pub name: &'static str,
    pub kind: SettingKind,
    pub scope: SettingScope,
}

const fn def(name: &'static str, kind: SettingKind, scope: SettingScope) -> SettingDef {
    SettingDef { name, kind, scope }
}

use SettingKind as K;
use SettingScope as S;

/// Every option Kuzu 0.11 knows.
pub const SETTINGS: &[SettingDef] = &[
    def("threads", K::UInt64, S::Connection),
    def("warning_limit", K::UInt64, S::Connection),
    def("timeout", K::UInt64, S::Connection),
    def("progress_bar", K::Bool, S::Connection),
    def("var_length_extend_max_depth", K::Int64, S::Connection),
    def("sparse_frontier_threshold", K::Int64, S::Connection),
    def("enable_semi_mask", K::Bool, S::Connection),
    def("disable_map_key_check", K::Bool, S::Connection),
    def("enable_zone_map", K::Bool, S::Connection),
    def("home_directory", K::String, S::Connection),
    def("file_search_path", K::String, S::Connection),
    def("recursive_pattern_semantic", K::String, S::Connection),
    def("recursive_pattern_factor", K::Int64, S::Connection),
    def("debug_enable_multi_writes", K::Bool, S::Database),
    def("checkpoint_threshold", K::Int64, S::Database),
    def("auto_checkpoint", K::Bool, S::Database),
    def("force_checkpoint_on_close", K::Bool, S::Database),
    def("spill_to_disk", K::Bool, S::Database),
    def("enable_plan_optimizer", K::Bool, S::Connection),
    def("enable_internal_catalog", K::Bool, S::Connection),
];

/// Kuzu's default `warning_limit`.
pub const DEFAULT_WARNING_LIMIT: u64 = 8192;

/// The option named `name` (case-insensitively).
pub fn find(name: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}

/// Kuzu's error for an unknown option name in `current_setting`.
pub fn unknown_option(name: &str) -> Error {
    Error::Runtime(format!("Invalid option name: {}.", name.to_lowercase()))
}

/// The default of an option that does not depend on the database (`threads`, `timeout` and
/// `spill_to_disk` do; the connection supplies those).
pub fn default_value(d: &SettingDef) -> Value {
    match d.name {
        "warning_limit" => Value::UInt64(DEFAULT_WARNING_LIMIT),
        "threads" => Value::UInt64(1),
        "timeout" => Value::UInt64(0),
        "var_length_extend_max_depth" => Value::Int64(30),
        "sparse_frontier_threshold" => Value::Int64(1000),
        "recursive_pattern_factor" => Value::Int64(100),
        "checkpoint_threshold" => Value::Int64(16 << 20),
        "recursive_pattern_semantic" => Value::String("WALK".into()),
        "home_directory" => Value::String(std::env::var("HOME").unwrap_or_default()),
        "file_search_path" => Value::String(String::new()),
        "progress_bar" | "debug_enable_multi_writes" | "enable_internal_catalog" => {
            Value::Bool(false)
        }
        _ => Value::Bool(true),
    }
}

/// Kuzu's `Value::toString` of a setting, as `current_setting` returns it.
pub fn render(v: &Value) -> String {
    match v {
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Kuzu's text of a literal in binder messages (`1.500000`, `True`, `a`).
fn literal_text(v: &Value) -> String {
    match v {
        Value::Double(d) => format!("{d:.6}"),
        Value::Float(f) => format!("{f:.6}"),
        other => render(other),
    }
}

/// Checks and converts `v` to the option's type, with Kuzu's messages. `None`: a NULL value,
/// which leaves the option as it is.
pub fn coerce(d: &SettingDef, v: Value, ty: &LogicalType) -> Result<Option<Value>> {
    if v.is_null() {
        return Ok(None);
    }
    let no_cast = |v: &Value| {
        Error::Binder(format!(
            "Expression {} has data type {} but expected {}. Implicit cast is not supported.",
            literal_text(v),
            ty,
            d.kind.logical_type()
        ))
    };
    let int = |v: &Value| -> Option<i128> {
        match v {
            Value::Int8(x) => Some(*x as i128),
            Value::Int16(x) => Some(*x as i128),
            Value::Int32(x) => Some(*x as i128),
            Value::Int64(x) => Some(*x as i128),
            Value::Int128(x) => Some(*x),
            Value::UInt8(x) => Some(*x as i128),
            Value::UInt16(x) => Some(*x as i128),
            Value::UInt32(x) => Some(*x as i128),
            Value::UInt64(x) => Some(*x as i128),
            _ => None,
        }
    };
    let out = match d.kind {
        SettingKind::UInt64 => {
            let i = int(&v).ok_or_else(|| no_cast(&v))?;
            Value::UInt64(
                u64::try_from(i).map_err(|_| {
                    Error::Overflow(format!("Value {i} is not within UINT64 range"))
                })?,
            )
        }
        SettingKind::Int64 => {
            let i = int(&v).ok_or_else(|| no_cast(&v))?;
            Value::Int64(
                i64::try_from(i)
                    .map_err(|_| Error::Overflow(format!("Value {i} is not within INT64 range")))?,
            )
        }
        SettingKind::Bool => match v {
            Value::Bool(b) => Value::Bool(b),
            other => return Err(no_cast(&other)),
        },
        SettingKind::String => Value::String(render(&v)),
    };
    if d.name == "recursive_pattern_semantic" {
        let s = render(&out);
        let up = s.to_ascii_uppercase();
        if !matches!(up.as_str(), "WALK" | "TRAIL" | "ACYCLIC") {
            return Err(Error::Binder(format!(
                "Cannot parse {s} as a path semantic. Supported inputs are [WALK, TRAIL, ACYCLIC]"
            )));
        }
        return Ok(Some(Value::String(up)));
    }
    Ok(Some(out))
}

/// Options set on a connection or a database (the rest have their defaults).
#[derive(Debug, Clone, Default)]
pub struct SettingValues {
    values: HashMap<&'static str, Value>,
}

impl SettingValues {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub fn set(&mut self, d: &'static SettingDef, v: Value) {
        self.values.insert(d.name, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(find("THREADS").map(|d| d.name), Some("threads"));
        assert!(find("nothing").is_none());
        assert_eq!(
            unknown_option("NoThing").to_string(),
            "Runtime exception: Invalid option name: nothing."
        );
    }

    #[test]
    fn coerce_checks_types_like_kuzu() {
        let threads = find("threads").unwrap();
        assert_eq!(
            coerce(threads, Value::Int64(4), &LogicalType::Int64).unwrap(),
            Some(Value::UInt64(4))
        );
        assert_eq!(
            coerce(threads, Value::Double(1.5), &LogicalType::Double).unwrap_err().to_string(),
            "Binder exception: Expression 1.500000 has data type DOUBLE but expected UINT64. Implicit cast is not supported."
        );
        assert_eq!(
            coerce(threads, Value::Int64(-1), &LogicalType::Int64)
                .unwrap_err()
                .to_string(),
            "Overflow exception: Value -1 is not within UINT64 range"
        );
        let ac = find("auto_checkpoint").unwrap();
        assert_eq!(
            coerce(ac, Value::Int64(1), &LogicalType::Int64).unwrap_err().to_string(),
            "Binder exception: Expression 1 has data type INT64 but expected BOOL. Implicit cast is not supported."
        );
        assert_eq!(coerce(ac, Value::Null, &LogicalType::Any).unwrap(), None);
        let home = find("home_directory").unwrap();
        assert_eq!(
            coerce(home, Value::Int64(3), &LogicalType::Int64).unwrap(),
            Some(Value::String("3".into()))
        );
        let sem = find("recursive_pattern_semantic").unwrap();
        assert_eq!(
            coerce(sem, Value::String("trail".into()), &LogicalType::String).unwrap(),
            Some(Value::String("TRAIL".into()))
        );
        assert_eq!(
            coerce(sem, Value::String("x".into()), &LogicalType::String).unwrap_err().to_string(),
            "Binder exception: Cannot parse x as a path semantic. Supported inputs are [WALK, TRAIL, ACYCLIC]"
        );
    }

    #[test]
    fn defaults_and_rendering() {
        let d = |n: &str| render(&default_value(find(n).unwrap()));
        assert_eq!(d("warning_limit"), "8192");
        assert_eq!(d("checkpoint_threshold"), "16777216");
        assert_eq!(d("var_length_extend_max_depth"), "30");
        assert_eq!(d("progress_bar"), "False");
        assert_eq!(d("enable_zone_map"), "True");
        assert_eq!(d("recursive_pattern_semantic"), "WALK");
    }
}
