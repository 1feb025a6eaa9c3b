//! `analysis::choice`: which certificate a repair chooses, one table row per rule step (each
//! exclusion, each preference, the tie-break) with the winner or the exact no-candidate
//! reason. Every row is also run with the certificates in every rotation and reversed, since
//! the choice must not depend on the order they were read in.

use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, date_time_ymd};
use sslbind_core::analysis::choice::{ChoiceRequest, Criterion, Exclusion, choose_certificate};
use sslbind_core::certs::CertificateIndex;
use sslbind_core::model::{Certificate, Machine};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::support::{MachineBuilder, certificate_from_params};

/// When every row is judged.
const NOW: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

/// The extended key usage a row's certificate is made with.
#[derive(Clone, Copy)]
enum Usage {
    /// No extension: not restricted.
    Unrestricted,
    ServerAuth,
    Any,
    ClientAuth,
}

/// One certificate of a row.
struct Spec {
    label: &'static str,
    names: &'static [&'static str],
    from: (i32, u8, u8),
    to: (i32, u8, u8),
    usage: Usage,
    private_key: Option<bool>,
    store: Option<&'static str>,
}

/// A certificate for `names`, unrestricted, key unknown, no store.
const fn spec(label: &'static str, names: &'static [&'static str], to: (i32, u8, u8)) -> Spec {
    Spec { label, names, from: (2026, 1, 1), to, usage: Usage::Unrestricted, private_key: None, store: None }
}

impl Spec {
    const fn from(self, from: (i32, u8, u8)) -> Spec {
        Spec { from, ..self }
    }
    const fn usage(self, usage: Usage) -> Spec {
        Spec { usage, ..self }
    }
    const fn key(self, present: bool) -> Spec {
        Spec { private_key: Some(present), ..self }
    }
    const fn store(self, store: &'static str) -> Spec {
        Spec { store: Some(store), ..self }
    }
}

enum Expected {
    /// The certificate with this label wins, with this reason (`{tp}` stands for its short
    /// thumbprint, which differs on every run).
    Winner(&'static str, &'static str),
    /// The certificate with the lowest thumbprint among these labels wins.
    LowestThumbprint(&'static [&'static str], &'static str),
    /// Nothing qualifies, for this reason.
    None(&'static str),
}

struct Case {
    name: &'static str,
    certificates: Vec<Spec>,
    hosts: &'static [&'static str],
    store: Option<&'static str>,
    expected: Expected,
}

const SHOP: &[&str] = &["shop.example.com"];
const SHOP_WWW: &[&str] = &["shop.example.com", "www.shop.example.com"];
const OTHER: &[&str] = &["other.example.com"];
const WILDCARD: &[&str] = &["*.example.com"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "expired excluded",
            certificates: vec![
                spec("old", SHOP, (2026, 6, 1)).from((2025, 1, 1)),
                spec("new", SHOP, (2027, 5, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "new",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key not known; the only candidate",
            ),
        },
        Case {
            name: "only expired",
            certificates: vec![spec("old", SHOP, (2026, 6, 1)).from((2025, 1, 1))],
            hosts: SHOP,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com valid on 2026-12-03; the 1 that covers it is expired",
            ),
        },
        Case {
            name: "not yet valid excluded",
            certificates: vec![
                spec("future", SHOP, (2029, 1, 1)).from((2027, 1, 1)),
                spec("current", SHOP, (2027, 5, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "current",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key not known; the only candidate",
            ),
        },
        Case {
            name: "only not yet valid",
            certificates: vec![spec("future", SHOP, (2029, 1, 1)).from((2026, 12, 4))],
            hosts: SHOP,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com valid on 2026-12-03; the 1 that covers it is not yet valid",
            ),
        },
        Case {
            name: "name mismatch excluded",
            certificates: vec![spec("other", OTHER, (2030, 1, 1)), spec("shop", SHOP, (2027, 5, 1))],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "shop",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key not known; the only candidate",
            ),
        },
        Case {
            name: "only name mismatch",
            certificates: vec![spec("other", OTHER, (2030, 1, 1))],
            hosts: SHOP,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com valid on 2026-12-03; \
                 none of the machine's certificates covers it",
            ),
        },
        Case {
            name: "wildcard covers one label, case and trailing dot ignored",
            certificates: vec![spec("wildcard", WILDCARD, (2027, 5, 1))],
            hosts: &["SHOP.example.com."],
            store: None,
            expected: Expected::Winner(
                "wildcard",
                "CN=*.example.com (thumbprint {tp}), valid until 2027-05-01, covers SHOP.example.com., \
                 private key not known; the only candidate",
            ),
        },
        Case {
            name: "wildcard covers neither two labels nor the bare domain",
            certificates: vec![spec("wildcard", WILDCARD, (2027, 5, 1))],
            hosts: &["a.shop.example.com", "example.com"],
            store: None,
            expected: Expected::None(
                "no certificate covering a.shop.example.com and example.com valid on 2026-12-03; \
                 none of the machine's certificates covers any of them",
            ),
        },
        Case {
            name: "no serverAuth EKU excluded; serverAuth, any and no EKU qualify",
            certificates: vec![
                spec("client", SHOP, (2030, 1, 1)).usage(Usage::ClientAuth),
                spec("server", SHOP, (2027, 1, 1)).usage(Usage::ServerAuth),
                spec("any", SHOP, (2027, 2, 1)).usage(Usage::Any),
                spec("unrestricted", SHOP, (2027, 3, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "unrestricted",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-03-01, covers shop.example.com, \
                 private key not known; chosen over 2 others by longest validity",
            ),
        },
        Case {
            name: "only client authentication",
            certificates: vec![spec("client", SHOP, (2030, 1, 1)).usage(Usage::ClientAuth)],
            hosts: SHOP,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com valid on 2026-12-03; \
                 the 1 that covers it is not for server authentication",
            ),
        },
        Case {
            name: "private key absent excluded",
            certificates: vec![
                spec("keyless", SHOP, (2030, 1, 1)).key(false),
                spec("unknown", SHOP, (2027, 5, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "unknown",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key not known; the only candidate",
            ),
        },
        Case {
            name: "every exclusion counted once, under its first reason",
            certificates: vec![
                spec("expired", SHOP, (2026, 6, 1)).from((2025, 1, 1)).key(false),
                spec("expired 2", SHOP, (2026, 7, 1)).from((2025, 1, 1)),
                spec("keyless", SHOP, (2030, 1, 1)).key(false),
                spec("other", OTHER, (2030, 1, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com valid on 2026-12-03; \
                 of the 3 that cover it, 2 are expired and 1 has no private key",
            ),
        },
        Case {
            name: "present beats unknown, even when valid for less time",
            certificates: vec![
                spec("unknown", SHOP, (2028, 1, 1)),
                spec("present", SHOP, (2027, 5, 1)).key(true),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "present",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key present; chosen over 1 other by known private key",
            ),
        },
        Case {
            name: "longest validity wins",
            certificates: vec![
                spec("short", SHOP, (2027, 1, 1)).key(true),
                spec("long", SHOP, (2028, 1, 1)).key(true),
                spec("middle", SHOP, (2027, 6, 1)).key(true),
                spec("unknown", SHOP, (2029, 1, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::Winner(
                "long",
                "CN=shop.example.com (thumbprint {tp}), valid until 2028-01-01, covers shop.example.com, \
                 private key present; chosen over 3 others by known private key and longest validity",
            ),
        },
        Case {
            name: "tie-break by thumbprint",
            certificates: vec![
                spec("a", SHOP, (2027, 5, 1)),
                spec("b", SHOP, (2027, 5, 1)),
                spec("c", SHOP, (2027, 5, 1)),
            ],
            hosts: SHOP,
            store: None,
            expected: Expected::LowestThumbprint(
                &["a", "b", "c"],
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key not known; chosen over 2 others by thumbprint order",
            ),
        },
        Case {
            name: "the mapping's store before the thumbprint",
            certificates: vec![
                spec("hosting", SHOP, (2027, 5, 1)).store("WebHosting"),
                spec("personal", SHOP, (2027, 5, 1)).store("My"),
            ],
            hosts: SHOP,
            store: Some("MY"),
            expected: Expected::Winner(
                "personal",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, covers shop.example.com, \
                 private key not known; chosen over 1 other by the mapping's store",
            ),
        },
        Case {
            name: "multiple hosts all required",
            certificates: vec![spec("shop only", SHOP, (2030, 1, 1)), spec("both", SHOP_WWW, (2027, 5, 1))],
            hosts: &["shop.example.com", "www.shop.example.com", "Shop.Example.Com"],
            store: None,
            expected: Expected::Winner(
                "both",
                "CN=shop.example.com (thumbprint {tp}), valid until 2027-05-01, \
                 covers shop.example.com and www.shop.example.com, private key not known; the only candidate",
            ),
        },
        Case {
            name: "multiple hosts, only partial coverage",
            certificates: vec![
                spec("shop only", SHOP, (2030, 1, 1)),
                spec("www only", &["www.shop.example.com"], (2030, 1, 1)),
                spec("both, expired", SHOP_WWW, (2026, 6, 1)).from((2025, 1, 1)),
            ],
            hosts: SHOP_WWW,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com and www.shop.example.com valid on 2026-12-03; \
                 the 1 that covers them all is expired; 2 cover only some of the names",
            ),
        },
        Case {
            name: "no named host: any usable certificate, longest first",
            certificates: vec![
                spec("shop", SHOP, (2027, 5, 1)),
                spec("other", OTHER, (2028, 5, 1)),
                spec("expired", OTHER, (2026, 5, 1)).from((2025, 1, 1)),
            ],
            hosts: &[],
            store: None,
            expected: Expected::Winner(
                "other",
                "CN=other.example.com (thumbprint {tp}), valid until 2028-05-01, private key not known; \
                 chosen over 1 other by longest validity",
            ),
        },
        Case {
            name: "no named host, nothing usable",
            certificates: vec![spec("expired", OTHER, (2026, 5, 1)).from((2025, 1, 1))],
            hosts: &[],
            store: None,
            expected: Expected::None("no certificate valid on 2026-12-03; the only certificate is expired"),
        },
        Case {
            name: "no certificate at all",
            certificates: vec![],
            hosts: SHOP,
            store: None,
            expected: Expected::None(
                "no certificate covering shop.example.com valid on 2026-12-03; the machine has no certificate",
            ),
        },
        Case {
            name: "a long host list names ten and counts the rest",
            certificates: vec![spec("other", OTHER, (2030, 1, 1))],
            hosts: &[
                "h1.example.com",
                "h2.example.com",
                "h3.example.com",
                "h4.example.com",
                "h5.example.com",
                "h6.example.com",
                "h7.example.com",
                "h8.example.com",
                "h9.example.com",
                "h10.example.com",
                "h11.example.com",
                "h12.example.com",
            ],
            store: None,
            expected: Expected::None(
                "no certificate covering h1.example.com, h2.example.com, h3.example.com, h4.example.com, \
                 h5.example.com, h6.example.com, h7.example.com, h8.example.com, h9.example.com, \
                 h10.example.com and 2 more valid on 2026-12-03; none of the machine's certificates covers any of them",
            ),
        },
    ]
}

/// A real certificate as `spec` describes it; the key and store are what a source would
/// have said about them.
fn make(spec: &Spec) -> Certificate {
    let mut params =
        CertificateParams::new(spec.names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>())
            .expect("valid names");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, spec.names[0]);
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(spec.from.0, spec.from.1, spec.from.2);
    params.not_after = date_time_ymd(spec.to.0, spec.to.1, spec.to.2);
    params.extended_key_usages = match spec.usage {
        Usage::Unrestricted => vec![],
        Usage::ServerAuth => vec![ExtendedKeyUsagePurpose::ServerAuth],
        Usage::Any => vec![ExtendedKeyUsagePurpose::Any],
        Usage::ClientAuth => vec![ExtendedKeyUsagePurpose::ClientAuth],
    };
    let mut certificate = certificate_from_params(&params, spec.label);
    certificate.has_private_key = spec.private_key;
    certificate.store = spec.store.map(str::to_owned);
    certificate
}

fn machine_of(certificates: &[&Certificate]) -> Machine {
    certificates
        .iter()
        .fold(MachineBuilder::new().without_mappings(), |builder, certificate| {
            builder.certificate(certificate)
        })
        .build()
}

fn short_thumbprint(certificate: &Certificate) -> String {
    format!("{}…", &certificate.thumbprint.to_string()[..8])
}

/// What one order of a row's certificates gave: the winner's label (or `none`), the reason,
/// and the data behind it.
#[derive(Debug, PartialEq)]
struct Outcome {
    winner: &'static str,
    reason: String,
    decided_by: Vec<Criterion>,
    others: usize,
    excluded: Vec<(Exclusion, usize)>,
}

fn choose(case: &Case, labelled: &[(&'static str, &Certificate)]) -> Outcome {
    let machine = machine_of(&labelled.iter().map(|(_, certificate)| *certificate).collect::<Vec<_>>());
    let index = CertificateIndex::new(&machine.certificates);
    let request = ChoiceRequest { hosts: case.hosts, now: NOW, store: case.store };
    match choose_certificate(&machine, &index, &request) {
        Ok(choice) => Outcome {
            winner: labelled[choice.certificate.index()].0,
            reason: choice.reason,
            decided_by: choice.decided_by,
            others: choice.others,
            excluded: Vec::new(),
        },
        Err(none) => Outcome {
            winner: "none",
            reason: none.reason,
            decided_by: Vec::new(),
            others: 0,
            excluded: none.excluded,
        },
    }
}

#[test]
fn certificate_choice_table() {
    for case in cases() {
        let made: Vec<(&'static str, Certificate)> =
            case.certificates.iter().map(|spec| (spec.label, make(spec))).collect();
        let by_label = |label: &str| -> &Certificate {
            &made.iter().find(|(name, _)| *name == label).expect("a label of the row").1
        };
        let (winner, reason) = match &case.expected {
            Expected::Winner(label, reason) => {
                (*label, reason.replace("{tp}", &short_thumbprint(by_label(label))))
            }
            Expected::LowestThumbprint(labels, reason) => {
                let lowest =
                    labels.iter().copied().min_by_key(|label| by_label(label).thumbprint).expect("labels");
                (lowest, reason.replace("{tp}", &short_thumbprint(by_label(lowest))))
            }
            Expected::None(reason) => ("none", (*reason).to_owned()),
        };

        let labelled: Vec<(&'static str, &Certificate)> = made.iter().map(|(label, c)| (*label, c)).collect();
        let first = choose(&case, &labelled);
        assert_eq!((first.winner, first.reason.as_str()), (winner, reason.as_str()), "{}", case.name);

        // Every rotation, and the reverse, chooses the same certificate for the same reasons.
        let mut orders: Vec<Vec<(&'static str, &Certificate)>> = (1..labelled.len().max(1))
            .map(|shift| {
                let mut rotated = labelled.clone();
                rotated.rotate_left(shift);
                rotated
            })
            .collect();
        orders.push(labelled.iter().rev().copied().collect());
        for order in orders {
            assert_eq!(
                choose(&case, &order),
                first,
                "{}: order {:?}",
                case.name,
                order.iter().map(|o| o.0).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn copies_of_one_certificate_count_once_and_the_mapping_store_copy_is_chosen() {
    let original = make(&spec("shop", SHOP, (2027, 5, 1)));
    let mut hosting = original.clone();
    hosting.store = Some("WebHosting".to_owned());
    let mut personal = original.clone();
    personal.store = Some("MY".to_owned());
    let mut keyless = original.clone();
    keyless.has_private_key = Some(false);

    for (certificates, store, expected) in [
        (vec![&hosting, &personal], Some("My"), 1),
        (vec![&personal, &hosting], Some("My"), 0),
        (vec![&hosting, &personal], Some("WebHosting"), 0),
        (vec![&keyless, &hosting], None, 1),
    ] {
        let machine = machine_of(&certificates);
        let index = CertificateIndex::new(&machine.certificates);
        let request = ChoiceRequest { hosts: SHOP, now: NOW, store };
        let choice = choose_certificate(&machine, &index, &request).expect("a candidate");
        assert_eq!((choice.certificate.index(), choice.others), (expected, 0), "{store:?}");
        assert!(choice.reason.ends_with("; the only candidate"), "{}", choice.reason);
    }

    // A thumbprint is excluded only when every copy is; then it counts once.
    let machine = machine_of(&[&keyless, &keyless]);
    let index = CertificateIndex::new(&machine.certificates);
    let request = ChoiceRequest { hosts: SHOP, now: NOW, store: None };
    let none = choose_certificate(&machine, &index, &request).expect_err("no candidate");
    assert_eq!(none.excluded, vec![(Exclusion::NoPrivateKey, 1)]);
    assert_eq!(
        none.reason,
        "no certificate covering shop.example.com valid on 2026-12-03; the 1 that covers it has no private key"
    );
}
