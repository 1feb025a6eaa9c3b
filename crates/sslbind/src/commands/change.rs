//! The change commands (`binding`, `mapping`, `site`): build the plan, verify it like a
//! repair (the findings it would bring to the machine), show it, and with `--write` apply it;
//! with `--emit` print the mapping operations as a script.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::certs::{CertificateQuery, resolve_certificate};
use sslbind_core::doctor::Options;
use sslbind_core::model::{Machine, MappingKey, Thumbprint};
use sslbind_core::plan::script::{self, Shell};
use sslbind_core::plan::{Change, MappingOp, Plan, PlanInput, check_change};
use sslbind_core::text;
use sslbind_core::verify::verify_plan;
use sslbind_live::ExternalStep;
use sslbind_live::write::Written;
use time::OffsetDateTime;

use crate::cli::{BindingCommand, ChangeArgs, Emit, Format, MappingCommand, MappingSelector, SiteCommand};
use crate::commands::listing::{is_live, load};
use crate::render::plan::{Outcome, Report};
use crate::render::{self, Style};

/// `sslbind binding add|remove|set`.
pub fn binding(command: BindingCommand) -> anyhow::Result<ExitCode> {
    match command {
        BindingCommand::Add(args) => run(&args.change, |certificates| {
            Ok(Change::AddBinding {
                site: args.binding.site.clone(),
                protocol: args.binding.protocol.clone(),
                information: args.binding.information.clone(),
                sni: args.sni,
                ccs: args.ccs,
                certificate: certificates.find_given(args.certificate.as_ref(), "--certificate")?,
                store: args.store.clone(),
            })
        }),
        BindingCommand::Remove(args) => run(&args.change, |_| {
            Ok(Change::RemoveBinding {
                site: args.binding.site.clone(),
                protocol: args.binding.protocol.clone(),
                information: args.binding.information.clone(),
            })
        }),
        BindingCommand::Set(args) => {
            let sni = match (args.sni, args.no_sni) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            if sni.is_none() && args.certificate.is_none() && args.to.is_none() {
                anyhow::bail!("nothing to change: give --sni, --no-sni, --certificate or --to");
            }
            run(&args.change, |certificates| {
                Ok(Change::SetBinding {
                    site: args.binding.site.clone(),
                    protocol: args.binding.protocol.clone(),
                    information: args.binding.information.clone(),
                    sni,
                    certificate: certificates.find_given(args.certificate.as_ref(), "--certificate")?,
                    store: args.store.clone(),
                    to: args.to.clone(),
                })
            })
        }
    }
}

/// `sslbind mapping add|remove|prune|rebind`.
pub fn mapping(command: MappingCommand) -> anyhow::Result<ExitCode> {
    match command {
        MappingCommand::Add(args) => {
            let key = mapping_key(&args.mapping)?;
            run(&args.change, |certificates| {
                Ok(Change::AddMapping {
                    key: key.clone(),
                    certificate: certificates.find_given(args.certificate.as_ref(), "--certificate")?,
                    store: args.store.clone(),
                    app_id: args.app_id,
                })
            })
        }
        MappingCommand::Remove(args) => {
            let key = mapping_key(&args.mapping)?;
            run(&args.change, |_| Ok(Change::RemoveMapping { key: key.clone() }))
        }
        MappingCommand::Prune(args) => run(&args, |_| Ok(Change::PruneMappings)),
        MappingCommand::Rebind(args) => run(&args.change, |certificates| {
            Ok(Change::Rebind {
                from: certificates.find(&args.from, "--from")?,
                to: certificates.find(&args.to, "--to")?,
                store: args.store.clone(),
            })
        }),
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
            run(&args.change, |_| Ok(Change::RemoveSite { site: site.clone() }))
        }
    }
}

/// Where the certificates a command names are found: nowhere yet, while its values are
/// checked before anything is read, then among the certificates of the machine read.
enum Certificates<'a> {
    /// The machine is not read yet. [`check_change`] asks only whether a certificate is
    /// given, not which, so a prefix or name stands in as [`UNRESOLVED`] until it is read.
    NotRead,
    /// The machine read.
    Of(&'a Machine),
}

/// What a prefix or name stands for in the checks made before the machine is read; never
/// planned or written.
const UNRESOLVED: Thumbprint = Thumbprint([0; 20]);

impl Certificates<'_> {
    /// The thumbprint `query` names; refused with the candidates when it names no single
    /// certificate of the machine.
    fn find(&self, query: &CertificateQuery, option: &str) -> anyhow::Result<Thumbprint> {
        match (query.thumbprint(), self) {
            (Some(thumbprint), _) => Ok(thumbprint),
            (None, Certificates::NotRead) => Ok(UNRESOLVED),
            (None, Certificates::Of(machine)) => {
                resolve_certificate(query, machine).with_context(|| format!("{option} {query}"))
            }
        }
    }

    fn find_given(
        &self,
        query: Option<&CertificateQuery>,
        option: &str,
    ) -> anyhow::Result<Option<Thumbprint>> {
        query.map(|query| self.find(query, option)).transpose()
    }
}

/// The key clap read; the group on [`MappingSelector`] makes exactly one given.
fn mapping_key(selector: &MappingSelector) -> anyhow::Result<MappingKey> {
    selector
        .ipport
        .clone()
        .or_else(|| selector.hostnameport.clone())
        .or_else(|| selector.ccs.map(|port| MappingKey::Ccs { port }))
        .context("give --ipport, --hostnameport or --ccs")
}

/// The expiry window of the verification: what `doctor` uses by default, so that a change is
/// judged as `doctor` would judge the machine it leaves.
const EXPIRY_DAYS: u32 = 30;

/// Checks the values of the change `build` makes, plans it, verifies the plan (every
/// `doctor` rule on the machine before and after), shows the plan, and carries it out with
/// `--write` (all or nothing) or prints its HTTP.sys operations with `--emit`. A plan with a
/// refusal, or one that would bring a new error, is refused unless `--force`.
///
/// `build` is called twice: before anything is read, for the checks, and once the machine is
/// read, with the certificates a prefix or name is found among.
fn run(
    args: &ChangeArgs,
    build: impl Fn(&Certificates<'_>) -> anyhow::Result<Change>,
) -> anyhow::Result<ExitCode> {
    // Before anything is read or planned: a value that cannot be written is a usage error.
    check_change(&build(&Certificates::NotRead)?)?;
    let loaded = load(&args.sources)?;
    let change = &build(&Certificates::Of(&loaded.machine))?;
    let live = is_live(&args.sources);
    render::warnings(&mut io::stderr().lock(), &loaded.machine.warnings)?;
    let config_texts: Vec<String> =
        loaded.config_files.iter().map(|file| text::decode(&file.bytes).text).collect();
    let input = PlanInput { machine: &loaded.machine, config_texts: &config_texts, force: args.force };
    let mut plan = sslbind_core::plan::plan(&input, change)?;
    let options = Options {
        now: args.now.unwrap_or_else(OffsetDateTime::now_utc),
        expiry_days: EXPIRY_DAYS,
        ccs_folder_known: false,
    };
    let verification = verify_plan(&loaded.machine, &plan, &options, &UnknownCcsFolder)?;
    plan.notes.extend(verification.notes.iter().cloned());
    let introduced = verification.introduced.as_slice();

    let refused = (!plan.refusals.is_empty() || verification.refuses()) && !args.force;
    let (outcome, written) = carry(&loaded, &plan, refused, args.write, live)?;

    let mut stdout = render::stdout();
    let report = Report { outcome, emit: args.emit.is_some(), live };
    match (args.emit, args.format) {
        (Some(emit), _) => {
            // A refused plan gives no script: one on standard output would be run or saved as
            // if it were the plan.
            if !refused {
                write_script(&mut stdout, &plan, outcome, emit)?;
            }
            stdout.flush()?;
            let mut stderr = render::output::stderr();
            render::plan::table(&mut stderr, &plan, introduced, &written, report, &Style::for_stderr())?;
        }
        (None, Format::Json) => {
            render::json::write(&mut stdout, &render::plan::json(&plan, introduced, &written, outcome))?
        }
        (None, Format::Table) => {
            render::plan::table(&mut stdout, &plan, introduced, &written, report, &Style::for_stdout())?
        }
    }
    stdout.flush()?;
    if refused {
        let mut reasons: Vec<String> = plan.refusals.iter().map(|refusal| refusal.reason.clone()).collect();
        reasons.extend(verification.errors().map(|finding| {
            let subject = finding.binding.as_deref().map(|binding| format!(" for binding `{binding}`"));
            format!("the change would bring {}{}", finding.code, subject.unwrap_or_default())
        }));
        writeln!(
            io::stderr(),
            "error: refused, nothing was changed (--force overrides): {}",
            reasons.join("; ")
        )?;
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Decides what becomes of `plan` and, with `--write`, carries it out (all or nothing): the
/// outcome and the files written.
pub(crate) fn carry(
    loaded: &sslbind_live::LoadedMachine,
    plan: &Plan,
    refused: bool,
    write: bool,
    live: bool,
) -> anyhow::Result<(Outcome, Vec<Written>)> {
    let outcome = match (refused, plan.is_empty(), write, live) {
        (true, _, _, _) => Outcome::Refused,
        (false, true, _, _) => Outcome::NothingToChange,
        (false, false, false, _) => Outcome::Shown,
        (false, false, true, false) => Outcome::Written,
        (false, false, true, true) => Outcome::Applied,
    };
    let mut written = Vec::new();
    if matches!(outcome, Outcome::Written | Outcome::Applied) {
        let mut step = live_step(outcome == Outcome::Applied, &plan.ops);
        written = sslbind_live::carry_out(loaded, plan, step.as_deref_mut())?;
    }
    Ok((outcome, written))
}

/// `--emit`: the plan's HTTP.sys operations as a script for `emit`'s shell. Live, the mapping
/// operations were applied already, so the script holds what is left.
pub(crate) fn write_script(
    out: &mut impl Write,
    plan: &Plan,
    outcome: Outcome,
    emit: Emit,
) -> io::Result<()> {
    let shell = match emit {
        Emit::Netsh => Shell::Netsh,
        Emit::Powershell => Shell::PowerShell,
    };
    let ops: &[MappingOp] = if outcome == Outcome::Applied { &[] } else { &plan.ops };
    out.write_all(script::script_with_urlacls(ops, &plan.urlacl_ops, shell).as_bytes())
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
