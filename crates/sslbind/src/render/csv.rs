//! `--format csv` (docs/contract.md#csv): the listings and doctor's findings for spreadsheets.
//! A CSV row is a JSON row flattened, so a column is named by its JSON field's path and holds
//! the same value: the rows are taken from the very structures the JSON is written from, and
//! only the column list (one per command, here) is CSV's own.
//!
//! The file is RFC 4180 as the `csv` crate writes it (a header row, CRLF line ends, a field
//! with `,` `"` CR or LF quoted with `"` doubled), after a UTF-8 byte order mark, without which
//! Excel on Windows reads UTF-8 as the ANSI code page. Site names, host names and certificate
//! subjects are written by whoever owns a site on a shared server, so a text that Excel or
//! LibreOffice would run as a formula is neutralised ([`neutralise`]); numbers are written as
//! numbers.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

/// The byte order mark every CSV output starts with, so that Excel reads it as UTF-8.
pub const BOM: &str = "\u{feff}";

/// What separates the values of a list in one field.
pub const LIST_SEPARATOR: &str = "; ";

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list for CSV
/// injection): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_LEADERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The fields of a certificate (`render::json::CertificateJson`), in its order.
const CERTIFICATE_FIELDS: &[&str] = &[
    "thumbprint",
    "subject",
    "common_name",
    "issuer",
    "serial",
    "dns_names",
    "ip_addresses",
    "not_before",
    "not_after",
    "key_algorithm",
    "key_bits",
    "key_curve",
    "signature_algorithm",
    "extended_key_usage",
    "has_private_key",
    "store",
    "source",
];

/// `text` made safe to open in a spreadsheet: a text starting with a character of
/// `FORMULA_LEADERS` gets a `'` in front (OWASP's advice), so that it is shown as the text
/// it is instead of being run; any other text is returned as it is.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_LEADERS) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// The columns of `sslbind bindings --format csv`.
pub fn binding_columns() -> Vec<String> {
    let mut columns = names(&[
        "site",
        "site_id",
        "protocol",
        "binding",
        "ip",
        "port",
        "host",
        "ssl_flags",
        "ssl_flag_names",
        "expected_mapping.kind",
        "expected_mapping.key",
        "effective_mapping.kind",
        "effective_mapping.key",
        "certificate_hash",
    ]);
    columns.extend(certificate_columns("certificate."));
    columns.extend(names(&["certificate_status", "config", "server", "source", "notes"]));
    columns
}

/// The columns of `sslbind mappings --format csv`.
pub fn mapping_columns() -> Vec<String> {
    let mut columns = names(&[
        "kind",
        "key",
        "port",
        "certificate_hash",
        "certificate_store",
        "certificate_store_given",
        "app_id",
        "owner",
        "status",
        "used_by.site",
        "used_by.binding",
        "used_by.protocol",
        "flags",
        "default_flags",
        "params.cert_check_mode",
        "params.verify_client_cert_revocation",
        "params.verify_revocation_cached_only",
        "params.usage_check",
        "params.revocation_freshness_time",
        "params.url_retrieval_timeout",
        "params.ctl_identifier",
        "params.ctl_store_name",
        "extended_properties.property_id",
        "extended_properties.values.label",
        "extended_properties.values.value",
        "unknown_fields.label",
        "unknown_fields.value",
        "truncated",
    ]);
    columns.extend(certificate_columns("certificate."));
    columns.extend(names(&["certificate_status", "source"]));
    columns
}

/// The columns of `sslbind reservations --format csv`.
pub fn reservation_columns() -> Vec<String> {
    names(&[
        "url",
        "host_kind",
        "users.name",
        "users.listen",
        "users.delegate",
        "sddl",
        "used_by.site",
        "used_by.binding",
        "used_by.protocol",
        "source",
    ])
}

/// The columns of `sslbind certificates --format csv`.
pub fn certificate_list_columns() -> Vec<String> {
    let mut columns = certificate_columns("");
    columns.extend(names(&[
        "days_left",
        "safe_to_delete",
        "reasons",
        "notes",
        "mappings.kind",
        "mappings.key",
        "mappings.status",
        "mappings.owner",
        "mappings.app_id",
        "mappings.used_by.site",
        "mappings.used_by.binding",
        "mappings.source",
        "bindings.site",
        "bindings.binding",
        "bindings.expects",
        "bindings.served",
        "bindings.source",
        "ccs_files.file",
        "ccs_files.bindings.site",
        "ccs_files.bindings.binding",
        "twins.ipv4",
        "twins.ipv6",
    ]));
    columns
}

/// The columns of `sslbind doctor --format csv`.
pub fn finding_columns() -> Vec<String> {
    names(&[
        "code",
        "severity",
        "message",
        "site",
        "binding",
        "mapping",
        "mapping_kind",
        "certificate_hash",
        "fix",
        "fix_title",
        "fix_commands",
        "sources",
    ])
}

/// Writes the rows under `key` of a command's JSON to standard output as CSV ([`write()`]).
/// Straight to the process's standard output, not through the colour stream the tables use:
/// CSV is data, like JSON, and its bytes are written as they are.
pub fn print(columns: &[String], json: &impl Serialize, key: &str) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    write(&mut out, columns, json, key)?;
    out.flush()
}

/// Writes the rows under `key` of a command's JSON (`json`, e.g. `{"bindings": [...]}`) as CSV
/// with `columns`: the byte order mark, the header, then one record per row.
pub fn write(out: &mut impl Write, columns: &[String], json: &impl Serialize, key: &str) -> io::Result<()> {
    let json = serde_json::to_value(json)?;
    let rows = match json.get(key) {
        Some(Value::Array(rows)) => rows.as_slice(),
        _ => &[],
    };
    write_rows(out, columns, rows)
}

/// Writes `rows` (JSON objects) as CSV with `columns`, each a path of field names joined with
/// `.`: the byte order mark, the header, then one record per row.
pub fn write_rows(out: &mut impl Write, columns: &[String], rows: &[Value]) -> io::Result<()> {
    out.write_all(BOM.as_bytes())?;
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(out);
    writer.write_record(columns)?;
    for row in rows {
        writer.write_record(columns.iter().map(|column| cell(row, column)))?;
    }
    writer.flush()
}

/// The field of `row` at `path`. A path that passes through lists (`used_by.site`) takes the
/// field of every element, in order, and joins them with [`LIST_SEPARATOR`]; such a joined
/// field is text. A single value keeps its type: nothing for `null`, `true` or `false`, a
/// number as JSON writes it (a negative one included: sslbind computed it, it carries no
/// formula, and a spreadsheet should read it as a number), and a text neutralised.
pub fn cell(row: &Value, path: &str) -> String {
    let mut values = Vec::new();
    let listed = collect(row, &path.split('.').collect::<Vec<_>>(), &mut values);
    if listed {
        let joined: Vec<String> = values.iter().map(|value| plain(value)).collect();
        return neutralise(&joined.join(LIST_SEPARATOR)).into_owned();
    }
    match values.first() {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => neutralise(text).into_owned(),
        Some(value @ (Value::Bool(_) | Value::Number(_))) => value.to_string(),
        Some(value @ (Value::Array(_) | Value::Object(_))) => neutralise(&value.to_string()).into_owned(),
    }
}

/// Pushes the values at `path` under `value` to `found`; `true` when a list was passed
/// through (or is the value itself), so the field holds a list.
fn collect<'a>(value: &'a Value, path: &[&str], found: &mut Vec<&'a Value>) -> bool {
    match (value, path.split_first()) {
        (Value::Array(elements), _) => {
            for element in elements {
                collect(element, path, found);
            }
            true
        }
        (_, None) => {
            found.push(value);
            false
        }
        (Value::Object(fields), Some((name, rest))) => match fields.get(*name) {
            Some(field) => collect(field, rest, found),
            None => {
                found.push(&Value::Null);
                false
            }
        },
        (_, Some(_)) => {
            found.push(&Value::Null);
            false
        }
    }
}

/// A value's text inside a list: nothing for `null`, a text as it is.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

fn certificate_columns(prefix: &str) -> Vec<String> {
    CERTIFICATE_FIELDS.iter().map(|field| format!("{prefix}{field}")).collect()
}
