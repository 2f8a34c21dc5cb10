//! The specifications of plan nodes that read storage (node scans, extends, property
//! reads, degrees, recursive extends): plain data the planner fills and the operators in
//! `query` execute.

use crate::exec::expr::{BoundExpr, CmpOp};
use crate::types::element::path_type;
use crate::types::LogicalType;

/// One table a node scan reads: its id and, per requested property, its index in the table.
#[derive(Debug, Clone)]
pub struct ScanTable {
    pub table: u64,
    pub props: Vec<Option<usize>>,
}

/// A comparison of a scanned property with a constant, for zone-map skipping.
#[derive(Debug, Clone)]
pub struct ZonePred {
    /// Position in the requested properties.
    pub prop: usize,
    pub op: CmpOp,
    pub value: BoundExpr,
}

/// What a node scan produces: `[id, props...]` filtered by `filter`.
#[derive(Debug, Clone)]
pub struct ScanSpec {
    pub tables: Vec<ScanTable>,
    pub prop_types: Vec<LogicalType>,
    pub filter: Option<BoundExpr>,
    pub zone: Vec<ZonePred>,
    /// Point lookup through the primary-key index of the (single) table.
    pub pk_key: Option<BoundExpr>,
}

pub use crate::storage::table::Dir;

/// One (rel table, FROM/TO pair, direction) an extend or degree follows.
#[derive(Debug, Clone)]
pub struct RelStep {
    pub rel_table: u64,
    pub pair: usize,
    pub dir: Dir,
    /// The table of the bound node (FROM for Fwd, TO for Bwd).
    pub bound_table: u64,
    /// The table of the neighbour.
    pub nbr_table: u64,
    /// Per requested rel property, its index in the rel table.
    pub props: Vec<Option<usize>>,
}

/// Extend spec: from the node id in `from_col`, follow `steps`; appends
/// `[rel id, neighbour id, rel props...]`.
#[derive(Debug, Clone)]
pub struct ExtendSpec {
    pub from_col: usize,
    pub steps: Vec<RelStep>,
    pub prop_types: Vec<LogicalType>,
    /// Also append the rel's source and destination ids (after the neighbour id).
    pub emit_ends: bool,
}

/// Reads node properties for the ids in `id_col`; appends one column per property.
#[derive(Debug, Clone)]
pub struct ReadPropsSpec {
    pub id_col: usize,
    /// Per table id: per requested property, its index.
    pub tables: Vec<(u64, Vec<Option<usize>>)>,
    pub prop_types: Vec<LogicalType>,
}

impl ReadPropsSpec {
    /// Reads the properties `want` (name, type) of the node in `id_col`, from whichever of
    /// `tables` it belongs to (a property a table lacks reads as NULL).
    pub fn new(
        id_col: usize,
        tables: &[&crate::catalog::TableEntry],
        want: &[(String, LogicalType)],
    ) -> Self {
        ReadPropsSpec {
            id_col,
            tables: tables
                .iter()
                .map(|t| {
                    (
                        t.id,
                        want.iter().map(|(n, _)| t.property_index(n)).collect(),
                    )
                })
                .collect(),
            prop_types: want.iter().map(|p| p.1.clone()).collect(),
        }
    }
}

/// Appends the product of node degrees over `factors` (each a list of steps whose degrees
/// add up) as an INT64 column: the number of paths a factorized count stands for.
#[derive(Debug, Clone)]
pub struct DegreeSpec {
    pub id_col: usize,
    pub factors: Vec<Vec<RelStep>>,
}

/// Which paths a recursive extend counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSemantic {
    /// Every walk (nodes and rels may repeat).
    Walk,
    /// No rel repeats.
    Trail,
    /// No node repeats.
    Acyclic,
    /// One shortest path per destination.
    Shortest,
    /// Every shortest path per destination.
    AllShortest,
}

/// From the node id in `from_col`, follow `steps` between `lower` and `upper` times; appends the
/// destination id (only destinations whose table is in `dst_tables`).
#[derive(Debug, Clone)]
pub struct RecursiveSpec {
    pub from_col: usize,
    pub steps: Vec<RelStep>,
    pub lower: u64,
    pub upper: u64,
    pub semantic: PathSemantic,
    pub dst_tables: Vec<u64>,
    /// When the rel variable's value is used: emit it (a path struct) after the destination.
    pub path: Option<PathSpec>,
}

/// What a path value holds: labels of the node and rel tables and the node properties read
/// for its intermediate nodes. The value is a STRUCT {_NODES: LIST<node struct>, _RELS:
/// LIST<rel struct>} with element structs shaped as `binder::expr::ExprBinder::bind_element`
/// builds them (`query::present` shows it as a RECURSIVE_REL).
#[derive(Debug, Clone, Default)]
pub struct PathSpec {
    /// Per node table: its id, label and, per entry of `node_props`, the property's index.
    pub node_tables: Vec<(u64, String, Vec<Option<usize>>)>,
    pub node_props: Vec<(String, LogicalType)>,
    /// Per rel table: its id and label.
    pub rel_tables: Vec<(u64, String)>,
    /// The rel properties a path holds (each step's `props` index them).
    pub rel_props: Vec<(String, LogicalType)>,
    /// The expansion runs from the pattern's right node: the path lists elements in reverse.
    pub reverse: bool,
}

impl PathSpec {
    pub fn node_type(&self) -> LogicalType {
        let mut f = vec![
            ("_ID".to_string(), LogicalType::InternalId),
            ("_LABEL".to_string(), LogicalType::String),
        ];
        f.extend(self.node_props.iter().cloned());
        LogicalType::Struct(f)
    }
    pub fn rel_type(&self) -> LogicalType {
        let mut f = vec![
            ("_SRC".to_string(), LogicalType::InternalId),
            ("_DST".to_string(), LogicalType::InternalId),
            ("_ID".to_string(), LogicalType::InternalId),
            ("_LABEL".to_string(), LogicalType::String),
        ];
        f.extend(self.rel_props.iter().cloned());
        LogicalType::Struct(f)
    }
    /// The type of the path values.
    pub fn path_type(&self) -> LogicalType {
        path_type(self.node_type(), self.rel_type())
    }
}
