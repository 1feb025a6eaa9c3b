//! The registry of finding codes: one enum, one exhaustive match per property, so that a new
//! code cannot be added without its severity, summary and explanation.
//!
//! Codes are stable: they appear in scripts, `--allow` lists and SARIF baselines. A code is
//! never renamed or reused; retiring one means keeping its name here.

use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// Probably wrong, or about to break.
    Warning,
    /// Broken: clients get a reset, the wrong certificate, or an invalid one.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
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

            /// The stable kebab-case name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity before user overrides.
            pub fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One line saying when the code fires.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

codes! {
    MissingMapping = "missing-mapping", Error,
        "An https binding's expected HTTP.sys mapping is absent";
    CertificateNotFound = "certificate-not-found", Error,
        "A mapping's certificate hash is not among the certificates given";
    CertificateExpired = "certificate-expired", Error,
        "A mapped certificate is past its end date, or not valid yet";
    CertificateExpiring = "certificate-expiring", Warning,
        "A mapped certificate expires within --expiry-days";
    CertificateNameMismatch = "certificate-name-mismatch", Error,
        "The certificate a binding is served with does not cover the binding's host";
    SharedEndpointCertificate = "shared-endpoint-certificate", Warning,
        "Several non-SNI https bindings with different hosts share one IP end point and so one certificate";
    SniWithoutHost = "sni-without-host", Error,
        "A binding requires SNI but has no host name";
    DuplicateBinding = "duplicate-binding", Error,
        "The same protocol and bindingInformation appear twice";
    InvalidBinding = "invalid-binding", Error,
        "An http or https bindingInformation does not parse";
    SpecificIpShadowsSni = "specific-ip-shadows-sni", Warning,
        "A specific IP:port mapping answers clients on a port where bindings use SNI or CCS";
    NoFallbackCertificate = "no-fallback-certificate", Info,
        "A port with SNI or CCS bindings has no wildcard mapping for clients that send no SNI";
    IdleMapping = "idle-mapping", Warning,
        "An IIS or IIS Express mapping that no binding uses";
    ForeignMappingInUse = "foreign-mapping-in-use", Warning,
        "A binding is served by a mapping that another program owns";
    CcsCertificateMissing = "ccs-certificate-missing", Error,
        "A CCS binding's host has no .pfx file in the Central Certificate Store folder";
    FlagsMismatch = "flags-mismatch", Warning,
        "A binding's sslFlags protocol bits disagree with its mapping's flags";
    StoreMismatch = "store-mismatch", Warning,
        "The certificate exists, but not in the store the mapping names";
    RenewalAvailable = "renewal-available", Warning,
        "A mapped certificate is expired or expiring while a valid successor with the same names was given";
    PrivateKeyMissing = "private-key-missing", Error,
        "A mapped certificate is known to lack a private key";
    WeakCertificate = "weak-certificate", Warning,
        "A mapped certificate has an RSA key under 2048 bits, a SHA-1 signature, or no SAN DNS name";
    CertificateNotForServerAuth = "certificate-not-for-server-auth", Warning,
        "A mapped certificate's extended key usage does not allow TLS server authentication";
    ProbeCertificateMismatch = "probe-certificate-mismatch", Error,
        "sslbind probe: the live server presented another certificate than the saved state maps";
    ProbeConnectionReset = "probe-connection-reset", Error,
        "sslbind probe: the live server reset the TLS handshake or ended it with an alert";
    ProbeCertificateExpired = "probe-certificate-expired", Error,
        "sslbind probe: the live server presented a certificate that is expired or not valid yet";
    MissingUrlReservation = "missing-url-reservation", Warning,
        "An IIS Express binding on a host other than localhost has no URL reservation to listen with";
    UrlReservationConflict = "url-reservation-conflict", Error,
        "The URL reservation matching an IIS Express binding lets no user, or only service accounts, listen";
    PortExcluded = "port-excluded", Error,
        "An http or https binding's port lies in a range Windows has excluded";
}

impl Code {
    /// Parses a code name.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
