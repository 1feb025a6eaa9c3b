//! One machine as sslbind sees it: its IIS configs, its HTTP.sys mappings and the
//! certificates it was given, whatever sources they came from.

use std::sync::Arc;

use crate::model::binding::Site;
use crate::model::certificate::Certificate;
use crate::model::ids::Thumbprint;
use crate::model::mapping::Mapping;
use crate::model::source::SourceWarning;

/// Everything known about one machine.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// The `applicationHost.config` files, in the order given.
    pub configs: Vec<ConfigFile>,
    /// The HTTP.sys mappings.
    pub mappings: Vec<Mapping>,
    /// Whether mappings were given at all (an empty list then means "none exist").
    pub mappings_known: bool,
    /// The certificates.
    pub certificates: Vec<Certificate>,
    /// Whether certificates were given at all.
    pub certificates_known: bool,
    /// The Central Certificate Store settings, when a registry source held them.
    pub ccs_settings: Option<CcsSettings>,
    /// HTTP.sys URL reservations.
    pub url_reservations: Vec<crate::model::reservation::UrlReservation>,
    /// Whether URL reservations were given at all.
    pub url_reservations_known: bool,
    /// Excluded TCP port ranges.
    pub excluded_ports: Vec<crate::model::reservation::ExcludedPortRange>,
    /// Whether excluded port ranges were given at all.
    pub excluded_ports_known: bool,
    /// Warnings from every source.
    pub warnings: Vec<SourceWarning>,
}

impl Machine {
    /// Every site of every config with the config it came from.
    pub fn sites(&self) -> impl Iterator<Item = (&ConfigFile, &Site)> {
        self.configs.iter().flat_map(|config| config.sites.iter().map(move |site| (config, site)))
    }

    /// The mapping `id` names.
    pub fn mapping(&self, id: MappingId) -> &Mapping {
        &self.mappings[id.0]
    }

    /// Every mapping with its id, in `mappings` order.
    pub fn mappings_with_ids(&self) -> impl Iterator<Item = (MappingId, &Mapping)> {
        self.mappings.iter().enumerate().map(|(position, mapping)| (MappingId(position), mapping))
    }

    /// The certificate `id` names.
    pub fn certificate(&self, id: CertificateId) -> &Certificate {
        &self.certificates[id.0]
    }

    /// The first certificate with `thumbprint`, if given.
    pub fn certificate_with_thumbprint(&self, thumbprint: &Thumbprint) -> Option<&Certificate> {
        self.certificates.iter().find(|certificate| certificate.thumbprint == *thumbprint)
    }
}

/// A mapping of a [`Machine`], by its position in `Machine::mappings`; read it with
/// [`Machine::mapping`]. Analyses and findings hold ids instead of copies so that every
/// conclusion leads back to the original fact and its origin; the type keeps a mapping's
/// position from being used as a certificate's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MappingId(usize);

impl MappingId {
    /// The id of the mapping at `position` in `Machine::mappings` (or in the list an index
    /// was built from).
    pub fn from_index(position: usize) -> MappingId {
        MappingId(position)
    }

    /// The position in `Machine::mappings`.
    pub fn index(self) -> usize {
        self.0
    }
}

/// A certificate of a [`Machine`], by its position in `Machine::certificates`; read it with
/// [`Machine::certificate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateId(usize);

impl CertificateId {
    /// The id of the certificate at `position` in `Machine::certificates` (or in the list an
    /// index was built from).
    pub fn from_index(position: usize) -> CertificateId {
        CertificateId(position)
    }

    /// The position in `Machine::certificates`.
    pub fn index(self) -> usize {
        self.0
    }
}

/// IIS's Central Certificate Store settings (`HKLM\SOFTWARE\Microsoft\IIS\CentralCertProvider`).
/// Passwords are never kept: only whether one is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CcsSettings {
    /// `Enabled` is non-zero.
    pub enabled: bool,
    /// `CertStoreLocation`: the folder or share holding the `.pfx` files.
    pub folder: Option<String>,
    /// `PollingInterval` in seconds.
    pub polling_interval: Option<u32>,
    /// `UserName` used to reach the share.
    pub user_name: Option<String>,
    /// Whether a `Password` value is set (its content is never read).
    pub password_set: bool,
    /// Whether a `PrivateKeyPassword` value is set.
    pub private_key_password_set: bool,
    /// Where the settings were read.
    pub origin: crate::model::source::Origin,
}

/// One `applicationHost.config`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigFile {
    /// The name it was read under.
    pub path: Arc<str>,
    /// Which server it configures.
    pub flavor: ServerFlavor,
    /// Its sites in document order.
    pub sites: Vec<Site>,
}

/// Which web server a config belongs to; it decides the AppId of the mappings it creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerFlavor {
    /// Full IIS (W3SVC).
    Iis,
    /// IIS Express.
    IisExpress,
}

impl ServerFlavor {
    /// `iis` or `iis-express`, as JSON and snapshots write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerFlavor::Iis => "iis",
            ServerFlavor::IisExpress => "iis-express",
        }
    }

    /// `IIS` or `IIS Express`.
    pub fn name(self) -> &'static str {
        match self {
            ServerFlavor::Iis => "IIS",
            ServerFlavor::IisExpress => "IIS Express",
        }
    }
}
