//! The registry of codes (one table, below) and the rules, one file each, with what they
//! share: naming certificates and mappings in messages, choosing the AppId and certificate a
//! fix should use.

use crate::analysis::BindingAnalysis;
use crate::command::Command;
use crate::doctor::codes::{Check, Repair, Rule, Severity};
use crate::doctor::{Context, Finding, Parallelism};
use crate::model::certificate::{Certificate, CertificateStatus};
use crate::model::ids::AppId;
use crate::model::machine::{ConfigFile, MappingId, ServerFlavor};
use crate::owners::Owner;

/// The registry: one row per code, in the order of the documentation, which is also the
/// order `doctor` runs the checks in. A row declares the rule's file and names, in order:
/// the file (module), the `Code` variant, the stable name, the default severity, what finds
/// it (`doctor`: the file's `check` over the saved state; `probe`: live handshakes only, in
/// `doctor::probe`, the file holding just the explanation), the summary, and the [`Repair`]
/// (what `doctor --fix` does about it) with one sentence saying what the repair does or why
/// it is left to a person. The file gives the explanation (`EXPLANATION`). Adding a code is
/// adding a row and its file.
macro_rules! registry {
    ($($module:ident: $variant:ident = $name:literal, $severity:ident, $found_by:ident,
        $summary:literal, $repair:ident: $repair_why:literal;)*) => {
        $(mod $module;)*

        /// A kind of finding.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of the documentation.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code's row in the registry.
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(Code::$variant => {
                        const RULE: Rule = Rule {
                            code: Code::$variant,
                            name: $name,
                            severity: Severity::$severity,
                            summary: $summary,
                            explanation: $module::EXPLANATION,
                            check: registry!(@check $found_by $module),
                            repair: Repair::$repair,
                            repair_why: $repair_why,
                        };
                        &RULE
                    })*
                }
            }
        }
    };
    (@check doctor $module:ident) => { Some($module::check) };
    (@check probe $module:ident) => { None };
}

registry! {
    missing_mapping: MissingMapping = "missing-mapping", Error, doctor,
        "An https binding's expected HTTP.sys mapping is absent",
        Safe: "adds the mapping the binding expects, with the certificate the one rule chooses (covers the binding's host, valid, for server authentication, with its private key, longest validity)";
    certificate_not_found: CertificateNotFound = "certificate-not-found", Error, doctor,
        "A mapping's certificate hash is not among the certificates given",
        Safe: "re-points the mapping in place (`netsh http update`, every setting kept) to a certificate the machine has, chosen by the one rule: covers every host the mapping serves, valid, for server authentication, with its private key, longest validity";
    certificate_expired: CertificateExpired = "certificate-expired", Error, doctor,
        "A mapped certificate is past its end date, or not valid yet",
        Safe: "re-points the mapping in place (`netsh http update`, every setting kept) to the valid certificate the one rule chooses: covers every host the mapping serves, for server authentication, with its private key, longest validity";
    certificate_expiring: CertificateExpiring = "certificate-expiring", Warning, doctor,
        "A mapped certificate expires within --expiry-days",
        Safe: "re-points the mapping in place (`netsh http update`, every setting kept) to the certificate the one rule chooses, when one outlasts the current one: covers every host the mapping serves, valid, for server authentication, with its private key, longest validity";
    certificate_name_mismatch: CertificateNameMismatch = "certificate-name-mismatch", Error, doctor,
        "The certificate a binding is served with does not cover the binding's host",
        Safe: "re-points an SNI mapping, or an IP mapping only this binding uses, in place to a certificate covering the host, chosen by the one rule; when the IP mapping is shared the repair is unsafe: a certificate covering every host it serves replaces it, or the binding moves to an SNI mapping of its own";
    shared_endpoint_certificate: SharedEndpointCertificate = "shared-endpoint-certificate", Warning, doctor,
        "Several non-SNI https bindings with different hosts share one IP end point and so one certificate",
        Unsafe: "moves each non-SNI binding with a host onto an SNI mapping of its own, which changes its sslFlags; the IP mapping stays as the fallback for clients without SNI";
    sni_without_host: SniWithoutHost = "sni-without-host", Error, doctor,
        "A binding requires SNI but has no host name",
        Manual: "the host name the binding should have is known only to a person, and clearing the SNI flag instead changes which mapping serves it";
    duplicate_binding: DuplicateBinding = "duplicate-binding", Error, doctor,
        "The same protocol and bindingInformation appear twice",
        Safe: "removes the later repeated binding line; the first stays, with its mapping";
    invalid_binding: InvalidBinding = "invalid-binding", Error, doctor,
        "An http or https bindingInformation does not parse",
        Manual: "what the bindingInformation was meant to say cannot be told from what it says";
    specific_ip_shadows_sni: SpecificIpShadowsSni = "specific-ip-shadows-sni", Warning, doctor,
        "A specific IP:port mapping answers clients on a port where bindings use SNI or CCS",
        Manual: "the specific IP mapping may be what some clients rely on: removing it, or moving its bindings, changes what they are served, a decision for a person";
    no_fallback_certificate: NoFallbackCertificate = "no-fallback-certificate", Info, doctor,
        "A port with SNI or CCS bindings has no wildcard mapping for clients that send no SNI",
        Manual: "which certificate clients without SNI should get, if any, is a choice: a fallback serves every such client of the port";
    idle_mapping: IdleMapping = "idle-mapping", Warning, doctor,
        "An IIS or IIS Express mapping that no binding uses",
        Safe: "deletes the mapping: no binding uses it";
    foreign_mapping_in_use: ForeignMappingInUse = "foreign-mapping-in-use", Warning, doctor,
        "A binding is served by a mapping that another program owns",
        Manual: "sslbind never changes another program's mapping; giving the binding a mapping of its own or changing the other program is a person's decision";
    ccs_certificate_missing: CcsCertificateMissing = "ccs-certificate-missing", Error, doctor,
        "A CCS binding's host has no .pfx file in the Central Certificate Store folder",
        Manual: "the repair needs the certificate's .pfx file in the Central Certificate Store folder, which only a person can provide";
    flags_mismatch: FlagsMismatch = "flags-mismatch", Warning, doctor,
        "A binding's sslFlags protocol bits disagree with its mapping's flags",
        Manual: "which side is meant, the binding's sslFlags or the mapping's flags, cannot be told, and either change alters the protocols clients may use";
    store_mismatch: StoreMismatch = "store-mismatch", Warning, doctor,
        "The certificate exists, but not in the store the mapping names",
        Safe: "re-points the mapping in place to the store that holds the certificate, every setting kept";
    renewal_available: RenewalAvailable = "renewal-available", Warning, doctor,
        "A mapped certificate is expired or expiring while a valid successor with the same names was given",
        Safe: "re-points the mapping in place (`netsh http update`, every setting kept) to the renewal the one rule chooses: covers every host the mapping serves, valid, for server authentication, with its private key, longest validity";
    private_key_missing: PrivateKeyMissing = "private-key-missing", Error, doctor,
        "A mapped certificate is known to lack a private key",
        Safe: "re-points the mapping in place (`netsh http update`, every setting kept) to a certificate with its private key, chosen by the one rule: covers every host the mapping serves, valid, for server authentication, longest validity";
    weak_certificate: WeakCertificate = "weak-certificate", Warning, doctor,
        "A mapped certificate has an RSA key under 2048 bits, a SHA-1 signature, or no SAN DNS name",
        Safe: "where the machine has a better certificate, re-points the mapping in place (`netsh http update`, every setting kept) to the one the one rule chooses: covers every host the mapping serves, valid, for server authentication, with its private key, longest validity";
    certificate_not_for_server_auth: CertificateNotForServerAuth = "certificate-not-for-server-auth", Warning, doctor,
        "A mapped certificate's extended key usage does not allow TLS server authentication",
        Safe: "re-points the mapping in place (`netsh http update`, every setting kept) to a certificate for server authentication, chosen by the one rule: covers every host the mapping serves, valid, with its private key, longest validity";
    probe_certificate_mismatch: ProbeCertificateMismatch = "probe-certificate-mismatch", Error, probe,
        "sslbind probe: the live server presented another certificate than the saved state maps",
        Manual: "found by live handshakes, not in the saved state: read the state from the server again, then repair what doctor finds there";
    probe_connection_reset: ProbeConnectionReset = "probe-connection-reset", Error, probe,
        "sslbind probe: the live server reset the TLS handshake or ended it with an alert",
        Manual: "found by live handshakes, not in the saved state: read the state from the server again, then repair what doctor finds there";
    probe_certificate_expired: ProbeCertificateExpired = "probe-certificate-expired", Error, probe,
        "sslbind probe: the live server presented a certificate that is expired or not valid yet",
        Manual: "found by live handshakes, not in the saved state: read the state from the server again, then repair what doctor finds there";
    missing_url_reservation: MissingUrlReservation = "missing-url-reservation", Warning, doctor,
        "An IIS Express binding on a host other than localhost has no URL reservation to listen with",
        Safe: "reserves the binding's URL for Everyone, so that IIS Express may listen on it without running elevated";
    url_reservation_conflict: UrlReservationConflict = "url-reservation-conflict", Error, doctor,
        "The URL reservation matching an IIS Express binding lets no user, or only service accounts, listen",
        Manual: "the reservation was made on purpose by someone: who may listen on the URL is a security decision for a person";
    port_excluded: PortExcluded = "port-excluded", Error, doctor,
        "An http or https binding's port lies in a range Windows has excluded",
        Manual: "moving the binding to another port, or the exclusion away, changes what clients use or what another program reserved: a decision for a person";
    exchange_backend_binding: ExchangeBackendBinding = "exchange-backend-binding", Error, doctor,
        "Exchange's Back End site is bound to one address on port 444, which breaks Extended Protection",
        Manual: "the back end's binding and its `0.0.0.0:444` mapping are Exchange's: a person checks that mapping's certificate, then rebinds the site";
}

/// Runs every static rule (the registry's checks, in its order) and appends their findings
/// in that order, whether the caller has them run in one go or in two halves
/// ([`Parallelism`]).
pub fn run_all(context: &Context<'_>, parallelism: Parallelism, findings: &mut Vec<Finding>) {
    let checks: Vec<Check> = Code::ALL.iter().filter_map(|code| code.rule().check).collect();
    match parallelism {
        Parallelism::Sequential => findings.extend(RuleHalf { checks: &checks, context }.run()),
        Parallelism::Halves(join) => {
            let (first, second) = checks.split_at(checks.len() / 2);
            let (first, second) =
                join(&RuleHalf { checks: first, context }, &RuleHalf { checks: second, context });
            findings.extend(first);
            findings.extend(second);
        }
    }
}

/// Some of the static rules and the context they read: what [`Parallelism::Halves`] is given
/// to run. The rules only read the context, so two halves can run side by side.
pub struct RuleHalf<'r, 'a> {
    checks: &'r [Check],
    context: &'r Context<'a>,
}

impl RuleHalf<'_, '_> {
    /// Runs the rules in order; their findings, in that order.
    pub fn run(&self) -> Vec<Finding> {
        let mut found = Vec::new();
        for check in self.checks {
            check(self.context, &mut found);
        }
        found
    }
}

/// The AppId the server of `config` writes: IIS or IIS Express.
pub(crate) fn app_id_for(config: &ConfigFile) -> AppId {
    Owner::server(config.flavor).app_id()
}

/// A short human name for a certificate: its first DNS name or common name, and its
/// thumbprint.
pub(crate) fn certificate_name(certificate: &Certificate) -> String {
    let name = certificate
        .dns_names
        .first()
        .or(certificate.common_name.as_ref())
        .map_or(certificate.subject.as_str(), String::as_str);
    format!("certificate `{name}` ({})", certificate.thumbprint)
}

/// What a client of the binding gets today, as the end of a sentence: "HTTP.sys serves it
/// with `0.0.0.0:443` instead" or "clients get a connection reset".
pub(crate) fn describe_served(context: &Context<'_>, analysis: &BindingAnalysis) -> String {
    match analysis.effective() {
        Some(id) => {
            let mapping = context.mapping(id);
            format!("HTTP.sys serves it with {} mapping `{}` instead", mapping.key.kind(), mapping.key)
        }
        None => "clients get a connection reset".to_owned(),
    }
}

/// The given certificate a fix should map for `host`: the one `analysis::choice` chooses
/// (covers it, valid now, allows server authentication, private key not known absent; then
/// known key, latest not-after), the rule `doctor --fix` repairs with too; `None` when no
/// given certificate qualifies.
pub(crate) fn replacement_certificate<'a>(context: &Context<'a>, host: &str) -> Option<&'a Certificate> {
    let request =
        crate::analysis::choice::ChoiceRequest { hosts: &[host], now: context.options.now, store: None };
    crate::analysis::choice::choose_certificate(
        context.machine,
        &context.analysis.certificate_index,
        &request,
    )
    .ok()
    .map(|choice| context.certificate(choice.certificate))
}

/// How appcmd names one binding of a site's collection:
/// `bindings.[protocol='https',bindingInformation='*:443:a.example.com']`; `None` when the
/// text holds a quote that would end the selector early.
pub(crate) fn appcmd_binding_selector(binding: &crate::model::binding::Binding) -> Option<String> {
    let quoted = |text: &str| text.contains(['\'', '"']);
    if quoted(&binding.protocol) || quoted(&binding.information) {
        return None;
    }
    Some(format!("bindings.[protocol='{}',bindingInformation='{}']", binding.protocol, binding.information))
}

/// `appcmd set site` for `site` of `config` with one `argument` such as
/// `/bindings.[…].sslFlags:1`, as a fix line; `crate::command` double-quotes the argument,
/// whose commas, brackets and single quotes must reach appcmd whole. IIS uses its own appcmd;
/// IIS Express its appcmd with `/apphostconfig:` naming the config read.
pub(crate) fn appcmd_set_site(
    config: &ConfigFile,
    site: &crate::model::binding::Site,
    argument: &str,
) -> String {
    let command = match config.flavor {
        ServerFlavor::Iis => Command::new("%windir%\\system32\\inetsrv\\appcmd.exe")
            .words("set site")
            .switch("site.name", site.name.as_str())
            .word(argument),
        ServerFlavor::IisExpress => Command::new("%ProgramFiles%\\IIS Express\\appcmd.exe")
            .words("set site")
            .switch("site.name", site.name.as_str())
            .word(argument)
            .switch("apphostconfig", config.path.to_string()),
    };
    crate::doctor::fix::line(&command)
}

/// The most items [`word_list`] names one by one.
pub(crate) const LISTED_ITEMS: usize = 10;

/// `a`, `a and b`, `a, b and c` (with `conjunction` in place of "and"). Past
/// [`LISTED_ITEMS`] the rest are counted, `a, b, …, i and 991 more`, so that a finding about
/// one mapping on a server with thousands of sites stays a readable paragraph instead of
/// growing with the server.
pub(crate) fn word_list(items: &[String], conjunction: &str) -> String {
    counted_list(items, items.len(), conjunction)
}

/// [`word_list`] of `total` items of which only the first ones were formatted (`shown`: all of
/// them, or at least [`LISTED_ITEMS`]), for callers that do not format the rest.
pub(crate) fn counted_list(shown: &[String], total: usize, conjunction: &str) -> String {
    match shown {
        [] => String::new(),
        _ if total > shown.len() || total > LISTED_ITEMS => {
            let listed = (LISTED_ITEMS - 1).min(shown.len());
            format!("{} {conjunction} {} more", shown[..listed].join(", "), total - listed)
        }
        [only] => only.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// How a message names the certificate of the mapping `id`: its [`certificate_name`] when it
/// was given, `certificate HASH` when only the hash is known, `None` when the mapping has no
/// hash (CCS).
pub(crate) fn mapping_certificate_name(context: &Context<'_>, id: MappingId) -> Option<String> {
    match context.analysis.mapping(id).certificate {
        Some(certificate) => Some(certificate_name(context.certificate(certificate))),
        None => context.mapping(id).certificate_hash.map(|hash| format!("certificate {hash}")),
    }
}

/// `finding` naming the certificate of the mapping `id`: with the certificate's origin as a
/// source when it was given, by hash alone otherwise.
pub(crate) fn with_mapping_certificate(finding: Finding, context: &Context<'_>, id: MappingId) -> Finding {
    match context.analysis.mapping(id).certificate {
        Some(certificate) => finding.with_certificate(context.certificate(certificate)),
        None => finding.with_certificate_hash(context.mapping(id).certificate_hash),
    }
}

// ---------------------------------------------------------------------------------------------
// The certificate rules' unit of report. (Paths are written out in full below so that this
// section needs no `use` lines of its own.)

/// One certificate as mappings use it: the unit the certificate rules report on.
///
/// [`mapped_certificates`] gives one per mapping, except that IIS Express's reserved mappings
/// (usually a hundred of them sharing its development certificate) come as one per
/// certificate, so that one expired certificate is one finding, not a hundred.
/// [`certificates_by_hash`] gives one per thumbprint with every mapping that names it.
#[derive(Clone, Debug)]
pub(crate) struct MappedCertificate<'a> {
    /// The thumbprint the mappings name.
    pub hash: crate::model::ids::Thumbprint,
    /// The certificate, when it was given (the first one with that thumbprint).
    pub certificate: Option<&'a Certificate>,
    /// The mappings, in order; never empty.
    pub mappings: Vec<MappingId>,
}

/// Every certificate-bearing mapping (not CCS, with a hash): one entry per mapping, but the
/// reserved mappings that share a certificate as one entry at the first of them.
pub(crate) fn mapped_certificates<'a>(context: &Context<'a>) -> Vec<MappedCertificate<'a>> {
    group_mappings(context, |status| status == crate::analysis::MappingStatus::Reserved)
}

/// Every mapped thumbprint once, with every mapping that names it, in order of first use.
pub(crate) fn certificates_by_hash<'a>(context: &Context<'a>) -> Vec<MappedCertificate<'a>> {
    group_mappings(context, |_| true)
}

fn group_mappings<'a>(
    context: &Context<'a>,
    grouped: impl Fn(crate::analysis::MappingStatus) -> bool,
) -> Vec<MappedCertificate<'a>> {
    let mut entries: Vec<MappedCertificate<'a>> = Vec::new();
    let mut groups: std::collections::HashMap<crate::model::ids::Thumbprint, usize> =
        std::collections::HashMap::new();
    for analysis in &context.analysis.mappings {
        let mapping = context.mapping(analysis.mapping);
        let Some(hash) = mapping.certificate_hash else { continue };
        if matches!(
            mapping.key,
            crate::model::mapping::MappingKey::Ccs { .. }
                | crate::model::mapping::MappingKey::ScopedCcs { .. }
        ) {
            continue;
        }
        if grouped(analysis.status) {
            if let Some(entry) = groups.get(&hash).and_then(|&position| entries.get_mut(position)) {
                entry.mappings.push(analysis.mapping);
                continue;
            }
            groups.insert(hash, entries.len());
        }
        let certificate = analysis.certificate.map(|id| context.certificate(id));
        entries.push(MappedCertificate { hash, certificate, mappings: vec![analysis.mapping] });
    }
    entries
}

impl<'a> MappedCertificate<'a> {
    /// The first mapping, the one findings name.
    pub(super) fn first_mapping(&self, context: &Context<'a>) -> Option<&'a crate::model::mapping::Mapping> {
        self.mappings.first().map(|&id| context.mapping(id))
    }

    /// The same certificate with only the mappings `keep` accepts; `None` when none is left.
    pub(super) fn only(
        &self,
        context: &Context<'a>,
        keep: impl Fn(&crate::model::mapping::Mapping) -> bool,
    ) -> Option<MappedCertificate<'a>> {
        let mappings: Vec<MappingId> =
            self.mappings.iter().copied().filter(|&id| keep(context.mapping(id))).collect();
        (!mappings.is_empty()).then(|| MappedCertificate { mappings, ..self.clone() })
    }

    /// Every given certificate with this thumbprint (the same certificate found in several
    /// sources or stores).
    pub(super) fn copies(&self, context: &Context<'a>) -> impl Iterator<Item = &'a Certificate> + use<'a> {
        let machine = context.machine;
        context
            .analysis
            .certificate_index
            .with_thumbprint(&self.hash)
            .iter()
            .map(move |&id| machine.certificate(id))
    }

    /// The bindings that use any of the mappings, in document order, each once.
    pub(super) fn users(&self, context: &Context<'a>) -> Vec<crate::analysis::BindingRef> {
        let mut users: Vec<crate::analysis::BindingRef> = self
            .mappings
            .iter()
            .map(|&id| context.analysis.mapping(id))
            .flat_map(|analysis| analysis.used_by.iter().copied())
            .collect();
        users.sort_unstable();
        users.dedup();
        users
    }

    /// The start of a finding's sentence: the mappings, who uses them, and the certificate,
    /// e.g. "ip mapping `0.0.0.0:443` (used by site `a`, binding `*:443:`) maps certificate
    /// `a.example.com` (5226…)" or "100 reserved IIS Express mappings on ports 44300-44399
    /// share certificate `localhost` (…)".
    pub(super) fn describe(&self, context: &Context<'a>) -> String {
        let mut parts = Vec::new();
        let mut reserved = Vec::new();
        for &id in &self.mappings {
            let (mapping, analysis) = (context.mapping(id), context.analysis.mapping(id));
            let role = match analysis.status {
                crate::analysis::MappingStatus::Reserved => {
                    reserved.push(mapping);
                    continue;
                }
                crate::analysis::MappingStatus::InUse => {
                    format!("used by {}", describe_users(context, &analysis.used_by))
                }
                crate::analysis::MappingStatus::Fallback => {
                    "the fallback for clients that send no SNI".to_owned()
                }
                crate::analysis::MappingStatus::Idle => "idle: no binding uses it".to_owned(),
                crate::analysis::MappingStatus::Foreign => match analysis.owner {
                    Some(owner) => format!("owned by {}", owner.name()),
                    None => "owned by another program".to_owned(),
                },
            };
            parts.push(format!("{} mapping `{}` ({role})", mapping.key.kind(), mapping.key));
        }
        match reserved.as_slice() {
            [] => {}
            [only] => parts.push(format!("reserved IIS Express mapping `{}`", only.key)),
            several => {
                let ports = several.iter().map(|mapping| mapping.key.port());
                let (low, high) = (ports.clone().min().unwrap_or(0), ports.max().unwrap_or(0));
                parts.push(format!("{} reserved IIS Express mappings on ports {low}-{high}", several.len()));
            }
        }
        let verb = if self.mappings.len() == 1 { "maps" } else { "share" };
        let certificate = match self.certificate {
            Some(certificate) => certificate_name(certificate),
            None => format!("certificate {}", self.hash),
        };
        format!("{} {verb} {certificate}", word_list(&parts, "and"))
    }

    /// "the mapping" or "the 3 mappings", for fix titles.
    pub(super) fn the_mappings(&self) -> String {
        match self.mappings.len() {
            1 => "the mapping".to_owned(),
            count => format!("the {count} mappings"),
        }
    }

    /// A finding of `code` about these mappings: it names the first mapping and the
    /// certificate (hash), and the site and binding when one binding (the site when one site)
    /// uses them; its sources are the mapping, the certificate and the users' bindings.
    pub(super) fn finding(&self, context: &Context<'a>, code: Code, message: String) -> Finding {
        let mut finding = Finding::new(code, message);
        if let Some(mapping) = self.first_mapping(context) {
            finding = finding.with_mapping(mapping);
        }
        finding = match self.certificate {
            Some(certificate) => finding.with_certificate(certificate),
            None => finding.with_certificate_hash(Some(self.hash)),
        };
        let users = self.users(context);
        for &user in &users {
            let (_, _, binding) = context.binding(user);
            finding = finding.with_source(&binding.origin);
        }
        if let Some(&first) = users.first() {
            let (_, site, binding) = context.binding(first);
            if users.iter().all(|user| (user.config, user.site) == (first.config, first.site)) {
                finding.site = Some(site.name.clone());
            }
            if users.len() == 1 {
                finding.binding = Some(binding.information.clone());
            }
        }
        finding
    }

    /// One `netsh http update` per mapping, re-pointing each to `target` (the `<THUMBPRINT>`
    /// placeholder when `None`) with the same key and AppId and every other setting it has
    /// (a delete and add would reset them). The store is `store` when given, else the one each
    /// mapping names.
    pub(super) fn repoint_commands(
        &self,
        context: &Context<'a>,
        target: Option<&crate::model::ids::Thumbprint>,
        store: Option<&str>,
    ) -> Vec<String> {
        let mut commands = Vec::new();
        for &position in &self.mappings {
            let mapping = context.mapping(position);
            let app_id = mapping.app_id.unwrap_or_else(|| Owner::Iis.app_id());
            let store = store.unwrap_or_else(|| mapping.effective_store());
            commands.push(crate::doctor::fix::netsh_repoint(mapping, target, store, app_id));
        }
        commands
    }
}

/// Who uses a mapping: "site `a`, binding `x`", "site `a`, bindings `x` and `y`; site `b`,
/// binding `z`".
pub(crate) fn describe_users(context: &Context<'_>, users: &[crate::analysis::BindingRef]) -> String {
    let mut sites: Vec<((usize, usize), String, Vec<String>)> = Vec::new();
    for &user in users {
        let (_, site, binding) = context.binding(user);
        let information = format!("`{}`", binding.information);
        match sites.iter_mut().find(|(key, ..)| *key == (user.config, user.site)) {
            Some((_, _, bindings)) => bindings.push(information),
            None => sites.push(((user.config, user.site), site.name.clone(), vec![information])),
        }
    }
    sites
        .iter()
        .map(|(_, site, bindings)| {
            let noun = if bindings.len() == 1 { "binding" } else { "bindings" };
            format!("site `{site}`, {noun} {}", word_list(bindings, "and"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A date as `2026-06-01` (UTC).
pub(crate) fn date(moment: time::OffsetDateTime) -> String {
    moment.to_offset(time::UtcOffset::UTC).date().to_string()
}

/// Why a certificate is not (or soon not) acceptable at `options.now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lapse {
    /// Before its `not_before`.
    NotYetValid,
    /// After its `not_after`.
    Expired,
    /// Valid, but `not_after` is at most `options.expiry_days` days away.
    Expiring,
}

impl Lapse {
    /// The lapse of `certificate` at `context.options.now`, if any.
    pub(super) fn of(context: &Context<'_>, certificate: &Certificate) -> Option<Lapse> {
        match certificate.status(context.options.now, context.options.expiry_days) {
            CertificateStatus::NotYetValid => Some(Lapse::NotYetValid),
            CertificateStatus::Expired => Some(Lapse::Expired),
            CertificateStatus::Expiring => Some(Lapse::Expiring),
            CertificateStatus::Valid => None,
        }
    }

    /// The end of a sentence about `certificate`: "expired on 2026-01-01", "is not valid
    /// until 2026-09-01", "expires on 2026-06-15, in 14 days".
    pub(super) fn describe(self, context: &Context<'_>, certificate: &Certificate) -> String {
        match self {
            Lapse::NotYetValid => format!("is not valid until {}", date(certificate.not_before)),
            Lapse::Expired => format!("expired on {}", date(certificate.not_after)),
            Lapse::Expiring => {
                let days = (certificate.not_after - context.options.now).whole_days();
                let left = match days {
                    0 => "within a day".to_owned(),
                    1 => "in 1 day".to_owned(),
                    days => format!("in {days} days"),
                };
                format!("expires on {}, {left}", date(certificate.not_after))
            }
        }
    }
}
