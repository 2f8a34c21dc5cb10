//! Helpers shared by the command-line tools: sizes in flags, exit codes.

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: bad data, corruption or an I/O error.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code: bad usage.
pub const EXIT_USAGE: i32 = 2;

/// Parses a size such as `16MB`, `2GB`, `512KiB`, `1.5G` or `4096` (bytes). Units are powers
/// of 1024 whether spelled `MB` or `MiB`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid size '{s}' (expected e.g. 16MB, 2GB, 4096)"))?;
    let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size unit in '{s}' (use B, KB, MB, GB, TB)"
            ))
        }
    };
    let v = n * mult as f64;
    if !v.is_finite() || v < 0.0 || v > u64::MAX as f64 {
        return Err(format!("size '{s}' is out of range"));
    }
    Ok(v as u64)
}

/// Whether an I/O error is a closed pipe (`ruzu ... | head`), which is not a failure.
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16MB"), Ok(16 << 20));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("2GB"), Ok(2 << 30));
        assert_eq!(parse_size("2gib"), Ok(2 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert!(parse_size("12XB").is_err());
        assert!(parse_size("MB").is_err());
    }
}
