//! `ruzu-testfile`: runs Kuzu `.test` files against ruzu (see `ruzu::testfile`).

use ruzu::testfile::{cli, RuzuEngine};
use std::sync::Arc;

fn main() {
    let code = cli::main_with(
        Arc::new(RuzuEngine),
        std::env::args_os(),
        &mut std::io::stdout(),
    );
    // Exit directly: threads of timed-out cases may still be running.
    std::process::exit(code);
}
