//! Kuzu's text rendering of values (`Value::to_string`), as the test files and the shell see
//! them. See `../shared/kuzu-suite/README.md`, "Rendering values as text".

use super::Value;
use std::fmt;

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Placeholder until the full renderer lands.
        write!(f, "{self:?}")
    }
}
