//! Checks on the shape of sslbind-core's source that the compiler does not make: its top-level
//! modules depend on each other without a cycle, so each can be read, tested and changed
//! knowing only what is below it (`model` at the bottom; `doctor` and `plan` side by side at
//! the top, sharing what they both need from below).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn source_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(folder: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("the source folder is listed") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`analysis` for `src/analysis/resolve.rs`,
/// `uncertain` for `src/uncertain.rs`).
fn top_module(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).expect("a file below the source root");
    let first = relative.components().next().expect("a path").as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Every `crate::NAME` that `text` uses outside comments.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines().filter(|line| !line.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

/// The edges between the top-level modules of sslbind-core: `from -> {to, …}`.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = source_root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = top_module(&root, file);
        let text = std::fs::read_to_string(file).expect("a source file is read");
        let targets = graph.entry(from.clone()).or_default();
        targets.extend(crate_paths(&text).into_iter().filter(|to| *to != from));
    }
    graph
}

/// A cycle in `graph`, as the path that closes it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|on_path| on_path == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_top_level_modules_depend_on_each_other_without_a_cycle() {
    let graph = module_graph();
    // The walk found the modules, so a silent pass is not possible.
    for module in ["analysis", "doctor", "httpsys", "model", "plan", "uncertain"] {
        assert!(graph.contains_key(module), "no module {module} in {:?}", graph.keys());
    }
    assert!(graph["plan"].contains("analysis"), "the graph has its edges: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("a module cycle in sslbind-core: {}\nedges: {graph:#?}", cycle.join(" -> "));
    }
    // The two that were once tangled stay apart.
    assert!(!graph["doctor"].contains("plan"), "doctor depends on plan: {:?}", graph["doctor"]);
    assert!(!graph["uncertain"].contains("analysis"), "uncertain depends on analysis");
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_only_a_cycle() {
    let graph = |edges: &[(&str, &str)]| {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            graph.entry((*from).to_owned()).or_default().insert((*to).to_owned());
            graph.entry((*to).to_owned()).or_default();
        }
        graph
    };
    let tangled = graph(&[("plan", "doctor"), ("doctor", "model"), ("doctor", "plan")]);
    assert_eq!(find_cycle(&tangled), Some(vec!["doctor".into(), "plan".into(), "doctor".into()]));
    // A diamond shares a module below two others: no cycle.
    let diamond =
        graph(&[("plan", "httpsys"), ("doctor", "httpsys"), ("httpsys", "model"), ("plan", "model")]);
    assert_eq!(find_cycle(&diamond), None);
    assert_eq!(
        crate_paths("use crate::model::x;\n// crate::plan in a comment\nlet a = crate::httpsys::f();"),
        BTreeSet::from(["model".to_owned(), "httpsys".to_owned()])
    );
}
