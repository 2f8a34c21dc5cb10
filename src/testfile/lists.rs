//! The passing, deviations and unstable lists, and the check of a run against them.
//!
//! Owns: reading the list files (`area/file.test::Case` per line; deviations carry
//! `# reason`; blank and `#` lines are comments), deciding regressions, new passes and stale
//! deviations, and writing an updated passing list (sorted; entries of files not run are kept).

use super::run::{CaseStatus, RunSummary};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The three lists. Deviations map a case to its reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseLists {
    pub passing: Option<BTreeSet<String>>,
    pub deviations: BTreeMap<String, String>,
    pub unstable: BTreeSet<String>,
}

/// Parses a passing or unstable list: one case per line, `#` comments.
pub fn parse_case_list(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.to_string())
        .collect()
}

/// Parses a deviations list: `case # reason` per line.
pub fn parse_deviations(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (case, reason) = match l.split_once('#') {
                Some((c, r)) => (c.trim(), r.trim()),
                None => (l.trim(), ""),
            };
            (!case.is_empty()).then(|| (case.to_string(), reason.to_string()))
        })
        .collect()
}

/// What a run means for the lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListReport {
    /// Listed as passing but failed (or skipped).
    pub regressions: Vec<String>,
    /// Passed but not listed.
    pub new_passes: Vec<String>,
    /// Listed as deviations but passed.
    pub stale_deviations: Vec<String>,
    /// Unstable cases that failed (reported only).
    pub unstable_failures: Vec<String>,
    /// Cases that count as passed: passed and not a deviation.
    pub passing: BTreeSet<String>,
}

impl ListReport {
    /// Whether the check fails (exit 1); `strict` also fails on new passes.
    pub fn is_failure(&self, strict: bool) -> bool {
        !self.regressions.is_empty()
            || !self.stale_deviations.is_empty()
            || (strict && !self.new_passes.is_empty())
    }

    /// Human-readable lines (empty when there is nothing to say).
    pub fn render(&self, strict: bool) -> String {
        let mut s = String::new();
        for c in &self.regressions {
            s.push_str(&format!("REGRESSION {c} (listed as passing)\n"));
        }
        for c in &self.stale_deviations {
            s.push_str(&format!(
                "DEVIATION PASSES {c} (remove it from the deviations)\n"
            ));
        }
        let tag = if strict {
            "NEW PASS (strict)"
        } else {
            "NEW PASS"
        };
        for c in &self.new_passes {
            s.push_str(&format!("{tag} {c} (not in the passing list)\n"));
        }
        for c in &self.unstable_failures {
            s.push_str(&format!("UNSTABLE FAIL {c} (ignored)\n"));
        }
        s
    }
}

/// Checks `summary` against `lists`.
pub fn evaluate_lists(summary: &RunSummary, lists: &CaseLists) -> ListReport {
    let mut r = ListReport::default();
    for o in &summary.outcomes {
        let id = o.id();
        let unstable = lists.unstable.contains(&id);
        let deviation = lists.deviations.contains_key(&id);
        let passed = o.status == CaseStatus::Passed;
        let effective = passed && !deviation;
        if effective {
            r.passing.insert(id.clone());
        }
        if unstable {
            if !passed {
                r.unstable_failures.push(id);
            }
            continue;
        }
        if deviation && passed {
            r.stale_deviations.push(id.clone());
        }
        if let Some(passing) = &lists.passing {
            let listed = passing.contains(&id);
            if listed && !effective {
                r.regressions.push(id);
            } else if !listed && effective {
                r.new_passes.push(id);
            }
        }
    }
    r
}

/// The passing list to write: the run's effective passes (unstable cases excluded) plus
/// the entries of `old` whose file was not run.
pub fn updated_passing(
    summary: &RunSummary,
    report: &ListReport,
    lists: &CaseLists,
    old: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = old
        .iter()
        .filter(|id| {
            let file = id.split("::").next().unwrap_or("");
            !summary.files.contains(file)
        })
        .cloned()
        .collect();
    out.extend(
        report
            .passing
            .iter()
            .filter(|id| !lists.unstable.contains(*id))
            .cloned(),
    );
    out
}

/// Writes a passing list, one case per line.
pub fn write_passing(path: &Path, cases: &BTreeSet<String>) -> std::io::Result<()> {
    let mut text = String::new();
    for c in cases {
        text.push_str(c);
        text.push('\n');
    }
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_formats() {
        let p = parse_case_list("# header\na/b.test::X\n\n  c.test::Y  # note\n");
        assert_eq!(
            p.into_iter().collect::<Vec<_>>(),
            vec!["a/b.test::X".to_string(), "c.test::Y".to_string()]
        );
        let d = parse_deviations("a.test::X # message differs\n# only a comment\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d["a.test::X"], "message differs");
    }
}
