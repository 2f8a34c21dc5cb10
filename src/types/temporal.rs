//! Dates, timestamps and intervals: parsing from text, formatting, calendar arithmetic.
//!
//! DATE is days since 1970-01-01 (i32); TIMESTAMP is microseconds since the epoch (i64).

use super::Interval;

/// Parses Kuzu's DATE text (`YYYY-MM-DD`, ...). The error is the reason only.
pub fn parse_date(s: &str) -> Result<i32, String> {
    Err(format!("date parsing not built yet: {s}"))
}

/// Parses Kuzu's TIMESTAMP text into microseconds since the epoch.
pub fn parse_timestamp(s: &str) -> Result<i64, String> {
    Err(format!("timestamp parsing not built yet: {s}"))
}

/// Parses Kuzu's INTERVAL text.
pub fn parse_interval(s: &str) -> Result<Interval, String> {
    Err(format!("interval parsing not built yet: {s}"))
}
