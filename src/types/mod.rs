//! Logical types and values.
//!
//! Owns: `LogicalType` (every Kuzu type, nested ones included, so columns and operators are
//! designed for them from the start), `Value` (one value of any type, used at API boundaries,
//! in literals and in tests; the executor works on typed vectors instead), Kuzu's text
//! rendering of values (`render`), and conversions from text and between types (`cast`,
//! `temporal`). Knows nothing of storage or queries.

pub mod cast;
pub mod element;
pub mod infer;
pub mod render;
pub mod temporal;
pub mod vector;

use std::fmt;

/// Parameter values by name (without the `$`).
pub type Params = std::collections::HashMap<String, Value>;

/// A column or expression type. Names and nesting follow Kuzu.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LogicalType {
    /// The type of an untyped NULL literal or an empty list's element before inference.
    Any,
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Int128,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float,
    Double,
    Decimal {
        precision: u8,
        scale: u8,
    },
    Serial,
    String,
    Blob,
    Uuid,
    Date,
    Timestamp,
    TimestampNs,
    TimestampMs,
    TimestampSec,
    TimestampTz,
    Interval,
    InternalId,
    List(Box<LogicalType>),
    Array(Box<LogicalType>, u32),
    Struct(Vec<(String, LogicalType)>),
    Map(Box<LogicalType>, Box<LogicalType>),
    Union(Vec<(String, LogicalType)>),
    Node,
    Rel,
    RecursiveRel,
}

impl LogicalType {
    /// Width in bytes of the fixed-size physical representation, `None` for variable-size
    /// and nested types.
    pub fn fixed_width(&self) -> Option<usize> {
        use LogicalType::*;
        Some(match self {
            Bool | Int8 | UInt8 => 1,
            Int16 | UInt16 => 2,
            Int32 | UInt32 | Float | Date => 4,
            Int64 | UInt64 | Double | Serial | Timestamp | TimestampNs | TimestampMs
            | TimestampSec | TimestampTz => 8,
            Int128 | Uuid | Interval | InternalId => 16,
            Decimal { precision, .. } => {
                if *precision <= 18 {
                    8
                } else {
                    16
                }
            }
            _ => return None,
        })
    }

    pub fn is_numeric(&self) -> bool {
        use LogicalType::*;
        matches!(
            self,
            Int8 | Int16
                | Int32
                | Int64
                | Int128
                | UInt8
                | UInt16
                | UInt32
                | UInt64
                | Float
                | Double
                | Serial
                | Decimal { .. }
        )
    }

    pub fn is_integer(&self) -> bool {
        use LogicalType::*;
        matches!(
            self,
            Int8 | Int16 | Int32 | Int64 | Int128 | UInt8 | UInt16 | UInt32 | UInt64 | Serial
        )
    }
}

impl fmt::Display for LogicalType {
    /// Kuzu's spelling of the type (`INT64`, `STRING[]`, `STRUCT(a INT64, b STRING)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LogicalType::*;
        match self {
            Any => f.write_str("ANY"),
            Bool => f.write_str("BOOL"),
            Int8 => f.write_str("INT8"),
            Int16 => f.write_str("INT16"),
            Int32 => f.write_str("INT32"),
            Int64 => f.write_str("INT64"),
            Int128 => f.write_str("INT128"),
            UInt8 => f.write_str("UINT8"),
            UInt16 => f.write_str("UINT16"),
            UInt32 => f.write_str("UINT32"),
            UInt64 => f.write_str("UINT64"),
            Float => f.write_str("FLOAT"),
            Double => f.write_str("DOUBLE"),
            Decimal { precision, scale } => write!(f, "DECIMAL({precision}, {scale})"),
            Serial => f.write_str("SERIAL"),
            String => f.write_str("STRING"),
            Blob => f.write_str("BLOB"),
            Uuid => f.write_str("UUID"),
            Date => f.write_str("DATE"),
            Timestamp => f.write_str("TIMESTAMP"),
            TimestampNs => f.write_str("TIMESTAMP_NS"),
            TimestampMs => f.write_str("TIMESTAMP_MS"),
            TimestampSec => f.write_str("TIMESTAMP_SEC"),
            TimestampTz => f.write_str("TIMESTAMP_TZ"),
            Interval => f.write_str("INTERVAL"),
            InternalId => f.write_str("INTERNAL_ID"),
            List(t) => write!(f, "{t}[]"),
            Array(t, n) => write!(f, "{t}[{n}]"),
            Struct(fields) => {
                f.write_str("STRUCT(")?;
                for (i, (n, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{n} {t}")?;
                }
                f.write_str(")")
            }
            Map(k, v) => write!(f, "MAP({k}, {v})"),
            Union(fields) => {
                f.write_str("UNION(")?;
                for (i, (n, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{n} {t}")?;
                }
                f.write_str(")")
            }
            Node => f.write_str("NODE"),
            Rel => f.write_str("REL"),
            RecursiveRel => f.write_str("RECURSIVE_REL"),
        }
    }
}

/// Kuzu's internal id: table id and offset within the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InternalId {
    pub table: u64,
    pub offset: u64,
}

/// An interval as Kuzu keeps it: months, days and microseconds separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

/// A node as returned by a query: id, label and the non-null properties in table order.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeValue {
    pub id: InternalId,
    pub label: String,
    pub properties: Vec<(String, Value)>,
}

/// A relationship as returned by a query.
#[derive(Debug, Clone, PartialEq)]
pub struct RelValue {
    pub src: InternalId,
    pub dst: InternalId,
    pub id: InternalId,
    pub label: String,
    pub properties: Vec<(String, Value)>,
}

/// A path (`RECURSIVE_REL`): nodes and rels in order.
#[derive(Debug, Clone, PartialEq)]
pub struct PathValue {
    pub nodes: Vec<NodeValue>,
    pub rels: Vec<RelValue>,
}

/// One value of any logical type. Temporal values use Kuzu's physical units: DATE in days
/// since 1970-01-01, TIMESTAMP and TIMESTAMP_TZ in microseconds, TIMESTAMP_NS/_MS/_SEC in
/// their own unit, all since the Unix epoch (UTC).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Int128(i128),
    UInt8(u8),
    UInt16(u16),
    UInt32(u32),
    UInt64(u64),
    Float(f32),
    Double(f64),
    /// Unscaled value with its precision and scale.
    Decimal {
        value: i128,
        precision: u8,
        scale: u8,
    },
    String(String),
    Blob(Vec<u8>),
    Uuid(u128),
    Date(i32),
    Timestamp(i64),
    TimestampNs(i64),
    TimestampMs(i64),
    TimestampSec(i64),
    TimestampTz(i64),
    Interval(Interval),
    InternalId(InternalId),
    List(Vec<Value>),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
    Map(Vec<(Value, Value)>),
    /// A union value: the active member's tag (field name) and value.
    Union {
        tag: String,
        value: Box<Value>,
    },
    Node(Box<NodeValue>),
    Rel(Box<RelValue>),
    Path(Box<PathValue>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as an `i64` if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int8(v) => Some(v as i64),
            Value::Int16(v) => Some(v as i64),
            Value::Int32(v) => Some(v as i64),
            Value::Int64(v) => Some(v),
            Value::Int128(v) => i64::try_from(v).ok(),
            Value::UInt8(v) => Some(v as i64),
            Value::UInt16(v) => Some(v as i64),
            Value::UInt32(v) => Some(v as i64),
            Value::UInt64(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Float(v) => Some(v as f64),
            Value::Double(v) => Some(v),
            _ => self.as_i64().map(|v| v as f64),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}
