//! `sslbind report`: the page holds every binding and mapping of the machine, names written
//! by hostile site owners stay text, the Content-Security-Policy allows exactly the page's
//! script, and nothing points outside the file. The `browser` module (the `external-tools`
//! suite) opens the pages in headless Chromium and looks at the DOM it built.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::util::sslbind;

const NOW: &str = "2026-06-01";

/// Hostile site names, as a site owner on a shared server may write them, each with a
/// substring that must appear in the page (escaped) and, when it holds markup, the raw form
/// that must not.
const HOSTILE_NAMES: &[&str] = &[
    "<script>document.body.setAttribute('data-pwned','script')</script>",
    "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
    "' onmouseover='document.body.setAttribute(\"data-pwned\",\"quote\")",
    "javascript:document.body.setAttribute('data-pwned','link')",
    "shop\u{202E}gnp.exe",
    "sh\u{200B}op\u{2060}zero-width",
];

/// A 10,000-character name made of markup.
fn long_name() -> String {
    "<i>x".repeat(2_500)
}

/// A machine folder with one https binding per hostile name (and one host name with markup).
fn hostile_machine() -> (tempfile::TempDir, PathBuf) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut sites = String::new();
    let long = long_name();
    let names: Vec<&str> = HOSTILE_NAMES.iter().copied().chain([long.as_str()]).collect();
    for (position, name) in names.iter().enumerate() {
        let id = position + 1;
        sites.push_str(&format!(
            "<site name=\"{}\" id=\"{id}\"><bindings>\
             <binding protocol=\"https\" bindingInformation=\"*:443:site{id}.shop.example\" sslFlags=\"1\" />\
             </bindings></site>\n",
            xml_attribute(name)
        ));
    }
    sites.push_str(
        "<site name=\"hosts\" id=\"99\"><bindings>\
         <binding protocol=\"https\" bindingInformation=\"*:443:&lt;b&gt;x&quot;.example\" sslFlags=\"1\" />\
         </bindings></site>\n",
    );
    let config = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration><system.applicationHost><sites>\n{sites}\
         </sites></system.applicationHost></configuration>\n"
    );
    let path = folder.path().join("applicationHost.config");
    std::fs::write(&path, config).expect("the config is written");
    (folder, path)
}

fn xml_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Text as the page escapes it (maud: `&`, `<`, `>`, `"`).
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Runs `sslbind report ARGS -o FILE --now NOW` and returns the page.
fn report(folder: &Path, args: &[&str]) -> (PathBuf, String) {
    let output_path = folder.join("report.html");
    let output_text = output_path.to_str().expect("a UTF-8 temporary path");
    let mut all: Vec<&str> = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", output_text, "--now", NOW]);
    let output = sslbind(&all);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let page = std::fs::read_to_string(&output_path).expect("the report is written");
    (output_path, page)
}

/// The JSON a listing prints; the hosting server has an invalid binding on purpose, which
/// makes the listings exit with 2 (and doctor with 1) after printing everything.
fn listing_json(args: &[&str]) -> serde_json::Value {
    let output = sslbind(args);
    assert!((0..=2).contains(&output.code), "{}", output.transcript());
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| panic!("{error}\n{}", output.transcript()))
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} is in the page")) + start.len();
    let to = text[from..].find(end).unwrap_or_else(|| panic!("{end} follows {start}")) + from;
    &text[from..to]
}

#[test]
fn report_holds_every_binding_and_mapping_of_the_hosting_server() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (_, page) = report(folder.path(), &["examples/hosting-server"]);
    let bindings = listing_json(&["bindings", "examples/hosting-server", "--format", "json", "--now", NOW]);
    let bindings = bindings["bindings"].as_array().expect("bindings");
    assert!(bindings.len() >= 10, "the example has its bindings");
    let binding_section = between(&page, "<section id=\"bindings\">", "</section>");
    assert_eq!(binding_section.matches("<tr>").count(), bindings.len() + 1, "one row per binding and a head");
    for binding in bindings {
        for field in ["site", "binding"] {
            let value = binding[field].as_str().expect("a string");
            let cell = format!("<td>{}</td>", html_text(value));
            assert!(binding_section.contains(&cell), "{field} {value} is in the bindings");
        }
    }
    let mappings = listing_json(&["mappings", "examples/hosting-server", "--format", "json", "--now", NOW]);
    let mappings = mappings["mappings"].as_array().expect("mappings");
    assert!(!mappings.is_empty());
    let mapping_section = between(&page, "<section id=\"mappings\">", "</section>");
    assert_eq!(mapping_section.matches("<tr>").count(), mappings.len() + 1, "one row per mapping and a head");
    for mapping in mappings {
        let key = mapping["key"].as_str().expect("a key");
        let status = mapping["status"].as_str().expect("a status");
        let row = mapping_section
            .split("<tr>")
            .find(|row| row.contains(&format!("<td>{}</td>", html_text(key))))
            .unwrap_or_else(|| panic!("mapping {key} has a row"));
        assert!(row.contains(&format!(" {status}</span>")), "mapping {key} shows its status {status}");
    }
    let doctor = listing_json(&["doctor", "examples/hosting-server", "--format", "json", "--now", NOW]);
    let findings = doctor["findings"].as_array().expect("findings");
    let finding_section = between(&page, "<section id=\"findings\">", "</section>");
    assert_eq!(finding_section.matches("<tr>").count(), findings.len() + 1, "one row per finding and a head");
    for finding in findings {
        let message = finding["message"].as_str().expect("a message");
        assert!(finding_section.contains(&html_text(message)), "finding {message} is in the page");
    }
}

#[test]
fn report_of_a_small_machine() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (_, page) = report(folder.path(), &["examples/iis-express-dev", "--title", "IIS Express <dev>"]);
    assert!(page.contains("<title>IIS Express &lt;dev&gt;</title>"));
    // A row, a section or a heading per line, so that a change reads as a small diff.
    let lines = page.replace("<tr", "\n<tr").replace("<section", "\n<section").replace("<h2>", "\n<h2>");
    insta::assert_snapshot!(lines);
}

#[test]
fn hostile_names_stay_text() {
    let (folder, config) = hostile_machine();
    let (_, page) = report(folder.path(), &["--config", config.to_str().expect("a UTF-8 path")]);
    let long = long_name();
    for name in HOSTILE_NAMES.iter().copied().chain([long.as_str()]) {
        // Names with invisible characters are checked below, with the characters marked.
        if name.is_ascii() {
            assert!(page.contains(&html_text(name)), "{name:?} appears escaped");
        }
        if name.contains(['<', '"']) {
            assert!(!page.contains(name), "{name:?} appears raw");
        }
    }
    assert!(page.contains("shop<span class=\"cc\" title=\"invisible character\">U+202E</span>gnp.exe"));
    assert!(page.contains("sh<span class=\"cc\" title=\"invisible character\">U+200B</span>op"));
    assert!(page.contains("U+2060"));
    for invisible in ['\u{202E}', '\u{200B}', '\u{2060}'] {
        assert!(!page.contains(invisible), "{invisible:?} is never written as itself");
    }
    assert!(page.contains(&format!("<td>{}</td>", html_text(&long))), "the 10,000-character name is whole");
    assert!(page.contains("&lt;b&gt;x&quot;.example"), "a host name with markup is escaped");
    assert_eq!(page.matches("<script").count(), 1, "the page's own script is the only one");
    assert!(!page.contains("<img"), "no element comes from data");
    assert_no_link_out(&page);
}

#[test]
fn the_policy_allows_exactly_the_page_script() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (_, page) = report(folder.path(), &["examples/hosting-server"]);
    let policy = between(&page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
    let script = between(&page, "<script>", "</script>");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    assert!(policy.starts_with("default-src 'none'; "), "{policy}");
    assert!(policy.contains(&format!("script-src 'sha256-{hash}';")), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
    assert_eq!(
        policy.matches("'unsafe-inline'").count(),
        1,
        "only styles are inline by permission: {policy}"
    );
    assert!(policy.contains("style-src 'unsafe-inline'"), "{policy}");
    assert_no_link_out(&page);
}

/// Nothing the browser could fetch: no attribute that loads (`src`, `srcset`, `action`, …),
/// `href` only to a place in the page, no `url(` in the style sheet, and `http://` or
/// `https://` only in text (data the machine holds). Every `<` of data is escaped, so outside
/// the script each `<` opens a tag of the page's own.
fn assert_no_link_out(page: &str) {
    let script_start = page.find("<script>").expect("the script");
    let script_end = page.find("</script>").expect("the end of the script");
    let outside_script = format!("{}{}", &page[..script_start], &page[script_end..]);
    let style = between(page, "<style>", "</style>");
    assert!(!style.contains("url(") && !style.contains("@import"), "the style sheet loads nothing");
    let mut text = String::new();
    for piece in outside_script.split('<').skip(1) {
        let (tag, after) = piece.split_once('>').expect("every tag is closed");
        text.push_str(after);
        for attribute in ["src", "srcset", "action", "formaction", "data", "poster", "background", "ping"] {
            assert!(!tag.contains(&format!(" {attribute}=")), "<{tag}> loads something");
        }
        if let Some((_, value)) = tag.split_once(" href=\"") {
            assert!(value.starts_with('#'), "<{tag}> links out");
        }
        if !tag.starts_with("meta http-equiv") {
            assert!(
                !tag.contains("http:") && !tag.contains("https:") && !tag.contains("//"),
                "<{tag}> names a URL"
            );
        }
    }
    let script = between(page, "<script>", "</script>");
    assert!(!script.contains("http:") && !script.contains("https:"), "the script names no URL");
}

/// The pages in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
/// installs) with no network. A missing Chromium fails these tests.
#[cfg(feature = "external-tools")]
mod browser {
    use std::path::Path;
    use std::process::Command;

    use super::{HOSTILE_NAMES, hostile_machine, listing_json, report};

    /// Chromium's DOM of `page` (a `file://` URL with an optional fragment) after its
    /// scripts ran.
    fn dump_dom(profile: &Path, url: &str) -> String {
        let output = chromium(profile).arg("--dump-dom").arg(url).output().unwrap_or_else(|error| {
            panic!("chromium could not be run ({error}): the external-tools suite needs Debian's chromium")
        });
        assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("a UTF-8 DOM")
    }

    /// Headless, no sandbox (root in CI), and no network at all: every host name resolves to
    /// nothing, and the background services that would call home are off.
    fn chromium(profile: &Path) -> Command {
        let mut command = Command::new("chromium");
        command.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ]);
        command.arg(format!("--user-data-dir={}", profile.display()));
        command
    }

    fn file_url(path: &Path) -> String {
        format!("file://{}", path.display())
    }

    #[test]
    fn chromium_shows_every_binding_and_mapping_and_filters_by_fragment() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let (path, _) = report(folder.path(), &["examples/hosting-server"]);
        let profile = folder.path().join("profile");
        let dom = dump_dom(&profile, &file_url(&path));
        assert!(dom.contains("<div id=\"filter-box\">"), "the script ran and showed the filter box");
        let bindings = listing_json(&["bindings", "examples/hosting-server", "--format", "json"]);
        for binding in bindings["bindings"].as_array().expect("bindings") {
            let value = binding["binding"].as_str().expect("a binding");
            assert!(dom.contains(&super::html_text(value)), "binding {value} is in the DOM");
        }
        let mappings = listing_json(&["mappings", "examples/hosting-server", "--format", "json"]);
        for mapping in mappings["mappings"].as_array().expect("mappings") {
            let key = mapping["key"].as_str().expect("a key");
            assert!(dom.contains(&super::html_text(key)), "mapping {key} is in the DOM");
        }
        let binding_rows = |dom: &str| -> Vec<String> {
            let section = &dom[dom.find("<section id=\"bindings\">").expect("the bindings")..];
            let section = &section[..section.find("</tbody>").expect("the end of the bindings")];
            section.split("<tr").skip(2).map(str::to_lowercase).collect()
        };
        let all = binding_rows(&dom);
        assert_eq!(
            all.len(),
            bindings["bindings"].as_array().map_or(0, Vec::len),
            "every binding has its row"
        );

        let filtered = dump_dom(&profile, &format!("{}#filter=shop", file_url(&path)));
        assert!(filtered.contains(" rows match</span>"), "the script counted the rows it kept");
        let kept = binding_rows(&filtered);
        let expected: Vec<&String> = all.iter().filter(|row| row.contains("shop")).collect();
        assert!(!kept.is_empty() && kept.len() < all.len(), "the filter kept some rows and not others");
        assert_eq!(
            kept.iter().collect::<Vec<_>>(),
            expected,
            "exactly the rows with `shop` are shown, in order"
        );
    }

    #[test]
    fn chromium_runs_no_script_from_hostile_names() {
        let (folder, config) = hostile_machine();
        let (path, _) = report(folder.path(), &["--config", config.to_str().expect("a UTF-8 path")]);
        let dom = dump_dom(&folder.path().join("profile"), &file_url(&path));
        assert!(dom.contains("<div id=\"filter-box\">"), "the page's own script ran");
        // The names say `data-pwned` as text; only a script that ran could make it an attribute.
        assert!(dom.contains("<body>") && !dom.contains("data-pwned=\""), "no script from data ran");
        assert!(!dom.contains("<img"), "no element from data");
        for name in HOSTILE_NAMES.iter().filter(|name| name.is_ascii()) {
            assert!(
                dom.contains(&super::html_text(name).replace("&quot;", "\"")),
                "{name} is text in the DOM"
            );
        }
        assert!(dom.contains("U+202E"), "the right-to-left override is shown, not applied");
    }

    #[test]
    fn chromium_takes_a_screenshot() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let (path, _) = report(folder.path(), &["examples/iis-express-dev"]);
        let picture = folder.path().join("report.png");
        let output = chromium(&folder.path().join("profile"))
            .arg(format!("--screenshot={}", picture.display()))
            .arg("--window-size=1280,2000")
            .arg(file_url(&path))
            .output()
            .unwrap_or_else(|error| panic!("chromium could not be run ({error})"));
        assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
        let bytes = std::fs::read(&picture).expect("the screenshot is written");
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000, "a real picture");
    }

    /// The fleet page is the same frame: its script runs, every machine has its row, and the
    /// `#filter=` fragment keeps exactly the rows that mention the text.
    #[test]
    fn chromium_shows_the_fleet_page_and_filters_it() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let db = folder.path().join("fleet.db");
        let db = db.to_str().expect("a UTF-8 path");
        let ingest = crate::util::sslbind(&[
            "fleet",
            "ingest",
            "--db",
            db,
            "examples/hosting-server",
            "examples/iis-express-dev",
            "--now",
            super::NOW,
        ]);
        assert_eq!(ingest.code, 0, "{}", ingest.transcript());
        let path = folder.path().join("fleet.html");
        let output = crate::util::sslbind(&[
            "fleet",
            "report",
            "--db",
            db,
            "-o",
            path.to_str().expect("a UTF-8 path"),
            "--now",
            super::NOW,
        ]);
        assert_eq!(output.code, 0, "{}", output.transcript());
        let profile = folder.path().join("profile");
        let dom = dump_dom(&profile, &file_url(&path));
        assert!(dom.contains("<div id=\"filter-box\">"), "the script ran and showed the filter box");
        let machine_rows = |dom: &str| -> Vec<String> {
            let section = &dom[dom.find("<section id=\"machines\">").expect("the machines")..];
            let section = &section[..section.find("</tbody>").expect("the end of the machines")];
            section.split("<tr").skip(2).map(str::to_owned).collect()
        };
        let all = machine_rows(&dom);
        assert_eq!(all.len(), 2, "one row per machine");
        assert!(all[0].contains("hosting-server") && all[1].contains("iis-express-dev"));
        let filtered = dump_dom(&profile, &format!("{}#filter=iis-express", file_url(&path)));
        let kept = machine_rows(&filtered);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(kept[0].contains("iis-express-dev"));
    }
}
