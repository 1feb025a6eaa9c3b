//! The code registry: names are unique kebab-case, every code has an explanation, and the
//! generated `docs/diagnostics.md` is up to date.

use sslbind_core::doctor::{Code, diagnostics_markdown, rules};

#[test]
fn codes_are_unique_kebab_case_and_parse_back() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|code| code.name()).collect();
    for name in &names {
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name}");
        assert_eq!(Code::parse(name).map(Code::name), Some(*name));
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Code::ALL.len());
    assert_eq!(Code::parse("no-such-code"), None);
}

#[test]
fn every_code_has_an_explanation_paragraph() {
    for code in Code::ALL {
        let explanation = rules::explanation(*code);
        assert!(explanation.len() > 200, "{code}: {explanation}");
        assert!(!explanation.contains("not written yet"), "{code}");
    }
}

#[test]
fn docs_diagnostics_md_is_generated_from_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let expected = diagnostics_markdown();
    if std::env::var_os("SSLBIND_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("docs/diagnostics.md is writable");
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "docs/diagnostics.md is stale: run `SSLBIND_UPDATE_DOCS=1 cargo test -p sslbind-core docs_diagnostics`"
    );
}
