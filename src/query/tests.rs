//! Tests of the query path that need crate internals: primary-key lookups through a real
//! hash index (built here the way the loader stores it).

use crate::db::Database;
use crate::storage::index::{HashIndex, IndexKeyType};
use crate::storage::page::Encoder;
use crate::types::vector::Column;
use crate::types::{LogicalType, Value};

fn rows(db: &Database, q: &str) -> Vec<String> {
    db.connect()
        .query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn pk_lookup_through_the_hash_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let csv = dir.path().join("p.csv");
    let mut text = String::from("id,name\n");
    for i in 0..5000 {
        text.push_str(&format!("{},n{}\n", i * 7, i));
    }
    std::fs::write(&csv, text).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE P(id INT64, name STRING, PRIMARY KEY(id))")
        .unwrap();
    c.query(&format!("COPY P FROM '{}' (header=true)", csv.display()))
        .unwrap();
    // Build the index over the id column and commit it as the table's pk index.
    let snap = db.snapshot();
    let id = snap.catalog.table("P").unwrap().id;
    let mut keys = Column::new(LogicalType::Int64);
    snap.meta
        .node(id)
        .unwrap()
        .scan(db.pager().pool(), 0, 0, 5000, &mut keys)
        .unwrap();
    let mut session = HashIndex::new(IndexKeyType::Int64).begin();
    let pool = db.pager().pool();
    db.pager()
        .with_allocator(|a| session.insert_column(pool, a, &keys, 0))
        .unwrap()
        .unwrap();
    let (idx, replaced) = session.finish(pool).unwrap();
    assert!(replaced.is_empty());
    let mut e = Encoder::new();
    idx.encode(&mut e);
    db.store()
        .write(|next| {
            if let Some(crate::storage::table::TableData::Node(n)) = next.meta.tables.get_mut(&id) {
                n.pk_index = e.buf;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(
        rows(&db, "MATCH (p:P {id: 700}) RETURN p.name, id(p)"),
        ["n100|0:100"]
    );
    assert_eq!(
        rows(&db, "MATCH (p:P) WHERE p.id = 701 RETURN p.name"),
        Vec::<String>::new()
    );
    let mut params = crate::db::Params::new();
    params.insert("k".into(), Value::Int64(34993));
    let st = c
        .prepare("MATCH (p:P) WHERE p.id = $k RETURN p.name")
        .unwrap();
    let got: Vec<Vec<Value>> = c
        .execute(&st, &params)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(got, vec![vec![Value::String("n4999".into())]]);
    let plan = rows(&db, "EXPLAIN MATCH (p:P {id: 7}) RETURN p.name");
    assert!(plan[0].contains("INDEX_SCAN_NODE"), "{plan:?}");
}

/// A small graph: persons with lists, a knows rel with a weight.
fn small_db() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let p = dir.path().join("p.csv");
    std::fs::write(
        &p,
        "id,name,hours\n1,Ann,\"[10,5]\"\n2,Bob,\"[1,9]\"\n3,Cy,\n",
    )
    .unwrap();
    let k = dir.path().join("k.csv");
    std::fs::write(&k, "from,to,w\n1,2,7\n2,3,8\n1,3,9\n").unwrap();
    let c = db.connect();
    for q in [
        "CREATE NODE TABLE P(id INT64, name STRING, hours INT64[], PRIMARY KEY(id))".to_string(),
        "CREATE REL TABLE K(FROM P TO P, w INT64)".to_string(),
        format!("COPY P FROM '{}' (header=true)", p.display()),
        format!("COPY K FROM '{}' (header=true)", k.display()),
    ] {
        c.query(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    (dir, db)
}

fn header(db: &Database, q: &str) -> Vec<String> {
    db.connect().query(q).unwrap().column_names().to_vec()
}

#[test]
fn lambdas_and_quantifiers() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(
            &db,
            "MATCH (p:P) RETURN p.id, list_transform(p.hours, x -> x + p.id), \
             list_filter(p.hours, x -> x > 5), any(h IN p.hours WHERE h = 9) ORDER BY p.id"
        ),
        ["1|[11,6]|[10]|False", "2|[3,11]|[9]|True", "3|||"]
    );
    assert_eq!(
        rows(
            &db,
            "MATCH (p:P) WHERE all(h IN p.hours WHERE h >= 5) RETURN p.name"
        ),
        ["Ann"]
    );
    assert_eq!(
        rows(
            &db,
            "RETURN list_reduce([1,2,3], (x, y) -> x * 10 + y), \
             single(x IN [1,2,3] WHERE x > 2), none(x IN [1,2] WHERE any(y IN [2] WHERE y = x))"
        ),
        ["123|True|False"]
    );
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("RETURN any(x IN NULL WHERE x = 5)").as_deref(),
        Some("Binder exception:  has data type ANY but LIST was expected.")
    );
    assert_eq!(
        err("RETURN list_transform([1], 1)").as_deref(),
        Some("Binder exception: The second argument of LIST_TRANSFORM should be a lambda expression but got LITERAL.")
    );
    assert_eq!(
        err("RETURN list_extract([1], x -> x)").as_deref(),
        Some("Binder exception: LIST_EXTRACT does not support lambda input.")
    );
}

#[test]
fn case_takes_the_last_then_type() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "RETURN CASE WHEN true THEN 1 WHEN false THEN 2.5 END, CASE 1 WHEN NULL THEN 5 ELSE 3 END"),
        ["1.000000|5"]
    );
    // A branch not taken may hold a literal that does not convert to the result type.
    assert_eq!(
        rows(&db, "RETURN CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 1 END"),
        ["1"]
    );
    assert_eq!(
        rows(&db, "MATCH (p:P) WITH CASE WHEN p.id = 1 THEN [] ELSE p.hours END AS h RETURN h ORDER BY size(h)"),
        ["[]", "[1,9]", ""]
    );
}

#[test]
fn property_star_expands_in_table_order() {
    let (_d, db) = small_db();
    assert_eq!(
        header(&db, "MATCH (p:P) RETURN p.*"),
        ["p.id", "p.name", "p.hours"]
    );
    assert_eq!(
        rows(&db, "MATCH (p:P) RETURN p.* ORDER BY p.id DESC LIMIT 2"),
        ["3|Cy|", "2|Bob|[1,9]"]
    );
    assert_eq!(
        rows(&db, "MATCH (:P)-[k:K]->(:P) RETURN k.* ORDER BY k.w"),
        ["7", "8", "9"]
    );
    assert_eq!(
        header(&db, "WITH {a: 1, b: 'x'} AS s RETURN s.*"),
        ["STRUCT_EXTRACT(s,a)", "STRUCT_EXTRACT(s,b)"]
    );
}

#[test]
fn collect_of_nodes_and_rels() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "MATCH (p:P) WHERE p.id < 3 RETURN collect(p)"),
        ["[{_ID: 0:0, _LABEL: P, id: 1, name: Ann, hours: [10,5]},{_ID: 0:1, _LABEL: P, id: 2, name: Bob, hours: [1,9]}]"]
    );
    assert_eq!(
        rows(
            &db,
            "MATCH (a:P)-[k:K]->(b:P) WHERE k.w > 7 RETURN a.id, collect(k) ORDER BY a.id"
        ),
        [
            "1|[(0:0)-{_LABEL: K, _ID: 1:2, w: 9}->(0:2)]",
            "2|[(0:1)-{_LABEL: K, _ID: 1:1, w: 8}->(0:2)]"
        ]
    );
    // NULL properties are left out, NULL elements (OPTIONAL MATCH) are not collected; a group
    // of NULLs collects NULL, as in Kuzu.
    assert_eq!(
        rows(&db, "MATCH (a:P) OPTIONAL MATCH (a)-[:K]->(b:P) WITH a, collect(b) AS bs RETURN a.id, size(bs), bs ORDER BY a.id"),
        [
            "1|2|[{_ID: 0:1, _LABEL: P, id: 2, name: Bob, hours: [1,9]},{_ID: 0:2, _LABEL: P, id: 3, name: Cy}]",
            "2|1|[{_ID: 0:2, _LABEL: P, id: 3, name: Cy}]",
            "3||"
        ]
    );
    assert_eq!(
        rows(&db, "MATCH (a:P) WHERE a.id = 3 RETURN [a], collect(id(a))"),
        ["[{_ID: 0:2, _LABEL: P, id: 3, name: Cy}]|[0:2]"]
    );
    assert_eq!(
        rows(&db, "MATCH (a:P)-[k:K]->(b:P) WHERE a.id = 1 RETURN struct_extract(k, '_src'), struct_extract(k, '_dst'), struct_extract(k, '_id'), offset(id(k)), struct_extract(k, '_label') ORDER BY k.w"),
        ["0:0|0:1|1:0|0|K", "0:0|0:2|1:2|2|K"]
    );
}

#[test]
fn system_fields_are_not_properties() {
    let (_d, db) = small_db();
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("MATCH ()-[e:K]->() WHERE e._id > 1 RETURN count(*)").as_deref(),
        Some("Binder exception: _id is reserved for system usage. External access is not allowed.")
    );
    assert_eq!(
        err("MATCH (a:P) RETURN a.name, a.*").as_deref(),
        Some(
            "Binder exception: Multiple result column with the same name a.name are not supported."
        )
    );
    assert_eq!(
        err("MATCH ()-[e:K]->() RETURN e._src").as_deref(),
        Some("Binder exception: Cannot find property _src for e.")
    );
    assert_eq!(
        err("MATCH ()-[e:K]->() RETURN size(e)").as_deref(),
        Some("Binder exception: Function SIZE did not receive correct arguments:\nActual:   (REL)\nExpected: (LIST) -> INT64\n          (ARRAY) -> INT64\n          (MAP) -> INT64\n          (STRING) -> INT64\n")
    );
}

#[test]
fn element_and_struct_functions() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "MATCH (p:P)-[k:K]->() WHERE p.id = 2 RETURN keys(p), keys(k), typeof(p), typeof(k), id(k) = internal_id(1, 1)"),
        ["[id,name,hours]|[w]|NODE|REL|True"]
    );
    assert_eq!(
        rows(
            &db,
            "RETURN STRUCT_PACK(x := 2, y := 'a'), internal_id(2, 3), keys(null)"
        ),
        ["{x: 2, y: a}|2:3|"]
    );
    assert_eq!(
        rows(&db, "RETURN union_tag(union_value(b := 1)), CAST(42 AS UNION(a STRING, c FLOAT)), TO_BLOB('\\\\xAA')"),
        ["b|42.000000|\\xAA"]
    );
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("RETURN STRUCT_PACK('a')").as_deref(),
        Some("Binder exception: Cannot infer field name for a.")
    );
    assert_eq!(
        err("RETURN coalesce(1, 'hello')").as_deref(),
        Some("Binder exception: Expression hello has data type STRING but expected INT64. Implicit cast is not supported.")
    );
    assert_eq!(
        err("RETURN CAST(CAST(300 AS INT64) AS UNION(a INT8, b BOOL))").as_deref(),
        Some("Conversion exception: Cannot cast from INT64 to UNION(a INT8, b BOOL), target type has no compatible field.")
    );
}

#[test]
fn start_and_end_nodes_of_rels() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "MATCH ()-[k:K]->() WHERE k.w = 8 RETURN START_NODE(k), END_NODE(k).name, id(END_NODE(k))"),
        ["{_ID: 0:1, _LABEL: P, id: 2, name: Bob, hours: [1,9]}|Cy|0:2"]
    );
    assert_eq!(
        rows(
            &db,
            "MATCH ()-[k:K]->() WHERE START_NODE(k).name = 'Ann' RETURN k.w ORDER BY k.w"
        ),
        ["7", "9"]
    );
}

#[test]
fn exists_and_count_subqueries() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "MATCH (a:P) WHERE EXISTS { MATCH (a)-[:K]->(b:P) WHERE b.id = 3 } RETURN a.id ORDER BY a.id"),
        ["1", "2"]
    );
    assert_eq!(
        rows(&db, "MATCH (a:P) WHERE NOT (a)-[:K]->(:P) RETURN a.name"),
        ["Cy"]
    );
    assert_eq!(
        rows(&db, "MATCH (a:P) WITH a, a.id + 1 AS n RETURN a.id, COUNT { MATCH (a)-[:K]->(b:P) WHERE b.id >= n } ORDER BY a.id"),
        ["1|2", "2|1", "3|0"]
    );
    assert_eq!(
        rows(&db, "MATCH (a:P) WHERE a.id < 3 RETURN a.id, EXISTS { MATCH (x)-[:K]->(y) WHERE x.id = 3 } ORDER BY a.id"),
        ["1|False", "2|False"]
    );
}

#[test]
fn scalar_functions_as_kuzu() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "RETURN 0.0 / 0.0 = 0.0 / 0.0, 0.0 / 0.0 <> 0.0 / 0.0, 0.0 / 0.0 < 0.0 / 0.0, 0.0 / 0.0 >= 0.0 / 0.0"),
        ["False|True|True|False"]
    );
    assert_eq!(
        rows(&db, "RETURN lpad('ab', 4, 'é'), array_extract('Roma', 6), array_extract('Roma', -9), 'Roma'[6], 'Roma'[4]"),
        ["ééab|a|R||a"]
    );
    assert_eq!(
        rows(&db, "RETURN levenshtein('é', 'e'), regexp_split_to_array('?a??b?', '[?]'), string_to_array('abc', '')"),
        ["2|[a,b]|[a,b,c]"]
    );
    assert_eq!(rows(&db, "RETURN round(lgamma(934), 4)"), ["5451.570300"]);
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("RETURN regexp_replace('a', 'a', 'b', 'x')").as_deref(),
        Some("Binder exception: regex_replace can only support global replace option: g.")
    );
    assert_eq!(
        err("MATCH (p:P) WHERE count(p) > 1 RETURN p").as_deref(),
        Some("Cannot evaluate expression with type AGGREGATE_FUNCTION.")
    );
    assert_eq!(
        err("RETURN count(count(*))").as_deref(),
        Some("Binder exception: Expression COUNT(COUNT_STAR()) contains nested aggregation.")
    );
}

#[test]
fn unknown_and_table_functions_are_reported_first() {
    let (_d, db) = small_db();
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("MATCH (a:P) RETURN dummy(n)").as_deref(),
        Some("Catalog exception: function DUMMY does not exist.")
    );
    assert_eq!(
        err("RETURN db_version()").as_deref(),
        Some("Binder exception: DB_VERSION is a TABLE_FUNCTION_ENTRY. Scalar function, aggregate function or macro was expected.")
    );
    assert_eq!(
        err("MATCH (a:P) RETURN [a.id, a.name]").as_deref(),
        Some("Binder exception: Expression a.name has data type STRING but expected INT64. Implicit cast is not supported.")
    );
    assert_eq!(
        rows(
            &db,
            "RETURN CAST('-99999999999999999999999999999999999999' AS DECIMAL(38, 0))"
        ),
        ["-99999999999999999999999999999999999999"]
    );
}

#[test]
fn pattern_binder_messages() {
    let (_d, db) = small_db();
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("MATCH (r:P) MATCH ()-[r]-() RETURN r").as_deref(),
        Some("Binder exception: r has data type NODE but REL was expected.")
    );
    assert_eq!(
        err("WITH 123 AS r MATCH ()-[r]-() RETURN r").as_deref(),
        Some("Binder exception: r has data type INT64 but REL was expected.")
    );
    assert_eq!(
        err("MATCH (s:P) WHERE s.name = undefinedVariable AND s.age = 10 RETURN s").as_deref(),
        Some("Binder exception: Variable undefinedVariable is not in scope.")
    );
}

#[test]
fn unwound_collected_nodes_are_nodes_again() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "MATCH (a:P) WHERE a.id < 3 WITH collect(a) AS l UNWIND l AS a MATCH (a)-[:K]->(b:P) RETURN a.name, b.name ORDER BY a.name, b.name"),
        ["Ann|Bob", "Ann|Cy", "Bob|Cy"]
    );
    assert_eq!(
        rows(
            &db,
            "MATCH (a:P) WHERE a.id = 3 WITH collect(a) AS l UNWIND l AS d RETURN d.*, d"
        ),
        ["0:2|P|3|Cy||{_ID: 0:2, _LABEL: P, id: 3, name: Cy}"]
    );
    assert_eq!(
        rows(&db, "MATCH ()-[k:K]->() WHERE k.w = 9 WITH collect(k) AS l UNWIND l AS e RETURN e._id, e.w, id(e)"),
        ["1:2|9|1:2"]
    );
}

#[test]
fn nodes_pass_through_case_coalesce_and_structs() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(&db, "MATCH (a:P) WHERE a.id = 3 RETURN CASE WHEN true THEN a END, coalesce(NULL, a), {x: a}.x.name, struct_extract(list_append([a], a)[2], 'id'), offset(id(coalesce(a)))"),
        ["{_ID: 0:2, _LABEL: P, id: 3, name: Cy}|{_ID: 0:2, _LABEL: P, id: 3, name: Cy}|Cy|3|2"]
    );
}

#[test]
fn cast_and_overflow_messages() {
    let (_d, db) = small_db();
    let err = |q: &str| db.connect().query(q).err().map(|e| e.to_string());
    assert_eq!(
        err("RETURN cast(85070591730234615865843651857942052864, 'int128') * cast(2, 'int128')")
            .as_deref(),
        Some("Overflow exception: INT128 is out of range: cannot multiply.")
    );
    assert_eq!(
        err("RETURN cast(1000000000000, 'UINT64') * cast(100000000, 'UINT64')").as_deref(),
        Some("Overflow exception: Value 100000000 * 1000000000000 is not within UINT64 range.")
    );
    assert_eq!(
        err("RETURN cast('2112-08 08:21:23', 'TIMESTAMP_MS')").as_deref(),
        Some("Conversion exception: Error occurred during parsing TIMESTAMP_MS. Given: \"2112-08 08:21:23\". Expected format: (YYYY-MM-DD hh:mm:ss[.zzzzzz][+-TT[:tt]])")
    );
    assert_eq!(
        err("RETURN CAST(CAST(999.99 AS DECIMAL(5, 2)) AS DECIMAL(4, 1))").as_deref(),
        Some("Overflow exception: Decimal Cast Failed: input 999.99 is not in range of DECIMAL(4, 1)")
    );
    assert_eq!(
        err("RETURN to_timestamp(9223372036854775808)").as_deref(),
        Some("Conversion exception: Could not convert epoch seconds to TIMESTAMP")
    );
    assert_eq!(
        err("RETURN CAST(union_value(x := 1) AS UNION(q INT64, w STRING))").as_deref(),
        Some("Conversion exception: Cannot cast from UNION(x INT64) to UNION(q INT64, w STRING), target type is missing field 'x'.")
    );
}

#[test]
fn presentation_of_ids_and_element_structs() {
    use crate::query::{display_type, present};
    use crate::types::{InternalId, NodeValue};
    let node_ty = LogicalType::Struct(vec![
        ("_ID".into(), LogicalType::InternalId),
        ("_LABEL".into(), LogicalType::String),
        ("x".into(), LogicalType::Int64),
        ("y".into(), LogicalType::String),
    ]);
    let list_ty = LogicalType::List(Box::new(node_ty.clone()));
    let v = Value::List(vec![
        Value::Struct(vec![
            ("_ID".into(), Value::UInt64((1 << 48) | 7)),
            ("_LABEL".into(), Value::String("L".into())),
            ("x".into(), Value::Int64(3)),
            ("y".into(), Value::Null),
        ]),
        Value::Null,
    ]);
    assert_eq!(
        present(v, &list_ty),
        Value::List(vec![
            Value::Node(Box::new(NodeValue {
                id: InternalId {
                    table: 1,
                    offset: 7
                },
                label: "L".into(),
                properties: vec![("x".into(), Value::Int64(3))],
            })),
            Value::Null
        ])
    );
    assert_eq!(
        display_type(&list_ty),
        LogicalType::List(Box::new(LogicalType::Node))
    );
    let ids = LogicalType::List(Box::new(LogicalType::InternalId));
    assert_eq!(
        present(Value::List(vec![Value::UInt64(5)]), &ids),
        Value::List(vec![Value::InternalId(InternalId {
            table: 0,
            offset: 5
        })])
    );
    // A plain struct stays a struct.
    let plain = LogicalType::Struct(vec![("a".into(), LogicalType::Int64)]);
    let s = Value::Struct(vec![("a".into(), Value::Int64(1))]);
    assert_eq!(present(s.clone(), &plain), s);
}

#[test]
fn optional_match_property_maps_see_outer_variables() {
    let (_d, db) = small_db();
    assert_eq!(
        rows(
            &db,
            "MATCH (a:P) OPTIONAL MATCH (b:P {id: a.id + 1}) RETURN a.id, b.name ORDER BY a.id"
        ),
        ["1|Bob", "2|Cy", "3|"]
    );
}

/// Every batch the operators of `q` produce (after the first), pulled straight from the plan.
fn batch_sizes(db: &Database, q: &str) -> Vec<usize> {
    use crate::cypher::ast::StatementKind;
    let stmts = crate::cypher::parse(q).unwrap();
    let StatementKind::Query(query) = &stmts[0].kind else {
        panic!("not a query")
    };
    let snap = db.snapshot();
    let params = crate::types::Params::default();
    let (plan, _) = crate::planner::query::Planner::new(&snap, &params)
        .plan_query(query)
        .unwrap();
    let ctx = crate::exec::context::ExecContext::new(std::sync::Arc::new(
        crate::query::budget::PoolBudget {
            store: db.store().clone(),
        },
    ));
    let env = crate::query::build::BuildEnv {
        store: db.store(),
        snap: &snap,
        ctx: &ctx,
        txn: None,
    };
    let mut op = crate::query::build::build(&plan, &env).unwrap();
    let mut sizes = Vec::new();
    while let Some(c) = op.next(&ctx).unwrap() {
        sizes.push(c.len);
    }
    sizes
}

#[test]
fn extend_cuts_a_hub_into_bounded_batches() {
    use crate::query::ops::EXTEND_BATCH;
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let (p, r) = (dir.path().join("p.csv"), dir.path().join("r.csv"));
    let n = 3000u64;
    let mut text = String::from("id\n");
    (0..n).for_each(|i| text.push_str(&format!("{i}\n")));
    std::fs::write(&p, text).unwrap();
    // Node 0 is a hub (every node), 1 and 2 have 3 rels each, the rest none.
    let mut text = String::from("from,to,w\n");
    (0..n).for_each(|i| text.push_str(&format!("0,{i},w{i}\n")));
    for a in 1..3 {
        (0..3).for_each(|i| text.push_str(&format!("{a},{i},x\n")));
    }
    std::fs::write(&r, text).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE P(id INT64, PRIMARY KEY(id))")
        .unwrap();
    c.query("CREATE REL TABLE R(FROM P TO P, w STRING)")
        .unwrap();
    c.query(&format!("COPY P FROM '{}' (header=true)", p.display()))
        .unwrap();
    c.query(&format!("COPY R FROM '{}' (header=true)", r.display()))
        .unwrap();
    let q = "MATCH (a:P)-[r:R]->(b:P) RETURN a.id, b.id, r.w";
    // The hub's rels in CSR order: stored ones not deleted, then inserted ones.
    let mut hub: Vec<String> = (0..n).map(|i| format!("0|{i}|w{i}")).collect();
    let check = |hub: &[String]| {
        let sizes = batch_sizes(&db, q);
        assert!(
            sizes.iter().all(|&s| s > 0 && s <= EXTEND_BATCH),
            "{sizes:?}"
        );
        assert_eq!(sizes.iter().sum::<usize>(), hub.len() + 6);
        // The same rows as through the API, hub rels in order.
        let got = rows(&db, q);
        assert_eq!(&got[..hub.len()], hub);
        assert_eq!(got.len(), hub.len() + 6);
    };
    check(&hub);
    // Rels committed but not checkpointed: versions touch the hub, which is then read whole
    // (charged to the budget) and still cut into bounded batches.
    c.query("MATCH (a:P), (b:P) WHERE a.id = 0 AND b.id = 5 CREATE (a)-[:R {w: 'new'}]->(b)")
        .unwrap();
    hub.push("0|5|new".into());
    check(&hub);
    c.query("MATCH (a:P)-[r:R]->(b:P) WHERE a.id = 0 AND b.id = 7 AND r.w = 'w7' DELETE r")
        .unwrap();
    hub.remove(7);
    check(&hub);
    c.query("CHECKPOINT").unwrap();
    check(&hub);
}
