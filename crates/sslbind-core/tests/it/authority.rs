//! The one parser of `https://` authorities: which texts are a host and port, and for each
//! refused one, which error kind says why.

use std::net::IpAddr;

use sslbind_core::authority::{
    Authority, AuthorityError, BracketError, Host, HttpsUrl, UrlError, bracketed_ipv6, ip_literal,
    parse_authority, parse_https_url, parse_port,
};

fn name(text: &str) -> Host {
    Host::Name(text.to_owned())
}

fn ip(text: &str) -> Host {
    Host::Ip(text.parse().expect("a test address"))
}

#[test]
fn authorities_parse_into_a_normalised_host_and_an_optional_port() {
    let good = [
        ("www.example.com", name("www.example.com"), None),
        ("WWW.Example.COM:8443", name("www.example.com"), Some(8443)),
        ("example.com.", name("example.com"), None),
        ("example.com:", name("example.com"), None),
        ("_dmarc.example.com", name("_dmarc.example.com"), None),
        ("xn--bcher-kva.example", name("xn--bcher-kva.example"), None),
        ("localhost:1", name("localhost"), Some(1)),
        ("example.com:65535", name("example.com"), Some(65535)),
        ("example.com:000443", name("example.com"), Some(443)),
        ("10.0.0.5:4431", ip("10.0.0.5"), Some(4431)),
        ("10.0.0.5.", ip("10.0.0.5"), None),
        ("[2001:DB8:0::1]:8443", ip("2001:db8::1"), Some(8443)),
        ("[::1]", ip("::1"), None),
        ("[::1]:", ip("::1"), None),
        ("[::ffff:10.0.0.5]", ip("::ffff:10.0.0.5"), None),
    ];
    for (text, host, port) in good {
        assert_eq!(parse_authority(text), Ok(Authority { host, port }), "{text}");
    }
}

#[test]
fn each_refused_authority_says_why() {
    let bad = [
        ("", AuthorityError::NoHost),
        (":443", AuthorityError::NoHost),
        (".", AuthorityError::NoHost),
        ("user@example.com", AuthorityError::UserInfo),
        ("user:secret@example.com:4431", AuthorityError::UserInfo),
        ("@example.com", AuthorityError::UserInfo),
        ("[2001:db8::1", AuthorityError::UnclosedBracket),
        ("[2001:db8::1:443", AuthorityError::UnclosedBracket),
        ("[example.com]", AuthorityError::NotIpv6("example.com".to_owned())),
        ("[10.0.0.5]", AuthorityError::NotIpv6("10.0.0.5".to_owned())),
        ("[fe80::1%3]", AuthorityError::NotIpv6("fe80::1%3".to_owned())),
        ("[]", AuthorityError::NotIpv6(String::new())),
        ("[2001:db8::1]x", AuthorityError::AfterIpv6("x".to_owned())),
        ("[2001:db8::1]443", AuthorityError::AfterIpv6("443".to_owned())),
        ("2001:db8::1", AuthorityError::UnbracketedIpv6("2001:db8::1".to_owned())),
        ("::1", AuthorityError::UnbracketedIpv6("::1".to_owned())),
        ("bücher.example", AuthorityError::NotAscii("bücher.example".to_owned())),
        ("ex ample.com", AuthorityError::Character(' ')),
        ("*.example.com", AuthorityError::Character('*')),
        ("example.com/", AuthorityError::Character('/')),
        ("a..example.com", AuthorityError::EmptyLabel("a..example.com".to_owned())),
        ("example.com..", AuthorityError::EmptyLabel("example.com.".to_owned())),
        (".example.com", AuthorityError::EmptyLabel(".example.com".to_owned())),
        ("example.com:0", AuthorityError::Port("0".to_owned())),
        ("example.com:65536", AuthorityError::Port("65536".to_owned())),
        ("example.com:+443", AuthorityError::Port("+443".to_owned())),
        ("example.com:44a", AuthorityError::Port("44a".to_owned())),
        ("example.com:443:1", AuthorityError::Port("443:1".to_owned())),
        ("example.com: 443", AuthorityError::Port(" 443".to_owned())),
        ("[::1]:0", AuthorityError::Port("0".to_owned())),
        ("[::1]:99999", AuthorityError::Port("99999".to_owned())),
    ];
    for (text, error) in bad {
        assert_eq!(parse_authority(text), Err(error), "{text}");
    }
}

#[test]
fn https_urls_give_their_authority_with_443_by_default_and_refuse_other_schemes() {
    let good = [
        ("https://www.example.com/", name("www.example.com"), 443),
        ("HTTPS://www.example.com", name("www.example.com"), 443),
        ("  https://example.com:4431/path?query#fragment  ", name("example.com"), 4431),
        ("https://example.com?x=1", name("example.com"), 443),
        ("https://example.com#top", name("example.com"), 443),
        ("https://[::1]:8443/", ip("::1"), 8443),
    ];
    for (text, host, port) in good {
        assert_eq!(parse_https_url(text), Ok(HttpsUrl { host, port }), "{text}");
    }
    let bad = [
        ("example.com", UrlError::NotUrl),
        ("example.com:443", UrlError::NotUrl),
        ("http://example.com/", UrlError::PlainHttp),
        ("HTTP://example.com/", UrlError::PlainHttp),
        ("ftp://example.com/", UrlError::Scheme("ftp".to_owned())),
        ("https://", UrlError::Authority(AuthorityError::NoHost)),
        ("https:///path", UrlError::Authority(AuthorityError::NoHost)),
        ("https://user@example.com/", UrlError::Authority(AuthorityError::UserInfo)),
        ("https://example.com:0/", UrlError::Authority(AuthorityError::Port("0".to_owned()))),
    ];
    for (text, error) in bad {
        assert_eq!(parse_https_url(text), Err(error), "{text}");
    }
}

#[test]
fn the_shared_pieces_take_brackets_off_ipv6_only_and_ports_of_digits_only() {
    let literals = [
        ("10.0.0.5", Some("10.0.0.5")),
        ("[::1]", Some("::1")),
        ("::1", Some("::1")),
        ("2001:db8::5", Some("2001:db8::5")),
        ("example.com", None),
        ("[10.0.0.5]", None),
        ("[::1]:443", None),
        ("[::1", None),
        ("", None),
    ];
    for (text, address) in literals {
        assert_eq!(
            ip_literal(text),
            address.map(|address| address.parse::<IpAddr>().expect("an address")),
            "{text}"
        );
    }
    assert_eq!(bracketed_ipv6("example.com"), None);
    assert_eq!(bracketed_ipv6("[::1]:443"), Some(Ok(("::1".parse().expect("an address"), ":443"))));
    assert_eq!(bracketed_ipv6("[::1"), Some(Err(BracketError::Unclosed)));
    assert_eq!(bracketed_ipv6("[x]"), Some(Err(BracketError::NotIpv6("x"))));
    let ports = [("443", Some(443)), ("1", Some(1)), ("65535", Some(65535)), ("0", None), ("65536", None)];
    let more = [("+1", None), ("", None), (" 1", None), ("1a", None), ("0443", Some(443))];
    for (text, port) in ports.into_iter().chain(more) {
        assert_eq!(parse_port(text), port, "{text}");
    }
}
