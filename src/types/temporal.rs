//! Dates, timestamps and intervals: parsing from text, formatting, calendar arithmetic.
