//! `sslbind doctor`: every known way HTTPS bindings and certificate mappings go wrong, found
//! in an analysed machine, each with an explanation and a fix.
//!
//! One file per rule under `rules/`, and the registry of codes, one table with a row per code,
//! in `rules/mod.rs` (`codes.rs` says what a row holds). Rules read the
//! [`Context`] and push [`Finding`]s; they never print and never decide severities beyond
//! the default, which users override per run ([`Overrides`]).

mod codes;
mod fix;
pub mod probe;
mod rules;
mod summary;

use time::OffsetDateTime;

use crate::analysis::selection::CcsFiles;
use crate::analysis::{Analysis, BindingAnalysis, BindingRef};
use crate::model::binding::{Binding, HttpEndpoint, Site};
use crate::model::certificate::Certificate;
use crate::model::ids::Thumbprint;
use crate::model::machine::{CertificateId, ConfigFile, Machine, MappingId};
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::source::Origin;
pub use codes::{Check, Code, Repair, Rule, Severity};
pub use fix::Fix;
pub use rules::{RuleHalf, run_all};
pub use summary::{CodeCount, SeverityCounts, SiteCount, Summary, summarize};

/// What a rule found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The kind of problem.
    pub code: Code,
    /// Its severity after overrides.
    pub severity: Severity,
    /// One sentence naming the site, binding, mapping and certificate involved.
    pub message: String,
    /// The site involved.
    pub site: Option<String>,
    /// The binding's `bindingInformation`.
    pub binding: Option<String>,
    /// The mapping involved.
    pub mapping: Option<MappingKey>,
    /// The certificate involved.
    pub certificate_hash: Option<Thumbprint>,
    /// How to fix it, when there is a fix.
    pub fix: Option<Fix>,
    /// Where each fact behind the finding came from; the first is the primary location.
    pub sources: Vec<Origin>,
}

impl Finding {
    /// A finding of `code` at its default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            site: None,
            binding: None,
            mapping: None,
            certificate_hash: None,
            fix: None,
            sources: Vec::new(),
        }
    }

    /// Names the site and binding, and adds the binding's origin as a source.
    pub fn with_binding(mut self, site: &Site, binding: &Binding) -> Finding {
        self.site = Some(site.name.clone());
        self.binding = Some(binding.information.clone());
        self.sources.push(binding.origin.clone());
        self
    }

    /// Names the mapping, and adds its origin as a source.
    pub fn with_mapping(mut self, mapping: &Mapping) -> Finding {
        self.mapping = Some(mapping.key.clone());
        self.sources.push(mapping.origin.clone());
        self
    }

    /// Names a mapping that does not exist (no origin to add).
    pub fn with_missing_mapping(mut self, key: &MappingKey) -> Finding {
        self.mapping = Some(key.clone());
        self
    }

    /// Names the certificate.
    pub fn with_certificate_hash(mut self, hash: Option<Thumbprint>) -> Finding {
        self.certificate_hash = hash;
        self
    }

    /// Names the certificate and adds its origin as a source.
    pub fn with_certificate(mut self, certificate: &Certificate) -> Finding {
        self.certificate_hash = Some(certificate.thumbprint);
        self.sources.push(certificate.origin.clone());
        self
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// Adds a source, unless the finding already has [`MAX_SOURCES`]: a finding about one
    /// mapping that thousands of bindings use points at the first of them, and its message
    /// counts the rest.
    pub fn with_source(mut self, origin: &Origin) -> Finding {
        if self.sources.len() < MAX_SOURCES {
            self.sources.push(origin.clone());
        }
        self
    }
}

/// What makes two findings the same problem, on a machine before and after a change: the
/// code and what it names (site, binding, mapping), not the message, whose wording (days
/// left, the certificate named) may change while the problem stays.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct FindingIdentity {
    /// The code.
    pub code: Code,
    /// The site, compared without case as IIS does.
    pub site: Option<String>,
    /// The binding's `bindingInformation`, compared without case.
    pub binding: Option<String>,
    /// The mapping.
    pub mapping: Option<MappingKey>,
}

impl Finding {
    /// What makes this finding the same problem as another on a changed machine.
    pub fn identity(&self) -> FindingIdentity {
        FindingIdentity {
            code: self.code,
            site: self.site.as_deref().map(str::to_lowercase),
            binding: self.binding.as_deref().map(str::to_lowercase),
            mapping: self.mapping.clone(),
        }
    }
}

/// The findings of `after` that `before` does not have (by [`Finding::identity`]), in
/// `after`'s order: what a change brings.
pub fn introduced<'a>(before: &[Finding], after: &'a [Finding]) -> Vec<&'a Finding> {
    let known: std::collections::HashSet<FindingIdentity> = before.iter().map(Finding::identity).collect();
    after.iter().filter(|finding| !known.contains(&finding.identity())).collect()
}

/// The most source locations [`Finding::with_source`] keeps.
pub const MAX_SOURCES: usize = 20;

/// The knobs of a doctor run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The time certificates are judged at (`--now`, else the clock, read by the caller).
    pub now: OffsetDateTime,
    /// A certificate expiring within this many days is reported (`--expiry-days`).
    pub expiry_days: u32,
    /// Whether a CCS folder was given (`--ccs-folder`), so that missing files can be told.
    pub ccs_folder_known: bool,
}

/// Everything a rule may look at.
pub struct Context<'a> {
    /// The machine.
    pub machine: &'a Machine,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The CCS folder's files, when known.
    pub ccs_files: &'a dyn CcsFiles,
    /// The run's options.
    pub options: &'a Options,
}

/// One https binding with a parsed end point, ready for rules.
#[derive(Clone, Copy)]
pub(crate) struct HttpsBinding<'a> {
    /// The analysis of it.
    pub analysis: &'a BindingAnalysis,
    /// Its config.
    pub config: &'a ConfigFile,
    /// Its site.
    pub site: &'a Site,
    /// The binding.
    pub binding: &'a Binding,
    /// Its parsed end point.
    pub endpoint: &'a HttpEndpoint,
}

impl<'a> Context<'a> {
    /// The config, site and binding at `position`.
    pub fn binding(&self, position: BindingRef) -> (&'a ConfigFile, &'a Site, &'a Binding) {
        let config = &self.machine.configs[position.config];
        let site = &config.sites[position.site];
        (config, site, &site.bindings[position.binding])
    }

    /// Every https binding whose `bindingInformation` parsed, in document order.
    pub(crate) fn https_bindings(&self) -> impl Iterator<Item = HttpsBinding<'a>> + '_ {
        self.analysis.bindings.iter().filter_map(move |analysis| {
            let (config, site, binding) = self.binding(analysis.binding);
            let endpoint = binding.http_endpoint().filter(|_| binding.is_https())?;
            Some(HttpsBinding { analysis, config, site, binding, endpoint })
        })
    }

    /// The mapping `id` names.
    pub fn mapping(&self, id: MappingId) -> &'a Mapping {
        self.machine.mapping(id)
    }

    /// The certificate `id` names.
    pub fn certificate(&self, id: CertificateId) -> &'a Certificate {
        self.machine.certificate(id)
    }
}

/// Per-run changes to the registry's defaults (`--severity CODE=LEVEL`, `--allow CODE`).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Codes with a new severity.
    pub severities: Vec<(Code, Severity)>,
    /// Codes not to report.
    pub allowed: Vec<Code>,
}

/// How [`diagnose`] runs the static rules. sslbind-core starts no thread of its own: the
/// caller chooses, and the findings are the same, in the same order, either way.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Parallelism {
    /// Every rule in turn, on the calling thread.
    Sequential,
    /// The rules in two halves, given to this function to run.
    Halves(JoinHalves),
}

/// Runs two halves of the rules (side by side: on a second thread, or with a thread pool's
/// `join`) and returns their findings, the first half's first.
pub type JoinHalves = fn(&RuleHalf<'_, '_>, &RuleHalf<'_, '_>) -> (Vec<Finding>, Vec<Finding>);

/// Runs every rule over `context` as `parallelism` says, applies `overrides`, and returns the
/// findings sorted by site, binding and code so that output is stable.
pub fn diagnose(context: &Context<'_>, overrides: &Overrides, parallelism: Parallelism) -> Vec<Finding> {
    let mut findings = Vec::new();
    rules::run_all(context, parallelism, &mut findings);
    findings.retain(|finding| !overrides.allowed.contains(&finding.code));
    for finding in &mut findings {
        if let Some((_, severity)) = overrides.severities.iter().rev().find(|(code, _)| *code == finding.code)
        {
            finding.severity = *severity;
        }
    }
    findings.sort_by(|a, b| {
        (&a.site, &a.binding, a.code, a.mapping.as_ref().map(ToString::to_string), &a.message).cmp(&(
            &b.site,
            &b.binding,
            b.code,
            b.mapping.as_ref().map(ToString::to_string),
            &b.message,
        ))
    });
    findings
}

/// The generated `docs/diagnostics.md`: every code with its severity, repair, summary and
/// explanation.
pub fn diagnostics_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n<!-- Generated from the code registry (crates/sslbind-core/src/doctor); \
         a test fails when this file is stale. -->\n\n\
         `sslbind doctor` reports these codes. Change a severity with `--severity CODE=LEVEL`, \
         silence a code with `--allow CODE`, and print one explanation with `sslbind explain CODE`.\n\n\
         The repair column says what `sslbind doctor --fix` does about a code's findings: **safe** \
         (`--fix` repairs it), **unsafe** (only `--unsafe-fixes` does) or **manual** (left to a \
         person; the fix text says what to do). It states what to expect; the repair engine decides \
         each finding by analysing the machine its plan leaves. Any repair becomes unsafe when that \
         analysis shows another binding would get a different mapping or certificate, a client \
         served today would be refused, or the repair touches a port's fallback mapping for clients \
         without SNI. Mappings owned by other programs and IIS Express's reserved mappings are never \
         touched. A repair that needs a certificate takes the one a single rule chooses (it covers \
         every host the mapping serves, is valid, allows server authentication and has its private \
         key; the longest validity wins), and leaves the finding unfixed, with the reason, when no \
         certificate qualifies.\n\n\
         | code | default | repair | fires when |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            code.name(),
            code.name(),
            code.default_severity(),
            code.repair(),
            code.summary()
        ));
    }
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {}\n\nDefault severity: {}.\n\n{}\n\nRepair: {}: {}.\n",
            code.name(),
            code.default_severity(),
            code.explanation(),
            code.repair(),
            code.repair_why()
        ));
    }
    out
}
