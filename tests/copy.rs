//! CREATE TABLE and COPY on an open database: Kuzu's result messages, appending to tables
//! that already hold rows, and a failed COPY leaving the database exactly as it was.

mod common;

use common::*;
use ruzu::{Database, Value};

fn one(conn: &ruzu::Connection, q: &str) -> String {
    let mut r = conn.query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let row = r.next().unwrap().unwrap();
    row[0].to_string()
}

#[test]
fn create_copy_append_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    let f = fixtures();
    let a = dir.path().join("more_people.csv");
    std::fs::write(&a, "id,name,age,height,score,verified,visits,tiny,big,birthday,joined\n10,Zed,1,,,,,,,,\n11,Yan,2,,,,,,,,\n").unwrap();
    let k2 = dir.path().join("more_knows.csv");
    std::fs::write(&k2, "from,to,since,weight\n10,11,2024,\n11,1,2025,0.5\n").unwrap();
    {
        let db = Database::open(&p).unwrap();
        let c = db.connect();
        let schema = std::fs::read_to_string(f.join("schema.cypher")).unwrap();
        for r in c.query_script(&schema) {
            r.unwrap();
        }
        assert_eq!(
            one(
                &c,
                "CREATE NODE TABLE IF NOT EXISTS City(x INT64 PRIMARY KEY)"
            ),
            "Table City already exists."
        );
        let copy = |t: &str, file: &std::path::Path| {
            one(
                &c,
                &format!("COPY {t} FROM \"{}\" (HEADER=true)", file.display()),
            )
        };
        assert_eq!(
            copy("Person", &f.join("Person.csv")),
            "8 tuples have been copied to the Person table."
        );
        assert_eq!(
            copy("City", &f.join("City.csv")),
            "4 tuples have been copied to the City table."
        );
        assert_eq!(
            copy("knows", &f.join("knows.csv")),
            "10 tuples have been copied to the knows table."
        );
        assert_eq!(
            copy("Person", &a),
            "2 tuples have been copied to the Person table."
        );
        assert_eq!(
            copy("knows", &k2),
            "2 tuples have been copied to the knows table."
        );
        // A failing COPY (duplicate key 10) changes nothing.
        let e = c
            .query(&format!(
                "COPY Person FROM \"{}\" (HEADER=true)",
                a.display()
            ))
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "Copy exception: Found duplicated primary key value 10, which violates the uniqueness constraint of the primary key column."
        );
        let bad = dir.path().join("bad_knows.csv");
        std::fs::write(&bad, "from,to,since,weight\n1,2,1,1\n1,77,1,1\n").unwrap();
        let e = c
            .query(&format!(
                "COPY knows FROM \"{}\" (HEADER=true)",
                bad.display()
            ))
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "Copy exception: Unable to find primary key value 77."
        );
        let e = c.query("COPY Nobody FROM \"x.csv\"").err().unwrap();
        assert!(e.to_string().starts_with("Binder exception:"), "{e}");
    }
    assert!(ruzu::inspect::check(&p).is_ok());
    let db = Database::open(&p).unwrap();
    let people = node_rows(&db, "Person");
    assert_eq!(people.len(), 10);
    assert_eq!(people[8][0], Value::Int64(10));
    assert_eq!(people[9][1], Value::String("Yan".into()));
    let knows = rel_rows(&db, "knows", true);
    assert_eq!(knows.len(), 12);
    // The appended rels got rel ids 10 and 11; Yan (offset 9) knows Alice (offset 0).
    assert!(knows.contains(&(8, 9, 10, vec![Value::Int64(2024), Value::Null])));
    assert!(knows.contains(&(9, 0, 11, vec![Value::Int64(2025), Value::Double(0.5)])));
    let bwd = rel_rows(&db, "knows", false);
    assert_eq!(bwd.len(), 12);
    // Alice's incoming rels in rel-id order: from Carol (3), Eve (5), then Yan (11).
    let into_alice: Vec<u64> = bwd.iter().filter(|r| r.0 == 0).map(|r| r.2).collect();
    assert_eq!(into_alice, vec![3, 5, 11]);
}

/// Query rows are produced as the result is iterated: an interrupt after the first batch
/// stops the rest, and the error arrives through the iterator.
#[test]
fn query_results_stream() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("n.csv");
    let mut text = String::from("id\n");
    for i in 0..20_000 {
        text.push_str(&format!("{i}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY)")
        .unwrap();
    c.query(&format!("COPY N FROM \"{}\" (HEADER=true)", csv.display()))
        .unwrap();
    // Uninterrupted: every row, in order.
    let all: Vec<Value> = c
        .query("MATCH (n:N) RETURN n.id")
        .unwrap()
        .map(|r| r.unwrap().remove(0))
        .collect();
    assert_eq!(all.len(), 20_000);
    assert_eq!(all[19_999], Value::Int64(19_999));
    // Interrupted after the first row: the stream ends with the interrupt error.
    let mut r = c.query("MATCH (n:N) RETURN n.id").unwrap();
    assert!(r.next().unwrap().is_ok());
    c.interrupt();
    let rest: Vec<_> = r.collect();
    assert!(rest.len() < 19_999, "{} more rows", rest.len());
    assert!(matches!(rest.last(), Some(Err(ruzu::Error::Interrupted))));
}

/// collect() over nodes, rels and ids gives whole values (properties read), never packed ids.
#[test]
fn collect_of_nodes_rels_and_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fx.ruzu");
    load_fixtures(&p, 1);
    let db = Database::open(&p).unwrap();
    let c = db.connect();
    assert_eq!(
        one(&c, "MATCH (n:Person) WHERE n.id < 3 RETURN collect(n)"),
        "[{_ID: 0:0, _LABEL: Person, id: 1, name: Alice, age: 34, height: 1.680000, \
         score: 0.910000, verified: True, visits: 12, tiny: -5, big: 18446744073709551615, \
         birthday: 1990-01-15, joined: 2020-03-01 10:15:00},{_ID: 0:1, _LABEL: Person, id: 2, \
         name: Bob, age: 45, height: 1.820000, score: 0.500000, verified: False, visits: 0, \
         tiny: 127, big: 0, birthday: 1979-07-04, joined: 2019-11-23 08:00:00.5}]"
    );
    assert_eq!(
        one(&c, "MATCH (n:Person) WHERE n.id < 3 RETURN collect(id(n))"),
        "[0:0,0:1]"
    );
    assert_eq!(
        one(
            &c,
            "MATCH (a:Person)-[k:knows]->(b) WHERE a.id = 1 AND b.id = 3 RETURN collect(k)"
        ),
        "[(0:0)-{_LABEL: knows, _ID: 2:1, since: 2012, weight: 1.500000}->(0:2)]"
    );
    // OPTIONAL MATCH without a match: Kuzu's collect of only NULLs is NULL (agg/hash.test).
    assert_eq!(
        one(
            &c,
            "MATCH (a:Person) WHERE a.id = 1 OPTIONAL MATCH (a)-[:knows]->(b:Person) WHERE b.id > 100 \
             RETURN size(collect(b))"
        ),
        ""
    );
    assert_eq!(
        one(&c, "MATCH (n:Person) WHERE n.id < 3 RETURN collect(n.id)"),
        "[1,2]"
    );
}

/// Appending replaces the last partial node group and the pair's CSR groups: their old pages
/// are freed with the commit and reused, so repeated small COPYs do not grow the file, and
/// every page is accounted for (referenced or free; `ruzu check` reports a leaked page).
#[test]
fn appending_frees_what_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    let db = Database::open(&p).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, s STRING)")
        .unwrap();
    c.query("CREATE REL TABLE E(FROM N TO N, w DOUBLE)")
        .unwrap();
    let copy = |t: &str, k: usize, text: String| {
        let f = dir.path().join(format!("{t}{k}.csv"));
        std::fs::write(&f, text).unwrap();
        c.query(&format!("COPY {t} FROM \"{}\"", f.display()))
            .unwrap_or_else(|e| panic!("{t} {k}: {e}"));
    };
    let mut sizes = Vec::new();
    for k in 0..8usize {
        copy(
            "N",
            k,
            (k * 20..(k + 1) * 20)
                .map(|i| format!("{i},name{i}\n"))
                .collect(),
        );
        copy(
            "E",
            k,
            (0..5)
                .map(|i| format!("{},{i},{k}.5\n", k * 20 + i))
                .collect(),
        );
        sizes.push(db.pager().page_count());
    }
    drop(c);
    drop(db);
    let r = ruzu::inspect::check(&p).unwrap();
    assert_eq!(r.pages, 1 + r.referenced + r.free, "{r:?}");
    // Growth stops once freed pages are reused (each commit may still add a few pages
    // while the pages it frees wait for the next one).
    assert!(
        sizes[7] <= sizes[3] + 4,
        "file keeps growing: {sizes:?} pages after each round"
    );
    let db = Database::open(&p).unwrap();
    let c = db.connect();
    assert_eq!(one(&c, "MATCH (n:N) RETURN count(*)"), "160");
    assert_eq!(one(&c, "MATCH ()-[e:E]->() RETURN count(*)"), "40");
    assert_eq!(
        one(&c, "MATCH (a:N)-[e:E]->(b:N) WHERE a.id = 141 RETURN b.s"),
        "name1"
    );
}

/// A COPY into a populated table changes only the primary-key index pages its keys touch
/// (copy on write): the rest stay shared with the previous checkpoint. A failed COPY leaves
/// the index as it was, and `ruzu check` finds every page owned once or free.
#[test]
fn copy_into_a_large_table_rewrites_only_the_index_pages_it_touches() {
    use std::collections::BTreeSet;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    let csv = |name: &str, ids: std::ops::Range<u64>| {
        let f = dir.path().join(name);
        let rows: String = ids.map(|i| format!("{i},v{i}\n")).collect();
        std::fs::write(&f, rows).unwrap();
        f
    };
    let big = csv("big.csv", 0..100_000);
    let small = csv("small.csv", 100_000..100_010);
    let dup = csv("dup.csv", 200_000..200_010);
    std::fs::write(&dup, "200000,x\n5,dup\n").unwrap();
    let index_pages = |db: &Database| -> BTreeSet<u64> {
        let snap = db.snapshot();
        let e = snap.catalog.table("T").unwrap();
        let idx = ruzu::loader::pipeline::index_of(e, snap.meta.node(e.id).unwrap()).unwrap();
        idx.pages(db.pager().pool()).unwrap().into_iter().collect()
    };
    {
        let db = Database::open(&p).unwrap();
        let c = db.connect();
        c.query("CREATE NODE TABLE T(id INT64 PRIMARY KEY, v STRING)")
            .unwrap();
        c.query(&format!("COPY T FROM '{}'", big.display()))
            .unwrap();
        let before = index_pages(&db);
        c.query(&format!("COPY T FROM '{}'", small.display()))
            .unwrap();
        let after = index_pages(&db);
        let new = after.difference(&before).count();
        let shared = after.intersection(&before).count();
        // Ten keys: at most ten primary-slot pages, their page-table leaves and root, and an
        // overflow slot or a split each.
        assert!(new <= 40, "{new} new index pages of {}", after.len());
        assert_eq!(shared + new, after.len());
        assert!(shared > 500, "{shared} shared");
        let e = c
            .query(&format!("COPY T FROM '{}'", dup.display()))
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("duplicated primary key value 5"),
            "{e}"
        );
        assert_eq!(index_pages(&db), after);
        assert_eq!(
            one(&c, "MATCH (t:T) WHERE t.id = 100009 RETURN t.v"),
            "v100009"
        );
        assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 42 RETURN t.v"), "v42");
        assert_eq!(
            one(&c, "MATCH (t:T) WHERE t.id = 200000 RETURN count(*)"),
            "0"
        );
    }
    let report = ruzu::inspect::check(&p).unwrap();
    assert_eq!(report.tables, 1);
}
