//! `sslbind usage THUMBPRINT` and `sslbind certificates`: the certificate-centric views,
//! which together answer "what breaks if this certificate goes". Both read their answer
//! from the core's one [`usage`] function.

use std::io::{self, Write};
use std::process::ExitCode;

use sslbind_core::analysis::usage::{certificate_list, usage as certificate_usage};
use sslbind_core::certs::resolve_known_certificate;
use time::{Duration, OffsetDateTime};

use crate::cli::{CertificatesArgs, Format, ListFormat, UsageArgs};
use crate::commands::listing::{invalid_bindings_exit, load_and_analyze};
use crate::render::{self, Style};

/// `sslbind usage`.
pub fn usage(args: &UsageArgs) -> anyhow::Result<ExitCode> {
    let (machine, analysis) = load_and_analyze(&args.sources)?;
    if !machine.mappings_known && !machine.certificates_known {
        anyhow::bail!(
            "neither mappings nor certificates were given: give --sslcert, --registry or --certs, \
             a machine folder or a snapshot"
        );
    }
    let thumbprint = resolve_known_certificate(&args.certificate, &machine)
        .map_err(|error| anyhow::anyhow!("{}: {error}", args.certificate))?;
    let found = certificate_usage(&machine, &analysis, thumbprint);
    let mut out = render::stdout();
    match args.format {
        Format::Table => render::table::usage::usage(&mut out, &machine, &found, &Style::for_stdout())?,
        Format::Json => render::json::write(&mut out, &render::usage::usage(&machine, &found))?,
    }
    out.flush()?;
    invalid_bindings_exit(&machine)
}

/// `sslbind certificates`.
pub fn certificates(args: &CertificatesArgs) -> anyhow::Result<ExitCode> {
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let (machine, analysis) = load_and_analyze(&args.sources)?;
    if !machine.certificates_known {
        writeln!(
            io::stderr().lock(),
            "warning: no certificates given: give --certs, --registry, a machine folder or a snapshot"
        )?;
    }
    let until = args.expiring_within.map(|days| now + Duration::days(i64::from(days)));
    let rows = certificate_list(&machine, &analysis, until);
    let mut out = render::stdout();
    match args.format {
        ListFormat::Table => {
            render::table::usage::certificates(
                &mut out,
                &rows,
                now,
                args.expiring_within,
                &Style::for_stdout(),
            )?;
        }
        ListFormat::Json => {
            render::json::write(&mut out, &render::usage::certificates(&machine, &rows, now))?;
        }
        ListFormat::Csv => render::csv::print(
            &render::csv::certificate_list_columns(),
            &render::usage::certificates(&machine, &rows, now),
            "certificates",
        )?,
    }
    out.flush()?;
    invalid_bindings_exit(&machine)
}
