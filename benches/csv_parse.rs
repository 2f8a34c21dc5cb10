//! Throughput of the bulk loader's CSV reader (`ruzu::loader::csv::read_csv`): numeric and
//! string columns, one thread and all threads. Register in Cargo.toml as
//! `[[bench]] name = "csv_parse" harness = false`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ruzu::loader::csv::{read_csv, CsvOptions, CsvSchema};
use ruzu::LogicalType;
use std::io::Write;

fn make_file(rows: usize) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    let mut w = std::io::BufWriter::new(f.as_file_mut());
    writeln!(w, "id|name|age|score|comment").expect("write");
    for i in 0..rows {
        writeln!(
            w,
            "{i}|person number {i}|{}|{}.{}|\"said \"\"hi\"\", then left\"",
            i % 97,
            i % 1000,
            i % 7
        )
        .expect("write");
    }
    drop(w);
    f
}

fn bench(c: &mut Criterion) {
    let file = make_file(500_000);
    let bytes = std::fs::metadata(file.path()).expect("metadata").len();
    let schema = CsvSchema {
        columns: vec![
            ("id".into(), LogicalType::Int64),
            ("name".into(), LogicalType::String),
            ("age".into(), LogicalType::Int32),
            ("score".into(), LogicalType::Double),
            ("comment".into(), LogicalType::String),
        ],
    };
    let opts = CsvOptions::default();
    let mut g = c.benchmark_group("csv_parse");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, all] {
        g.bench_function(format!("threads={threads}"), |b| {
            b.iter(|| {
                let mut rows = 0usize;
                read_csv(file.path(), "bench.csv", &opts, &schema, threads, |batch| {
                    rows += batch.len();
                    Ok(())
                })
                .expect("read");
                rows
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
