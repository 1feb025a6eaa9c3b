//! Where `url-reservation-conflict` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::report;
use crate::support::{MachineBuilder, machine_findings, url_reservation, with_url_reservations};

fn express(information: &str) -> MachineBuilder {
    MachineBuilder::new().binding("php", "https", information, 1).iis_express().without_mappings()
}

#[test]
fn a_matching_reservation_without_listeners_or_for_services_only_fires() {
    let nobody = with_url_reservations(
        express("*:4431:lextudio.com").build(),
        vec![url_reservation("https://lextudio.com:4431/", &[("\\Everyone", false)])],
    );
    assert_eq!(
        report(&machine_findings(&nobody), Code::UrlReservationConflict),
        "\
error site=php binding=*:4431:lextudio.com mapping=- cert=-: site `php`, IIS Express https binding `*:4431:lextudio.com` listens on `https://lextudio.com:4431/`, whose URL reservation `https://lextudio.com:4431/` grants Listen to no user; IIS Express cannot register it (\"Access is denied\")
fix: replace the reservation with one for every user (elevated; whatever holds it loses it)
  netsh http delete urlacl url=https://lextudio.com:4431/
  netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone
"
    );

    let service = with_url_reservations(
        express("*:443:localhost").build(),
        vec![url_reservation("https://+:443/", &[("NT SERVICE\\ReportServer", true), ("\\Everyone", false)])],
    );
    assert_eq!(
        report(&machine_findings(&service), Code::UrlReservationConflict),
        "\
error site=php binding=*:443:localhost mapping=- cert=-: site `php`, IIS Express https binding `*:443:localhost` listens on `https://localhost:443/`, whose URL reservation `https://+:443/` grants Listen only to `NT SERVICE\\ReportServer`; IIS Express cannot register it (\"Access is denied\")
fix: replace the reservation with one for every user (elevated; whatever holds it loses it)
  netsh http delete urlacl url=https://+:443/
  netsh http add urlacl url=https://localhost:443/ user=Everyone
"
    );
}

#[test]
fn a_weak_wildcard_in_the_way_of_a_named_host_is_outranked_by_adding_the_host() {
    let machine = with_url_reservations(
        express("*:4431:lextudio.com").build(),
        vec![url_reservation("https://*:4431/", &[("NT AUTHORITY\\SYSTEM", true)])],
    );
    let found = report(&machine_findings(&machine), Code::UrlReservationConflict);
    assert!(
        found.ends_with(
            "fix: reserve the binding's own URL for every user, which HTTP.sys matches before the `*` reservation \
             (elevated)\n  netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone\n"
        ),
        "{found}"
    );
}

#[test]
fn near_misses_users_who_may_listen_other_urls_and_unknown_reservations_do_not_fire() {
    let user = with_url_reservations(
        express("*:4431:lextudio.com").build(),
        vec![url_reservation(
            "https://lextudio.com:4431/",
            &[("NT SERVICE\\Foo", true), ("CORP\\dev", true)],
        )],
    );
    assert_eq!(report(&machine_findings(&user), Code::UrlReservationConflict), "");

    let weak = with_url_reservations(
        express("*:4431:").build(),
        vec![url_reservation("https://*:4431/", &[("\\Everyone", true)])],
    );
    assert_eq!(report(&machine_findings(&weak), Code::UrlReservationConflict), "");

    let longer_path = with_url_reservations(
        express("*:443:localhost").build(),
        vec![url_reservation("https://+:443/ReportServer/", &[("NT SERVICE\\ReportServer", true)])],
    );
    assert_eq!(report(&machine_findings(&longer_path), Code::UrlReservationConflict), "");

    let iis = with_url_reservations(
        MachineBuilder::new().binding("a", "https", "*:443:", 0).without_mappings().build(),
        vec![url_reservation("https://+:443/", &[("NT SERVICE\\ReportServer", true)])],
    );
    assert_eq!(report(&machine_findings(&iis), Code::UrlReservationConflict), "");

    let mut unknown = express("*:4431:lextudio.com").build();
    unknown.url_reservations = vec![url_reservation("https://lextudio.com:4431/", &[])];
    assert_eq!(report(&machine_findings(&unknown), Code::UrlReservationConflict), "");
}
