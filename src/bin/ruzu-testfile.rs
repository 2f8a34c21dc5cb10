//! `ruzu-testfile`: runs Kuzu `.test` files against ruzu (see `ruzu::testfile`).

use ruzu::testfile::cli;

fn main() {
    let code = cli::main(std::env::args_os(), &mut std::io::stdout());
    // Exit directly: threads of timed-out cases may still be running.
    std::process::exit(code);
}
