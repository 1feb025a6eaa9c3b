//! The change commands (`binding`, `mapping`, `site`): build the plan, show it, and with
//! `--write` apply it; with `--emit` print the mapping operations as a script.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::model::{AppId, MappingKey, Thumbprint};
use sslbind_core::plan::script::{self, Shell};
use sslbind_core::plan::{Change, MappingOp, PlanInput, check_change};
use sslbind_core::text;
use sslbind_live::ExternalStep;

use crate::cli::{BindingCommand, ChangeArgs, Emit, Format, MappingCommand, MappingSelector, SiteCommand};
use crate::commands::listing::{is_live, load};
use crate::render::plan::{Outcome, Report};
use crate::render::{self, Style};

/// `sslbind binding add|remove|set`.
pub fn binding(command: BindingCommand) -> anyhow::Result<ExitCode> {
    match command {
        BindingCommand::Add(args) => {
            let change = Change::AddBinding {
                site: args.binding.site,
                protocol: args.binding.protocol,
                information: args.binding.information,
                sni: args.sni,
                ccs: args.ccs,
                certificate: thumbprint(args.certificate.as_deref(), "--certificate")?,
                store: args.store,
            };
            run(&args.change, &change)
        }
        BindingCommand::Remove(args) => {
            let change = Change::RemoveBinding {
                site: args.binding.site,
                protocol: args.binding.protocol,
                information: args.binding.information,
            };
            run(&args.change, &change)
        }
        BindingCommand::Set(args) => {
            let sni = match (args.sni, args.no_sni) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            if sni.is_none() && args.certificate.is_none() && args.to.is_none() {
                anyhow::bail!("nothing to change: give --sni, --no-sni, --certificate or --to");
            }
            let change = Change::SetBinding {
                site: args.binding.site,
                protocol: args.binding.protocol,
                information: args.binding.information,
                sni,
                certificate: thumbprint(args.certificate.as_deref(), "--certificate")?,
                store: args.store,
                to: args.to,
            };
            run(&args.change, &change)
        }
    }
}

/// `sslbind mapping add|remove|prune|rebind`.
pub fn mapping(command: MappingCommand) -> anyhow::Result<ExitCode> {
    match command {
        MappingCommand::Add(args) => {
            let app_id = match &args.app_id {
                Some(text) => Some(AppId::parse(text).with_context(|| format!("--app-id {text}"))?),
                None => None,
            };
            let change = Change::AddMapping {
                key: mapping_key(&args.mapping)?,
                certificate: thumbprint(args.certificate.as_deref(), "--certificate")?,
                store: args.store,
                app_id,
            };
            run(&args.change, &change)
        }
        MappingCommand::Remove(args) => {
            run(&args.change, &Change::RemoveMapping { key: mapping_key(&args.mapping)? })
        }
        MappingCommand::Prune(args) => run(&args, &Change::PruneMappings),
        MappingCommand::Rebind(args) => {
            let from = thumbprint(Some(&args.from), "--from")?.context("--from is required")?;
            let to = thumbprint(Some(&args.to), "--to")?.context("--to is required")?;
            run(&args.change, &Change::Rebind { from, to, store: args.store })
        }
    }
}

/// `sslbind site remove`.
pub fn site(command: SiteCommand) -> anyhow::Result<ExitCode> {
    match command {
        SiteCommand::Remove(args) => {
            // `positionals::arrange` has made sure the name is given once, as NAME or --site.
            let Some(site) = args.name.or(args.site) else {
                anyhow::bail!("give the site's name: sslbind site remove NAME [MACHINE]");
            };
            run(&args.change, &Change::RemoveSite { site })
        }
    }
}

fn thumbprint(text: Option<&str>, option: &str) -> anyhow::Result<Option<Thumbprint>> {
    text.map(|text| {
        Thumbprint::parse(text).with_context(|| format!("{option} {text}: not a certificate thumbprint"))
    })
    .transpose()
}

fn mapping_key(selector: &MappingSelector) -> anyhow::Result<MappingKey> {
    if let Some(text) = &selector.ipport {
        let address: SocketAddr = text
            .parse()
            .with_context(|| format!("--ipport {text}: expected IP:port such as 0.0.0.0:443 or [::]:443"))?;
        return Ok(MappingKey::Ip(address));
    }
    if let Some(text) = &selector.hostnameport {
        let parsed = text.rsplit_once(':').and_then(|(host, port)| Some((host, port.parse::<u16>().ok()?)));
        let Some((host, port)) = parsed.filter(|(host, port)| !host.is_empty() && *port != 0) else {
            anyhow::bail!("--hostnameport {text}: expected host:port such as www.example.com:443");
        };
        return Ok(MappingKey::Sni { host: host.to_owned(), port });
    }
    match selector.ccs {
        Some(port) if port != 0 => Ok(MappingKey::Ccs { port }),
        _ => anyhow::bail!("give --ipport, --hostnameport or --ccs"),
    }
}

/// Checks the values of `change`, plans it, shows the plan, and carries it out with
/// `--write` (all or nothing) or prints its HTTP.sys operations with `--emit`.
fn run(args: &ChangeArgs, change: &Change) -> anyhow::Result<ExitCode> {
    // Before anything is read or planned: a value that cannot be written is a usage error.
    check_change(change)?;
    let loaded = load(&args.sources)?;
    let live = is_live(&args.sources)?;
    render::warnings(&mut io::stderr().lock(), &loaded.machine.warnings)?;
    let config_texts: Vec<String> =
        loaded.config_files.iter().map(|file| text::decode(&file.bytes).text).collect();
    let input = PlanInput { machine: &loaded.machine, config_texts: &config_texts, force: args.force };
    let plan = sslbind_core::plan::plan(&input, change)?;

    let refused = !plan.refusals.is_empty() && !args.force;
    let outcome = match (refused, plan.is_empty(), args.write, live) {
        (true, _, _, _) => Outcome::Refused,
        (false, true, _, _) => Outcome::NothingToChange,
        (false, false, false, _) => Outcome::Shown,
        (false, false, true, false) => Outcome::Written,
        (false, false, true, true) => Outcome::Applied,
    };
    let mut written = Vec::new();
    if matches!(outcome, Outcome::Written | Outcome::Applied) {
        let mut step = live_step(outcome == Outcome::Applied, &plan.ops);
        written = sslbind_live::carry_out(&loaded, &plan, step.as_deref_mut())?;
    }

    let mut stdout = io::stdout().lock();
    let style = Style::for_stdout();
    let report = Report { outcome, emit: args.emit.is_some(), live };
    match (args.emit, args.format) {
        (Some(emit), _) => {
            let shell = match emit {
                Emit::Netsh => Shell::Netsh,
                Emit::Powershell => Shell::PowerShell,
            };
            // A refused plan gives no script: one on standard output would be run or saved as
            // if it were the plan.
            if !refused {
                // Live, the mapping operations were applied already; the script holds what is left.
                let ops: &[MappingOp] = if outcome == Outcome::Applied { &[] } else { &plan.ops };
                stdout.write_all(script::script_with_urlacls(ops, &plan.urlacl_ops, shell).as_bytes())?;
            }
            let mut stderr = io::stderr().lock();
            render::plan::table(&mut stderr, &plan, &written, report, &Style { colour: false, ..style })?;
        }
        (None, Format::Json) => {
            render::json::write(&mut stdout, &render::plan::json(&plan, &written, outcome))?
        }
        (None, Format::Table) => render::plan::table(&mut stdout, &plan, &written, report, &style)?,
    }
    stdout.flush()?;
    if refused {
        let reasons: Vec<&str> = plan.refusals.iter().map(|refusal| refusal.reason.as_str()).collect();
        writeln!(
            io::stderr(),
            "error: refused, nothing was changed (--force overrides): {}",
            reasons.join("; ")
        )?;
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// On the live machine, the mapping operations as the HTTP.sys step of the write: applied
/// after every config is prepared and before any is replaced, and undone when a config
/// cannot be replaced.
#[cfg(any(windows, sslbind_check_windows))]
fn live_step(live: bool, ops: &[MappingOp]) -> Option<Box<dyn ExternalStep + '_>> {
    (live && !ops.is_empty())
        .then(|| Box::new(sslbind_live::HttpSysStep::new(ops)) as Box<dyn ExternalStep + '_>)
}

#[cfg(not(any(windows, sslbind_check_windows)))]
fn live_step(_live: bool, _ops: &[MappingOp]) -> Option<Box<dyn ExternalStep + '_>> {
    None
}
