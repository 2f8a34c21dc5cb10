//! Conversions from text to typed values (CSV loading, casts) and between types.
