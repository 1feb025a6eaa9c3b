//! Writes machines in the formats sslbind reads (applicationHost.config, netsh text, `.reg`
//! exports, certificates; offline hives come from `sslbind_core::registry::write_hive`), for
//! the example machines in `examples/`, the hosting-scale machines of the benchmarks, the
//! tests that need netsh text, and anyone who wants a large machine to try sslbind on. Shared
//! by the `make_example_machine` and `make_scale_machine` examples, `benches/scale.rs` and the
//! tests, behind the `machine-writer` feature (their dev-dependency on this crate turns it on).

pub mod cert;
pub mod netsh;
pub mod reg;
pub mod scale;

/// Application IDs of the owners that appear in generated machines.
pub mod app_ids {
    /// IIS (`{4dc3e181-…}`).
    pub const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
    /// IIS Express.
    pub const IIS_EXPRESS: &str = "{214124cd-d05b-4309-9af9-9caa44b2b74a}";
    /// The SSTP VPN service.
    pub const SSTP: &str = "{ba195980-cd49-458b-9e23-c84ee0adcd75}";
    /// WinRM's HTTPS listener.
    pub const WINRM: &str = "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}";
}

/// What a writer's callers get back on failure.
pub type Error = Box<dyn std::error::Error>;
