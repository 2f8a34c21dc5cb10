//! Cypher text to AST (pest grammar in `cypher.pest`), Kuzu's dialect.
