//! Loading the fixtures and reading every value back through the storage API; reopening;
//! byte-identical output whatever the thread count; datasets larger than the buffer pool.

mod common;

use common::*;
use ruzu::types::temporal::{parse_date, parse_timestamp};
use ruzu::{Config, Database, Value};

fn date(s: &str) -> Value {
    Value::Date(parse_date(s).unwrap())
}

fn ts(s: &str) -> Value {
    Value::Timestamp(parse_timestamp(s).unwrap())
}

fn s(x: &str) -> Value {
    Value::String(x.into())
}

#[test]
fn fixtures_load_and_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fx.ruzu");
    let report = load_fixtures(&out, 2);
    let rows: Vec<(std::string::String, u64)> = report
        .tables
        .iter()
        .map(|t| (t.name.clone(), t.rows))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Person".into(), 8),
            ("City".into(), 4),
            ("knows".into(), 10),
            ("livesIn".into(), 6)
        ]
    );
    let db = Database::open(&out).unwrap();
    let people = node_rows(&db, "Person");
    use Value::*;
    let expected = vec![
        vec![
            Int64(1),
            s("Alice"),
            Int16(34),
            Float(1.68),
            Double(0.91),
            Bool(true),
            UInt32(12),
            Int8(-5),
            UInt64(u64::MAX),
            date("1990-01-15"),
            ts("2020-03-01 10:15:00"),
        ],
        vec![
            Int64(2),
            s("Bob"),
            Int16(45),
            Float(1.82),
            Double(0.5),
            Bool(false),
            UInt32(0),
            Int8(127),
            UInt64(0),
            date("1979-07-04"),
            ts("2019-11-23 08:00:00.5"),
        ],
        vec![
            Int64(3),
            s("Carol \"CJ\" Jones"),
            Int16(29),
            Null,
            Double(0.25),
            Bool(true),
            UInt32(3),
            Int8(-128),
            UInt64(42),
            date("1995-02-28"),
            Null,
        ],
        vec![
            Int64(4),
            s("Dan, Jr."),
            Null,
            Float(1.75),
            Null,
            Bool(false),
            UInt32(7),
            Int8(0),
            UInt64(1),
            Null,
            ts("2021-06-30 23:59:59"),
        ],
        vec![
            Int64(5),
            s("Eve"),
            Int16(61),
            Float(1.6),
            Double(0.75),
            Null,
            UInt32(u32::MAX),
            Int8(1),
            UInt64(2),
            date("1962-12-31"),
            ts("2018-01-01 00:00:00"),
        ],
        vec![
            Int64(6),
            Null,
            Int16(22),
            Float(1.9),
            Double(0.1),
            Bool(true),
            UInt32(1),
            Int8(2),
            UInt64(3),
            date("2002-05-05"),
            ts("2022-02-02 02:02:02"),
        ],
        vec![
            Int64(7),
            s("Fay\nMultiline"),
            Int16(50),
            Float(1.7),
            Double(0.6),
            Bool(false),
            UInt32(9),
            Int8(3),
            UInt64(4),
            date("1974-10-10"),
            ts("2017-07-07 07:07:07"),
        ],
        vec![
            Int64(8),
            s("Gus"),
            Int16(-1),
            Float(0.5),
            Double(-3.5),
            Bool(true),
            UInt32(5),
            Int8(-1),
            UInt64(5),
            date("1900-01-01"),
            ts("1970-01-01 00:00:00"),
        ],
    ];
    assert_eq!(people, expected);
    assert_eq!(
        node_rows(&db, "City"),
        vec![
            vec![s("Springfield"), Int32(30720)],
            vec![s("Paris, TX"), Int32(24171)],
            vec![s("Zürich"), Int32(421878)],
            vec![s("Nowhere"), Null],
        ]
    );
    // knows, forward: by source offset, then file order; rel ids are file order.
    let fwd = rel_rows(&db, "knows", true);
    let expect_fwd = vec![
        (0, 1, 0, vec![Int64(2010), Double(0.5)]),
        (0, 2, 1, vec![Int64(2012), Double(1.5)]),
        (0, 1, 7, vec![Int64(2018), Double(0.75)]),
        (1, 2, 2, vec![Int64(2015), Null]),
        (2, 0, 3, vec![Null, Double(0.25)]),
        (3, 4, 4, vec![Int64(2020), Double(2.0)]),
        (4, 0, 5, vec![Int64(2001), Double(1.0)]),
        (4, 4, 6, vec![Int64(2003), Double(3.0)]),
        (6, 7, 8, vec![Int64(1999), Null]),
        (7, 6, 9, vec![Int64(1999), Double(0.1)]),
    ];
    assert_eq!(fwd, expect_fwd);
    // Backward: by destination, then rel id; the same rels with the same properties.
    let mut bwd = rel_rows(&db, "knows", false);
    let mut from_fwd: Vec<_> = expect_fwd
        .iter()
        .map(|(a, b, id, p)| (*b, *a, *id, p.clone()))
        .collect();
    from_fwd.sort_by_key(|r| (r.0, r.2));
    assert_eq!(bwd, from_fwd);
    bwd.sort_by_key(|r| r.2);
    let lives = rel_rows(&db, "livesIn", true);
    assert_eq!(
        lives,
        vec![
            (0, 0, 0, vec![date("2015-01-01")]),
            (1, 1, 1, vec![date("2010-06-15")]),
            (2, 2, 2, vec![Null]),
            (3, 0, 3, vec![date("2020-02-29")]),
            (4, 0, 4, vec![date("1990-09-09")]),
            (6, 3, 5, vec![date("2000-01-01")]),
        ]
    );
    drop(db);
    // Reopened read-only, the same data.
    let db = Database::open_with(
        &out,
        Config {
            read_only: true,
            ..Config::default()
        },
    )
    .unwrap();
    assert_eq!(node_rows(&db, "Person"), expected);
    assert_eq!(ruzu::inspect::check(&out).unwrap().tables, 4);
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.ruzu");
    let b = dir.path().join("b.ruzu");
    load_fixtures(&a, 1);
    load_fixtures(&b, 4);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// A dataset about 8 times the buffer budget, read back completely with a 1 MiB pool.
#[test]
fn dataset_larger_than_the_buffer_pool() {
    let dir = tempfile::tempdir().unwrap();
    let nodes = dir.path().join("N.csv");
    let rels = dir.path().join("R.csv");
    let n = 200_000u64;
    let mut text = String::from("id,name,v\n");
    for i in 0..n {
        text.push_str(&format!(
            "{},name-{:08}-{},{}\n",
            i * 7919 % 1_000_003,
            i,
            i * 2_654_435_761 % 1_000_000_007,
            i as f64 * 0.5
        ));
    }
    std::fs::write(&nodes, text).unwrap();
    let mut text = String::from("a,b,w\n");
    for i in 0..n {
        let a = i * 7919 % 1_000_003;
        let b = ((i * 31 + 7) % n) * 7919 % 1_000_003;
        text.push_str(&format!("{a},{b},{i}\n"));
    }
    std::fs::write(&rels, text).unwrap();
    let catalog = ruzu::loader::schema::catalog_from_schema(
        "CREATE NODE TABLE N(id INT64, name STRING, v DOUBLE, PRIMARY KEY(id));
         CREATE REL TABLE R(FROM N TO N, w INT64);",
        "inline",
    )
    .unwrap();
    let out = dir.path().join("big.ruzu");
    ruzu::loader::load::run_load(&ruzu::loader::load::LoadRequest {
        catalog,
        nodes: vec![files("N", &[nodes])],
        rels: vec![files("R", &[rels])],
        output: out.clone(),
        force: false,
        threads: 2,
        memory_limit: 1 << 20,
        db_id: None,
        csv: ruzu_load_csv(),
        ..Default::default()
    })
    .unwrap();
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size > 8 << 20, "file is only {size} bytes");
    let db = Database::open_with(
        &out,
        Config {
            buffer_pool_size: 1 << 20,
            ..Config::default()
        },
    )
    .unwrap();
    let rows = node_rows(&db, "N");
    assert_eq!(rows.len() as u64, n);
    for (i, r) in rows.iter().enumerate() {
        let i = i as u64;
        assert_eq!(r[0], Value::Int64((i * 7919 % 1_000_003) as i64));
        assert_eq!(
            r[1],
            Value::String(format!("name-{i:08}-{}", i * 2_654_435_761 % 1_000_000_007))
        );
        assert_eq!(r[2], Value::Double(i as f64 * 0.5));
    }
    let rels = rel_rows(&db, "R", true);
    assert_eq!(rels.len() as u64, n);
    for (src, dst, id, props) in rels {
        // Node offsets are file order; rel i goes from node i to node (i*31+7) % n.
        assert_eq!(src, id);
        assert_eq!(dst, (id * 31 + 7) % n);
        assert_eq!(props, vec![Value::Int64(id as i64)]);
    }
    assert!(db.pager().pool().resident_frames() <= 256);
}
