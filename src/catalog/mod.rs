//! The catalog: tables, properties, types, primary keys, FROM/TO pairs; encodes itself to bytes.
