//! `doctor --summary`'s counting (`doctor::summarize`): per code with its severity, per site
//! worst first, the findings about no site last, and totals that match the findings.

use sslbind_core::doctor::{Code, Finding, Severity, summarize};

/// A finding of `code` at `severity` about `site` (none: a mapping or certificate alone).
fn finding(code: Code, severity: Severity, site: Option<&str>) -> Finding {
    let mut finding = Finding::new(code, "message");
    finding.severity = severity;
    finding.site = site.map(str::to_owned);
    finding
}

/// The summary as lines, `code severity count` then `site errors warnings infos`, to compare
/// with expectations written out.
fn lines(findings: &[Finding]) -> String {
    let summary = summarize(findings);
    let mut out = String::new();
    for row in &summary.by_code {
        out += &format!("code {} {} {}\n", row.code.name(), row.severity, row.count);
    }
    for row in &summary.by_site {
        let counts = row.counts;
        out += &format!(
            "site {} {} {} {}\n",
            row.site.as_deref().unwrap_or("-"),
            counts.errors,
            counts.warnings,
            counts.infos
        );
    }
    let totals = summary.totals;
    out += &format!("total {} {} {}\n", totals.errors, totals.warnings, totals.infos);
    out
}

#[test]
fn findings_are_counted_per_code_and_per_site_worst_first() {
    let findings = [
        finding(Code::IdleMapping, Severity::Warning, None),
        finding(Code::CertificateExpiring, Severity::Warning, Some("blog")),
        finding(Code::MissingMapping, Severity::Error, Some("shop")),
        finding(Code::CertificateExpiring, Severity::Warning, Some("shop")),
        finding(Code::IdleMapping, Severity::Warning, None),
        finding(Code::RenewalAvailable, Severity::Info, Some("api")),
        finding(Code::MissingMapping, Severity::Error, Some("intranet")),
        finding(Code::CertificateExpiring, Severity::Warning, Some("intranet")),
        finding(Code::IdleMapping, Severity::Warning, None),
    ];
    assert_eq!(
        lines(&findings),
        "\
code missing-mapping error 2
code certificate-expiring warning 3
code idle-mapping warning 3
code renewal-available info 1
site shop 1 1 0
site intranet 1 1 0
site blog 0 1 0
site api 0 0 1
site - 0 3 0
total 2 6 1
"
    );
}

#[test]
fn a_code_at_two_severities_has_a_row_for_each() {
    let findings = [
        finding(Code::IdleMapping, Severity::Warning, Some("a")),
        finding(Code::IdleMapping, Severity::Error, Some("a")),
    ];
    assert_eq!(
        lines(&findings),
        "code idle-mapping error 1\ncode idle-mapping warning 1\nsite a 1 1 0\ntotal 1 1 0\n"
    );
}

#[test]
fn no_findings_count_nothing() {
    assert_eq!(lines(&[]), "total 0 0 0\n");
}
