//! Checks on the shape of the source that the compiler does not make: sslbind-core's top-level
//! modules depend on each other without a cycle, so each can be read, tested and changed
//! knowing only what is below it (`model` at the bottom; `doctor` and `plan` side by side,
//! sharing what they both need from below, and `verify`, which checks a plan with every rule,
//! above both); and the repository explains itself: every
//! `docs/….md#anchor` a comment or a page cites exists, and nothing cites a document that a
//! clone of the repository does not have.

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
    for module in ["analysis", "command", "doctor", "httpsys", "model", "plan", "uncertain", "verify"] {
        assert!(graph.contains_key(module), "no module {module} in {:?}", graph.keys());
    }
    assert!(graph["plan"].contains("analysis"), "the graph has its edges: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("a module cycle in sslbind-core: {}\nedges: {graph:#?}", cycle.join(" -> "));
    }
    // The two that were once tangled stay apart.
    assert!(!graph["doctor"].contains("plan"), "doctor depends on plan: {:?}", graph["doctor"]);
    assert!(!graph["plan"].contains("doctor"), "plan depends on doctor: {:?}", graph["plan"]);
    // A plan is checked with every rule by a module above both (the cycle check keeps it
    // there), so neither has to know the other.
    for below in ["doctor", "plan"] {
        assert!(graph["verify"].contains(below), "verify does not use {below}: {:?}", graph["verify"]);
    }
    // Command lines are rendered below both, by the module that depends on nothing.
    assert!(graph["command"].is_empty(), "command depends on {:?}", graph["command"]);
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

/// The repository's root, two levels above this crate.
fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The repository's own text files: sources, tests, snapshots, manifests, docs and scripts,
/// without build output or fuzzing data.
fn repository_texts() -> Vec<PathBuf> {
    fn walk(folder: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).expect("a folder of the repository is listed") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                if !["target", "regressions", "corpus", "artifacts", ".git"].contains(&name.as_str()) {
                    walk(&path, files);
                }
            } else if matches!(
                path.extension().and_then(|extension| extension.to_str()),
                Some("rs" | "md" | "snap" | "toml")
            ) || path.extension().is_none()
            {
                files.push(path);
            }
        }
    }
    let root = repository_root();
    let mut files = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    for folder in ["crates", "docs", "fuzz", ".ci"] {
        walk(&root.join(folder), &mut files);
    }
    files
}

/// The anchor GitHub gives a Markdown heading: lower case, with letters, digits, `-` and `_`
/// kept, spaces turned into `-`, and everything else dropped.
fn heading_anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The anchors of every heading of a Markdown text, outside code blocks.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut anchors = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            anchors.insert(heading_anchor(line.trim_start_matches('#')));
        }
    }
    anchors
}

/// Every `PATH.md#anchor` in `text`, and in Markdown every `](#anchor)` (with an empty path).
fn cited_anchors(text: &str, markdown: bool) -> Vec<(String, String)> {
    let is_path = |c: char| c.is_ascii_alphanumeric() || "/._-".contains(c);
    let is_anchor = |c: char| c.is_ascii_alphanumeric() || "-_".contains(c);
    let mut cited = Vec::new();
    for (at, _) in text.match_indices(".md#") {
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !is_path(*c))
            .map_or(0, |(before, c)| before + c.len_utf8());
        let rest = &text[at + ".md#".len()..];
        let anchor: String = rest.chars().take_while(|c| is_anchor(*c)).collect();
        cited.push((format!("{}.md", &text[start..at]), anchor));
    }
    if markdown {
        for (at, _) in text.match_indices("](#") {
            let rest = &text[at + "](#".len()..];
            cited.push((String::new(), rest.chars().take_while(|c| is_anchor(*c)).collect()));
        }
    }
    cited
}

#[test]
fn every_cited_anchor_of_the_docs_exists() {
    let root = repository_root();
    let mut checked = 0;
    let mut missing = Vec::new();
    for file in repository_texts() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).expect("a file is read")).into_owned();
        let markdown = file.extension().is_some_and(|extension| extension == "md");
        // This file shows the shape of a citation without making one.
        if file.ends_with("tests/it/tidy.rs") {
            continue;
        }
        for (path, anchor) in cited_anchors(&text, markdown) {
            // Code cites from the repository's root; a page links relative to itself, or
            // names a citation as code does.
            let target = if path.is_empty() {
                Some(file.clone())
            } else {
                let relative = file.parent().filter(|_| markdown).map(|folder| folder.join(&path));
                relative.into_iter().chain([root.join(&path)]).find(|target| target.is_file())
            };
            let Some(target_text) = target.and_then(|target| std::fs::read_to_string(target).ok()) else {
                missing.push(format!("{}: {path}#{anchor}: no such file", file.display()));
                continue;
            };
            if !anchors(&target_text).contains(&anchor) {
                missing.push(format!("{}: {path}#{anchor}: no such heading", file.display()));
            }
            checked += 1;
        }
    }
    // The code cites the docs, so a walk that found no citation walked the wrong tree.
    assert!(checked > 20, "only {checked} citations found under {}", root.display());
    assert!(missing.is_empty(), "citations of headings that do not exist:\n{}", missing.join("\n"));
}

#[test]
fn nothing_cites_a_document_kept_outside_the_repository() {
    // The names and forms those documents were cited by (`reference §1.2`, `reference/peers.md`).
    let outside =
        ["DESIGN.md", "peers.md", "peers §", "style.md", "reference §", "reference/", "reference `"];
    let root = repository_root();
    let mut found = Vec::new();
    let files = repository_texts();
    for file in &files {
        let relative = file.strip_prefix(&root).expect("a file of the repository");
        let shown = relative.display().to_string().replace('\\', "/");
        // This file names what it looks for.
        if shown.ends_with("tests/it/tidy.rs") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(file).expect("a file is read")).into_owned();
        for (number, line) in text.lines().enumerate() {
            // A section sign cites a section of something; only RFCs may be cited by it here.
            let cites_a_section = line.contains('§') && !line.contains("RFC");
            if cites_a_section || outside.iter().any(|name| line.contains(name)) {
                found.push(format!("{shown}:{}: {line}", number + 1));
            }
        }
    }
    assert!(files.len() > 100, "only {} files found", files.len());
    assert!(found.is_empty(), "citations of documents a clone does not have:\n{}", found.join("\n"));
}

#[test]
fn headings_get_the_anchors_github_gives_them() {
    assert_eq!(heading_anchor(" HTTP.sys records"), "httpsys-records");
    assert_eq!(
        heading_anchor(" What is verified here, and what is not"),
        "what-is-verified-here-and-what-is-not"
    );
    assert_eq!(heading_anchor(" sslFlags to DefaultFlags"), "sslflags-to-defaultflags");
    assert_eq!(
        anchors("# Title\n```\n# not a heading\n```\n## Well-known AppIds\n"),
        BTreeSet::from(["title".to_owned(), "well-known-appids".to_owned()])
    );
    assert_eq!(
        cited_anchors("see docs/httpsys.md#selection-order, and [x](#open-questions).", true),
        [
            ("docs/httpsys.md".to_owned(), "selection-order".to_owned()),
            (String::new(), "open-questions".to_owned())
        ]
    );
}
