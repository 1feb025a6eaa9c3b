//! One HTTP.sys mapping with every setting away from its default, and the one table of those
//! settings that the "every setting survives" tests of the three crates share: the name each
//! has in the plan JSON's `parameters` (docs/contract.md#plan-parameters), whether netsh has a
//! parameter for it, which sources can carry it, and how to read it off a mapping. The core
//! reads the mapping from netsh text, a `.reg` export, a hive and a snapshot, the live crate
//! from HTTP.sys's structures, the binary prints plan JSON: each is a row of sources over this
//! one table, so a setting that one source or one output forgets fails there.
//!
//! The names are taken from the flag table (`DEFAULT_FLAGS`) and from the plans' own
//! `parameters`, never spelled a second time for flags; the writers here produce each source's
//! text from the mapping, so that the test inputs and the table cannot drift apart.

use std::fmt::Write as _;
use std::sync::Arc;

use sslbind_core::Origin;
use sslbind_core::model::{
    AppId, DEFAULT_FLAGS, DefaultFlags, ExtendedProperty, Mapping, MappingKey, MappingParams, Thumbprint,
};
use sslbind_core::registry::reg::read_reg;
use sslbind_core::registry::write_hive;

/// A `DefaultFlags` bit no table knows, which the registry and the HTTP Server API keep.
pub const UNKNOWN_FLAG: DefaultFlags = DefaultFlags::from_bits_retain(0x1_0000);

/// IIS's AppId, which the mapping carries (a plan does not touch another owner's mapping
/// without `--force`).
pub const IIS_APP_ID: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";

/// Where a mapping is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Saved `netsh http show sslcert` output.
    NetshText,
    /// A `.reg` export of HTTP.sys's parameters.
    RegExport,
    /// An offline `SYSTEM` hive.
    Hive,
    /// An sslbind snapshot.
    Snapshot,
    /// The HTTP Server API's structures (`HTTP_SERVICE_CONFIG_SSL_*_SET`).
    Live,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 5] =
        [Source::NetshText, Source::RegExport, Source::Hive, Source::Snapshot, Source::Live];
}

/// What a setting is in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `Mapping::app_id`.
    AppId,
    /// `Mapping::certificate_store`.
    Store,
    /// `MappingParams::verify_client_cert_revocation`.
    VerifyRevocation,
    /// `MappingParams::verify_revocation_cached_only`.
    CachedOnly,
    /// `MappingParams::usage_check`.
    UsageCheck,
    /// `MappingParams::revocation_freshness_time`.
    FreshnessTime,
    /// `MappingParams::url_retrieval_timeout`.
    UrlTimeout,
    /// `MappingParams::ctl_identifier`.
    CtlIdentifier,
    /// `MappingParams::ctl_store_name`.
    CtlStore,
    /// One bit of `Mapping::flags`.
    Flag(DefaultFlags),
    /// `MappingParams::revocation_freshness_time_enabled`.
    FreshnessEnabled,
    /// `Mapping::extended_properties`.
    ExtendedProperties,
}

/// One setting of [`every_setting`]'s mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// Its name in the plan JSON's `parameters`: the netsh parameter, or the kebab-case name
    /// of a setting netsh cannot set.
    pub name: String,
    /// What it is in the model.
    pub field: Field,
    /// Whether `netsh http add|update sslcert` has a parameter for it.
    pub netsh: bool,
}

impl Setting {
    /// Whether `source` can hold this setting at all.
    pub fn carried_by(&self, source: Source) -> bool {
        match self.field {
            // `netsh http show sslcert` prints no line for check-mode bit 4, nor for a bit it
            // has no label for.
            Field::FreshnessEnabled => source != Source::NetshText,
            Field::Flag(bit) if DefaultFlags::info(bit).is_none() => source != Source::NetshText,
            // HTTP.sys keeps them in separate `…Ex` records, which netsh shows, snapshots keep
            // and the live reader and apply read and write (`HTTP_SERVICE_CONFIG_SSL_*_SET_EX`);
            // no registry value is known to hold them.
            Field::ExtendedProperties => {
                matches!(source, Source::NetshText | Source::Snapshot | Source::Live)
            }
            _ => true,
        }
    }

    /// The setting's value in `mapping`, as text to compare and to print.
    pub fn value(&self, mapping: &Mapping) -> String {
        let params = &mapping.params;
        match self.field {
            Field::AppId => format!("{:?}", mapping.app_id),
            Field::Store => format!("{:?}", mapping.certificate_store),
            Field::VerifyRevocation => format!("{:?}", params.verify_client_cert_revocation),
            Field::CachedOnly => format!("{:?}", params.verify_revocation_cached_only),
            Field::UsageCheck => format!("{:?}", params.usage_check),
            Field::FreshnessTime => format!("{:?}", params.revocation_freshness_time),
            Field::UrlTimeout => format!("{:?}", params.url_retrieval_timeout),
            Field::CtlIdentifier => format!("{:?}", params.ctl_identifier),
            Field::CtlStore => format!("{:?}", params.ctl_store_name),
            Field::Flag(bit) => format!("{}", mapping.flags.contains(bit)),
            Field::FreshnessEnabled => format!("{:?}", params.revocation_freshness_time_enabled),
            Field::ExtendedProperties => format!("{:?}", mapping.extended_properties),
        }
    }
}

/// Every setting of [`every_setting`]'s mapping apart from its key and certificate hash, in
/// the order of the plan JSON's `parameters` (netsh's usage order, then the settings netsh
/// has no parameter for).
pub fn settings() -> Vec<Setting> {
    let named = |name: &str, field: Field| Setting { name: name.to_owned(), field, netsh: true };
    let mut settings = vec![
        named("appid", Field::AppId),
        named("certstorename", Field::Store),
        named("verifyclientcertrevocation", Field::VerifyRevocation),
        named("verifyrevocationwithcachedclientcertonly", Field::CachedOnly),
        named("usagecheck", Field::UsageCheck),
        named("revocationfreshnesstime", Field::FreshnessTime),
        named("urlretrievaltimeout", Field::UrlTimeout),
        named("sslctlidentifier", Field::CtlIdentifier),
        named("sslctlstorename", Field::CtlStore),
    ];
    let with_parameter = DEFAULT_FLAGS.iter().filter_map(|info| {
        let name = info.netsh_parameter?;
        Some(Setting { name: name.to_owned(), field: Field::Flag(info.flag), netsh: true })
    });
    settings.extend(with_parameter);
    let without_parameter =
        DEFAULT_FLAGS.iter().filter(|info| info.netsh_parameter.is_none()).map(|info| info.flag);
    for bit in without_parameter.chain([UNKNOWN_FLAG]) {
        for name in bit.names() {
            settings.push(Setting { name, field: Field::Flag(bit), netsh: false });
        }
    }
    settings.push(Setting {
        name: "revocation-freshness-time-enabled".to_owned(),
        field: Field::FreshnessEnabled,
        netsh: false,
    });
    settings.push(Setting {
        name: "extended-properties".to_owned(),
        field: Field::ExtendedProperties,
        netsh: false,
    });
    settings
}

/// An IIS mapping with `key` and certificate `hash` whose every setting is away from its
/// default: store, revocation checks, freshness time and its switch, URL retrieval timeout,
/// usage check, CTL identifier and store, every known `DefaultFlags` bit and an unknown one,
/// and two extended-property blocks.
pub fn every_setting(key: MappingKey, hash: Thumbprint) -> Mapping {
    let mut mapping = Mapping::new(key, Origin::Planned);
    mapping.certificate_hash = Some(hash);
    mapping.app_id = AppId::parse(IIS_APP_ID).ok();
    mapping.certificate_store = Some("WebHosting".to_owned());
    mapping.params = MappingParams {
        verify_client_cert_revocation: Some(false),
        verify_revocation_cached_only: Some(true),
        revocation_freshness_time_enabled: Some(true),
        usage_check: Some(false),
        revocation_freshness_time: Some(3600),
        url_retrieval_timeout: Some(15000),
        ctl_identifier: Some("AdfsCtl".to_owned()),
        ctl_store_name: Some("AdfsTrustedDevices".to_owned()),
    };
    mapping.flags = DefaultFlags::all() | UNKNOWN_FLAG;
    mapping.flags_known = true;
    mapping.extended_properties = vec![
        ExtendedProperty { property_id: Some(0), values: pairs(&[("Receive Window", "1048576")]) },
        ExtendedProperty {
            property_id: Some(1),
            values: pairs(&[
                ("Max Settings Per Frame", "2796202"),
                ("Max Settings Per Minute", "4294967295"),
            ]),
        },
    ];
    mapping
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(label, value)| ((*label).to_owned(), (*value).to_owned())).collect()
}

/// `mapping` as `netsh http show sslcert` prints it on Windows Server 2022 (with the header):
/// every line netsh has for it, the flag lines by their labels in `DEFAULT_FLAGS`.
pub fn netsh_text(mapping: &Mapping) -> String {
    let key_label = match &mapping.key {
        MappingKey::Ip(_) => "IP:port",
        MappingKey::Sni { .. } => "Hostname:port",
        MappingKey::Ccs { .. } => "Central Certificate Store",
        MappingKey::ScopedCcs { .. } => "Scoped CCS",
    };
    let text_or_null = |text: &Option<String>| text.clone().unwrap_or_else(|| "(null)".to_owned());
    let enabled = |on: Option<bool>| if on == Some(true) { "Enabled" } else { "Disabled" }.to_owned();
    let params = &mapping.params;
    let mut lines = vec![
        (key_label.to_owned(), mapping.key.to_string()),
        (
            "Certificate Hash".to_owned(),
            mapping.certificate_hash.map_or("(null)".to_owned(), |hash| hash.to_string()),
        ),
        (
            "Application ID".to_owned(),
            mapping.app_id.map_or("(null)".to_owned(), |app_id| app_id.to_string()),
        ),
        ("Certificate Store Name".to_owned(), text_or_null(&mapping.certificate_store)),
        ("Verify Client Certificate Revocation".to_owned(), enabled(params.verify_client_cert_revocation)),
        (
            "Verify Revocation Using Cached Client Certificate Only".to_owned(),
            enabled(params.verify_revocation_cached_only),
        ),
        ("Usage Check".to_owned(), enabled(params.usage_check)),
        ("Revocation Freshness Time".to_owned(), params.revocation_freshness_time.unwrap_or(0).to_string()),
        ("URL Retrieval Timeout".to_owned(), params.url_retrieval_timeout.unwrap_or(0).to_string()),
        ("Ctl Identifier".to_owned(), text_or_null(&params.ctl_identifier)),
        ("Ctl Store Name".to_owned(), text_or_null(&params.ctl_store_name)),
    ];
    for info in &DEFAULT_FLAGS {
        let on = mapping.flags.contains(info.flag);
        // The two classic lines say Enabled/Disabled, the newer flag lines Set/Not Set.
        let word = match (info.flag, on) {
            (DefaultFlags::USE_DS_MAPPER | DefaultFlags::NEGOTIATE_CLIENT_CERT, true) => "Enabled",
            (DefaultFlags::USE_DS_MAPPER | DefaultFlags::NEGOTIATE_CLIENT_CERT, false) => "Disabled",
            (_, true) => "Set",
            (_, false) => "Not Set",
        };
        lines.push((info.netsh_label.to_owned(), word.to_owned()));
    }
    let mut text = String::from("\nSSL Certificate bindings:\n-------------------------\n\n");
    for (label, value) in lines {
        let _ = writeln!(text, "    {label:<28} : {value}");
    }
    for property in &mapping.extended_properties {
        text.push_str(" Extended Properties:\n");
        if let Some(id) = property.property_id {
            let _ = writeln!(text, "    {:<28} : {id}", "PropertyId");
        }
        for (label, value) in &property.values {
            let _ = writeln!(text, "    {label:<28} : {value}");
        }
    }
    text.push('\n');
    text
}

/// Where HTTP.sys's records live below a control set.
const HTTP: &str = r"Services\HTTP\Parameters";

/// A snapshot of a machine that has only `mapping`.
pub fn snapshot_text(mapping: &Mapping) -> String {
    let machine = sslbind_core::model::Machine {
        mappings: vec![mapping.clone()],
        mappings_known: true,
        ..sslbind_core::model::Machine::default()
    };
    let meta = sslbind_core::snapshot::SnapshotMeta {
        tool: "sslbind tests".to_owned(),
        created: "2026-06-01T00:00:00Z".to_owned(),
        machine_name: None,
    };
    match sslbind_core::snapshot::write_snapshot(&machine, &[], &meta) {
        Ok(text) => text,
        Err(error) => panic!("the snapshot cannot be written: {error}"),
    }
}

/// `mapping` as a `.reg` export of its record key (regedit 5 syntax, UTF-8).
pub fn reg_export(mapping: &Mapping) -> String {
    format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\{HTTP}\\{}]\r\n{}",
        reg_record_key(mapping),
        reg_values(mapping)
    )
}

/// An offline `SYSTEM` hive holding `mapping` in `ControlSet001`, the current control set,
/// written by sslbind's own hive writer.
pub fn system_hive(mapping: &Mapping) -> Vec<u8> {
    let record = reg_record_key(mapping);
    let parent = record.split('\\').next().unwrap_or_default();
    let mut text = String::from("Windows Registry Editor Version 5.00\n\n");
    for key in ["ControlSet001", "ControlSet001\\Services", "ControlSet001\\Services\\HTTP"] {
        let _ = write!(text, "[\\{key}]\n\n");
    }
    let _ = write!(text, "[\\ControlSet001\\{HTTP}]\n\n[\\ControlSet001\\{HTTP}\\{parent}]\n\n");
    let _ = write!(text, "[\\ControlSet001\\{HTTP}\\{record}]\n{}\n", reg_values(mapping));
    text.push_str("[\\Select]\n\"Current\"=dword:00000001\n");
    let read = read_reg(&Arc::from("SYSTEM.reg"), text.as_bytes()).expect("the hive's keys read");
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    write_hive(&read.tree)
}

/// The values of `mapping`'s record key in `.reg` syntax (`"Name"=type:data` lines), as
/// regedit exports them.
fn reg_values(mapping: &Mapping) -> String {
    let hex = |bytes: &[u8]| bytes.iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(",");
    let params = &mapping.params;
    let mut text = String::new();
    if let Some(hash) = &mapping.certificate_hash {
        let _ = writeln!(text, "\"SslCertHash\"=hex:{}", hex(hash.as_bytes()));
    }
    if let Some(app_id) = mapping.app_id {
        let _ = writeln!(text, "\"AppId\"=hex:{}", hex(&app_id.to_windows_bytes()));
    }
    if let Some(store) = &mapping.certificate_store {
        let _ = writeln!(text, "\"SslCertStoreName\"=\"{store}\"");
    }
    let _ = writeln!(text, "\"DefaultSslCertCheckMode\"=dword:{:08x}", params.cert_check_mode());
    let _ = writeln!(
        text,
        "\"DefaultSslRevocationFreshnessTime\"=dword:{:08x}",
        params.revocation_freshness_time.unwrap_or(0)
    );
    let _ = writeln!(
        text,
        "\"DefaultSslRevocationUrlRetrievalTimeout\"=dword:{:08x}",
        params.url_retrieval_timeout.unwrap_or(0)
    );
    if let Some(identifier) = &params.ctl_identifier {
        let _ = writeln!(text, "\"DefaultSslCtlIdentifier\"=\"{identifier}\"");
    }
    if let Some(store) = &params.ctl_store_name {
        let _ = writeln!(text, "\"DefaultSslCtlStoreName\"=\"{store}\"");
    }
    let _ = writeln!(text, "\"DefaultFlags\"=dword:{:08x}", mapping.flags.bits());
    text
}

/// The name of `mapping`'s record key under HTTP's `Parameters` key, parent first
/// (`SslSniBindingInfo\shop.example.com:443`).
fn reg_record_key(mapping: &Mapping) -> String {
    match &mapping.key {
        MappingKey::Ip(address) => format!("SslBindingInfo\\{address}"),
        MappingKey::Sni { host, port } => format!("SslSniBindingInfo\\{host}:{port}"),
        MappingKey::Ccs { port } => format!("SslCcsBindingInfo\\0.0.0.0:{port}"),
        MappingKey::ScopedCcs { host, port } => format!("SslCcsBindingInfo\\{host}:{port}"),
    }
}

/// The site and binding the replace tests plan on: one SNI binding of site `shop`.
pub const REPLACED_BINDING: &str = "*:443:shop.example.com";

/// The two changes that replace `read` (a mapping of `old` for [`REPLACED_BINDING`]'s host):
/// a `mapping rebind` to `new` and a `binding set --certificate new`, each planned on a
/// machine of that one binding, `read`, and both certificates; each plan with a label for
/// assertion messages. The plans are asserted to have no refusal.
pub fn planned_replaces(
    read: &Mapping,
    old: &sslbind_core::model::Certificate,
    new: &sslbind_core::model::Certificate,
) -> Vec<(String, sslbind_core::plan::Plan)> {
    use sslbind_core::plan::{Change, PlanInput, plan};

    let config = format!(
        "<configuration>\n<system.applicationHost>\n<sites>\n<site name=\"shop\" id=\"1\">\n<bindings>\n\
         <binding protocol=\"https\" bindingInformation=\"{REPLACED_BINDING}\" sslFlags=\"1\" />\n</bindings>\n\
         </site>\n</sites>\n</system.applicationHost>\n</configuration>\n"
    );
    let Ok(read_config) = sslbind_core::iis::read_config(&Arc::from("test.config"), config.as_bytes(), None)
    else {
        panic!("the test config reads")
    };
    let machine = sslbind_core::model::Machine {
        configs: vec![read_config.config],
        mappings: vec![read.clone()],
        mappings_known: true,
        certificates: vec![old.clone(), new.clone()],
        certificates_known: true,
        ..sslbind_core::model::Machine::default()
    };
    let changes = [
        Change::Rebind { from: old.thumbprint, to: new.thumbprint, store: None },
        Change::SetBinding {
            site: "shop".into(),
            protocol: "https".into(),
            information: REPLACED_BINDING.into(),
            sni: None,
            certificate: Some(new.thumbprint),
            store: None,
            to: None,
        },
    ];
    let texts = vec![config.clone()];
    let input = PlanInput { machine: &machine, config_texts: &texts, force: false };
    changes
        .iter()
        .map(|change| {
            let planned = match plan(&input, change) {
                Ok(planned) => planned,
                Err(error) => panic!("{change:?} cannot be planned: {error}"),
            };
            assert!(planned.refusals.is_empty(), "{change:?}: {:?}", planned.refusals);
            (format!("{change:?}"), planned)
        })
        .collect()
}
