//! Where `missing-url-reservation` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::report;
use crate::support::{MachineBuilder, machine_findings, url_reservation, with_url_reservations};

fn express() -> MachineBuilder {
    MachineBuilder::new()
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .binding("php", "http", "*:8080:", 0)
        .binding("php", "http", "*:8081:LocalHost", 0)
        .iis_express()
        .without_mappings()
}

#[test]
fn express_bindings_off_localhost_without_a_reservation_fire() {
    let machine = with_url_reservations(express().build(), Vec::new());
    assert_eq!(
        report(&machine_findings(&machine), Code::MissingUrlReservation),
        "\
warning site=php binding=*:4431:lextudio.com mapping=- cert=-: site `php`, IIS Express https binding `*:4431:lextudio.com` listens on `https://lextudio.com:4431/`, which no URL reservation covers; IIS Express cannot register it without elevation (\"Access is denied\")
fix: reserve the URL for every user (elevated)
  netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone
warning site=php binding=*:8080: mapping=- cert=-: site `php`, IIS Express http binding `*:8080:` listens on `http://*:8080/`, which no URL reservation covers; IIS Express cannot register it without elevation (\"Access is denied\")
fix: reserve the URL for every user (elevated)
  netsh http add urlacl url=http://*:8080/ user=Everyone
"
    );
}

#[test]
fn a_reservation_for_another_port_scheme_or_host_does_not_cover_the_binding() {
    let machine = with_url_reservations(
        MachineBuilder::new()
            .binding("php", "https", "*:4431:lextudio.com", 1)
            .iis_express()
            .without_mappings()
            .build(),
        vec![
            url_reservation("https://lextudio.com:4432/", &[("\\Everyone", true)]),
            url_reservation("http://lextudio.com:4431/", &[("\\Everyone", true)]),
            url_reservation("https://www.lextudio.com:4431/", &[("\\Everyone", true)]),
            url_reservation("https://lextudio.com:4431/app/", &[("\\Everyone", true)]),
        ],
    );
    let found = report(&machine_findings(&machine), Code::MissingUrlReservation);
    assert!(found.contains("https://lextudio.com:4431/`, which no URL reservation covers"), "{found}");
}

#[test]
fn near_misses_reserved_urls_localhost_iis_and_unknown_reservations_do_not_fire() {
    let reserved = with_url_reservations(
        express().build(),
        vec![
            url_reservation("https://lextudio.com:4431/", &[("\\Everyone", true)]),
            url_reservation("http://+:8080/", &[("\\Everyone", true)]),
        ],
    );
    assert_eq!(report(&machine_findings(&reserved), Code::MissingUrlReservation), "");

    let weak = with_url_reservations(
        express().build(),
        vec![
            url_reservation("https://*:4431/", &[("\\Everyone", true)]),
            url_reservation("http://*:8080/", &[("\\Everyone", true)]),
        ],
    );
    assert_eq!(report(&machine_findings(&weak), Code::MissingUrlReservation), "");

    let localhost = with_url_reservations(
        MachineBuilder::new()
            .binding("php", "https", "*:44300:localhost", 0)
            .iis_express()
            .without_mappings()
            .build(),
        Vec::new(),
    );
    assert_eq!(report(&machine_findings(&localhost), Code::MissingUrlReservation), "");

    let iis = with_url_reservations(
        MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).without_mappings().build(),
        Vec::new(),
    );
    assert_eq!(report(&machine_findings(&iis), Code::MissingUrlReservation), "");

    let unknown = express().build();
    assert_eq!(report(&machine_findings(&unknown), Code::MissingUrlReservation), "");
}
