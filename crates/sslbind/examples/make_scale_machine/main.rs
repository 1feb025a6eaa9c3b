//! Writes a synthetic hosting server of any size in every format sslbind reads, to try sslbind
//! at scale or to feed the benchmarks (`benches/scale.rs` uses the same generator). See
//! `sslbind::machine_writer::scale` (`src/machine_writer/scale.rs`) for the mix of sites, mappings and problems.
//!
//! Run: `cargo run --release -p sslbind --example make_scale_machine -- SITES OUT
//! [NAMES_PER_CERTIFICATE]` (10 names per certificate by default), then for example
//! `sslbind doctor OUT/machine`, `sslbind doctor OUT/machine.snapshot.json` or
//! `sslbind mappings --registry OUT/registry.reg`.

use std::path::PathBuf;

use sslbind::machine_writer::Error;
use sslbind::machine_writer::scale::{ScaleOptions, write_scale_machine};

fn main() -> Result<(), Error> {
    let usage = "usage: make_scale_machine SITES OUT [NAMES_PER_CERTIFICATE]";
    let mut args = std::env::args().skip(1);
    let sites: usize = args.next().ok_or(usage)?.parse().map_err(|_| usage)?;
    let out = PathBuf::from(args.next().ok_or(usage)?);
    let names_per_certificate = match args.next() {
        Some(text) => text.parse().map_err(|_| usage)?,
        None => 10,
    };
    let machine = write_scale_machine(ScaleOptions { sites, names_per_certificate }, &out)?;
    println!(
        "wrote {}: {} sites, {} bindings, {} IP + {} SNI + {} CCS mappings, {} certificates; {} and {}",
        machine.folder.display(),
        machine.sites,
        machine.bindings,
        machine.ip_mappings,
        machine.sni_mappings,
        machine.ccs_mappings,
        machine.certificates,
        machine.registry.display(),
        machine.snapshot.display()
    );
    Ok(())
}
