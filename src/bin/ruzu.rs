//! `ruzu`: look inside a database file (`ruzu info DB`, `ruzu check DB`) and query it
//! (`ruzu DB`, `ruzu DB -c "..."`, `ruzu DB < script.cypher`).

use ruzu::cli::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use std::io::Write;
use std::path::Path;

const USAGE: &str = "usage: ruzu info DB | ruzu check DB | ruzu DB [options]
  info DB    format version and one line per table (kind, rows, size, columns)
  check DB   verify every page checksum and the structures; exit 1 on damage
  DB         run Cypher statements (see ruzu DB --help)";

fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if !ruzu::cli::is_broken_pipe(&e) => {
            eprintln!("ruzu: {e}");
            EXIT_FAILURE
        }
        _ => EXIT_OK,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("info") if args.len() == 2 => match ruzu::inspect::info(Path::new(&args[1])) {
            Ok(text) => print(&text),
            Err(e) => {
                eprintln!("ruzu info: {e}");
                EXIT_FAILURE
            }
        },
        Some("check") if args.len() == 2 => match ruzu::inspect::check(Path::new(&args[1])) {
            Ok(r) => {
                let mut text = format!(
                    "ok: {} pages ({} in use, {} free), {} tables verified\n",
                    r.pages, r.referenced, r.free, r.tables
                );
                for n in r.notes() {
                    text.push_str(&n);
                    text.push('\n');
                }
                print(&text)
            }
            Err(e) => {
                println!("damaged: {e}");
                EXIT_FAILURE
            }
        },
        Some("-h") | Some("--help") | None => {
            println!("{USAGE}");
            if args.is_empty() {
                EXIT_USAGE
            } else {
                EXIT_OK
            }
        }
        Some(_) => ruzu::shell::main(&args),
    };
    std::process::exit(code);
}
