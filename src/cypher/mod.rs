//! Cypher text to AST (pest grammar in `cypher.pest`), Kuzu's dialect.
//!
//! Owns: the grammar (`cypher.pest`, following Kuzu's `Cypher.g4`), the typed AST (`ast`),
//! the tree-to-AST builder (`parser`) and Kuzu-shaped parser error messages (`errors`).
//!
//! Entry points: [`parse`] turns a string of `;`-separated statements into
//! `Vec<ast::Statement>`; [`split_statements`] splits text into statement texts without parsing.
//! Errors are `Error::Parser(msg)` with Kuzu's message text (without the "Parser exception: "
//! prefix, which `Error`'s `Display` adds), or `Error::Conversion` for integer literals beyond
//! INT128, as Kuzu.

pub mod ast;
mod errors;
mod parser;

pub use errors::split_statements;
pub use parser::parse;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod suite_check;
