//! `--format csv` as users run it: every listing and doctor's findings on the example machines
//! are read back with the `csv` crate and compared with the same command's JSON, column by
//! column, and hostile site names (formulas, quotes, commas, line breaks) come out as text a
//! spreadsheet shows instead of running.

use serde_json::Value;
use sslbind::render::csv::{BOM, cell, neutralise, write_rows};

use crate::util::{sslbind, workspace_root};

const NOW: &str = "--now=2026-06-01T00:00:00Z";

/// The characters that make a spreadsheet cell a formula, as OWASP lists them.
const LEADERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Each listing on a machine: its arguments and the JSON key holding its rows.
const LISTINGS: &[(&[&str], &str)] = &[
    (&["bindings", "examples/hosting-server", NOW], "bindings"),
    (&["mappings", "examples/hosting-server", NOW], "mappings"),
    (&["certificates", "examples/hosting-server", NOW], "certificates"),
    (&["doctor", "examples/hosting-server", NOW], "findings"),
    (&["reservations", "examples/iis-express-dev"], "reservations"),
    (&["bindings", "examples/iis-express-dev", NOW], "bindings"),
    (&["mappings", "examples/iis-express-dev", NOW], "mappings"),
    (&["certificates", "examples/iis-express-dev", NOW], "certificates"),
];

/// The records of a CSV text that starts with a byte order mark, header first; checks on the
/// way that every record ends in CRLF.
fn records(text: &str) -> Vec<Vec<String>> {
    let body =
        text.strip_prefix(BOM).unwrap_or_else(|| panic!("no byte order mark at the start of {text:?}"));
    assert_crlf_records(body);
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(body.as_bytes());
    reader.records().map(|record| record.expect("valid CSV").iter().map(str::to_owned).collect()).collect()
}

/// Every line end outside a quoted field is CRLF, and the text ends with one.
fn assert_crlf_records(text: &str) {
    let mut quoted = false;
    let mut previous = '\0';
    for character in text.chars() {
        match character {
            '"' => quoted = !quoted,
            '\n' if !quoted => assert_eq!(previous, '\r', "a bare LF ends a record in {text:?}"),
            _ => {}
        }
        previous = character;
    }
    assert!(text.ends_with("\r\n"), "the last record ends in CRLF");
}

/// The field a CSV column holds for `path` in a JSON row, worked out here on its own: the
/// values at the path (through every list), joined with `; ` when a list was passed; a lone
/// number or boolean as JSON writes it; text with a `'` in front when it starts like a formula.
fn expected(row: &Value, path: &str) -> String {
    fn walk<'a>(value: &'a Value, path: &[&str], listed: &mut bool, found: &mut Vec<&'a Value>) {
        if let Value::Array(elements) = value {
            *listed = true;
            elements.iter().for_each(|element| walk(element, path, listed, found));
            return;
        }
        match path.split_first() {
            None => found.push(value),
            Some((name, rest)) => match value.get(*name) {
                Some(field) => walk(field, rest, listed, found),
                None => found.push(&Value::Null),
            },
        }
    }
    let guard = |text: String| if text.starts_with(LEADERS) { format!("'{text}") } else { text };
    let text = |value: &Value| match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let mut listed = false;
    let mut found = Vec::new();
    walk(row, &path.split('.').collect::<Vec<_>>(), &mut listed, &mut found);
    if listed {
        return guard(found.iter().map(|value| text(value)).collect::<Vec<_>>().join("; "));
    }
    match found.first() {
        Some(Value::String(value)) => guard(value.clone()),
        Some(value) => text(value),
        None => String::new(),
    }
}

/// Every path to a value (not an object or a list) in `row`, list positions left out.
fn leaf_paths(row: &Value, prefix: &str, paths: &mut Vec<String>) {
    match row {
        Value::Object(fields) => {
            for (name, value) in fields {
                let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
                leaf_paths(value, &path, paths);
            }
        }
        Value::Array(elements) if !elements.is_empty() => {
            elements.iter().for_each(|element| leaf_paths(element, prefix, paths));
        }
        _ => paths.push(prefix.to_owned()),
    }
}

#[test]
fn every_listing_as_csv_holds_its_json_rows() {
    for (args, key) in LISTINGS {
        let csv = sslbind(&[args, &["--format", "csv"][..]].concat());
        let json = sslbind(&[args, &["--format", "json"][..]].concat());
        assert_eq!(csv.code, json.code, "{args:?}: {}", csv.transcript());
        assert_eq!(csv.stderr, json.stderr, "{args:?}");
        let json: Value = serde_json::from_str(&json.stdout).expect("JSON");
        let rows = json[key].as_array().expect("rows");
        assert!(!rows.is_empty(), "{args:?} lists something");
        let records = records(&csv.stdout);
        let (header, body) = records.split_first().expect("a header");
        assert_eq!(body.len(), rows.len(), "{args:?}: a record per JSON row");

        // Every field of the JSON rows has its column, and every column is a JSON field.
        let mut paths = Vec::new();
        rows.iter().for_each(|row| leaf_paths(row, "", &mut paths));
        // (A `null` object or an empty list is covered by the columns under it.)
        for path in &paths {
            let covered =
                header.iter().any(|column| column == path || column.starts_with(&format!("{path}.")));
            assert!(covered, "{args:?}: JSON field {path} has no CSV column in {header:?}");
        }
        for column in header {
            let prefix_of_a_field =
                paths.iter().any(|path| path == column || path.starts_with(&format!("{column}.")));
            let under_a_field = paths.iter().any(|path| column.starts_with(&format!("{path}.")));
            assert!(prefix_of_a_field || under_a_field, "{args:?}: column {column} is no JSON field");
        }

        for (row, record) in rows.iter().zip(body) {
            assert_eq!(record.len(), header.len(), "{args:?}");
            for (column, field) in header.iter().zip(record) {
                assert_eq!(field, &expected(row, column), "{args:?}: column {column} of {row}");
                assert!(
                    !field.starts_with(LEADERS) || field.parse::<i64>().is_ok(),
                    "{args:?}: {column} = {field:?} starts like a formula"
                );
            }
        }
    }
}

#[test]
fn negative_days_stay_numbers() {
    let output = sslbind(&["certificates", "examples/hosting-server", NOW, "--format", "csv"]);
    let records = records(&output.stdout);
    let column = records[0].iter().position(|name| name == "days_left").expect("a days_left column");
    let days: Vec<&str> = records[1..].iter().map(|record| record[column].as_str()).collect();
    // The example's expired certificates: written as the numbers they are, no quote in front.
    assert!(days.contains(&"-92") && days.contains(&"-61"), "{days:?}");
}

#[test]
fn neutralise_prefixes_formula_leaders_only() {
    let cases = [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("-3", "'-3"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("shop", "shop"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        ("'quoted", "'quoted"),
    ];
    for (input, output) in cases {
        assert_eq!(neutralise(input), output, "{input:?}");
    }
}

#[test]
fn hostile_values_are_quoted_and_neutralised() {
    let hostile = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "@SUM(A1)",
        "-cmd",
        "say \"hi\", twice",
        "line\r\nbreak",
        "\tcmd",
        "-3",
        "a;=cmd",
    ];
    let rows: Vec<Value> = hostile
        .iter()
        .map(|name| serde_json::json!({"site": name, "days_left": -3, "names": [name, "x"], "known": true}))
        .collect();
    let columns: Vec<String> = ["site", "days_left", "names", "known"].map(str::to_owned).to_vec();
    let mut out = Vec::new();
    write_rows(&mut out, &columns, &rows).expect("writing to memory");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "quotes doubled in a quoted field: {text}");
    assert!(text.contains("\"line\r\nbreak\""), "a line break is kept inside a quoted field: {text}");
    let records = records(&text);
    assert_eq!(records[0], columns);
    for (name, record) in hostile.iter().zip(&records[1..]) {
        assert_eq!(record[0], neutralise(name), "{name:?}");
        assert_eq!(record[1], "-3", "a number stays a number");
        assert_eq!(record[2], neutralise(&format!("{name}; x")), "a list is one text");
        assert_eq!(record[3], "true");
    }
    assert_eq!(cell(&rows[0], "missing"), "");
}

/// A config whose site names are what a hostile site owner might choose.
const HOSTILE_CONFIG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="=HYPERLINK(&quot;http://x&quot;)" id="1">
        <bindings><binding protocol="https" bindingInformation="*:443:a.example.com" sslFlags="1" /></bindings>
      </site>
      <site name="+1" id="2">
        <bindings><binding protocol="https" bindingInformation="*:443:b.example.com" sslFlags="1" /></bindings>
      </site>
      <site name="@SUM(A1)" id="3">
        <bindings><binding protocol="https" bindingInformation="*:443:c.example.com" sslFlags="1" /></bindings>
      </site>
      <site name="-cmd" id="4">
        <bindings><binding protocol="https" bindingInformation="*:443:d.example.com" sslFlags="1" /></bindings>
      </site>
      <site name="say &quot;hi&quot;, twice" id="5">
        <bindings><binding protocol="https" bindingInformation="*:443:e.example.com" sslFlags="1" /></bindings>
      </site>
      <site name="line&#13;&#10;break" id="6">
        <bindings><binding protocol="https" bindingInformation="*:443:f.example.com" sslFlags="1" /></bindings>
      </site>
      <site name="plain" id="7">
        <bindings><binding protocol="https" bindingInformation="*:443:g.example.com" sslFlags="1" /></bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
"#;

#[test]
fn hostile_site_names_come_out_as_text() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let config = folder.path().join("applicationHost.config");
    std::fs::write(&config, HOSTILE_CONFIG).expect("a config");
    let config = config.to_str().expect("a UTF-8 path");
    let names =
        ["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "-cmd", "say \"hi\", twice", "line\r\nbreak", "plain"];
    // doctor with mappings that none of the bindings has, so that every site has a finding.
    let other_mappings = workspace_root().join("examples/iis-express-dev/sslcert.txt");
    let other_mappings = other_mappings.to_str().expect("a UTF-8 path");
    for (command, code) in [("bindings", 0), ("doctor", 1)] {
        let output = sslbind(&[
            command,
            "--config",
            config,
            "--sslcert",
            other_mappings,
            NOW,
            "--format",
            "csv",
            "--quiet",
        ]);
        assert_eq!(output.code, code, "{}", output.transcript());
        let records = records(&output.stdout);
        let position = records[0].iter().position(|name| name == "site").expect("a site column");
        let sites: Vec<&str> = records[1..].iter().map(|record| record[position].as_str()).collect();
        for name in names {
            assert!(sites.contains(&neutralise(name).as_ref()), "{command}: {name:?} in {sites:?}");
        }
        for record in &records[1..] {
            for field in record {
                assert!(
                    !field.starts_with(LEADERS) || field.parse::<i64>().is_ok(),
                    "{command}: {field:?} starts like a formula"
                );
            }
        }
    }
}

#[test]
fn csv_is_refused_where_a_table_has_no_rows() {
    for args in [
        &["doctor", "examples/hosting-server", "--fix", "--format", "csv"][..],
        &["doctor", "examples/hosting-server", "--summary", "--format", "csv"][..],
        &["usage", "93F1ADE0", "examples/iis-express-dev", "--format", "csv"][..],
    ] {
        let output = sslbind(args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.transcript());
        assert!(output.stdout.is_empty(), "{args:?}: {}", output.transcript());
    }
}
