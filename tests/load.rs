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

/// Keys are inserted and endpoints looked up in large deferred batches (one pass over the
/// index per batch); errors must still name the row the per-batch pipeline named: the first
/// duplicate in file order, and the first batch with a missing endpoint (FROM before TO).
#[test]
fn errors_name_the_same_row_when_keys_are_deferred() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, header: &str, rows: &[String]| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        p
    };
    let n1: Vec<String> = (0..1000).map(|i| format!("{i},a{i}")).collect();
    let mut n2: Vec<String> = (1000..2000).map(|i| format!("{i},b{i}")).collect();
    // Line numbers count the header: row k of the file is on line k + 2.
    n2[498] = "17,dup-of-n1".into(); // N2.csv line 500
    n2[698] = "1200,dup-of-n2".into(); // N2.csv line 700 (a later duplicate)
    let n1 = write("N1.csv", "id,name", &n1);
    let n2p = write("N2.csv", "id,name", &n2);
    let schema = "CREATE NODE TABLE N(id INT64, name STRING, PRIMARY KEY(id));
                  CREATE REL TABLE R(FROM N TO N, w INT64);";
    let csv = ruzu::loader::csv::CsvOptions {
        chunk_size: 256,
        ..ruzu_load_csv()
    };
    let where_ = |e: ruzu::Error| match e {
        ruzu::Error::Input(e) => e.location_form(),
        e => panic!("not an input error: {e}"),
    };
    let load = |nodes: Vec<std::path::PathBuf>, rels: Vec<std::path::PathBuf>, out: &str| {
        ruzu::loader::load::run_load(&ruzu::loader::load::LoadRequest {
            catalog: ruzu::loader::schema::catalog_from_schema(schema, "inline").unwrap(),
            nodes: vec![files("N", &nodes)],
            rels: vec![files("R", &rels)],
            output: dir.path().join(out),
            threads: 2,
            memory_limit: 64 << 20,
            csv: csv.clone(),
            ..Default::default()
        })
    };
    let e = where_(load(vec![n1.clone(), n2p], vec![], "dup.ruzu").unwrap_err());
    assert!(e.contains("N2.csv:500:1"), "{e}");
    assert!(e.contains("17"), "{e}");

    let good: Vec<String> = (1000..2000).map(|i| format!("{i},b{i}")).collect();
    let n2 = write("N2.csv", "id,name", &good);
    // Batches are at least 64 KiB: 20,000 rows make several.
    let mut r1: Vec<String> = (0..20_000)
        .map(|i| format!("{},{},{i}", i % 2000, (i + 1) % 2000))
        .collect();
    r1[298] = "5,999999,1".into(); // R1.csv line 300: TO is missing
    r1[14_998] = "888888,5,1".into(); // R1.csv line 15000: FROM is missing (a later batch)
    let mut r2: Vec<String> = (0..1000).map(|i| format!("{i},{},{i}", i + 2)).collect();
    r2[8] = "777777,5,1".into(); // R2.csv line 10
    let r1 = write("R1.csv", "a,b,w", &r1);
    let r2 = write("R2.csv", "a,b,w", &r2);
    let e = where_(load(vec![n1.clone(), n2.clone()], vec![r1, r2], "rel.ruzu").unwrap_err());
    assert!(e.contains("R1.csv:300:2") && e.contains("999999"), "{e}");
    // Within one batch, a missing FROM is named before a missing TO of an earlier row.
    let mut r3: Vec<String> = (0..10).map(|i| format!("{i},{},{i}", i + 1)).collect();
    r3[2] = "1,424242,1".into();
    r3[3] = "434343,1,1".into();
    let r3 = write("R3.csv", "a,b,w", &r3);
    let e = where_(load(vec![n1.clone(), n2.clone()], vec![r3], "rel3.ruzu").unwrap_err());
    assert!(e.contains("R3.csv:5:1") && e.contains("434343"), "{e}");
    // And a good load over many batches reads back every rel.
    let out = load(vec![n1, n2], vec![r2_good(&dir)], "good.ruzu");
    assert!(out.is_ok(), "{out:?}");
    let db = Database::open(dir.path().join("good.ruzu")).unwrap();
    let rels = rel_rows(&db, "R", true);
    assert_eq!(rels.len(), 2000);
    for (src, dst, _, props) in rels {
        let Value::Int64(w) = props[0] else { panic!() };
        assert_eq!(dst, src + 1 + u64::from(w >= 1000), "{src} {dst} {w}");
    }
}

fn r2_good(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let p = dir.path().join("Rgood.csv");
    let mut text = String::from("a,b,w\n");
    for i in 0..1000 {
        text.push_str(&format!("{i},{},{i}\n", i + 1));
    }
    for i in 0..1000 {
        text.push_str(&format!("{},{},{}\n", i + 500, i + 502, i + 1000));
    }
    std::fs::write(&p, text).unwrap();
    p
}
