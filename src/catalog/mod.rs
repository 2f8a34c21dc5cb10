//! The catalog: tables, properties, types, primary keys, FROM/TO pairs, multiplicity.
//!
//! Owns: `Catalog` and its entries, and their byte encoding (docs/FORMAT.md, "Catalog").
//! Table ids are assigned in creation order, node and rel tables sharing one sequence, as in
//! Kuzu (ids are observable through `id()`): a rel table takes one id per FROM/TO pair plus
//! one for the group. Property ids are per table and stable: a dropped
//! property's id is never reused (node tables count from 0, rel tables from 1, as Kuzu's
//! `table_info` shows). Schema changes (drop/rename table, add/drop/rename property, comment)
//! are checked here in Kuzu's words. Knows nothing of storage: a table's column chunks are
//! in the order of `properties`.

use crate::error::{Error, Result};
pub use crate::storage::keys::check_pk_type;
use crate::storage::page::{Decoder, Encoder};
use crate::types::LogicalType;

/// One side of a rel table's multiplicity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplicity {
    One,
    Many,
}

/// Which CSR directions of a rel table Kuzu keeps (`WITH (storage_direction = ...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StorageDirection {
    #[default]
    Both,
    Fwd,
    Bwd,
}

impl StorageDirection {
    /// Parses Kuzu's option value (case-insensitive), or Kuzu's error.
    pub fn parse(text: &str) -> Result<StorageDirection> {
        match text.to_ascii_lowercase().as_str() {
            "both" => Ok(StorageDirection::Both),
            "fwd" => Ok(StorageDirection::Fwd),
            "bwd" => Ok(StorageDirection::Bwd),
            _ => Err(Error::Runtime(format!(
                "Cannot parse {text} as ExtendDirection."
            ))),
        }
    }

    /// Kuzu's spelling (`table_info`'s `storage_direction`).
    pub fn name(self) -> &'static str {
        match self {
            StorageDirection::Both => "both",
            StorageDirection::Fwd => "fwd",
            StorageDirection::Bwd => "bwd",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub ty: LogicalType,
    /// Stable property id within its table (Kuzu's `property id` in `table_info`).
    pub id: u32,
    /// The DEFAULT expression as written (`None`: no default, i.e. NULL).
    pub default: Option<String>,
}

impl Property {
    /// A property without a default; its id is assigned when its table is created.
    pub fn new(name: impl Into<String>, ty: LogicalType) -> Property {
        Property {
            name: name.into(),
            ty,
            id: 0,
            default: None,
        }
    }

    /// Kuzu's text of the default expression (`NULL` when there is none).
    pub fn default_text(&self) -> &str {
        self.default.as_deref().unwrap_or("NULL")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableKind {
    /// A node table with the index of its primary-key property.
    Node { primary_key: usize },
    /// A rel table: its (FROM, TO) node table id pairs and multiplicity. `src_mult` is the
    /// left side of Kuzu's `MANY_ONE` (how many sources one destination may have), `dst_mult`
    /// the right side (how many destinations one source may have).
    Rel {
        pairs: Vec<(u64, u64)>,
        src_mult: Multiplicity,
        dst_mult: Multiplicity,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableEntry {
    pub id: u64,
    pub name: String,
    pub properties: Vec<Property>,
    pub kind: TableKind,
    pub comment: String,
    /// The id the next added property gets.
    pub next_property_id: u32,
    /// A rel table's storage direction (`Both` for node tables).
    pub storage_direction: StorageDirection,
}

impl TableEntry {
    pub fn is_node(&self) -> bool {
        matches!(self.kind, TableKind::Node { .. })
    }

    pub fn property_index(&self, name: &str) -> Option<usize> {
        self.properties
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn primary_key(&self) -> Option<&Property> {
        match self.kind {
            TableKind::Node { primary_key } => self.properties.get(primary_key),
            TableKind::Rel { .. } => None,
        }
    }

    /// The id Kuzu shows for the table (`show_tables`): a node table's id; for a rel table
    /// with k FROM/TO pairs, `id + k` (its pairs' rel tables are `id..id + k`).
    pub fn group_id(&self) -> u64 {
        match &self.kind {
            TableKind::Node { .. } => self.id,
            TableKind::Rel { pairs, .. } => self.id + pairs.len().max(1) as u64,
        }
    }

    /// Kuzu's multiplicity spelling, e.g. `MANY_ONE`.
    pub fn multiplicity_name(&self) -> Option<String> {
        match &self.kind {
            TableKind::Rel {
                src_mult, dst_mult, ..
            } => {
                let s = |m: &Multiplicity| match m {
                    Multiplicity::One => "ONE",
                    Multiplicity::Many => "MANY",
                };
                Some(format!("{}_{}", s(src_mult), s(dst_mult)))
            }
            _ => None,
        }
    }
}

/// A sequence (`CREATE SEQUENCE`): its options and the value `nextval` last returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    pub name: String,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cycle: bool,
    /// `None` until the first `nextval`.
    pub current: Option<i64>,
}

impl Sequence {
    /// The value after `current` (or `start` first), in Kuzu's words when the sequence is
    /// exhausted.
    pub fn next_value(&self, current: Option<i64>) -> Result<i64> {
        let Some(cur) = current else {
            return Ok(self.start);
        };
        let next = cur.checked_add(self.increment);
        let out_of_range = match next {
            Some(n) => n > self.max || n < self.min,
            None => true,
        };
        if !out_of_range {
            return Ok(next.unwrap_or(cur));
        }
        if self.cycle {
            return Ok(if self.increment > 0 {
                self.min
            } else {
                self.max
            });
        }
        let (what, bound) = if self.increment > 0 {
            ("maximum", self.max)
        } else {
            ("minimum", self.min)
        };
        Err(Error::Catalog(format!(
            "nextval: reached {what} value of sequence \"{}\" {bound}",
            self.name
        )))
    }
}

/// A scalar macro (`CREATE MACRO name(a, b := 1) AS body`), kept as Cypher text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macro {
    pub name: String,
    pub params: Vec<String>,
    /// `name := default` parameters, the default as written.
    pub defaults: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub tables: Vec<TableEntry>,
    pub next_table_id: u64,
    pub sequences: Vec<Sequence>,
    pub macros: Vec<Macro>,
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// A sequence by name (case-insensitively).
    pub fn sequence(&self, name: &str) -> Option<&Sequence> {
        self.sequences
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    pub fn sequence_mut(&mut self, name: &str) -> Option<&mut Sequence> {
        self.sequences
            .iter_mut()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// A macro by name (case-insensitively).
    pub fn macro_named(&self, name: &str) -> Option<&Macro> {
        self.macros
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }

    /// Looks a table up by name (case-insensitively, as Kuzu does).
    pub fn table(&self, name: &str) -> Option<&TableEntry> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    pub fn table_by_id(&self, id: u64) -> Option<&TableEntry> {
        self.tables.iter().find(|t| t.id == id)
    }

    pub fn node_tables(&self) -> impl Iterator<Item = &TableEntry> {
        self.tables.iter().filter(|t| t.is_node())
    }

    pub fn rel_tables(&self) -> impl Iterator<Item = &TableEntry> {
        self.tables.iter().filter(|t| !t.is_node())
    }

    /// Adds a node table. Errors in Kuzu's words.
    pub fn add_node_table(
        &mut self,
        name: &str,
        properties: Vec<Property>,
        primary_key: &str,
    ) -> Result<u64> {
        if self.table(name).is_some() {
            return Err(Error::Binder(format!("{name} already exists in catalog.")));
        }
        check_duplicate_properties(&properties)?;
        let pk = properties
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(primary_key))
            .ok_or_else(|| {
                Error::Binder(format!(
                    "Primary key {primary_key} does not match any of the predefined node properties."
                ))
            })?;
        let id = self.next_table_id;
        self.next_table_id += 1;
        let (properties, next_property_id) = number_properties(properties, 0);
        self.tables.push(TableEntry {
            id,
            name: name.to_string(),
            properties,
            kind: TableKind::Node { primary_key: pk },
            comment: String::new(),
            next_property_id,
            storage_direction: StorageDirection::Both,
        });
        Ok(id)
    }

    /// Adds a rel table between existing node tables.
    pub fn add_rel_table(
        &mut self,
        name: &str,
        pairs: &[(String, String)],
        properties: Vec<Property>,
        src_mult: Multiplicity,
        dst_mult: Multiplicity,
    ) -> Result<u64> {
        if self.table(name).is_some() {
            return Err(Error::Binder(format!("{name} already exists in catalog.")));
        }
        check_duplicate_properties(&properties)?;
        let mut ids = Vec::new();
        for (f, t) in pairs {
            let resolve = |n: &str| -> Result<u64> {
                match self.table(n) {
                    Some(e) if e.is_node() => Ok(e.id),
                    Some(_) => Err(Error::Binder(format!(
                        "{n} is a rel table. Expected a node table."
                    ))),
                    None => Err(Error::Binder(format!("Table {n} does not exist."))),
                }
            };
            let pair = (resolve(f)?, resolve(t)?);
            if ids.contains(&pair) {
                return Err(Error::Binder(format!(
                    "Found duplicate FROM-TO {f}-{t} pairs."
                )));
            }
            ids.push(pair);
        }
        // As Kuzu, a rel table with k FROM/TO pairs takes k + 1 ids: one per pair (the first
        // is the entry's id, the one rel ids show), then the group's (`group_id`).
        let id = self.next_table_id;
        self.next_table_id += 1 + ids.len().max(1) as u64;
        // Property id 0 of a rel table is its internal `_ID`.
        let (properties, next_property_id) = number_properties(properties, 1);
        self.tables.push(TableEntry {
            id,
            name: name.to_string(),
            properties,
            kind: TableKind::Rel {
                pairs: ids,
                src_mult,
                dst_mult,
            },
            comment: String::new(),
            next_property_id,
            storage_direction: StorageDirection::Both,
        });
        Ok(id)
    }

    fn table_index(&self, name: &str) -> Result<usize> {
        self.tables
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::Binder(format!("Table {name} does not exist.")))
    }

    /// Removes table `name` and returns its entry. A node table that a rel table connects
    /// cannot be dropped (Kuzu's check and words).
    pub fn drop_table(&mut self, name: &str) -> Result<TableEntry> {
        let i = self.table_index(name)?;
        let id = self.tables[i].id;
        if self.tables[i].is_node() {
            if let Some(r) = self.rel_tables().find(|r| match &r.kind {
                TableKind::Rel { pairs, .. } => pairs.iter().any(|&(f, t)| f == id || t == id),
                TableKind::Node { .. } => false,
            }) {
                return Err(Error::Binder(format!(
                    "Cannot delete node table {} because it is referenced by relationship table {}.",
                    self.tables[i].name, r.name
                )));
            }
        }
        Ok(self.tables.remove(i))
    }

    /// Renames table `name` to `new_name`; returns the old (catalog) name.
    pub fn rename_table(&mut self, name: &str, new_name: &str) -> Result<String> {
        let i = self.table_index(name)?;
        if self.table(new_name).is_some() {
            return Err(Error::Binder(format!("Table {new_name} already exists.")));
        }
        Ok(std::mem::replace(
            &mut self.tables[i].name,
            new_name.to_string(),
        ))
    }

    /// Sets a table's comment; returns the table's catalog name.
    pub fn set_comment(&mut self, name: &str, comment: &str) -> Result<String> {
        let i = self.table_index(name)?;
        self.tables[i].comment = comment.to_string();
        Ok(self.tables[i].name.clone())
    }

    /// Appends property `p` (its id is assigned here) to table `table_id`; returns its
    /// position (the column index of its chunks).
    pub fn add_property(&mut self, table_id: u64, mut p: Property) -> Result<usize> {
        let t = self.table_mut(table_id)?;
        if t.property_index(&p.name).is_some() {
            return Err(Error::Runtime(format!(
                "{} table already has property {}.",
                t.name, p.name
            )));
        }
        p.id = t.next_property_id;
        t.next_property_id += 1;
        t.properties.push(p);
        Ok(t.properties.len() - 1)
    }

    /// Removes the property at `index` of table `table_id` (not the primary key).
    pub fn drop_property(&mut self, table_id: u64, index: usize) -> Result<Property> {
        let t = self.table_mut(table_id)?;
        if index >= t.properties.len() {
            return Err(Error::Catalog(format!(
                "property index {index} out of range"
            )));
        }
        if let TableKind::Node { primary_key } = &mut t.kind {
            if *primary_key == index {
                return Err(Error::Binder(format!(
                    "Cannot drop property {} in table {} because it is used as primary key.",
                    t.properties[index].name, t.name
                )));
            }
            if *primary_key > index {
                *primary_key -= 1;
            }
        }
        Ok(t.properties.remove(index))
    }

    /// Renames property `old` of table `table_id` to `new`.
    pub fn rename_property(&mut self, table_id: u64, old: &str, new: &str) -> Result<()> {
        let t = self.table_mut(table_id)?;
        let i = t.property_index(old).ok_or_else(|| {
            Error::Runtime(format!("{} table does not have property {old}.", t.name))
        })?;
        if t.property_index(new).is_some() {
            return Err(Error::Runtime(format!(
                "{} table already has property {new}.",
                t.name
            )));
        }
        t.properties[i].name = new.to_string();
        Ok(())
    }

    fn table_mut(&mut self, id: u64) -> Result<&mut TableEntry> {
        self.tables
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::Catalog(format!("no table with id {id}")))
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.u32(CATALOG_VERSION);
        e.u64(self.next_table_id);
        e.u32(self.tables.len() as u32);
        for t in &self.tables {
            e.u64(t.id);
            e.str(&t.name);
            e.str(&t.comment);
            match &t.kind {
                TableKind::Node { primary_key } => {
                    e.u8(1);
                    e.u32(*primary_key as u32);
                }
                TableKind::Rel {
                    pairs,
                    src_mult,
                    dst_mult,
                } => {
                    e.u8(2);
                    e.u8(matches!(src_mult, Multiplicity::One) as u8);
                    e.u8(matches!(dst_mult, Multiplicity::One) as u8);
                    e.u32(pairs.len() as u32);
                    for (f, to) in pairs {
                        e.u64(*f);
                        e.u64(*to);
                    }
                }
            }
            e.u8(match t.storage_direction {
                StorageDirection::Both => 0,
                StorageDirection::Fwd => 1,
                StorageDirection::Bwd => 2,
            });
            e.u32(t.next_property_id);
            e.u32(t.properties.len() as u32);
            for p in &t.properties {
                e.u32(p.id);
                e.str(&p.name);
                encode_type(&p.ty, &mut e);
                match &p.default {
                    None => e.u8(0),
                    Some(d) => {
                        e.u8(1);
                        e.str(d);
                    }
                }
            }
        }
        e.u32(self.sequences.len() as u32);
        for q in &self.sequences {
            e.str(&q.name);
            e.i64(q.start);
            e.i64(q.increment);
            e.i64(q.min);
            e.i64(q.max);
            e.bool(q.cycle);
            match q.current {
                None => e.u8(0),
                Some(c) => {
                    e.u8(1);
                    e.i64(c);
                }
            }
        }
        e.u32(self.macros.len() as u32);
        for m in &self.macros {
            e.str(&m.name);
            e.u32(m.params.len() as u32);
            m.params.iter().for_each(|p| e.str(p));
            e.u32(m.defaults.len() as u32);
            for (n, v) in &m.defaults {
                e.str(n);
                e.str(v);
            }
            e.str(&m.body);
        }
        e.buf
    }

    pub fn decode(bytes: &[u8]) -> Result<Catalog> {
        let mut d = Decoder::new(bytes, "catalog");
        let v = d.u32()?;
        if v != CATALOG_VERSION {
            return Err(d.bad(&format!("unknown catalog encoding {v}")));
        }
        let next_table_id = d.u64()?;
        let n = d.u32()? as usize;
        let mut tables = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let id = d.u64()?;
            let name = d.str()?;
            let comment = d.str()?;
            let kind = match d.u8()? {
                1 => TableKind::Node {
                    primary_key: d.u32()? as usize,
                },
                2 => {
                    let m = |b: u8| {
                        if b == 1 {
                            Multiplicity::One
                        } else {
                            Multiplicity::Many
                        }
                    };
                    let src_mult = m(d.u8()?);
                    let dst_mult = m(d.u8()?);
                    let np = d.u32()? as usize;
                    let mut pairs = Vec::with_capacity(np.min(4096));
                    for _ in 0..np {
                        pairs.push((d.u64()?, d.u64()?));
                    }
                    TableKind::Rel {
                        pairs,
                        src_mult,
                        dst_mult,
                    }
                }
                _ => return Err(d.bad("unknown table kind")),
            };
            let storage_direction = match d.u8()? {
                0 => StorageDirection::Both,
                1 => StorageDirection::Fwd,
                2 => StorageDirection::Bwd,
                _ => return Err(d.bad("unknown storage direction")),
            };
            let next_property_id = d.u32()?;
            let np = d.u32()? as usize;
            let mut properties: Vec<Property> = Vec::with_capacity(np.min(4096));
            for _ in 0..np {
                let pid = d.u32()?;
                let name = d.str()?;
                let ty = decode_type(&mut d, 0)?;
                let default = match d.u8()? {
                    0 => None,
                    1 => Some(d.str()?),
                    _ => return Err(d.bad("bad default flag")),
                };
                if pid >= next_property_id || properties.last().is_some_and(|p| p.id >= pid) {
                    return Err(d.bad("property ids out of order"));
                }
                properties.push(Property {
                    name,
                    ty,
                    id: pid,
                    default,
                });
            }
            if let TableKind::Node { primary_key } = kind {
                if primary_key >= properties.len() {
                    return Err(d.bad("primary key index out of range"));
                }
            }
            if id >= next_table_id {
                return Err(d.bad("table id beyond the id sequence"));
            }
            tables.push(TableEntry {
                id,
                name,
                properties,
                kind,
                comment,
                next_property_id,
                storage_direction,
            });
        }
        let nseq = d.u32()? as usize;
        let mut sequences = Vec::with_capacity(nseq.min(4096));
        for _ in 0..nseq {
            let name = d.str()?;
            let start = d.i64()?;
            let increment = d.i64()?;
            let min = d.i64()?;
            let max = d.i64()?;
            let cycle = d.bool()?;
            let current = match d.u8()? {
                0 => None,
                1 => Some(d.i64()?),
                _ => return Err(d.bad("bad sequence value flag")),
            };
            if min > max || increment == 0 {
                return Err(d.bad("sequence bounds or increment are invalid"));
            }
            sequences.push(Sequence {
                name,
                start,
                increment,
                min,
                max,
                cycle,
                current,
            });
        }
        let nmac = d.u32()? as usize;
        let mut macros = Vec::with_capacity(nmac.min(4096));
        for _ in 0..nmac {
            let name = d.str()?;
            let np = d.u32()? as usize;
            let mut params = Vec::with_capacity(np.min(256));
            for _ in 0..np {
                params.push(d.str()?);
            }
            let nd = d.u32()? as usize;
            let mut defaults = Vec::with_capacity(nd.min(256));
            for _ in 0..nd {
                let n = d.str()?;
                defaults.push((n, d.str()?));
            }
            let body = d.str()?;
            macros.push(Macro {
                name,
                params,
                defaults,
                body,
            });
        }
        if d.remaining() != 0 {
            return Err(d.bad("trailing bytes"));
        }
        // Ids are unique, and a rel table's FROM/TO pairs name node tables of this catalog.
        let mut ids = std::collections::HashSet::new();
        if !tables.iter().all(|t| ids.insert(t.id)) {
            return Err(d.bad("two tables have the same id"));
        }
        let is_node = |id: u64| tables.iter().any(|t| t.id == id && t.is_node());
        for t in &tables {
            if let TableKind::Rel { pairs, .. } = &t.kind {
                if pairs.iter().any(|&(f, to)| !is_node(f) || !is_node(to)) {
                    return Err(d.bad(&format!(
                        "rel table {} connects tables that are not node tables",
                        t.name
                    )));
                }
            }
        }
        Ok(Catalog {
            tables,
            next_table_id,
            sequences,
            macros,
        })
    }
}

const CATALOG_VERSION: u32 = 2;

/// Gives `props` consecutive ids from `first`; returns them and the next free id.
fn number_properties(mut props: Vec<Property>, first: u32) -> (Vec<Property>, u32) {
    let mut next = first;
    for p in &mut props {
        p.id = next;
        next += 1;
    }
    (props, next)
}

fn check_duplicate_properties(props: &[Property]) -> Result<()> {
    for (i, p) in props.iter().enumerate() {
        if props[..i]
            .iter()
            .any(|q| q.name.eq_ignore_ascii_case(&p.name))
        {
            return Err(Error::Binder(format!(
                "Duplicated column name: {}, column name must be unique.",
                p.name
            )));
        }
    }
    Ok(())
}

/// Type tags of the catalog encoding (docs/FORMAT.md).
pub fn encode_type(t: &LogicalType, e: &mut Encoder) {
    use LogicalType as T;
    let tag: u8 = match t {
        T::Any => 0,
        T::Bool => 1,
        T::Int8 => 2,
        T::Int16 => 3,
        T::Int32 => 4,
        T::Int64 => 5,
        T::Int128 => 6,
        T::UInt8 => 7,
        T::UInt16 => 8,
        T::UInt32 => 9,
        T::UInt64 => 10,
        T::Float => 11,
        T::Double => 12,
        T::Decimal { .. } => 13,
        T::Serial => 14,
        T::String => 15,
        T::Blob => 16,
        T::Uuid => 17,
        T::Date => 18,
        T::Timestamp => 19,
        T::TimestampNs => 20,
        T::TimestampMs => 21,
        T::TimestampSec => 22,
        T::TimestampTz => 23,
        T::Interval => 24,
        T::InternalId => 25,
        T::List(_) => 26,
        T::Array(..) => 27,
        T::Struct(_) => 28,
        T::Map(..) => 29,
        T::Union(_) => 30,
        T::Node => 31,
        T::Rel => 32,
        T::RecursiveRel => 33,
    };
    e.u8(tag);
    match t {
        T::Decimal { precision, scale } => {
            e.u8(*precision);
            e.u8(*scale);
        }
        T::List(c) => encode_type(c, e),
        T::Array(c, n) => {
            encode_type(c, e);
            e.u32(*n);
        }
        T::Struct(f) | T::Union(f) => {
            e.u32(f.len() as u32);
            for (n, t) in f {
                e.str(n);
                encode_type(t, e);
            }
        }
        T::Map(k, v) => {
            encode_type(k, e);
            encode_type(v, e);
        }
        _ => {}
    }
}

pub fn decode_type(d: &mut Decoder, depth: u32) -> Result<LogicalType> {
    use LogicalType as T;
    if depth > 64 {
        return Err(d.bad("type nesting too deep"));
    }
    Ok(match d.u8()? {
        0 => T::Any,
        1 => T::Bool,
        2 => T::Int8,
        3 => T::Int16,
        4 => T::Int32,
        5 => T::Int64,
        6 => T::Int128,
        7 => T::UInt8,
        8 => T::UInt16,
        9 => T::UInt32,
        10 => T::UInt64,
        11 => T::Float,
        12 => T::Double,
        13 => {
            let (precision, scale) = (d.u8()?, d.u8()?);
            if !(1..=38).contains(&precision) || scale > precision {
                return Err(d.bad(&format!("bad DECIMAL({precision}, {scale})")));
            }
            T::Decimal { precision, scale }
        }
        14 => T::Serial,
        15 => T::String,
        16 => T::Blob,
        17 => T::Uuid,
        18 => T::Date,
        19 => T::Timestamp,
        20 => T::TimestampNs,
        21 => T::TimestampMs,
        22 => T::TimestampSec,
        23 => T::TimestampTz,
        24 => T::Interval,
        25 => T::InternalId,
        26 => T::List(Box::new(decode_type(d, depth + 1)?)),
        27 => {
            let c = decode_type(d, depth + 1)?;
            T::Array(Box::new(c), d.u32()?)
        }
        tag @ (28 | 30) => {
            let n = d.u32()? as usize;
            let mut f = Vec::with_capacity(n.min(1024));
            for _ in 0..n {
                let name = d.str()?;
                f.push((name, decode_type(d, depth + 1)?));
            }
            if tag == 28 {
                T::Struct(f)
            } else {
                T::Union(f)
            }
        }
        29 => {
            let k = decode_type(d, depth + 1)?;
            T::Map(Box::new(k), Box::new(decode_type(d, depth + 1)?))
        }
        31 => T::Node,
        32 => T::Rel,
        33 => T::RecursiveRel,
        t => return Err(d.bad(&format!("unknown type tag {t}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, ty: LogicalType) -> Property {
        Property::new(name, ty)
    }

    #[test]
    fn tables_ids_and_round_trip() {
        let mut c = Catalog::new();
        let person = c
            .add_node_table(
                "Person",
                vec![
                    p("id", LogicalType::Int64),
                    p("tags", LogicalType::List(Box::new(LogicalType::String))),
                    p(
                        "s",
                        LogicalType::Struct(vec![("a".into(), LogicalType::Date)]),
                    ),
                ],
                "ID",
            )
            .unwrap();
        let city = c
            .add_node_table("City", vec![p("name", LogicalType::String)], "name")
            .unwrap();
        let knows = c
            .add_rel_table(
                "knows",
                &[("person".into(), "City".into())],
                vec![p("since", LogicalType::Int64)],
                Multiplicity::Many,
                Multiplicity::One,
            )
            .unwrap();
        assert_eq!((person, city, knows), (0, 1, 2));
        assert_eq!(
            c.table("KNOWS").unwrap().multiplicity_name().unwrap(),
            "MANY_ONE"
        );
        let bytes = c.encode();
        assert_eq!(Catalog::decode(&bytes).unwrap(), c);
        for cut in 0..bytes.len() {
            assert!(Catalog::decode(&bytes[..cut]).is_err());
        }
        assert_eq!(
            c.add_node_table("person", vec![p("x", LogicalType::Int64)], "x")
                .unwrap_err()
                .to_string(),
            "Binder exception: person already exists in catalog."
        );
        assert!(c
            .add_rel_table(
                "r",
                &[("nope".into(), "City".into())],
                vec![],
                Multiplicity::Many,
                Multiplicity::Many
            )
            .is_err());
    }

    #[test]
    fn schema_changes_keep_property_ids_and_round_trip() {
        let mut c = Catalog::new();
        c.add_node_table(
            "A",
            vec![p("id", LogicalType::Int64), p("x", LogicalType::String)],
            "id",
        )
        .unwrap();
        c.add_node_table("B", vec![p("id", LogicalType::Int64)], "id")
            .unwrap();
        let r = c
            .add_rel_table(
                "r",
                &[("A".into(), "B".into()), ("B".into(), "A".into())],
                vec![p("w", LogicalType::Double)],
                Multiplicity::Many,
                Multiplicity::Many,
            )
            .unwrap();
        // Two pairs: ids 2 and 3 for the pairs, 4 for the group; the next table gets 5.
        assert_eq!((r, c.table("r").unwrap().group_id()), (2, 4));
        assert_eq!(
            c.add_node_table("C", vec![p("id", LogicalType::Int64)], "id")
                .unwrap(),
            5
        );
        assert_eq!(c.table("r").unwrap().properties[0].id, 1);
        let a = c.table("a").unwrap().id;
        let mut y = p("y", LogicalType::Int64);
        y.default = Some("1 + 1".into());
        assert_eq!(c.add_property(a, y).unwrap(), 2);
        assert_eq!(c.drop_property(a, 1).unwrap().name, "x");
        assert_eq!(c.add_property(a, p("z", LogicalType::Date)).unwrap(), 2);
        let t = c.table("A").unwrap();
        let ids: Vec<(u32, &str, &str)> = t
            .properties
            .iter()
            .map(|q| (q.id, q.name.as_str(), q.default_text()))
            .collect();
        assert_eq!(
            ids,
            [(0, "id", "NULL"), (2, "y", "1 + 1"), (3, "z", "NULL")]
        );
        assert_eq!(
            c.drop_property(a, 0).unwrap_err().to_string(),
            "Binder exception: Cannot drop property id in table A because it is used as primary key."
        );
        assert_eq!(
            c.add_property(a, p("Y", LogicalType::Int64))
                .unwrap_err()
                .to_string(),
            "Runtime exception: A table already has property Y."
        );
        c.rename_property(a, "z", "day").unwrap();
        assert_eq!(
            c.rename_property(a, "nope", "q").unwrap_err().to_string(),
            "Runtime exception: A table does not have property nope."
        );
        assert_eq!(c.rename_table("a", "A2").unwrap(), "A");
        assert_eq!(
            c.rename_table("A2", "b").unwrap_err().to_string(),
            "Binder exception: Table b already exists."
        );
        assert_eq!(c.set_comment("a2", "note").unwrap(), "A2");
        assert_eq!(
            c.drop_table("B").unwrap_err().to_string(),
            "Binder exception: Cannot delete node table B because it is referenced by relationship table r."
        );
        assert_eq!(
            c.drop_table("nope").unwrap_err().to_string(),
            "Binder exception: Table nope does not exist."
        );
        let bytes = c.encode();
        let back = Catalog::decode(&bytes).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.table("A2").unwrap().comment, "note");
        assert_eq!(back.table("A2").unwrap().next_property_id, 4);
        assert_eq!(
            StorageDirection::parse("FWD").unwrap().name(),
            StorageDirection::Fwd.name()
        );
        assert_eq!(
            StorageDirection::parse("x").unwrap_err().to_string(),
            "Runtime exception: Cannot parse x as ExtendDirection."
        );
        for cut in 0..bytes.len() {
            assert!(Catalog::decode(&bytes[..cut]).is_err());
        }
        assert_eq!(c.drop_table("r").unwrap().name, "r");
        assert_eq!(c.drop_table("B").unwrap().id, 1);
        assert_eq!(
            c.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["A2", "C"]
        );
    }

    /// Catalogs that decode field by field but describe impossible schemas are refused.
    #[test]
    fn hostile_catalogs_are_refused() {
        let decimal = |precision: u8, scale: u8| {
            let mut c = Catalog::new();
            c.add_node_table(
                "T",
                vec![p("d", LogicalType::Decimal { precision, scale })],
                "d",
            )
            .unwrap();
            Catalog::decode(&c.encode())
        };
        assert!(decimal(18, 3).is_ok());
        for (pr, sc) in [(0, 0), (39, 2), (255, 255), (10, 11)] {
            assert!(decimal(pr, sc).is_err(), "DECIMAL({pr}, {sc})");
        }
        let mut c = Catalog::new();
        c.add_node_table("A", vec![p("id", LogicalType::Int64)], "id")
            .unwrap();
        c.add_rel_table(
            "R",
            &[("A".into(), "A".into())],
            vec![],
            Multiplicity::Many,
            Multiplicity::Many,
        )
        .unwrap();
        // The rel table's pair names a table that is not a node table (itself).
        let mut bad = c.clone();
        let rid = bad.table("R").unwrap().id;
        if let TableKind::Rel { pairs, .. } = &mut bad.tables[1].kind {
            pairs[0].1 = rid;
        }
        assert!(Catalog::decode(&bad.encode()).is_err());
        // Two tables with one id.
        let mut bad = c.clone();
        bad.tables[1].id = bad.tables[0].id;
        assert!(Catalog::decode(&bad.encode()).is_err());
    }
}
