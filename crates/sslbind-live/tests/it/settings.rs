//! Every setting survives a replace of a mapping read from the live HTTP.sys structures: the
//! live row of the settings table (`sslbind_live::testing::settings`, whose other rows are
//! sslbind-core's settings tests). An `HTTP_SERVICE_CONFIG_SSL_SNI_SET` holding the mapping
//! with every setting, and one `HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX` per extended property, are
//! built by hand at the C header's offsets (as in `marshal`) and decoded; a rebind and a
//! `binding set --certificate` through the planner must keep every setting in the replace's
//! `after`, and encoding that `after` as the structures the live apply passes to
//! `HttpUpdateServiceConfiguration` and, per extended property, `HttpSetServiceConfiguration`
//! with the `…Ex` config ID, then decoding them, must give every setting back.

#![cfg(target_pointer_width = "64")]

use std::sync::Arc;

use sslbind_core::certs::certificate_from_der;
use sslbind_core::model::{Certificate, ExtendedProperty, Mapping, MappingKey, MappingKind};
use sslbind_core::plan::MappingOp;
use sslbind_core::{Location, Origin};
use sslbind_live::testing::settings::{Setting, Source, every_setting, planned_replaces, settings};
use sslbind_live::testing::tls_server::identity_valid;
use sslbind_live::windows::marshal::{decode_ex_record, decode_record, encode_property, encode_set};

use crate::marshal::{BASE, Buffer, c};

const HOST: &str = "shop.example.com";

#[test]
fn every_setting_survives_a_replace_from_the_live_structures() {
    let old = certificate((2025, 1, 1), (2026, 12, 1));
    let new = certificate((2026, 1, 1), (2027, 12, 1));
    let reference = every_setting(MappingKey::Sni { host: HOST.into(), port: 443 }, old.thumbprint);
    let decoded =
        decode_record(MappingKind::Sni, &sni_set(&reference).0, BASE).expect("the structure decodes");
    assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    let mut read = decoded.mapping;
    assert!(!reference.extended_properties.is_empty());
    for property in &reference.extended_properties {
        let decoded = decode_ex_record(MappingKind::Sni, &sni_set_ex(&reference.key, property).0, BASE)
            .expect("the extended structure decodes");
        assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
        assert_eq!(decoded.key, reference.key);
        read.extended_properties.push(decoded.property);
    }
    let carried: Vec<Setting> =
        settings().into_iter().filter(|setting| setting.carried_by(Source::Live)).collect();
    assert!(carried.len() >= 26, "the live structures carry {} settings", carried.len());
    for setting in &carried {
        assert_eq!(setting.value(&read), setting.value(&reference), "the structure gives {}", setting.name);
    }
    assert_eq!(read.certificate_hash, Some(old.thumbprint));

    for (change, plan) in planned_replaces(&read, &old, &new) {
        let [MappingOp::Replace { after, .. }] = plan.ops.as_slice() else {
            panic!("{change}: one replace, not {:?}", plan.ops)
        };
        let encoded = encode_set(after).expect("the replace encodes");
        let mut applied =
            decode_record(MappingKind::Sni, &encoded.to_bytes(), encoded.base()).expect("it decodes").mapping;
        for property in &after.extended_properties {
            let encoded = encode_property(&after.key, property).expect("the extended property encodes");
            let decoded =
                decode_ex_record(MappingKind::Sni, &encoded.to_bytes(), encoded.base()).expect("it decodes");
            assert_eq!(decoded.key, after.key);
            applied.extended_properties.push(decoded.property);
        }
        for setting in &carried {
            assert_eq!(
                setting.value(after),
                setting.value(&read),
                "{change}: the replace keeps {}",
                setting.name
            );
            assert_eq!(
                setting.value(&applied),
                setting.value(&read),
                "{change}: the apply writes {}",
                setting.name
            );
        }
        assert_eq!(after.certificate_hash, Some(new.thumbprint), "{change}");
        assert_eq!(applied.certificate_hash, Some(new.thumbprint), "{change}");
    }
}

/// `mapping` as `HTTP_SERVICE_CONFIG_SSL_SNI_SET`, at the offsets of the C header.
fn sni_set(mapping: &Mapping) -> Buffer {
    let MappingKey::Sni { host, port } = &mapping.key else { panic!("an SNI mapping") };
    let mut buffer = Buffer::new(c::SNI_SET_SIZE);
    buffer.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], *port));
    buffer.wide(c::SNI_HOST, host.as_str());
    let p = c::SNI_SET_PARAM;
    let hash = mapping.certificate_hash.expect("a hash");
    buffer.u32(p + c::HASH_LENGTH, 20);
    buffer.point_to(p + c::HASH, hash.as_bytes());
    buffer.put(p + c::APP_ID, &mapping.app_id.expect("an AppId").to_windows_bytes());
    buffer.wide(p + c::STORE, mapping.certificate_store.as_deref());
    let params = &mapping.params;
    buffer.u32(p + c::CHECK_MODE, params.cert_check_mode());
    buffer.u32(p + c::FRESHNESS, params.revocation_freshness_time.unwrap_or(0));
    buffer.u32(p + c::TIMEOUT, params.url_retrieval_timeout.unwrap_or(0));
    buffer.wide(p + c::CTL_IDENTIFIER, params.ctl_identifier.as_deref());
    buffer.wide(p + c::CTL_STORE, params.ctl_store_name.as_deref());
    buffer.u32(p + c::FLAGS, mapping.flags.bits());
    buffer
}

/// `property` of the SNI record with `key` as `HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX`, at the
/// offsets of the C header: the HTTP/2 window (`PropertyId` 0) or settings limits (1), the
/// extended properties of the mapping with every setting.
fn sni_set_ex(key: &MappingKey, property: &ExtendedProperty) -> Buffer {
    let MappingKey::Sni { host, port } = key else { panic!("an SNI mapping") };
    let mut buffer = Buffer::new(c::SNI_SET_EX_SIZE);
    buffer.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], *port));
    buffer.wide(c::SNI_HOST, host.as_str());
    let id = property.property_id.expect("a PropertyId");
    buffer.u32(c::SNI_SET_EX_PARAM, id);
    let union = c::SNI_SET_EX_PARAM + c::EX_UNION;
    let number = |label: &str| -> u32 {
        let (_, value) = property.values.iter().find(|(found, _)| found == label).expect("the value");
        value.parse().expect("a number")
    };
    match id {
        0 => buffer.u32(union, number("Receive Window")),
        1 => {
            buffer.u32(union, number("Max Settings Per Frame"));
            buffer.u32(union + 4, number("Max Settings Per Minute"));
        }
        other => panic!("no layout here for PropertyId {other}"),
    }
    buffer
}

/// A certificate for [`HOST`] valid from `not_before` to `not_after`.
fn certificate(not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Certificate {
    let der = identity_valid(&[HOST], not_before, not_after).der;
    let origin = Origin::File(Location::new(&Arc::from("certs/shop.cer"), 1, 1));
    certificate_from_der(&der, origin).expect("the certificate reads")
}
