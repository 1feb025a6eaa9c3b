//! The values every other part of sslbind talks about: sites and bindings from IIS, mappings
//! from HTTP.sys, certificates, and the machine that holds them all.
//!
//! These are plain data with public fields. Parsing lives with each source (`iis`, `httpsys`,
//! `certs`); meaning lives in `analysis`.

pub mod binding;
pub mod certificate;
pub mod flags;
pub mod host;
pub mod ids;
pub mod machine;
pub mod mapping;
pub mod reservation;
pub mod routing;
pub mod source;

pub use binding::{Binding, BindingAddress, BindingEndpoint, HttpEndpoint, Site};
pub use certificate::{Certificate, CertificateStatus, ExpiryClass, KeyInfo, expiry_class};
pub use flags::{DEFAULT_FLAGS, DefaultFlagInfo, DefaultFlags, SSL_FLAGS, SslFlagInfo, SslFlags};
pub use host::HostName;
pub use ids::{AppId, Thumbprint};
pub use machine::{CcsSettings, CertificateId, ConfigFile, Machine, MappingId, ServerFlavor};
pub use mapping::{ExtendedProperty, Mapping, MappingKey, MappingKind, MappingParams};
pub use reservation::{ExcludedPortRange, PrefixHost, ReservationUser, UrlPrefix, UrlReservation};
