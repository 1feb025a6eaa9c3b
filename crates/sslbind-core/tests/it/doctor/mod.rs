//! Tests of `sslbind doctor`'s rules, one module per code: each shows a machine where the
//! code fires and a near miss where it must not.

mod ccs_certificate_missing;
mod certificate_expired;
mod certificate_expiring;
mod certificate_name_mismatch;
mod certificate_not_for_server_auth;
mod certificate_not_found;
mod duplicate_binding;
mod exchange_backend_binding;
mod flags_mismatch;
mod foreign_mapping_in_use;
mod idle_mapping;
mod invalid_binding;
mod missing_mapping;
mod missing_url_reservation;
mod no_fallback_certificate;
mod port_excluded;
mod private_key_missing;
mod probe;
mod registry;
mod renewal_available;
mod shared_endpoint_certificate;
mod sni_without_host;
mod specific_ip_shadows_sni;
mod store_mismatch;
mod summary;
mod url_reservation_conflict;
mod weak_certificate;

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::{CcsFiles, UnknownCcsFolder};
use sslbind_core::doctor::{Code, Context, Finding, Options, Overrides, Parallelism, Repair, diagnose};
use sslbind_core::uncertain::SelectionAssumptions;
use time::macros::datetime;

use crate::support::MachineBuilder;

/// The time every doctor test judges certificates at: 2026-06-01.
pub const NOW: time::OffsetDateTime = datetime!(2026-06-01 00:00 UTC);

/// The settings every record of `MachineBuilder` shows (`support::MachineBuilder::netsh_text`)
/// as a fix's `netsh http update` carries them, after the key, hash, AppId and store: a fix
/// that re-points a mapping keeps every setting it has.
pub const SETTINGS: &str = "verifyclientcertrevocation=enable verifyrevocationwithcachedclientcertonly=disable \
                            usagecheck=enable revocationfreshnesstime=0 urlretrievaltimeout=0";

/// The findings for the machine `builder` describes, judged at [`NOW`] with the defaults.
pub fn findings(builder: MachineBuilder) -> Vec<Finding> {
    findings_with(builder, &UnknownCcsFolder, None)
}

/// The findings with a CCS folder (`Some` files) and the defaults otherwise.
pub fn findings_with(
    builder: MachineBuilder,
    ccs_files: &dyn CcsFiles,
    ccs_folder: Option<()>,
) -> Vec<Finding> {
    let machine = builder.build();
    let analysis = analyze(&machine, ccs_files, &SelectionAssumptions::default());
    let options = Options { now: NOW, expiry_days: 30, ccs_folder_known: ccs_folder.is_some() };
    let context = Context { machine: &machine, analysis: &analysis, ccs_files, options: &options };
    let found = diagnose(&context, &Overrides::default(), Parallelism::Sequential);
    // Every rule test also checks what the registry's repair promises of the findings: a code
    // that `doctor --fix` repairs has a fix on every finding, the text that tells a person
    // reading `doctor` without `--fix` what the repair would do (its commands may hold a
    // `<THUMBPRINT>` placeholder: the repair engine chooses the certificate); a manual code's
    // finding tells the person what to do, a fix or the explanation (`sslbind explain`).
    for finding in &found {
        match finding.code.repair() {
            Repair::Safe | Repair::Unsafe => {
                assert!(finding.fix.is_some(), "{} is repaired automatically but has no fix", finding.code)
            }
            Repair::Manual => {}
        }
    }
    found
}

/// The findings of `code` only, as `severity site binding mapping certificate: message`
/// lines (with `fix:` lines under them), for comparing with expectations written out.
pub fn report(findings: &[Finding], code: Code) -> String {
    let mut out = String::new();
    for finding in findings.iter().filter(|finding| finding.code == code) {
        out.push_str(&format!(
            "{} site={} binding={} mapping={} cert={}: {}\n",
            finding.severity,
            finding.site.as_deref().unwrap_or("-"),
            finding.binding.as_deref().unwrap_or("-"),
            finding.mapping.as_ref().map_or("-".to_owned(), ToString::to_string),
            finding.certificate_hash.map_or("-".to_owned(), |hash| hash.to_string()[..8].to_owned()),
            finding.message
        ));
        if let Some(fix) = &finding.fix {
            out.push_str(&format!("fix: {}\n", fix.title));
            for command in &fix.commands {
                out.push_str(&format!("  {command}\n"));
            }
        }
    }
    out
}

/// Every code that fired, once each, sorted.
pub fn codes(findings: &[Finding]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = findings.iter().map(|finding| finding.code.name()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}
