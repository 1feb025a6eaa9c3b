//! `sslbind fleet` end to end on a SQLite file: what the fleet says of a machine is what the
//! one-machine commands say of it (bindings, mappings, doctor, certificates), the same state
//! ingested twice adds nothing, a change becomes history, hostile names come back exactly and
//! stay text in the page, and a database password never reaches the screen.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{sslbind, sslbind_json, workspace_root};

const NOW: &str = "2026-06-01T00:00:00Z";
const SHOP: &str = "6F58CF58B5FE5DB0B34A971EE01AA77C099E6629";

fn db_in(folder: &Path) -> String {
    folder.join("fleet.db").to_str().expect("a UTF-8 temporary path").to_owned()
}

fn fleet(db: &str, args: &[&str]) -> crate::util::Output {
    let mut all = vec!["fleet", args[0], "--db", db];
    all.extend_from_slice(&args[1..]);
    sslbind(&all)
}

fn fleet_json(db: &str, args: &[&str]) -> Value {
    let mut all = vec!["fleet", args[0], "--db", db, "--format", "json"];
    all.extend_from_slice(&args[1..]);
    sslbind_json(&all)
}

/// The examples' JSON listings exit with 2 for the hosting server's invalid binding after
/// printing everything, and doctor with 1 for its findings.
fn listing(args: &[&str]) -> Value {
    let output = sslbind(args);
    assert!((0..=2).contains(&output.code), "{}", output.transcript());
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| panic!("{error}\n{}", output.transcript()))
}

fn ingest_examples(db: &str) {
    let output = fleet(db, &["ingest", "examples/hosting-server", "examples/iis-express-dev", "--now", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.contains("hosting-server: added ingest"), "{}", output.stdout);
    assert!(output.stdout.contains("iis-express-dev: added ingest"), "{}", output.stdout);
}

fn strings(values: &Value, field: &str) -> BTreeSet<String> {
    values.as_array().expect("an array").iter().map(|value| value[field].to_string()).collect()
}

#[test]
fn the_fleet_says_of_each_machine_what_the_one_machine_commands_say() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = db_in(folder.path());
    ingest_examples(&db);

    let machines = fleet_json(&db, &["machines", "--now", NOW]);
    let machines = machines["machines"].as_array().expect("machines");
    let names: Vec<&str> = machines.iter().map(|machine| machine["name"].as_str().expect("a name")).collect();
    assert_eq!(names, ["hosting-server", "iis-express-dev"]);
    for machine in machines {
        let name = machine["name"].as_str().expect("a name");
        let path = format!("examples/{name}");
        let bindings = listing(&["bindings", &path, "--format", "json", "--now", NOW]);
        let mappings = listing(&["mappings", &path, "--format", "json", "--now", NOW]);
        let doctor = listing(&["doctor", &path, "--format", "json", "--now", NOW]);
        assert_eq!(machine["bindings"], bindings["bindings"].as_array().expect("bindings").len(), "{name}");
        assert_eq!(machine["mappings"], mappings["mappings"].as_array().expect("mappings").len(), "{name}");
        let mut by_status = serde_json::Map::new();
        for mapping in mappings["mappings"].as_array().expect("mappings") {
            let status = mapping["status"].as_str().expect("a status").to_owned();
            let count = by_status.get(&status).and_then(Value::as_i64).unwrap_or(0);
            by_status.insert(status, Value::from(count + 1));
        }
        assert_eq!(machine["mappings_by_status"], Value::Object(by_status), "{name}");
        assert_eq!(machine["findings"]["errors"], doctor["summary"]["errors"], "{name}");
        assert_eq!(machine["findings"]["warnings"], doctor["summary"]["warnings"], "{name}");
        assert_eq!(machine["ingests"], 1);
        assert_eq!(machine["collected_at"], NOW);

        // Findings: doctor's, field by field, each with the machine's name.
        let findings = fleet_json(&db, &["findings", "--machine", name]);
        let findings = findings["findings"].as_array().expect("findings");
        let doctor_findings = doctor["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), doctor_findings.len(), "{name}");
        let key = |finding: &Value| {
            [
                "code",
                "severity",
                "site",
                "binding",
                "mapping",
                "mapping_kind",
                "certificate_hash",
                "message",
                "fix",
            ]
            .map(|field| finding[field].to_string())
        };
        let fleet_keys: BTreeSet<_> = findings.iter().map(key).collect();
        let doctor_keys: BTreeSet<_> = doctor_findings.iter().map(key).collect();
        assert_eq!(fleet_keys, doctor_keys, "{name}");
        assert!(findings.iter().all(|finding| finding["machine"] == name));
    }

    // Where the shop certificate is: every binding served with it, per `bindings`.
    let matches = fleet_json(&db, &["where", &SHOP.to_lowercase()]);
    assert_eq!(matches["query"]["kind"], "thumbprint");
    assert_eq!(matches["query"]["value"], SHOP);
    let bindings = listing(&["bindings", "examples/hosting-server", "--format", "json", "--now", NOW]);
    let served: BTreeSet<String> = bindings["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .filter(|binding| binding["certificate_hash"] == SHOP)
        .map(|binding| binding["binding"].to_string())
        .collect();
    assert!(!served.is_empty());
    let found = matches["matches"].as_array().expect("matches");
    let found_bindings: BTreeSet<String> = found
        .iter()
        .filter(|found| !found["binding"].is_null())
        .map(|found| found["binding"].to_string())
        .collect();
    assert_eq!(found_bindings, served);
    assert!(
        found.iter().all(|found| found["machine"] == "hosting-server" && found["certificate_hash"] == SHOP)
    );

    // Where a host is: any spelling finds every binding of it.
    let by_host = fleet_json(&db, &["where", "SHOP.Contoso.com."]);
    assert_eq!(by_host["query"]["value"], "shop.contoso.com");
    let hosts: BTreeSet<String> = strings(&by_host["matches"], "binding");
    assert!(
        hosts.contains("\"*:443:shop.contoso.com\"") && hosts.contains("\"*:443:SHOP.contoso.com\""),
        "{hosts:?}"
    );
    // A near miss: another host finds nothing of the shop's.
    let other = fleet_json(&db, &["where", "shop.contoso.org"]);
    assert_eq!(other["matches"].as_array().expect("matches").len(), 0);

    // Certificates: every machine's, each once, with the machines holding it.
    let all = fleet_json(&db, &["certificates", "--now", NOW]);
    let mut expected = BTreeSet::new();
    for path in ["examples/hosting-server", "examples/iis-express-dev"] {
        let listed = listing(&["certificates", path, "--format", "json", "--now", NOW]);
        for certificate in listed["certificates"].as_array().expect("certificates") {
            expected.insert(certificate["thumbprint"].to_string());
        }
    }
    assert_eq!(strings(&all["certificates"], "thumbprint"), expected);
    let expiring = fleet_json(&db, &["certificates", "--expiring-within", "30", "--now", NOW]);
    let expiring = expiring["certificates"].as_array().expect("certificates");
    assert!(
        expiring.iter().any(|certificate| certificate["thumbprint"] == SHOP),
        "the expired shop certificate"
    );
    for certificate in expiring {
        assert!(certificate["days_left"].as_i64().expect("days") < 30, "{certificate}");
        assert!(!certificate["machines"].as_array().expect("machines").is_empty());
    }
    assert!(expiring.len() < all["certificates"].as_array().expect("certificates").len());

    // The tables say the same for people.
    let table = fleet(&db, &["machines", "--now", NOW]);
    assert_eq!(table.code, 0, "{}", table.transcript());
    assert!(
        table.stdout.contains("hosting-server") && table.stdout.contains("2 machines"),
        "{}",
        table.stdout
    );
}

/// A copy of the IIS Express example, to change between ingests.
fn example_copy(folder: &Path) -> PathBuf {
    let example = workspace_root().join("examples/iis-express-dev");
    let copy = folder.join("dev01");
    std::fs::create_dir_all(copy.join("certs")).expect("a folder");
    for entry in std::fs::read_dir(example.join("certs")).expect("the certificates") {
        let entry = entry.expect("an entry");
        std::fs::copy(entry.path(), copy.join("certs").join(entry.file_name())).expect("a copy");
    }
    for file in ["applicationhost.config", "sslcert.txt"] {
        std::fs::copy(example.join(file), copy.join(file)).expect("a copy");
    }
    copy
}

#[test]
fn the_same_state_adds_nothing_and_a_change_becomes_history() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = db_in(folder.path());
    let machine = example_copy(folder.path());
    let machine = machine.to_str().expect("UTF-8");

    let first = fleet(&db, &["ingest", machine, "--now", "2026-05-01"]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    assert!(first.stdout.starts_with("dev01: added ingest"), "{}", first.stdout);
    let again = fleet(&db, &["ingest", machine, "--now", "2026-05-02"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(again.stdout.contains("unchanged since ingest"), "{}", again.stdout);
    assert_eq!(fleet_json(&db, &["machines"])["machines"][0]["ingests"], 1);

    // The lextudio.com mapping goes away on the server.
    let netsh_path = Path::new(machine).join("sslcert.txt");
    let netsh = std::fs::read_to_string(&netsh_path).expect("netsh output");
    let records: Vec<&str> =
        netsh.split("\r\n\r\n").filter(|record| !record.contains("lextudio.com:4431")).collect();
    std::fs::write(&netsh_path, records.join("\r\n\r\n")).expect("a netsh file");
    let changed = fleet(&db, &["ingest", machine, "--now", "2026-05-03"]);
    assert_eq!(changed.code, 0, "{}", changed.transcript());
    assert!(changed.stdout.contains("added ingest"), "{}", changed.stdout);

    let history = fleet_json(&db, &["history", "dev01"]);
    assert_eq!(history["ingests"], 2);
    let changes = history["changes"].as_array().expect("changes");
    let named: Vec<(String, String)> = changes
        .iter()
        .map(|change| {
            (
                change["what"].as_str().expect("what").to_owned(),
                change["key"].as_str().expect("key").to_owned(),
            )
        })
        .collect();
    assert_eq!(named, [("mapping-removed".to_owned(), "sni lextudio.com:4431".to_owned())]);
    assert_eq!(changes[0]["at"], "2026-05-03T00:00:00Z");

    let table = fleet(&db, &["history", "dev01"]);
    assert_eq!(table.code, 0, "{}", table.transcript());
    assert!(
        table.stdout.contains("mapping-removed") && table.stdout.contains("2026-05-03T00:00:00Z"),
        "{}",
        table.stdout
    );

    // A machine the database does not hold is an error that says so.
    let unknown = fleet(&db, &["history", "web99"]);
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert!(unknown.stderr.contains("web99"), "{}", unknown.stderr);
}

/// Site names a hosting customer may choose.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "'; DROP TABLE machines; --",
    "\"><img src=x onerror=alert(1)>",
    "=HYPERLINK(\"http://evil\")",
    "shop\u{202E}gnp.exe",
];

#[test]
fn hostile_names_come_back_exactly_and_stay_text_in_the_fleet_page() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = db_in(folder.path());
    let mut sites = String::new();
    let long = "<i>x".repeat(2_500);
    for (position, name) in HOSTILE.iter().copied().chain([long.as_str()]).enumerate() {
        let escaped =
            name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        sites.push_str(&format!(
            "<site name=\"{escaped}\" id=\"{}\"><bindings><binding protocol=\"https\" \
             bindingInformation=\"*:443:site{position}.example\" sslFlags=\"1\" /></bindings></site>\n",
            position + 1
        ));
    }
    let config = folder.path().join("applicationHost.config");
    std::fs::write(
        &config,
        format!("<configuration><system.applicationHost><sites>\n{sites}</sites></system.applicationHost></configuration>\n"),
    )
    .expect("a config");
    let config = config.to_str().expect("UTF-8");
    let machine_name = "web'; DROP TABLE ingests; --<b>";
    let output = fleet(&db, &["ingest", "--name", machine_name, "--config", config, "--now", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());

    let machines = fleet_json(&db, &["machines"]);
    assert_eq!(machines["machines"][0]["name"], machine_name);
    for (position, name) in HOSTILE.iter().copied().chain([long.as_str()]).enumerate() {
        let found = fleet_json(&db, &["where", &format!("site{position}.example")]);
        let matches = found["matches"].as_array().expect("matches");
        assert_eq!(matches.len(), 1, "{found}");
        assert_eq!(matches[0]["site"], name, "the site's name comes back exactly");
        assert_eq!(matches[0]["machine"], machine_name);
    }

    let page_path = folder.path().join("fleet.html");
    let page_text = page_path.to_str().expect("UTF-8");
    let output = sslbind(&["fleet", "report", "--db", &db, "-o", page_text, "--now", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let page = std::fs::read_to_string(&page_path).expect("the page");
    assert!(
        page.contains("web&#39;; DROP TABLE ingests; --&lt;b&gt;")
            || page.contains("web'; DROP TABLE ingests; --&lt;b&gt;"),
        "the machine's name is text"
    );
    assert!(!page.contains("--<b>"));
    assert_eq!(page.matches("<script>").count(), 1, "only the page's own script");
}

#[test]
fn the_fleet_page_and_metrics_cover_every_machine() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = db_in(folder.path());
    ingest_examples(&db);
    let page_path = folder.path().join("fleet.html");
    let page_text = page_path.to_str().expect("UTF-8");
    let output = sslbind(&["fleet", "report", "--db", &db, "-o", page_text, "--now", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let page = std::fs::read_to_string(&page_path).expect("the page");
    for text in ["<td>hosting-server</td>", "<td>iis-express-dev</td>", SHOP, "certificate-expired"] {
        assert!(page.contains(text), "{text} is in the page");
    }
    assert!(page.contains("Content-Security-Policy"));

    let output = sslbind(&["fleet", "metrics", "--db", &db, "--now", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let text = &output.stdout;
    for family in [
        "x509_cert_not_after",
        "sslbind_mapping_info",
        "sslbind_findings",
        "sslbind_snapshot_timestamp_seconds",
    ] {
        assert_eq!(text.matches(&format!("# TYPE {family} gauge\n")).count(), 1, "{family} is declared once");
    }
    // Each machine's samples are those `sslbind metrics` gives for it alone.
    for name in ["hosting-server", "iis-express-dev"] {
        let alone = sslbind(&["metrics", &format!("examples/{name}"), "--now", NOW]);
        assert_eq!(alone.code, 0, "{}", alone.transcript());
        let samples = |text: &str| -> BTreeSet<String> {
            text.lines()
                .filter(|line| !line.starts_with('#') && line.contains(&format!("machine=\"{name}\"")))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(samples(text), samples(&alone.stdout), "{name}");
    }
}

#[test]
fn a_database_password_is_never_printed() {
    let output = sslbind(&["fleet", "machines", "--db", "postgres://sslbind:s3cr3t-pw@127.0.0.1:1/fleet"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(
        !output.stderr.contains("s3cr3t-pw") && !output.stdout.contains("s3cr3t-pw"),
        "{}",
        output.transcript()
    );
    assert!(output.stderr.contains("127.0.0.1"), "{}", output.stderr);
}

#[test]
fn bad_ingests_are_refused_with_exit_code_2() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = db_in(folder.path());
    // Source options describe one machine: they cannot go with several machine folders.
    let output = fleet(
        &db,
        &[
            "ingest",
            "examples/hosting-server",
            "examples/iis-express-dev",
            "--sslcert",
            "examples/hosting-server/sslcert.txt",
        ],
    );
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("describe one machine"), "{}", output.stderr);
    // One name for two machines.
    let output =
        fleet(&db, &["ingest", "--name", "web01", "examples/hosting-server", "examples/iis-express-dev"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    // A snapshot from a newer sslbind.
    let snapshot = folder.path().join("new.snapshot.json");
    std::fs::write(&snapshot, r#"{"schema": "sslbind-snapshot", "schema_version": 99}"#).expect("a file");
    let output = fleet(&db, &["ingest", snapshot.to_str().expect("UTF-8")]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("newer sslbind"), "{}", output.stderr);
    // Nothing was stored by the refused ingests.
    let machines = fleet_json(&db, &["machines"]);
    assert_eq!(machines["machines"].as_array().expect("machines").len(), 0);
}

/// The same commands against a real PostgreSQL (started by the test, Debian's `postgresql`)
/// give byte for byte the answers SQLite gives. A missing PostgreSQL fails the test.
#[cfg(feature = "external-tools")]
mod postgres {
    use super::{NOW, SHOP, db_in, example_copy, fleet};

    #[test]
    fn postgresql_and_sqlite_give_the_same_answers() {
        let server = sslbind_live::testing::postgres::server();
        let folder = tempfile::tempdir().expect("a temporary folder");
        let sqlite = db_in(folder.path());
        let postgres = server.fresh_database();
        let machine = example_copy(folder.path());
        let machine = machine.to_str().expect("UTF-8");
        for db in [&sqlite, &postgres] {
            let ingest = fleet(db, &["ingest", "examples/hosting-server", machine, "--now", "2026-05-01"]);
            assert_eq!(ingest.code, 0, "{}", ingest.transcript());
        }
        // dev01 loses a mapping, and is ingested again into both.
        let netsh_path = std::path::Path::new(machine).join("sslcert.txt");
        let netsh = std::fs::read_to_string(&netsh_path).expect("netsh output");
        let records: Vec<&str> =
            netsh.split("\r\n\r\n").filter(|record| !record.contains("lextudio.com:4431")).collect();
        std::fs::write(&netsh_path, records.join("\r\n\r\n")).expect("a netsh file");
        for db in [&sqlite, &postgres] {
            let ingest = fleet(db, &["ingest", machine, "--now", NOW]);
            assert_eq!(ingest.code, 0, "{}", ingest.transcript());
        }
        let questions: [&[&str]; 9] = [
            &["machines", "--format", "json", "--now", NOW],
            &["findings", "--format", "json"],
            &["where", SHOP, "--format", "json"],
            &["where", "lextudio.com", "--format", "json"],
            &["certificates", "--format", "json", "--now", NOW],
            &["certificates", "--expiring-within", "60", "--format", "json", "--now", NOW],
            &["history", "dev01", "--format", "json"],
            &["history", "hosting-server"],
            &["metrics", "--now", NOW],
        ];
        for question in questions {
            let from_sqlite = fleet(&sqlite, question);
            let from_postgres = fleet(&postgres, question);
            assert_eq!(from_sqlite.code, 0, "{}", from_sqlite.transcript());
            assert_eq!(from_postgres.code, 0, "{}", from_postgres.transcript());
            assert!(from_sqlite.stdout.len() > 20, "{question:?}: {}", from_sqlite.stdout);
            assert_eq!(from_sqlite.stdout, from_postgres.stdout, "{question:?}");
        }
        let history = fleet(&postgres, &["history", "dev01", "--format", "json"]);
        assert!(history.stdout.contains("\"mapping-removed\""), "{}", history.stdout);
    }
}
