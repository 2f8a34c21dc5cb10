//! The write-ahead log: `DB.ruzu.wal` beside the database file.
//!
//! Owns: the WAL's byte layout (docs/FORMAT.md, "WAL"), appending a transaction's logical
//! records and its commit record, syncing, cutting a torn or uncommitted tail, starting a new
//! generation after a checkpoint, and reading the committed transactions back at open.
//!
//! Layout: a 64-byte header (magic, version, the database id, the checkpoint generation the
//! log follows, CRC32C), then records, each `u32 length`, `u32 CRC32C` (of the length bytes
//! and the payload), payload. A transaction is its records followed by a COMMIT record; only
//! committed transactions are replayed. Opening reads records until the first that is short or
//! fails its checksum and cuts the file after the last COMMIT before it: a torn tail (a crash
//! during an append) costs only the transaction that was being committed, which was never
//! acknowledged. A WAL whose database id differs is refused (it belongs to another database);
//! one of an older generation holds transactions the checkpoint already contains and is
//! discarded (a crash between a checkpoint and the WAL's reset); a newer one is refused.

use crate::error::{Error, Result};
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::page::{Decoder, Encoder};
use crate::types::{InternalId, Interval, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const WAL_MAGIC: [u8; 8] = *b"RUZUWAL\x1a";
pub const WAL_VERSION: u32 = 1;
pub const HEADER_LEN: u64 = 64;
/// A record longer than this is damage, not data (a transaction's records are split well
/// below it).
const MAX_RECORD: u32 = 1 << 30;

/// Record types.
pub mod kind {
    pub const COMMIT: u8 = 1;
    pub const CATALOG: u8 = 2;
    pub const NODE_INSERT: u8 = 3;
    pub const NODE_DELETE: u8 = 4;
    pub const NODE_UPDATE: u8 = 5;
    pub const REL_INSERT: u8 = 6;
    pub const REL_DELETE: u8 = 7;
    pub const REL_UPDATE: u8 = 8;
}

/// One logical record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Commit {
        ts: u64,
    },
    /// The whole catalog after a DDL statement.
    Catalog(Vec<u8>),
    NodeInsert {
        table: u64,
        offset: u64,
        values: Vec<(u32, Value)>,
    },
    NodeDelete {
        table: u64,
        offset: u64,
    },
    NodeUpdate {
        table: u64,
        offset: u64,
        prop: u32,
        value: Value,
    },
    RelInsert {
        table: u64,
        pair: u32,
        src: u64,
        dst: u64,
        rel_id: u64,
        values: Vec<(u32, Value)>,
    },
    RelDelete {
        table: u64,
        rel_id: u64,
        pair: u32,
        src: u64,
        dst: u64,
    },
    RelUpdate {
        table: u64,
        rel_id: u64,
        pair: u32,
        src: u64,
        dst: u64,
        prop: u32,
        value: Value,
    },
}

impl Record {
    /// Appends the framed record (length, checksum, payload) to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<()> {
        let mut e = Encoder::new();
        match self {
            Record::Commit { ts } => {
                e.u8(kind::COMMIT);
                e.u64(*ts);
            }
            Record::Catalog(b) => {
                e.u8(kind::CATALOG);
                e.bytes(b);
            }
            Record::NodeInsert {
                table,
                offset,
                values,
            } => {
                e.u8(kind::NODE_INSERT);
                e.u64(*table);
                e.u64(*offset);
                encode_props(&mut e, values)?;
            }
            Record::NodeDelete { table, offset } => {
                e.u8(kind::NODE_DELETE);
                e.u64(*table);
                e.u64(*offset);
            }
            Record::NodeUpdate {
                table,
                offset,
                prop,
                value,
            } => {
                e.u8(kind::NODE_UPDATE);
                e.u64(*table);
                e.u64(*offset);
                e.u32(*prop);
                encode_value(&mut e, value)?;
            }
            Record::RelInsert {
                table,
                pair,
                src,
                dst,
                rel_id,
                values,
            } => {
                e.u8(kind::REL_INSERT);
                e.u64(*table);
                e.u32(*pair);
                e.u64(*src);
                e.u64(*dst);
                e.u64(*rel_id);
                encode_props(&mut e, values)?;
            }
            Record::RelDelete {
                table,
                rel_id,
                pair,
                src,
                dst,
            } => {
                e.u8(kind::REL_DELETE);
                e.u64(*table);
                e.u64(*rel_id);
                e.u32(*pair);
                e.u64(*src);
                e.u64(*dst);
            }
            Record::RelUpdate {
                table,
                rel_id,
                pair,
                src,
                dst,
                prop,
                value,
            } => {
                e.u8(kind::REL_UPDATE);
                e.u64(*table);
                e.u64(*rel_id);
                e.u32(*pair);
                e.u64(*src);
                e.u64(*dst);
                e.u32(*prop);
                encode_value(&mut e, value)?;
            }
        }
        let len = e.buf.len() as u32;
        let lb = len.to_le_bytes();
        let crc = crc32c::crc32c_append(crc32c::crc32c(&lb), &e.buf);
        out.extend_from_slice(&lb);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&e.buf);
        Ok(())
    }

    pub fn decode(payload: &[u8]) -> Result<Record> {
        let mut d = Decoder::new(payload, "WAL record");
        let r = match d.u8()? {
            kind::COMMIT => Record::Commit { ts: d.u64()? },
            kind::CATALOG => Record::Catalog(d.bytes()?.to_vec()),
            kind::NODE_INSERT => Record::NodeInsert {
                table: d.u64()?,
                offset: d.u64()?,
                values: decode_props(&mut d)?,
            },
            kind::NODE_DELETE => Record::NodeDelete {
                table: d.u64()?,
                offset: d.u64()?,
            },
            kind::NODE_UPDATE => Record::NodeUpdate {
                table: d.u64()?,
                offset: d.u64()?,
                prop: d.u32()?,
                value: decode_value(&mut d, 0)?,
            },
            kind::REL_INSERT => Record::RelInsert {
                table: d.u64()?,
                pair: d.u32()?,
                src: d.u64()?,
                dst: d.u64()?,
                rel_id: d.u64()?,
                values: decode_props(&mut d)?,
            },
            kind::REL_DELETE => Record::RelDelete {
                table: d.u64()?,
                rel_id: d.u64()?,
                pair: d.u32()?,
                src: d.u64()?,
                dst: d.u64()?,
            },
            kind::REL_UPDATE => Record::RelUpdate {
                table: d.u64()?,
                rel_id: d.u64()?,
                pair: d.u32()?,
                src: d.u64()?,
                dst: d.u64()?,
                prop: d.u32()?,
                value: decode_value(&mut d, 0)?,
            },
            k => return Err(d.bad(&format!("unknown record type {k}"))),
        };
        if d.remaining() != 0 {
            return Err(d.bad("trailing bytes"));
        }
        Ok(r)
    }
}

fn encode_props(e: &mut Encoder, values: &[(u32, Value)]) -> Result<()> {
    e.u32(values.len() as u32);
    for (id, v) in values {
        e.u32(*id);
        encode_value(e, v)?;
    }
    Ok(())
}

fn decode_props(d: &mut Decoder) -> Result<Vec<(u32, Value)>> {
    let n = d.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(4096));
    for _ in 0..n {
        out.push((d.u32()?, decode_value(d, 0)?));
    }
    Ok(out)
}

/// A value, self-describing: a tag byte, then its payload (nested values recursively).
pub fn encode_value(e: &mut Encoder, v: &Value) -> Result<()> {
    match v {
        Value::Null => e.u8(0),
        Value::Bool(b) => {
            e.u8(1);
            e.bool(*b);
        }
        Value::Int8(x) => {
            e.u8(2);
            e.u8(*x as u8);
        }
        Value::Int16(x) => {
            e.u8(3);
            e.u16(*x as u16);
        }
        Value::Int32(x) => {
            e.u8(4);
            e.u32(*x as u32);
        }
        Value::Int64(x) => {
            e.u8(5);
            e.i64(*x);
        }
        Value::Int128(x) => {
            e.u8(6);
            e.i128(*x);
        }
        Value::UInt8(x) => {
            e.u8(7);
            e.u8(*x);
        }
        Value::UInt16(x) => {
            e.u8(8);
            e.u16(*x);
        }
        Value::UInt32(x) => {
            e.u8(9);
            e.u32(*x);
        }
        Value::UInt64(x) => {
            e.u8(10);
            e.u64(*x);
        }
        Value::Float(x) => {
            e.u8(11);
            e.u32(x.to_bits());
        }
        Value::Double(x) => {
            e.u8(12);
            e.u64(x.to_bits());
        }
        Value::Decimal {
            value,
            precision,
            scale,
        } => {
            e.u8(13);
            e.i128(*value);
            e.u8(*precision);
            e.u8(*scale);
        }
        Value::String(s) => {
            e.u8(14);
            e.str(s);
        }
        Value::Blob(b) => {
            e.u8(15);
            e.bytes(b);
        }
        Value::Uuid(u) => {
            e.u8(16);
            e.i128(*u as i128);
        }
        Value::Date(x) => {
            e.u8(17);
            e.u32(*x as u32);
        }
        Value::Timestamp(x) => {
            e.u8(18);
            e.i64(*x);
        }
        Value::TimestampNs(x) => {
            e.u8(19);
            e.i64(*x);
        }
        Value::TimestampMs(x) => {
            e.u8(20);
            e.i64(*x);
        }
        Value::TimestampSec(x) => {
            e.u8(21);
            e.i64(*x);
        }
        Value::TimestampTz(x) => {
            e.u8(22);
            e.i64(*x);
        }
        Value::Interval(i) => {
            e.u8(23);
            e.u32(i.months as u32);
            e.u32(i.days as u32);
            e.i64(i.micros);
        }
        Value::InternalId(id) => {
            e.u8(24);
            e.u64(id.table);
            e.u64(id.offset);
        }
        Value::List(items) | Value::Array(items) => {
            e.u8(if matches!(v, Value::List(_)) { 25 } else { 26 });
            e.u32(items.len() as u32);
            for x in items {
                encode_value(e, x)?;
            }
        }
        Value::Struct(fields) => {
            e.u8(27);
            e.u32(fields.len() as u32);
            for (n, x) in fields {
                e.str(n);
                encode_value(e, x)?;
            }
        }
        Value::Map(entries) => {
            e.u8(28);
            e.u32(entries.len() as u32);
            for (k, x) in entries {
                encode_value(e, k)?;
                encode_value(e, x)?;
            }
        }
        Value::Union { tag, value } => {
            e.u8(29);
            e.str(tag);
            encode_value(e, value)?;
        }
        Value::Node(_) | Value::Rel(_) | Value::Path(_) => {
            return Err(Error::Runtime(
                "a node, rel or path value cannot be stored as a property".into(),
            ))
        }
    }
    Ok(())
}

const MAX_DEPTH: u32 = 64;

pub fn decode_value(d: &mut Decoder, depth: u32) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(d.bad("values nested too deeply"));
    }
    let count = |d: &mut Decoder| -> Result<usize> {
        let n = d.u32()? as usize;
        // Every element takes at least one byte: a count past the rest is damage.
        if n > d.remaining() {
            return Err(d.bad("element count past the end of the record"));
        }
        Ok(n)
    };
    Ok(match d.u8()? {
        0 => Value::Null,
        1 => Value::Bool(d.bool()?),
        2 => Value::Int8(d.u8()? as i8),
        3 => Value::Int16(d.u16()? as i16),
        4 => Value::Int32(d.u32()? as i32),
        5 => Value::Int64(d.i64()?),
        6 => Value::Int128(d.i128()?),
        7 => Value::UInt8(d.u8()?),
        8 => Value::UInt16(d.u16()?),
        9 => Value::UInt32(d.u32()?),
        10 => Value::UInt64(d.u64()?),
        11 => Value::Float(f32::from_bits(d.u32()?)),
        12 => Value::Double(f64::from_bits(d.u64()?)),
        13 => Value::Decimal {
            value: d.i128()?,
            precision: d.u8()?,
            scale: d.u8()?,
        },
        14 => Value::String(d.str()?),
        15 => Value::Blob(d.bytes()?.to_vec()),
        16 => Value::Uuid(d.i128()? as u128),
        17 => Value::Date(d.u32()? as i32),
        18 => Value::Timestamp(d.i64()?),
        19 => Value::TimestampNs(d.i64()?),
        20 => Value::TimestampMs(d.i64()?),
        21 => Value::TimestampSec(d.i64()?),
        22 => Value::TimestampTz(d.i64()?),
        23 => Value::Interval(Interval {
            months: d.u32()? as i32,
            days: d.u32()? as i32,
            micros: d.i64()?,
        }),
        24 => Value::InternalId(InternalId {
            table: d.u64()?,
            offset: d.u64()?,
        }),
        t @ (25 | 26) => {
            let n = count(d)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(decode_value(d, depth + 1)?);
            }
            if t == 25 {
                Value::List(items)
            } else {
                Value::Array(items)
            }
        }
        27 => {
            let n = count(d)?;
            let mut fields = Vec::with_capacity(n);
            for _ in 0..n {
                let name = d.str()?;
                fields.push((name, decode_value(d, depth + 1)?));
            }
            Value::Struct(fields)
        }
        28 => {
            let n = count(d)?;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                let k = decode_value(d, depth + 1)?;
                entries.push((k, decode_value(d, depth + 1)?));
            }
            Value::Map(entries)
        }
        29 => {
            let tag = d.str()?;
            Value::Union {
                tag,
                value: Box::new(decode_value(d, depth + 1)?),
            }
        }
        t => return Err(d.bad(&format!("unknown value tag {t}"))),
    })
}

/// The 64-byte header of a WAL following checkpoint `generation` of database `db_id`.
pub fn encode_header(db_id: &[u8; 16], generation: u64) -> [u8; HEADER_LEN as usize] {
    let mut h = [0u8; HEADER_LEN as usize];
    h[..8].copy_from_slice(&WAL_MAGIC);
    h[8..12].copy_from_slice(&WAL_VERSION.to_le_bytes());
    h[16..32].copy_from_slice(db_id);
    h[32..40].copy_from_slice(&generation.to_le_bytes());
    let crc = crc32c::crc32c(&h[..60]);
    h[60..64].copy_from_slice(&crc.to_le_bytes());
    h
}

/// The committed transactions of a WAL, each its records without the COMMIT, and the commit
/// timestamp.
pub type Committed = Vec<(Vec<Record>, u64)>;

/// The open WAL of a writable database (or none, read-only).
pub struct Wal {
    file: Option<Arc<dyn StorageBackend>>,
    /// Bytes that hold the header and whole records (the next append goes here).
    len: u64,
    /// Bytes of committed transactions (a rollback cuts back to at least here).
    db_id: [u8; 16],
    generation: u64,
}

pub fn create_wal_file(path: &Path) -> Result<OsBackend> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
    drop(f);
    // The WAL's name must survive a crash as its synced records do.
    crate::storage::file::sync_parent_dir(path)?;
    OsBackend::open(path, true)
}

/// Opens (or creates, empty) the WAL file at `path` for writing.
pub fn open_wal_file(path: &Path) -> Result<OsBackend> {
    if !path.exists() {
        return create_wal_file(path);
    }
    OsBackend::open(path, true)
}

impl Wal {
    /// No WAL (a read-only database reads the last checkpoint only).
    pub fn none(db_id: [u8; 16], generation: u64) -> Wal {
        Wal {
            file: None,
            len: 0,
            db_id,
            generation,
        }
    }

    /// Opens a database's WAL: returns it (positioned after its last committed transaction,
    /// the rest cut off), the committed transactions to replay, and notes on what was found.
    pub fn open(
        file: Arc<dyn StorageBackend>,
        path: &Path,
        db_id: [u8; 16],
        generation: u64,
    ) -> Result<(Wal, Committed, Vec<String>)> {
        let mut notes = Vec::new();
        let flen = file.len()?;
        let mut wal = Wal {
            file: Some(file.clone()),
            len: HEADER_LEN,
            db_id,
            generation,
        };
        if flen < HEADER_LEN {
            // New, or a crash before the first header write completed: nothing committed.
            wal.reset(generation)?;
            return Ok((wal, Vec::new(), notes));
        }
        let mut h = [0u8; HEADER_LEN as usize];
        file.read_at(0, &mut h)?;
        let show = |p: &Path| p.display().to_string();
        if h[..8] != WAL_MAGIC {
            return Err(Error::corrupted(
                None,
                format!("{} is not a ruzu WAL file (bad magic bytes)", show(path)),
            ));
        }
        let crc = u32::from_le_bytes([h[60], h[61], h[62], h[63]]);
        if crc32c::crc32c(&h[..60]) != crc {
            return Err(Error::corrupted(
                None,
                format!("{}: WAL header checksum mismatch", show(path)),
            ));
        }
        let version = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
        if version != WAL_VERSION {
            return Err(Error::corrupted(
                None,
                format!(
                    "{}: WAL written by ruzu WAL format {version}, this build reads format {WAL_VERSION}",
                    show(path)
                ),
            ));
        }
        if h[16..32] != db_id {
            return Err(Error::corrupted(
                None,
                format!(
                    "{} belongs to another database (its database id differs from the database file's); move it away to open the database without it",
                    show(path)
                ),
            ));
        }
        let wal_gen = u64::from_le_bytes(h[32..40].try_into().unwrap_or([0; 8]));
        if wal_gen < generation {
            // Written before the last checkpoint, which already holds its transactions.
            if flen > HEADER_LEN {
                notes.push(format!(
                    "{}: discarded a WAL of checkpoint generation {wal_gen}: the database file's checkpoint {generation} already holds its transactions",
                    show(path)
                ));
            }
            wal.reset(generation)?;
            return Ok((wal, Vec::new(), notes));
        }
        if wal_gen > generation {
            return Err(Error::corrupted(
                None,
                format!(
                    "{} follows checkpoint generation {wal_gen}, but the database file's last checkpoint is {generation}: the WAL does not belong to this file",
                    show(path)
                ),
            ));
        }
        // Read whole records; keep transactions up to the last COMMIT.
        let mut pos = HEADER_LEN;
        let mut txns: Committed = Vec::new();
        let mut cur: Vec<Record> = Vec::new();
        let mut committed_end = HEADER_LEN;
        let mut torn = None;
        while pos < flen {
            if flen - pos < 8 {
                torn = Some("a record header is cut short");
                break;
            }
            let mut fh = [0u8; 8];
            file.read_at(pos, &mut fh)?;
            let len = u32::from_le_bytes([fh[0], fh[1], fh[2], fh[3]]);
            let crc = u32::from_le_bytes([fh[4], fh[5], fh[6], fh[7]]);
            if len == 0 || len > MAX_RECORD || (len as u64) > flen - pos - 8 {
                torn = Some("a record is cut short or its length is damaged");
                break;
            }
            let mut payload = vec![0u8; len as usize];
            file.read_at(pos + 8, &mut payload)?;
            if crc32c::crc32c_append(crc32c::crc32c(&fh[..4]), &payload) != crc {
                torn = Some("a record fails its checksum");
                break;
            }
            let rec = match Record::decode(&payload) {
                Ok(r) => r,
                Err(_) => {
                    torn = Some("a record cannot be decoded");
                    break;
                }
            };
            pos += 8 + len as u64;
            match rec {
                Record::Commit { ts } => {
                    txns.push((std::mem::take(&mut cur), ts));
                    committed_end = pos;
                }
                r => cur.push(r),
            }
        }
        if committed_end < flen {
            let why = match torn {
                Some(w) => format!("{w} at byte {pos}"),
                None => "the last transaction has no commit record".into(),
            };
            notes.push(format!(
                "{}: cut {} bytes after the last committed transaction ({why}); {} committed transaction(s) replayed",
                show(path),
                flen - committed_end,
                txns.len()
            ));
            file.set_len(committed_end)?;
            file.sync()?;
        }
        wal.len = committed_end;
        Ok((wal, txns, notes))
    }

    /// Bytes in the log (header included; 0 without a file).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the log holds no transaction.
    pub fn is_empty(&self) -> bool {
        self.len <= HEADER_LEN
    }

    /// Appends framed records (not synced).
    pub fn append(&mut self, bytes: &[u8]) -> Result<()> {
        let Some(f) = &self.file else {
            return Err(Error::Runtime("the database has no WAL (read-only)".into()));
        };
        if bytes.is_empty() {
            return Ok(());
        }
        f.write_at(self.len, bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// The WAL file, to sync without holding the WAL's lock (group commit).
    pub fn file(&self) -> Option<Arc<dyn StorageBackend>> {
        self.file.clone()
    }

    /// Makes every append durable.
    pub fn sync(&self) -> Result<()> {
        match &self.file {
            Some(f) => f.sync(),
            None => Ok(()),
        }
    }

    /// Cuts the log back to `len` bytes (a rolled-back transaction's records).
    pub fn truncate(&mut self, len: u64) -> Result<()> {
        let Some(f) = &self.file else { return Ok(()) };
        if len < self.len {
            f.set_len(len.max(HEADER_LEN))?;
            self.len = len.max(HEADER_LEN);
        }
        Ok(())
    }

    /// Starts an empty log following checkpoint `generation` (after a checkpoint).
    pub fn reset(&mut self, generation: u64) -> Result<()> {
        self.generation = generation;
        let Some(f) = &self.file else { return Ok(()) };
        f.set_len(0)?;
        f.write_at(0, &encode_header(&self.db_id, generation))?;
        f.sync()?;
        self.len = HEADER_LEN;
        Ok(())
    }
}

/// The path of `db`'s WAL.
pub fn path_of(db: &Path) -> PathBuf {
    super::wal_path(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::file::MemBackend;

    fn sample() -> Vec<Record> {
        vec![
            Record::Catalog(vec![1, 2, 3]),
            Record::NodeInsert {
                table: 2,
                offset: 7,
                values: vec![
                    (0, Value::Int64(-5)),
                    (1, Value::String("héllo".into())),
                    (
                        2,
                        Value::List(vec![Value::Double(1.5), Value::Null, Value::Date(-3)]),
                    ),
                    (
                        3,
                        Value::Struct(vec![(
                            "a".into(),
                            Value::Interval(Interval {
                                months: 1,
                                days: -2,
                                micros: 3,
                            }),
                        )]),
                    ),
                ],
            },
            Record::NodeUpdate {
                table: 2,
                offset: 7,
                prop: 1,
                value: Value::Null,
            },
            Record::RelInsert {
                table: 3,
                pair: 0,
                src: 1,
                dst: 2,
                rel_id: 99,
                values: vec![(
                    1,
                    Value::Decimal {
                        value: 12345,
                        precision: 10,
                        scale: 2,
                    },
                )],
            },
            Record::RelDelete {
                table: 3,
                rel_id: 99,
                pair: 0,
                src: 1,
                dst: 2,
            },
            Record::NodeDelete {
                table: 2,
                offset: 7,
            },
        ]
    }

    #[test]
    fn records_round_trip() {
        for r in sample() {
            let mut out = Vec::new();
            r.encode_into(&mut out).unwrap();
            let len = u32::from_le_bytes(out[..4].try_into().unwrap()) as usize;
            assert_eq!(Record::decode(&out[8..8 + len]).unwrap(), r);
        }
    }

    fn log(m: &MemBackend, db: [u8; 16], gen: u64, txns: &[(Vec<Record>, u64)]) -> Vec<u64> {
        let (mut w, got, _) = Wal::open(Arc::new(m.clone()), Path::new("w"), db, gen).unwrap();
        assert!(got.is_empty());
        let mut ends = Vec::new();
        for (recs, ts) in txns {
            let mut b = Vec::new();
            for r in recs {
                r.encode_into(&mut b).unwrap();
            }
            Record::Commit { ts: *ts }.encode_into(&mut b).unwrap();
            w.append(&b).unwrap();
            w.sync().unwrap();
            ends.push(w.len());
        }
        ends
    }

    #[test]
    fn torn_tails_are_cut_at_the_last_commit() {
        let db = [9u8; 16];
        let m = MemBackend::new();
        let t1 = (sample()[..2].to_vec(), 1);
        let t2 = (sample()[2..].to_vec(), 2);
        let ends = log(&m, db, 4, &[t1.clone(), t2.clone()]);
        let full = m.contents();
        // Every cut point: the transactions whose commit record is whole survive, nothing else.
        for cut in (HEADER_LEN as usize)..=full.len() {
            let c = MemBackend::from_bytes(full[..cut].to_vec());
            let (w, got, notes) = Wal::open(Arc::new(c.clone()), Path::new("w"), db, 4).unwrap();
            let want: Vec<(Vec<Record>, u64)> = [&t1, &t2]
                .iter()
                .zip(&ends)
                .filter(|(_, &e)| e as usize <= cut)
                .map(|(t, _)| (*t).clone())
                .collect();
            assert_eq!(got, want, "cut at {cut}");
            assert_eq!(c.contents().len() as u64, w.len());
            assert_eq!(
                notes.is_empty(),
                ends.contains(&(cut as u64)) || cut == HEADER_LEN as usize
            );
        }
        // A flipped byte in the second transaction: only the first survives.
        let mut bad = full.clone();
        let at = ends[0] as usize + 12;
        bad[at] ^= 0x40;
        let (_, got, _) =
            Wal::open(Arc::new(MemBackend::from_bytes(bad)), Path::new("w"), db, 4).unwrap();
        assert_eq!(got, vec![t1]);
    }

    #[test]
    fn foreign_and_stale_logs() {
        let db = [9u8; 16];
        let m = MemBackend::new();
        log(&m, db, 4, &[(sample(), 1)]);
        let bytes = m.contents();
        let other = Wal::open(
            Arc::new(MemBackend::from_bytes(bytes.clone())),
            Path::new("w"),
            [1u8; 16],
            4,
        );
        assert!(other
            .err()
            .unwrap()
            .to_string()
            .contains("belongs to another database"));
        let newer = Wal::open(
            Arc::new(MemBackend::from_bytes(bytes.clone())),
            Path::new("w"),
            db,
            3,
        );
        assert!(newer.err().unwrap().to_string().contains("does not belong"));
        let stale = MemBackend::from_bytes(bytes);
        let (w, got, notes) = Wal::open(Arc::new(stale.clone()), Path::new("w"), db, 5).unwrap();
        assert!(got.is_empty() && w.is_empty());
        assert!(notes[0].contains("discarded"), "{notes:?}");
        assert_eq!(stale.contents().len() as u64, HEADER_LEN);
    }
}
