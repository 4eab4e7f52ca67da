//! The shape ARCHITECTURE.md promises, checked on the source itself: no circles between
//! wharf's modules, and `app/` naming no BigCommerce wire type.
//!
//! The module graph is read from the text: a module is a file under `src/` (`mod.rs` is its
//! folder's module), and module A depends on module B when A's code names a path into B
//! (`use crate::b::…`, `crate::b::…`, `super::b::…`), resolved to the longest module path that
//! exists. A parent declaring `mod child;` is ownership, not a dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
/// What `app/` may name of the client crate: the handles and the error.
const CLIENT_NAMES_APP_MAY_USE: &[&str] = &["BigCommerce", "StoreClient", "BcError"];

struct Module {
    path: Vec<String>,
    file: PathBuf,
    text: String,
}

fn modules() -> Vec<Module> {
    let mut found = Vec::new();
    collect(Path::new(SRC), &mut found);
    found
        .into_iter()
        // Binaries are crates of their own, naming the library as `wharf::`.
        .filter(|file| {
            !file.starts_with(Path::new(SRC).join("bin")) && *file != Path::new(SRC).join("main.rs")
        })
        .map(|file| {
            let relative = file.strip_prefix(SRC).unwrap().with_extension("");
            let mut path: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                path.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            Module { path, file, text }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without comments, so a doc mentioning `crate::x` is no dependency, and without
/// its `#[cfg(test)]` module (at the end of a file, by custom), whose `super` is the file.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path the module's code names into the crate, as segments from the crate root:
/// `crate::…` and `super::…` anywhere, and a module's own children named as `child::…` (a
/// parent that re-exports or dispatches to a child depends on it).
fn named_paths(module: &Module, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let code = code(&module.text);
    let mut paths = Vec::new();
    // A parent naming its child's items in code (`store::StoreCommand`).
    for child in children {
        let bytes = code.as_bytes();
        for (at, _) in code.match_indices(&format!("{child}::")) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let named_by_self = code[..at].ends_with("self::");
            if !named_by_self
                && before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
            {
                continue;
            }
            let mut path = module.path.clone();
            path.push(child.clone());
            paths.push(path);
        }
    }
    let bytes = code.as_bytes();
    for (at, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        // `crate::` inside a longer word (e.g. `bigcommerce_crate::`) is not ours.
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let mut base: Vec<String> = Vec::new();
        let mut rest = &code[at..];
        if let Some(tail) = rest.strip_prefix("crate::") {
            rest = tail;
        } else {
            base = module.path.clone();
            // A file module's `super` is its parent; `mod.rs`'s too (its path is the folder).
            while let Some(tail) = rest.strip_prefix("super::") {
                base.pop();
                rest = tail;
            }
        }
        let segments = rest
            .split("::")
            .map(|s| {
                s.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|s| !s.is_empty())
            .collect::<Vec<_>>();
        // `use crate::a::{b, c::d}`: each name in the braces is a path too.
        let braces = rest.find('{').filter(|&b| {
            rest[..b]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        });
        let mut prefix = base.clone();
        prefix.extend(segments.iter().cloned());
        match braces {
            Some(open) => {
                let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
                for item in rest[open + 1..close].split(',') {
                    let mut path = prefix.clone();
                    path.extend(
                        item.trim()
                            .split("::")
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty() && s != "self"),
                    );
                    paths.push(path);
                }
            }
            None => paths.push(prefix),
        }
    }
    paths
}

/// The longest known module that `path` starts with.
fn resolve(path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|candidate| known.contains(candidate))
}

fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = modules();
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for module in &modules {
        let children: BTreeSet<String> = known
            .iter()
            .filter(|path| path.len() == module.path.len() + 1 && path.starts_with(&module.path))
            .filter_map(|path| path.last().cloned())
            .collect();
        let targets = edges.entry(module.path.clone()).or_default();
        for path in named_paths(module, &children) {
            let Some(target) = resolve(&path, &known) else {
                continue;
            };
            // Naming yourself or your own parent's item is no edge between two modules …
            if target == module.path {
                continue;
            }
            // … nor is naming something of a module inside you (a parent's re-export).
            targets.insert(target);
        }
    }
    edges
}

/// A circle through `start`, if there is one.
fn circle_through(
    start: &Vec<String>,
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Option<Vec<Vec<String>>> {
    let mut stack = vec![(start.clone(), vec![start.clone()])];
    let mut seen = BTreeSet::new();
    while let Some((node, trail)) = stack.pop() {
        for next in edges.get(&node).into_iter().flatten() {
            if next == start {
                let mut circle = trail.clone();
                circle.push(start.clone());
                return Some(circle);
            }
            if seen.insert(next.clone()) {
                let mut longer = trail.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

fn name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let edges = graph();
    let circles: BTreeSet<String> = edges
        .keys()
        .filter_map(|start| circle_through(start, &edges))
        .map(|circle| {
            circle
                .iter()
                .map(|m| name(m))
                .collect::<Vec<_>>()
                .join(" → ")
        })
        .collect();
    assert!(
        circles.is_empty(),
        "circles between modules:\n{}",
        circles.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_checker_sees_a_circle() {
    let edges = BTreeMap::from([
        (vec!["a".to_owned()], BTreeSet::from([vec!["b".to_owned()]])),
        (vec!["b".to_owned()], BTreeSet::from([vec!["a".to_owned()]])),
    ]);
    assert!(circle_through(&vec!["a".to_owned()], &edges).is_some());
    let module = Module {
        path: vec!["app".into(), "orders".into()],
        file: PathBuf::new(),
        text: "pub use lines::Line;\nuse super::inventory::{queue, Push};\nlet x = crate::db::jobs::enqueue();".into(),
    };
    let children = BTreeSet::from(["lines".to_owned()]);
    let paths: Vec<String> = named_paths(&module, &children)
        .iter()
        .map(|p| name(p))
        .collect();
    assert_eq!(
        paths,
        [
            "app::orders::lines",
            "db::jobs::enqueue",
            "app::inventory::queue",
            "app::inventory::Push"
        ]
    );
}

#[test]
fn app_names_only_the_client_handles_and_its_error() {
    let mut offences = Vec::new();
    for module in modules()
        .iter()
        .filter(|m| m.path.first().is_some_and(|p| p == "app"))
    {
        for name in client_names(&code(&module.text)) {
            if !CLIENT_NAMES_APP_MAY_USE.contains(&name.as_str()) {
                offences.push(format!("{}: bigcommerce::{name}", module.file.display()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "app/ names the client crate's wire types (map them in channels/bigcommerce):\n{}",
        offences.join("\n")
    );
}

/// The names a module's code takes from the client crate: `bigcommerce::X` and
/// `bigcommerce::{X, Y}`.
fn client_names(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.match_indices("bigcommerce::") {
        // `channels::bigcommerce::…` is wharf's own module, not the client crate.
        if code[..at].ends_with("::") {
            continue;
        }
        let rest = &code[at + "bigcommerce::".len()..];
        match rest.strip_prefix('{') {
            Some(list) => names.extend(
                list[..list.find('}').unwrap_or(list.len())]
                    .split(',')
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty()),
            ),
            None => names.push(
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect(),
            ),
        }
    }
    names
}

#[test]
fn the_client_name_reader_sees_lists_and_paths() {
    let names = client_names(
        "use bigcommerce::{BcError, Adjustment};\nlet x = bigcommerce::rejected_identities(e);\nuse crate::channels::bigcommerce::orders;",
    );
    assert_eq!(names, ["BcError", "Adjustment", "rejected_identities"]);
}

/// The files allowed past [`LONG_FILE_LINES`], each with its reason in ARCHITECTURE.md
/// (*Long files*). Any other file that long is split along its seams instead.
const LONG_FILES_ALLOWED: &[&str] = &["db/jobs.rs"];
const LONG_FILE_LINES: usize = 600;

#[test]
fn only_the_named_files_are_long() {
    let mut files = Vec::new();
    collect(Path::new(SRC), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|file| std::fs::read_to_string(file).unwrap().lines().count() > LONG_FILE_LINES)
        .map(|file| {
            let relative = file.strip_prefix(SRC).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .filter(|relative| !LONG_FILES_ALLOWED.contains(&relative.as_str()))
        .collect();
    assert!(
        long.is_empty(),
        "longer than {LONG_FILE_LINES} lines without a reason in ARCHITECTURE.md: {long:?}"
    );
    assert!(LONG_FILES_ALLOWED.len() <= 4);
    let architecture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ARCHITECTURE.md"
    ))
    .unwrap();
    for allowed in LONG_FILES_ALLOWED {
        assert!(
            architecture.contains(&format!("`{allowed}`")),
            "ARCHITECTURE.md gives no reason for {allowed}"
        );
    }
}
