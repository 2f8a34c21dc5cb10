//! The `ruzu DB` shell.

/// Runs the shell with the command-line arguments after the program name; returns the exit
/// code.
pub fn main(args: &[String]) -> i32 {
    eprintln!(
        "ruzu: the query shell is not built yet ({})",
        args.join(" ")
    );
    crate::cli::EXIT_USAGE
}
