//! The layering of `docs/ARCHITECTURE.md` holds: each top-level module of `src/` refers only to
//! the modules its row of the "Layers" table lists under "may use" (its own submodules and
//! `error` are always allowed). References are `crate::x` paths in code, outside comments and
//! outside test code (`#[cfg(test)]` modules and `tests.rs` files).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// module -> allowed modules, from the table rows "| `module` | ... | `a`, `b` |".
fn table() -> BTreeMap<String, BTreeSet<String>> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
            .expect("docs/ARCHITECTURE.md");
    let section = doc
        .split("## Layers, bottom up")
        .nth(1)
        .expect("a \"Layers, bottom up\" section")
        .split("\n## ")
        .next()
        .unwrap_or("");
    let mut out = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || !cells[1].starts_with('`') {
            continue;
        }
        let names = |cell: &str| -> Vec<String> {
            cell.split(',')
                .filter_map(|c| {
                    c.trim()
                        .strip_prefix('`')?
                        .strip_suffix('`')
                        .map(String::from)
                })
                .collect()
        };
        let allowed: BTreeSet<String> = names(cells[3]).into_iter().collect();
        for m in names(cells[1]) {
            out.insert(m, allowed.clone());
        }
    }
    out
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn references(dir: &Path, top: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
    let mut visit = |path: &Path| {
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            return;
        }
        let text = std::fs::read_to_string(path).expect("source file");
        let code = match text.find("#[cfg(test)]\nmod ") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        let code = strip_comments(code);
        let mut rest = code.as_str();
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect();
            if !name.is_empty() && name != top {
                out.entry(name)
                    .or_default()
                    .insert(path.display().to_string());
            }
        }
    };
    if dir.is_file() {
        visit(dir);
        return;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("source dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                visit(&p);
            }
        }
    }
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let table = table();
    assert!(
        table.len() > 10,
        "the Layers table was not found: {table:?}"
    );
    let mut problems = Vec::new();
    for e in std::fs::read_dir(&src).expect("src").flatten() {
        let p = e.path();
        let name = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if ["lib", "bin", "test_util", "error"].contains(&name.as_str()) {
            continue;
        }
        let Some(allowed) = table.get(&name) else {
            problems.push(format!("module `{name}` has no row in the Layers table"));
            continue;
        };
        let mut refs = BTreeMap::new();
        references(&p, &name, &mut refs);
        for (used, files) in refs {
            if used != "error" && !allowed.contains(&used) {
                problems.push(format!(
                    "`{name}` uses `{used}` (not in its \"may use\" list) in {}",
                    files.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
