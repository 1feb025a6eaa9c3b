//! The programs known to own HTTP.sys mappings, by AppId (docs/httpsys.md#well-known-appids).
//!
//! An AppId is only a tag: any GUID is accepted by HTTP.sys. Naming the common ones lets users
//! see at a glance that `0.0.0.0:443` belongs to AD FS, not IIS, before they delete it.

use crate::model::ids::AppId;

/// A program that owns mappings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Owner {
    /// IIS (W3SVC and IIS Manager).
    Iis,
    /// IIS Express.
    IisExpress,
    /// AD FS 3.0 and later, and Web Application Proxy.
    AdfsWap,
    /// The WinRM HTTPS listener.
    WinRm,
    /// The Microsoft IIS Administration API.
    IisAdministration,
    /// SSTP VPN (Routing and Remote Access); the AppId is inferred from its URL path.
    Sstp,
}

/// Every known owner with its AppId.
pub(crate) const KNOWN_OWNERS: [(Owner, u128); 6] = [
    (Owner::Iis, 0x4dc3e181_e14b_4a21_b022_59fc669b0914),
    (Owner::IisExpress, 0x214124cd_d05b_4309_9af9_9caa44b2b74a),
    (Owner::AdfsWap, 0x5d89a20c_beab_4389_9447_324788eb944a),
    (Owner::WinRm, 0xafebb9ad_9b97_4a91_9ab5_daf4d59122f6),
    (Owner::IisAdministration, 0x96486158_833e_4332_9432_18de8f5e66b4),
    (Owner::Sstp, 0xba195980_cd49_458b_9e23_c84ee0adcd75),
];

impl Owner {
    /// The owner of `app_id`, if it is a known one.
    pub fn of(app_id: AppId) -> Option<Owner> {
        KNOWN_OWNERS.iter().find(|(_, known)| *known == app_id.0).map(|(owner, _)| *owner)
    }

    /// The server that writes the mappings of a config of `flavor`: IIS or IIS Express.
    pub fn server(flavor: crate::model::machine::ServerFlavor) -> Owner {
        match flavor {
            crate::model::machine::ServerFlavor::Iis => Owner::Iis,
            crate::model::machine::ServerFlavor::IisExpress => Owner::IisExpress,
        }
    }

    /// The AppId this owner writes.
    pub fn app_id(self) -> AppId {
        let (_, id) =
            KNOWN_OWNERS.iter().copied().find(|(owner, _)| *owner == self).unwrap_or(KNOWN_OWNERS[0]);
        AppId(id)
    }

    /// The name shown to users and written to JSON's `owner`.
    pub fn name(self) -> &'static str {
        match self {
            Owner::Iis => "IIS",
            Owner::IisExpress => "IIS Express",
            Owner::AdfsWap => "AD FS / WAP",
            Owner::WinRm => "WinRM",
            Owner::IisAdministration => "IIS Administration API",
            Owner::Sstp => "SSTP (RRAS)",
        }
    }

    /// Whether IIS or IIS Express owns the mapping, so that IIS bindings account for it.
    pub(crate) fn is_iis_family(self) -> bool {
        matches!(self, Owner::Iis | Owner::IisExpress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_app_ids_are_named_and_unknown_ones_are_not() {
        let iis = AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0914}").unwrap();
        let express = AppId::parse("{214124CD-D05B-4309-9AF9-9CAA44B2B74A}").unwrap();
        let adfs = AppId::parse("{5d89a20c-beab-4389-9447-324788eb944a}").unwrap();
        let other = AppId::parse("{4dc3e181-e14b-4a21-b022-59fc669b0915}").unwrap();
        assert_eq!(Owner::of(iis).map(Owner::name), Some("IIS"));
        assert_eq!(Owner::of(express).map(Owner::name), Some("IIS Express"));
        assert_eq!(Owner::of(adfs).map(Owner::name), Some("AD FS / WAP"));
        assert_eq!(Owner::of(other), None);
        for (owner, _) in KNOWN_OWNERS {
            assert_eq!(Owner::of(owner.app_id()), Some(owner));
        }
    }
}
