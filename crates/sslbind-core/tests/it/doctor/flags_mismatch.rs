//! scratch
use crate::support::{IIS, MachineBuilder};
#[test]
fn scratch_flags() {
    let m = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_with(
            "Hostname:port",
            "a.example.com:443",
            IIS,
            "5226DC6C54559761CD471B86EB51C096252C90F2",
            "MY",
            &[
                "Disable HTTP2                : Set",
                "Disable QUIC : Not Set",
                "Disable TLS1.3 : Set",
                "Disable OCSP Stapling : Not Set",
                "Disable Legacy TLS Versions : Not Set",
            ],
        )
        .build();
    panic!("{:?} {} {:?}", m.mappings[0].flags, m.mappings[0].flags_known, m.warnings);
}
