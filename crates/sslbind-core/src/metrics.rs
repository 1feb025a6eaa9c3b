//! A machine's certificates, mappings and findings as Prometheus metrics, in the text
//! exposition format, for monitoring that alerts before a bound certificate expires.
//!
//! The certificate families are those of the widely deployed x509-certificate-exporter
//! (`x509_cert_not_after`, `x509_cert_not_before`, `x509_cert_expired`, with its labels:
//! `serial_number` in decimal, `subject_C` … `subject_CN`, `issuer_C` … `issuer_CN`, "" where a
//! field is absent), so existing dashboards and alerts work unchanged, plus `thumbprint`,
//! `machine` and `store`. sslbind's own families say what the exporter cannot know:
//! `sslbind_mapping_info` (one series per HTTP.sys mapping, with its status and owner),
//! `sslbind_findings` (doctor's findings counted per code) and
//! `sslbind_snapshot_timestamp_seconds` (when the state was read, so a stale feed shows).
//! Families are built here, without I/O, and kept apart from their text so that a fleet can
//! merge the families of many machines before writing them once.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::analysis::Analysis;
use crate::certs::{NAME_FIELD_NAMES, name_fields};
use crate::doctor::Finding;
use crate::model::machine::Machine;

/// One metric family: its name, help text and samples (all gauges).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MetricFamily {
    /// The metric name.
    pub name: &'static str,
    /// The `# HELP` text.
    pub help: &'static str,
    /// The samples, each a label set and a value.
    pub samples: Vec<Sample>,
}

/// One sample of a family.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Sample {
    /// Label names and values, in the order written.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

/// What the metrics of one machine are made from.
pub struct MetricsInput<'a> {
    /// The machine.
    pub machine: &'a Machine,
    /// Its analysis (mapping statuses and owners).
    pub analysis: &'a Analysis,
    /// doctor's findings on it.
    pub findings: &'a [Finding],
    /// The `machine` label of every sample.
    pub machine_name: &'a str,
    /// When the state was read, the value of `sslbind_snapshot_timestamp_seconds`.
    pub collected: OffsetDateTime,
    /// The time `x509_cert_expired` is judged at.
    pub now: OffsetDateTime,
}

/// The metric families of one machine, in a fixed order: the certificate families, then
/// mappings, findings and the collection time. Each certificate appears once per store it is
/// in (a certificate read from a file has the store "").
pub fn machine_metrics(input: &MetricsInput<'_>) -> Vec<MetricFamily> {
    let mut not_after = Vec::new();
    let mut not_before = Vec::new();
    let mut expired = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for certificate in &input.machine.certificates {
        let store = certificate.store.clone().unwrap_or_default();
        if !seen.insert((certificate.thumbprint, store.to_ascii_uppercase())) {
            continue;
        }
        let fields = name_fields(&certificate.der).unwrap_or_default();
        let mut labels = vec![("serial_number".to_owned(), fields.serial_decimal.clone())];
        for (prefix, values) in [("subject", &fields.subject), ("issuer", &fields.issuer)] {
            for (name, value) in NAME_FIELD_NAMES.iter().zip(values.iter()) {
                labels.push((format!("{prefix}_{name}"), value.clone()));
            }
        }
        labels.push(("thumbprint".to_owned(), certificate.thumbprint.to_string()));
        labels.push(("machine".to_owned(), input.machine_name.to_owned()));
        labels.push(("store".to_owned(), store));
        not_after.push(Sample { labels: labels.clone(), value: unix(certificate.not_after) });
        not_before.push(Sample { labels: labels.clone(), value: unix(certificate.not_before) });
        let is_expired = input.now > certificate.not_after;
        expired.push(Sample { labels, value: if is_expired { 1.0 } else { 0.0 } });
    }

    let mappings = input
        .analysis
        .mappings
        .iter()
        .map(|analysis| {
            let mapping = input.machine.mapping(analysis.mapping);
            let owner = match (analysis.owner, mapping.app_id) {
                (Some(owner), _) => owner.name().to_owned(),
                (None, Some(app_id)) => app_id.to_string(),
                (None, None) => String::new(),
            };
            Sample {
                labels: vec![
                    ("kind".to_owned(), mapping.key.kind().as_str().to_owned()),
                    ("key".to_owned(), mapping.key.to_string()),
                    ("owner".to_owned(), owner),
                    ("status".to_owned(), analysis.status.as_str().to_owned()),
                    (
                        "thumbprint".to_owned(),
                        mapping.certificate_hash.map(|hash| hash.to_string()).unwrap_or_default(),
                    ),
                    ("machine".to_owned(), input.machine_name.to_owned()),
                ],
                value: 1.0,
            }
        })
        .collect();

    let mut counts: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    for finding in input.findings {
        *counts.entry((finding.code.name(), finding.severity.as_str())).or_default() += 1;
    }
    let findings = counts
        .into_iter()
        .map(|((code, severity), count)| Sample {
            labels: vec![
                ("code".to_owned(), code.to_owned()),
                ("severity".to_owned(), severity.to_owned()),
                ("machine".to_owned(), input.machine_name.to_owned()),
            ],
            value: count as f64,
        })
        .collect();

    vec![
        MetricFamily {
            name: "x509_cert_not_after",
            help: "The certificate's notAfter, in seconds since the Unix epoch.",
            samples: not_after,
        },
        MetricFamily {
            name: "x509_cert_not_before",
            help: "The certificate's notBefore, in seconds since the Unix epoch.",
            samples: not_before,
        },
        MetricFamily {
            name: "x509_cert_expired",
            help: "1 when the certificate is past its notAfter at the time judged, else 0.",
            samples: expired,
        },
        MetricFamily {
            name: "sslbind_mapping_info",
            help: "One HTTP.sys certificate mapping: kind, key, owner, status (in-use, fallback, idle, reserved, foreign) and certificate.",
            samples: mappings,
        },
        MetricFamily {
            name: "sslbind_findings",
            help: "sslbind doctor's findings, counted per code and severity.",
            samples: findings,
        },
        MetricFamily {
            name: "sslbind_snapshot_timestamp_seconds",
            help: "When the machine's state was read, in seconds since the Unix epoch.",
            samples: vec![Sample {
                labels: vec![("machine".to_owned(), input.machine_name.to_owned())],
                value: unix(input.collected),
            }],
        },
    ]
}

/// The families of several machines as one exposition: each family once, with every
/// machine's samples in the order the machines come. The text format allows a metric name in
/// one group only, so families cannot simply be concatenated.
pub fn merge(per_machine: impl IntoIterator<Item = Vec<MetricFamily>>) -> Vec<MetricFamily> {
    let mut merged: Vec<MetricFamily> = Vec::new();
    for families in per_machine {
        for family in families {
            match merged.iter_mut().find(|known| known.name == family.name) {
                Some(known) => known.samples.extend(family.samples),
                None => merged.push(family),
            }
        }
    }
    merged
}

/// The families in the Prometheus text exposition format (version 0.0.4): `# HELP` and
/// `# TYPE` lines, then one line per sample, label values escaped (`\\`, `\"`, `\n`), lines
/// ending in LF as the format requires. A family without samples is still declared.
pub fn exposition(families: &[MetricFamily]) -> String {
    let mut out = String::new();
    for family in families {
        out.push_str(&format!(
            "# HELP {} {}\n# TYPE {} gauge\n",
            family.name,
            escape_help(family.help),
            family.name
        ));
        for sample in &family.samples {
            out.push_str(family.name);
            if !sample.labels.is_empty() {
                let labels: Vec<String> = sample
                    .labels
                    .iter()
                    .map(|(name, value)| format!("{name}=\"{}\"", escape_label(value)))
                    .collect();
                out.push('{');
                out.push_str(&labels.join(","));
                out.push('}');
            }
            out.push(' ');
            out.push_str(&format_value(sample.value));
            out.push('\n');
        }
    }
    out
}

fn unix(moment: OffsetDateTime) -> f64 {
    moment.unix_timestamp() as f64
}

/// Whole numbers without a fraction (timestamps, counts), as exporters write them.
fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { value.to_string() }
}

fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}
