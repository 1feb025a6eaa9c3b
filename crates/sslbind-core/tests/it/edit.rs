//! Tests of the lossless applicationHost.config editor (`iis::edit`): every case shows the
//! whole document before and after, so a reviewer sees that exactly the intended bytes
//! changed. In the `corpus` suite the real configs of the shared corpus are edited and
//! restored byte for byte, and property tests run random edit sequences against a model.

// The corpus tests and their helpers are compiled only in the `corpus` suite.
#![cfg_attr(not(feature = "corpus"), allow(dead_code, unused_imports, unused_mut))]

use std::sync::Arc;

use proptest::prelude::*;
use sslbind_core::iis::edit::{
    EditError, add_binding, has_binding, remove_binding, remove_site, set_binding_attribute,
};
use sslbind_core::iis::read_config;
use sslbind_core::text::{Encoding, decode, encode};

/// A small IIS config with LF line endings and two-space indentation.
const DOC: &str = "\
<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name=\"Default Web Site\" id=\"1\">
        <application path=\"/\" />
        <bindings>
          <binding protocol=\"http\" bindingInformation=\"*:80:\" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
";

/// `DOC` after adding `https *:443: sslFlags="0"` to the Default Web Site.
const DOC_WITH_HTTPS: &str = "\
<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name=\"Default Web Site\" id=\"1\">
        <application path=\"/\" />
        <bindings>
          <binding protocol=\"http\" bindingInformation=\"*:80:\" />
          <binding protocol=\"https\" bindingInformation=\"*:443:\" sslFlags=\"0\" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
";

/// Site names, each with the `(protocol, information, sslFlags)` of its bindings.
type SiteRows = Vec<(String, Vec<(String, String, u32)>)>;

/// Every site and binding of `text`, as the reader sees them.
fn bindings_read(text: &str) -> SiteRows {
    let read = read_config(&Arc::from("edited.config"), text.as_bytes(), None)
        .unwrap_or_else(|error| panic!("the edited text reads: {error}\n{text}"));
    read.config
        .sites
        .iter()
        .map(|site| {
            let bindings = site
                .bindings
                .iter()
                .map(|binding| {
                    (binding.protocol.clone(), binding.information.clone(), binding.ssl_flags.bits())
                })
                .collect();
            (site.name.clone(), bindings)
        })
        .collect()
}

fn lines(lines: &[&str], ending: &str) -> String {
    lines.iter().map(|line| format!("{line}{ending}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Adding

#[test]
fn add_goes_on_a_new_line_after_the_last_binding() {
    let after = add_binding(DOC, "Default Web Site", "https", "*:443:", Some(0)).unwrap();
    assert_eq!(after, DOC_WITH_HTTPS);
    assert_eq!(remove_binding(&after, "Default Web Site", "https", "*:443:").unwrap(), DOC);
}

#[test]
fn add_keeps_crlf() {
    let before = DOC.replace('\n', "\r\n");
    let after = add_binding(&before, "default web site", "https", "*:443:", Some(0)).unwrap();
    assert_eq!(after, DOC_WITH_HTTPS.replace('\n', "\r\n"));
    assert_eq!(remove_binding(&after, "DEFAULT WEB SITE", "HTTPS", "*:443:").unwrap(), before);
}

#[test]
fn add_without_ssl_flags_writes_no_attribute() {
    let after = add_binding(DOC, "Default Web Site", "net.tcp", "808:*", None).unwrap();
    assert_eq!(
        after,
        DOC.replace(
            "*:80:\" />\n",
            "*:80:\" />\n          <binding protocol=\"net.tcp\" bindingInformation=\"808:*\" />\n"
        )
    );
}

#[test]
fn add_keeps_tabs_and_guesses_a_tab_unit() {
    let before = "\
<configuration>
\t<system.applicationHost>
\t\t<sites>
\t\t\t<site name=\"a\" id=\"1\">
\t\t\t\t<bindings>
\t\t\t\t\t<binding protocol=\"http\" bindingInformation=\"*:80:a\" />
\t\t\t\t</bindings>
\t\t\t</site>
\t\t\t<site name=\"b\" id=\"2\">
\t\t\t\t<bindings>
\t\t\t\t</bindings>
\t\t\t</site>
\t\t</sites>
\t</system.applicationHost>
</configuration>
";
    let after = add_binding(before, "a", "https", "*:443:a", Some(1)).unwrap();
    let after = add_binding(&after, "b", "https", "*:443:b", Some(1)).unwrap();
    assert_eq!(
        after,
        "\
<configuration>
\t<system.applicationHost>
\t\t<sites>
\t\t\t<site name=\"a\" id=\"1\">
\t\t\t\t<bindings>
\t\t\t\t\t<binding protocol=\"http\" bindingInformation=\"*:80:a\" />
\t\t\t\t\t<binding protocol=\"https\" bindingInformation=\"*:443:a\" sslFlags=\"1\" />
\t\t\t\t</bindings>
\t\t\t</site>
\t\t\t<site name=\"b\" id=\"2\">
\t\t\t\t<bindings>
\t\t\t\t\t<binding protocol=\"https\" bindingInformation=\"*:443:b\" sslFlags=\"1\" />
\t\t\t\t</bindings>
\t\t\t</site>
\t\t</sites>
\t</system.applicationHost>
</configuration>
"
    );
    let undone = remove_binding(&after, "b", "https", "*:443:b").unwrap();
    assert_eq!(remove_binding(&undone, "a", "https", "*:443:a").unwrap(), before);
}

/// The sites of fixture 08 (ludovicLegl, IIS Express): CRLF, tabs mixed with spaces, a comment
/// spanning two binding lines, and a trailing tab after the last `/>`.
const FIXTURE_08: [&str; 29] = [
    "<configuration>",
    "    <system.applicationHost>",
    "        <sites>",
    "            <site name=\"WebSite1\" id=\"1\" serverAutoStart=\"true\">",
    "                <application path=\"/\">",
    "                    <virtualDirectory path=\"/\" physicalPath=\"%IIS_SITES_HOME%\\WebSite1\" />",
    "                </application>",
    "                <bindings>",
    "                    <binding protocol=\"http\" bindingInformation=\":8080:localhost\" />",
    "                </bindings>",
    "            </site>",
    "            <site name=\"PrototypeBHost\" id=\"2\">",
    "                <application path=\"/\" applicationPool=\"Clr4IntegratedAppPool\">",
    "                    <virtualDirectory path=\"/\" physicalPath=\"c:\\PrototypeBHost\" />",
    "                </application>",
    "                <bindings>",
    "\t\t\t\t<!--\t<binding protocol=\"http\" bindingInformation=\"*:9612:192.168.1.106\" />",
    "                    <binding protocol=\"http\" bindingInformation=\"*:8023:localhost\" />-->",
    "\t\t\t\t\t<binding protocol=\"https\" bindingInformation=\"*:9612:192.168.1.106\" />",
    "                    <binding protocol=\"https\" bindingInformation=\"*:8023:localhost\" />\t",
    "                </bindings>",
    "            </site>",
    "            <siteDefaults>",
    "                <logFile logFormat=\"W3C\" directory=\"%IIS_USER_HOME%\\Logs\" />",
    "            </siteDefaults>",
    "            <applicationDefaults applicationPool=\"Clr4IntegratedAppPool\" />",
    "        </sites>",
    "    </system.applicationHost>",
    "</configuration>",
];

#[test]
fn fixture_08_add_after_a_trailing_tab_and_a_comment() {
    let before = lines(&FIXTURE_08, "\r\n");
    let after = add_binding(&before, "PrototypeBHost", "https", "*:443:proto", Some(1)).unwrap();
    let mut expected = FIXTURE_08.to_vec();
    expected.insert(
        20,
        "                    <binding protocol=\"https\" bindingInformation=\"*:443:proto\" sslFlags=\"1\" />",
    );
    assert_eq!(after, lines(&expected, "\r\n"));
    assert_eq!(remove_binding(&after, "PrototypeBHost", "https", "*:443:proto").unwrap(), before);
}

#[test]
fn fixture_08_removals_keep_the_comment() {
    let before = lines(&FIXTURE_08, "\r\n");
    // The tab-indented line just after the comment's last line.
    let after = remove_binding(&before, "PrototypeBHost", "https", "*:9612:192.168.1.106").unwrap();
    let mut expected = FIXTURE_08.to_vec();
    expected.remove(18);
    assert_eq!(after, lines(&expected, "\r\n"));
    // The line with the trailing tab goes whole, tab and CRLF included.
    let after = remove_binding(&after, "PrototypeBHost", "https", "*:8023:localhost").unwrap();
    expected.remove(18);
    assert_eq!(after, lines(&expected, "\r\n"));
    // The commented-out binding is no binding.
    assert_eq!(
        remove_binding(&after, "PrototypeBHost", "http", "*:8023:localhost"),
        Err(EditError::BindingNotFound {
            site: "PrototypeBHost".to_owned(),
            protocol: "http".to_owned(),
            information: "*:8023:localhost".to_owned(),
        })
    );
    // With no binding left, a new one goes before `</bindings>`, after the comment.
    let readded = add_binding(&after, "PrototypeBHost", "https", "*:8023:localhost", None).unwrap();
    expected.insert(
        18,
        "                    <binding protocol=\"https\" bindingInformation=\"*:8023:localhost\" />",
    );
    assert_eq!(readded, lines(&expected, "\r\n"));
}

#[test]
fn add_into_a_self_closing_bindings() {
    let before = "\
<configuration>
  <system.applicationHost>
    <sites>
      <site name=\"a\" id=\"1\">
        <application path=\"/\" />
        <bindings />
      </site>
    </sites>
  </system.applicationHost>
</configuration>
";
    assert_eq!(
        add_binding(before, "a", "http", "*:80:", None).unwrap(),
        "\
<configuration>
  <system.applicationHost>
    <sites>
      <site name=\"a\" id=\"1\">
        <application path=\"/\" />
        <bindings>
          <binding protocol=\"http\" bindingInformation=\"*:80:\" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
"
    );
}

#[test]
fn add_creates_bindings_as_the_first_child() {
    let before = "\
<configuration>\r
  <system.applicationHost>\r
    <sites>\r
      <site name=\"a\" id=\"1\">\r
        <application path=\"/\" />\r
      </site>\r
      <site name=\"b\" id=\"2\" />\r
    </sites>\r
  </system.applicationHost>\r
</configuration>\r
";
    let after = add_binding(before, "a", "http", "*:80:", None).unwrap();
    let after = add_binding(&after, "b", "http", "*:81:", None).unwrap();
    assert_eq!(
        after,
        "\
<configuration>\r
  <system.applicationHost>\r
    <sites>\r
      <site name=\"a\" id=\"1\">\r
        <bindings>\r
          <binding protocol=\"http\" bindingInformation=\"*:80:\" />\r
        </bindings>\r
        <application path=\"/\" />\r
      </site>\r
      <site name=\"b\" id=\"2\">\r
        <bindings>\r
          <binding protocol=\"http\" bindingInformation=\"*:81:\" />\r
        </bindings>\r
      </site>\r
    </sites>\r
  </system.applicationHost>\r
</configuration>\r
"
    );
}

#[test]
fn add_after_clear() {
    let before = "\
<configuration>
    <system.applicationHost>
        <sites>
            <site name=\"a\" id=\"1\">
                <bindings>
                    <clear />
                </bindings>
            </site>
        </sites>
    </system.applicationHost>
</configuration>
";
    let after = add_binding(before, "a", "https", "*:443:", Some(0)).unwrap();
    assert_eq!(
        after,
        "\
<configuration>
    <system.applicationHost>
        <sites>
            <site name=\"a\" id=\"1\">
                <bindings>
                    <clear />
                    <binding protocol=\"https\" bindingInformation=\"*:443:\" sslFlags=\"0\" />
                </bindings>
            </site>
        </sites>
    </system.applicationHost>
</configuration>
"
    );
    assert_eq!(remove_binding(&after, "a", "https", "*:443:").unwrap(), before);
}

#[test]
fn one_line_site_gets_the_binding_inline() {
    let before = "\
<configuration><system.applicationHost><sites>
<site name=\"x\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /></bindings></site>
<site name=\"y\" id=\"2\"><bindings></bindings></site>
</sites></system.applicationHost></configuration>
";
    let after = add_binding(before, "x", "https", "*:443:", None).unwrap();
    let after = add_binding(&after, "y", "https", "*:444:", None).unwrap();
    assert_eq!(
        after,
        "\
<configuration><system.applicationHost><sites>
<site name=\"x\" id=\"1\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /><binding protocol=\"https\" bindingInformation=\"*:443:\" /></bindings></site>
<site name=\"y\" id=\"2\"><bindings><binding protocol=\"https\" bindingInformation=\"*:444:\" /></bindings></site>
</sites></system.applicationHost></configuration>
"
    );
    let undone = remove_binding(&after, "x", "https", "*:443:").unwrap();
    assert_eq!(remove_binding(&undone, "y", "https", "*:444:").unwrap(), before);
}

#[test]
fn values_are_escaped_and_read_back() {
    let after = add_binding(DOC, "Default Web Site", "http", "*:80:a&b<c\"d'e", None).unwrap();
    assert_eq!(
        after,
        DOC.replace(
            "*:80:\" />\n",
            "*:80:\" />\n          <binding protocol=\"http\" bindingInformation=\"*:80:a&amp;b&lt;c&quot;d'e\" />\n"
        )
    );
    assert_eq!(bindings_read(&after)[0].1[1].1, "*:80:a&b<c\"d'e");
    assert!(has_binding(&after, "Default Web Site", "http", "*:80:A&B<C\"D'E").unwrap());
}

#[test]
fn adding_an_existing_binding_is_refused() {
    assert_eq!(
        add_binding(DOC, "Default Web Site", "HTTP", "*:80:", Some(0)),
        Err(EditError::BindingExists {
            site: "Default Web Site".to_owned(),
            protocol: "HTTP".to_owned(),
            information: "*:80:".to_owned(),
        })
    );
    assert!(matches!(
        add_binding(DOC, "Default Web Site", "", "*:80:", None),
        Err(EditError::InvalidValue { attribute, .. }) if attribute == "protocol"
    ));
    assert!(matches!(
        add_binding(DOC, "Default Web Site", "http", "*:80:\u{1}", None),
        Err(EditError::InvalidValue { attribute, .. }) if attribute == "bindingInformation"
    ));
}

// ---------------------------------------------------------------------------------------------
// Removing

#[test]
fn removing_the_last_binding_leaves_an_empty_bindings() {
    assert_eq!(
        remove_binding(DOC, "Default Web Site", "http", "*:80:").unwrap(),
        DOC.replace("          <binding protocol=\"http\" bindingInformation=\"*:80:\" />\n", "")
    );
}

#[test]
fn removing_keeps_a_comment_on_the_line_before() {
    let before = DOC_WITH_HTTPS.replace(
        "          <binding protocol=\"https\"",
        "          <!-- the certificate is bound by netsh -->\n          <binding protocol=\"https\"",
    );
    let after = remove_binding(&before, "Default Web Site", "https", "*:443:").unwrap();
    assert_eq!(
        after,
        DOC.replace(
            "        </bindings>",
            "          <!-- the certificate is bound by netsh -->\n        </bindings>"
        )
    );
}

#[test]
fn removing_an_element_that_shares_its_line_takes_only_its_bytes() {
    let before = DOC.replace(
        "<binding protocol=\"http\" bindingInformation=\"*:80:\" />",
        "<binding protocol=\"http\" bindingInformation=\"*:80:\" /><binding protocol=\"http\" bindingInformation=\"*:81:\" /> <!-- two -->",
    );
    let after = remove_binding(&before, "Default Web Site", "http", "*:80:").unwrap();
    assert_eq!(
        after,
        DOC.replace(
            "<binding protocol=\"http\" bindingInformation=\"*:80:\" />",
            "<binding protocol=\"http\" bindingInformation=\"*:81:\" /> <!-- two -->",
        )
    );
}

#[test]
fn remove_site_takes_its_lines() {
    let before = DOC.replace(
        "    </sites>",
        "      <site name=\"Second\" id=\"2\">\n        <bindings />\n      </site>\n    </sites>",
    );
    assert_eq!(remove_site(&before, "second").unwrap(), DOC);
    assert_eq!(
        remove_site(DOC, "Default Web Site").unwrap(),
        "\
<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<configuration>
  <system.applicationHost>
    <sites>
    </sites>
  </system.applicationHost>
</configuration>
"
    );
}

// ---------------------------------------------------------------------------------------------
// Setting attributes

#[test]
fn set_changes_only_the_value_bytes() {
    let after = set_binding_attribute(DOC_WITH_HTTPS, "Default Web Site", "https", "*:443:", "sslFlags", "3")
        .unwrap();
    assert_eq!(after, DOC_WITH_HTTPS.replace("sslFlags=\"0\"", "sslFlags=\"3\""));
    // The same value again changes nothing.
    assert_eq!(
        set_binding_attribute(&after, "Default Web Site", "https", "*:443:", "sslFlags", "3").unwrap(),
        after
    );
}

#[test]
fn set_adds_a_missing_attribute_after_the_last_one() {
    let after = set_binding_attribute(DOC, "Default Web Site", "http", "*:80:", "sslFlags", "0").unwrap();
    assert_eq!(
        after,
        DOC.replace("bindingInformation=\"*:80:\" />", "bindingInformation=\"*:80:\" sslFlags=\"0\" />")
    );
}

#[test]
fn set_keeps_single_quotes_and_escapes_for_them() {
    let before = DOC.replace(
        "<binding protocol=\"http\" bindingInformation=\"*:80:\" />",
        "<binding protocol='https' bindingInformation='*:443:a' sslFlags = '1'/>",
    );
    let after = set_binding_attribute(
        &before,
        "Default Web Site",
        "https",
        "*:443:a",
        "bindingInformation",
        "*:443:it's",
    )
    .unwrap();
    let after =
        set_binding_attribute(&after, "Default Web Site", "https", "*:443:it's", "sslFlags", "0").unwrap();
    assert_eq!(
        after,
        DOC.replace(
            "<binding protocol=\"http\" bindingInformation=\"*:80:\" />",
            "<binding protocol='https' bindingInformation='*:443:it&apos;s' sslFlags = '0'/>",
        )
    );
}

#[test]
fn set_keeps_references_when_the_value_does_not_change() {
    let before = DOC.replace("*:80:\"", "*&#58;80:a&amp;b\"");
    assert_eq!(
        set_binding_attribute(
            &before,
            "Default Web Site",
            "http",
            "*:80:a&b",
            "bindingInformation",
            "*:80:a&b"
        )
        .unwrap(),
        before
    );
}

#[test]
fn set_refuses_bad_values_and_clashing_keys() {
    for bad in ["", "x", "-1", "+1", " 1", "4294967296"] {
        assert_eq!(
            set_binding_attribute(DOC_WITH_HTTPS, "Default Web Site", "https", "*:443:", "sslFlags", bad),
            Err(EditError::InvalidValue {
                attribute: "sslFlags".to_owned(),
                value: bad.to_owned(),
                reason: "must be a decimal number from 0 to 4294967295".to_owned(),
            }),
            "{bad:?}"
        );
    }
    // The protocol is part of the key too.
    let both = DOC_WITH_HTTPS.replace("\"*:80:\"", "\"*:443:\"");
    let error =
        set_binding_attribute(&both, "Default Web Site", "https", "*:443:", "protocol", "HTTP").unwrap_err();
    assert_eq!(error.to_string(), "site `Default Web Site` already has a HTTP binding `*:443:`");
    let before = DOC.replace("\"*:80:\"", "\"*:81:shop\"").replace(
        "        </bindings>",
        "          <binding protocol=\"http\" bindingInformation=\"*:80:\" />\n        </bindings>",
    );
    assert_eq!(
        set_binding_attribute(
            &before,
            "Default Web Site",
            "http",
            "*:81:shop",
            "bindingInformation",
            "*:80:"
        ),
        Err(EditError::BindingExists {
            site: "Default Web Site".to_owned(),
            protocol: "http".to_owned(),
            information: "*:80:".to_owned(),
        })
    );
    // Changing only the case of its own key is no clash.
    assert_eq!(
        set_binding_attribute(
            &before,
            "Default Web Site",
            "http",
            "*:81:shop",
            "bindingInformation",
            "*:81:SHOP"
        )
        .unwrap(),
        before.replace("*:81:shop", "*:81:SHOP")
    );
    assert!(matches!(
        set_binding_attribute(DOC, "Default Web Site", "http", "*:80:", "a b", "1"),
        Err(EditError::InvalidValue { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn sites_and_bindings_that_are_not_there() {
    assert_eq!(
        add_binding(DOC, "Default", "http", "*:81:", None),
        Err(EditError::SiteNotFound { site: "Default".to_owned() })
    );
    let two = DOC.replace("    </sites>", "      <site name=\"DEFAULT web site\" id=\"2\" />\n    </sites>");
    assert_eq!(
        has_binding(&two, "Default Web Site", "http", "*:80:"),
        Err(EditError::SiteAmbiguous { site: "Default Web Site".to_owned(), count: 2 })
    );
    let error =
        set_binding_attribute(DOC, "Default Web Site", "https", "*:80:", "sslFlags", "1").unwrap_err();
    assert_eq!(
        error,
        EditError::BindingNotFound {
            site: "Default Web Site".to_owned(),
            protocol: "https".to_owned(),
            information: "*:80:".to_owned(),
        }
    );
    assert_eq!(error.to_string(), "site `Default Web Site` has no https binding `*:80:`");
    // `<site>` elements outside `<system.applicationHost>/<sites>` are not sites.
    let elsewhere = "<configuration><sites><site name=\"a\"><bindings /></site></sites></configuration>";
    assert_eq!(
        add_binding(elsewhere, "a", "http", "*:80:", None),
        Err(EditError::SiteNotFound { site: "a".to_owned() })
    );
}

#[test]
fn fragments_are_edited_in_place_and_their_root_site_is_not_removed() {
    // A bare `<site>` saved on its own, without a final newline.
    let site = "<site name=\"shop\" id=\"4\">\n    <bindings>\n        <binding protocol=\"http\" bindingInformation=\"*:80:\" />\n    </bindings>\n</site>";
    let added = add_binding(site, "shop", "https", "*:443:shop.example", Some(1)).unwrap();
    assert_eq!(
        added,
        "<site name=\"shop\" id=\"4\">\n    <bindings>\n        <binding protocol=\"http\" bindingInformation=\"*:80:\" />\n        <binding protocol=\"https\" bindingInformation=\"*:443:shop.example\" sslFlags=\"1\" />\n    </bindings>\n</site>"
    );
    assert_eq!(remove_binding(&added, "shop", "https", "*:443:shop.example").unwrap(), site);
    let set = set_binding_attribute(&added, "shop", "https", "*:443:shop.example", "sslFlags", "0").unwrap();
    assert_eq!(set, added.replace("sslFlags=\"1\"", "sslFlags=\"0\""));
    let refused = remove_site(site, "shop").unwrap_err();
    assert_eq!(refused, EditError::RootSite { site: "shop".to_owned() });
    assert!(refused.to_string().contains("would leave no document"), "{refused}");

    // A `<sites>` collection: its sites are removed like any other.
    let sites = "<sites>\n  <site name=\"a\" id=\"1\" />\n  <site name=\"b\" id=\"2\" />\n</sites>\n";
    assert_eq!(remove_site(sites, "a").unwrap(), "<sites>\n  <site name=\"b\" id=\"2\" />\n</sites>\n");
    // A near miss: a `<site>` under some other root is no site.
    let other = "<other>\n  <site name=\"a\" id=\"1\" />\n</other>\n";
    assert_eq!(remove_site(other, "a"), Err(EditError::SiteNotFound { site: "a".to_owned() }));
}

#[test]
fn malformed_xml_gives_the_readers_message() {
    let truncated = &DOC[..DOC.len() - "</configuration>\n".len()];
    let Err(EditError::Xml(error)) = add_binding(truncated, "Default Web Site", "http", "*:81:", None) else {
        panic!("a truncated document is refused");
    };
    let reader = read_config(&Arc::from("applicationHost.config"), truncated.as_bytes(), None).unwrap_err();
    assert_eq!(error, reader);
    assert!(error.message.starts_with("malformed XML: unexpected end"), "{error}");
    let dtd = DOC.replace("<configuration>", "<!DOCTYPE configuration []>\n<configuration>");
    assert!(
        matches!(remove_site(&dtd, "Default Web Site"), Err(EditError::Xml(error)) if error.message.contains("DTD"))
    );
}

// ---------------------------------------------------------------------------------------------
// Encodings

#[test]
fn utf16_le_with_bom_round_trips() {
    let bytes = encode(&DOC.replace('\n', "\r\n"), Encoding::Utf16Le);
    let decoded = decode(&bytes);
    assert_eq!(decoded.encoding, Encoding::Utf16Le);
    let added = add_binding(&decoded.text, "Default Web Site", "https", "*:443:", Some(0)).unwrap();
    let added_bytes = encode(&added, decoded.encoding);
    assert_eq!(&added_bytes[..2], [0xFF, 0xFE]);
    assert_eq!(decode(&added_bytes).text, DOC_WITH_HTTPS.replace('\n', "\r\n"));
    let removed = remove_binding(&decode(&added_bytes).text, "Default Web Site", "https", "*:443:").unwrap();
    assert_eq!(encode(&removed, decoded.encoding), bytes);
}

// ---------------------------------------------------------------------------------------------
// The shared corpus

/// Whether `after` is `before` with exactly one line inserted; returns that line.
fn one_line_inserted(before: &str, after: &str) -> Option<String> {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    if new.len() != old.len() + 1 {
        return None;
    }
    let index = old.iter().zip(&new).position(|(a, b)| a != b).unwrap_or(old.len());
    let mut without = new.clone();
    let inserted = without.remove(index);
    (without == old).then(|| inserted.to_owned())
}

/// Whether `after` differs from `before` in one line, where only the value of `sslFlags`
/// changed to `value` or ` sslFlags="value"` was inserted.
fn only_ssl_flags_changed(before: &str, after: &str, value: &str) -> bool {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    if old.len() != new.len() {
        return false;
    }
    let changed: Vec<usize> = (0..old.len()).filter(|&index| old[index] != new[index]).collect();
    let [index] = changed[..] else {
        return false;
    };
    let (old, new) = (old[index], new[index]);
    let inserted = format!(" sslFlags=\"{value}\"");
    if new.len() == old.len() + inserted.len() && new.replacen(&inserted, "", 1) == old {
        return true;
    }
    let Some(start) = old.find("sslFlags=").map(|at| at + "sslFlags=".len() + 1) else {
        return false;
    };
    let quote = &old[start - 1..start];
    let Some(end) = old[start..].find(quote).map(|length| start + length) else {
        return false;
    };
    new == format!("{}{value}{}", &old[..start], &old[end..])
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_edits_round_trip() {
    let folder = crate::shared_corpus::corpus().join("appconfig");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    assert!(names.len() >= 12, "{names:?}");
    for name in &names {
        let bytes = std::fs::read(folder.join(name)).unwrap();
        let decoded = decode(&bytes);
        assert!(!decoded.lossy, "{name}");
        let text = decoded.text.as_str();
        if name.starts_with("02-") {
            let error = has_binding(text, "WebSite1", "http", "*:80:").unwrap_err();
            assert!(matches!(error, EditError::Xml(_)), "{name}: {error}");
            continue;
        }
        let read = read_config(&Arc::from(name.as_str()), &bytes, None).unwrap();
        // A fragment holding no `<sites>` collection (a bare `<site>` element saved alone)
        // has no site the editor may touch; every encoding of it still round-trips.
        let Some(site) = read.config.sites.first() else {
            for encoding in Encoding::ALL {
                let reencoded = encode(text, encoding);
                assert!(encode(&decode(&reencoded).text, decode(&reencoded).encoding) == reencoded, "{name}");
            }
            continue;
        };
        let (protocol, information) = ("https", "*:54321:edit-test.example");

        let added = add_binding(text, &site.name, protocol, information, Some(1)).unwrap();
        let line = one_line_inserted(text, &added).unwrap_or_else(|| panic!("{name}: one line inserted"));
        assert_eq!(
            line.trim(),
            "<binding protocol=\"https\" bindingInformation=\"*:54321:edit-test.example\" sslFlags=\"1\" />",
            "{name}"
        );
        assert!(has_binding(&added, &site.name, protocol, information).unwrap(), "{name}");
        let reread = bindings_read(&added);
        assert_eq!(
            reread[0].1.last(),
            Some(&(protocol.to_owned(), information.to_owned(), 1)),
            "{name}: the new binding is the site's last"
        );
        assert_eq!(reread.len(), read.config.sites.len(), "{name}");

        let removed = remove_binding(&added, &site.name, protocol, information).unwrap();
        assert!(removed == text, "{name}: adding then removing gives the original text");
        assert!(encode(&removed, decoded.encoding) == bytes, "{name}: and the original bytes");
        for encoding in Encoding::ALL {
            let other = encode(text, encoding);
            let redecoded = decode(&other);
            assert_eq!(redecoded.encoding, encoding, "{name}");
            let added = add_binding(&redecoded.text, &site.name, protocol, information, Some(1)).unwrap();
            let removed =
                remove_binding(&decode(&encode(&added, encoding)).text, &site.name, protocol, information);
            assert!(encode(&removed.unwrap(), encoding) == other, "{name}: {encoding:?} round-trips");
        }

        if let Some(binding) = site.bindings.first() {
            let value = if binding.ssl_flags.bits() == 3 { "5" } else { "3" };
            let set = set_binding_attribute(
                text,
                &site.name,
                &binding.protocol,
                &binding.information,
                "sslFlags",
                value,
            )
            .unwrap();
            assert!(only_ssl_flags_changed(text, &set, value), "{name}: only sslFlags changed");
            assert_eq!(bindings_read(&set)[0].1[0].2.to_string(), value, "{name}");
        }

        // A file that is one bare `<site>` keeps it: removing it would leave no document.
        if text.trim_start().starts_with("<site ") {
            let refused = remove_site(text, &site.name);
            assert!(matches!(refused, Err(EditError::RootSite { .. })), "{name}: {refused:?}");
            continue;
        }
        let without = remove_site(text, &site.name).unwrap();
        let remaining = bindings_read(&without);
        assert_eq!(remaining.len(), read.config.sites.len() - 1, "{name}");
        assert!(remaining.iter().all(|(other, _)| other != &site.name), "{name}");
    }
    println!("corpus: read {} configs in edit tests", names.len());
}

// ---------------------------------------------------------------------------------------------
// Property tests: random edit sequences against a model

const PROTOCOLS: [&str; 4] = ["http", "https", "HTTPS", "net.tcp"];
const INFOS: [&str; 6] =
    ["*:80:", "*:443:", "*:443:a.example", "*:443:A.Example", "10.0.0.1:8443:x&y<\"z", "808:*"];
const SITE_NAMES: [&str; 3] = ["Default Web Site", "shop", "Ünïcode"];

#[derive(Clone, Debug, PartialEq)]
struct ModelBinding {
    protocol: String,
    information: String,
    flags: Option<u32>,
}

impl ModelBinding {
    fn is(&self, protocol: &str, information: &str) -> bool {
        self.protocol.to_lowercase() == protocol.to_lowercase()
            && self.information.to_lowercase() == information.to_lowercase()
    }

    fn element(&self) -> String {
        let mut element = format!(
            "<binding protocol=\"{}\" bindingInformation=\"{}\"",
            escape(&self.protocol),
            escape(&self.information)
        );
        if let Some(flags) = self.flags {
            element.push_str(&format!(" sslFlags=\"{flags}\""));
        }
        element + " />"
    }
}

fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;")
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    /// `<bindings>` and every binding on lines of their own.
    Lines,
    /// The whole site on one line.
    OneLine,
    /// `<bindings />` (only when the site starts without bindings).
    SelfClosing,
    /// No `<bindings>` (only when the site starts without bindings).
    Missing,
}

#[derive(Clone, Debug)]
struct ModelSite {
    layout: Layout,
    clear: bool,
    application: bool,
    comment: bool,
    bindings: Vec<ModelBinding>,
}

#[derive(Clone, Debug)]
struct ModelConfig {
    indent: &'static str,
    ending: &'static str,
    sites: Vec<ModelSite>,
}

impl ModelConfig {
    fn render(&self) -> String {
        let (unit, end) = (self.indent, self.ending);
        let at = |depth: usize| unit.repeat(depth);
        let mut text = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{end}<configuration>{end}{}<system.applicationHost>{end}{}<sites>{end}",
            at(1),
            at(2)
        );
        for (index, site) in self.sites.iter().enumerate() {
            let open = format!("<site name=\"{}\" id=\"{}\">", SITE_NAMES[index], index + 1);
            let clear = if site.clear { "<clear />" } else { "" };
            if site.layout == Layout::OneLine {
                let bindings: String = site.bindings.iter().map(ModelBinding::element).collect();
                text += &format!("{}{open}<bindings>{clear}{bindings}</bindings></site>{end}", at(3));
                continue;
            }
            text += &format!("{}{open}{end}", at(3));
            if site.application {
                text += &format!("{}<application path=\"/\" />{end}", at(4));
            }
            match site.layout {
                Layout::SelfClosing => text += &format!("{}<bindings />{end}", at(4)),
                Layout::Missing => {}
                Layout::Lines | Layout::OneLine => {
                    text += &format!("{}<bindings>{end}", at(4));
                    if site.comment {
                        text += &format!(
                            "{}<!-- <binding protocol=\"http\" bindingInformation=\"*:1:\" /> -->{end}",
                            at(5)
                        );
                    }
                    if site.clear {
                        text += &format!("{}{clear}{end}", at(5));
                    }
                    for binding in &site.bindings {
                        text += &format!("{}{}{end}", at(5), binding.element());
                    }
                    text += &format!("{}</bindings>{end}", at(4));
                }
            }
            text += &format!("{}</site>{end}", at(3));
        }
        text += &format!(
            "{}<siteDefaults>{end}{}<bindings>{end}{}<binding protocol=\"http\" bindingInformation=\"*:80:\" />{end}{}</bindings>{end}{}</siteDefaults>{end}",
            at(3),
            at(4),
            at(5),
            at(4),
            at(3)
        );
        text +=
            &format!("{}</sites>{end}{}</system.applicationHost>{end}</configuration>{end}", at(2), at(1));
        text
    }

    fn expected(&self) -> SiteRows {
        self.sites
            .iter()
            .enumerate()
            .map(|(index, site)| {
                let bindings = site
                    .bindings
                    .iter()
                    .map(|binding| {
                        (binding.protocol.clone(), binding.information.clone(), binding.flags.unwrap_or(0))
                    })
                    .collect();
                (SITE_NAMES[index].to_owned(), bindings)
            })
            .collect()
    }
}

fn binding_strategy() -> impl Strategy<Value = ModelBinding> {
    (0..PROTOCOLS.len(), 0..INFOS.len(), proptest::option::of(0u32..70)).prop_map(
        |(protocol, information, flags)| ModelBinding {
            protocol: PROTOCOLS[protocol].to_owned(),
            information: INFOS[information].to_owned(),
            flags,
        },
    )
}

/// A site; `undoable` keeps to layouts where adding then removing restores the text.
fn site_strategy(undoable: bool) -> impl Strategy<Value = ModelSite> {
    let layouts = if undoable {
        vec![Layout::Lines, Layout::OneLine]
    } else {
        vec![Layout::Lines, Layout::OneLine, Layout::SelfClosing, Layout::Missing]
    };
    (
        proptest::collection::vec(binding_strategy(), 0..4),
        proptest::sample::select(layouts),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(candidates, layout, clear, application, comment)| {
            let mut bindings: Vec<ModelBinding> = Vec::new();
            for candidate in candidates {
                if !bindings.iter().any(|known| known.is(&candidate.protocol, &candidate.information)) {
                    bindings.push(candidate);
                }
            }
            let structural = matches!(layout, Layout::SelfClosing | Layout::Missing);
            let layout = if structural && (!bindings.is_empty() || clear) { Layout::Lines } else { layout };
            ModelSite { layout, clear, application, comment, bindings }
        })
}

fn config_strategy(undoable: bool) -> impl Strategy<Value = ModelConfig> {
    (
        proptest::sample::select(vec!["  ", "    ", "\t"]),
        proptest::sample::select(vec!["\n", "\r\n"]),
        proptest::collection::vec(site_strategy(undoable), 1..=SITE_NAMES.len()),
    )
        .prop_map(|(indent, ending, sites)| ModelConfig { indent, ending, sites })
}

#[derive(Clone, Debug)]
enum Op {
    Add { site: usize, binding: ModelBinding },
    Remove { site: usize, pick: usize },
    SetFlags { site: usize, pick: usize, flags: u32 },
    SetInformation { site: usize, pick: usize, information: usize },
}

fn op_strategy() -> impl Strategy<Value = (Op, bool)> {
    let op = prop_oneof![
        (0..8usize, binding_strategy()).prop_map(|(site, binding)| Op::Add { site, binding }),
        (0..8usize, 0..8usize).prop_map(|(site, pick)| Op::Remove { site, pick }),
        (0..8usize, 0..8usize, any::<u32>()).prop_map(|(site, pick, flags)| Op::SetFlags {
            site,
            pick,
            flags
        }),
        (0..8usize, 0..8usize, 0..INFOS.len()).prop_map(|(site, pick, information)| Op::SetInformation {
            site,
            pick,
            information
        }),
    ];
    // The flag: address the site and binding in upper case.
    (op, any::<bool>())
}

/// How to take one successful edit back.
enum Undo {
    Remove { site: String, protocol: String, information: String },
    Add { site: String, binding: ModelBinding },
    Set { site: String, protocol: String, information: String, attribute: &'static str, value: String },
}

impl Undo {
    fn apply(&self, text: &str) -> Result<String, EditError> {
        match self {
            Undo::Remove { site, protocol, information } => remove_binding(text, site, protocol, information),
            Undo::Add { site, binding } => {
                add_binding(text, site, &binding.protocol, &binding.information, binding.flags)
            }
            Undo::Set { site, protocol, information, attribute, value } => {
                set_binding_attribute(text, site, protocol, information, attribute, value)
            }
        }
    }
}

/// Runs `ops` on `config`'s text, checking every step against the model; with `stack`,
/// removals take the site's last binding and only existing `sslFlags` are set, so every
/// step can be undone exactly. Returns the final text and the undo steps.
fn run(
    config: &mut ModelConfig,
    ops: &[(Op, bool)],
    stack: bool,
) -> Result<(String, Vec<Undo>), TestCaseError> {
    let mut text = config.render();
    prop_assert_eq!(bindings_read(&text), config.expected(), "the generated config reads\n{}", text);
    let mut undo = Vec::new();
    for (op, upper) in ops {
        let case = |value: &str| if *upper { value.to_uppercase() } else { value.to_owned() };
        match op {
            Op::Add { site, binding } => {
                let index = site % config.sites.len();
                let name = case(SITE_NAMES[index]);
                let result =
                    add_binding(&text, &name, &binding.protocol, &binding.information, binding.flags);
                let model = &mut config.sites[index];
                if model.bindings.iter().any(|known| known.is(&binding.protocol, &binding.information)) {
                    prop_assert!(matches!(result, Err(EditError::BindingExists { .. })), "{:?}", result);
                } else {
                    text = result.map_err(|error| TestCaseError::fail(error.to_string()))?;
                    model.bindings.push(binding.clone());
                    undo.push(Undo::Remove {
                        site: name,
                        protocol: binding.protocol.clone(),
                        information: binding.information.clone(),
                    });
                }
            }
            Op::Remove { site, pick } => {
                let index = site % config.sites.len();
                let name = case(SITE_NAMES[index]);
                let model = &mut config.sites[index];
                if model.bindings.is_empty() {
                    let result = remove_binding(&text, &name, "http", "*:9:");
                    prop_assert!(matches!(result, Err(EditError::BindingNotFound { .. })), "{:?}", result);
                } else {
                    let position = if stack { model.bindings.len() - 1 } else { pick % model.bindings.len() };
                    let binding = model.bindings.remove(position);
                    text =
                        remove_binding(&text, &name, &case(&binding.protocol), &case(&binding.information))
                            .map_err(|error| TestCaseError::fail(error.to_string()))?;
                    undo.push(Undo::Add { site: name, binding });
                }
            }
            Op::SetFlags { site, pick, flags } => {
                let index = site % config.sites.len();
                let name = case(SITE_NAMES[index]);
                let model = &mut config.sites[index];
                if model.bindings.is_empty() {
                    continue;
                }
                let position = pick % model.bindings.len();
                let binding = &mut model.bindings[position];
                let Some(old) = binding.flags.or(if stack { None } else { Some(0) }) else {
                    continue;
                };
                text = set_binding_attribute(
                    &text,
                    &name,
                    &case(&binding.protocol),
                    &case(&binding.information),
                    "sslFlags",
                    &flags.to_string(),
                )
                .map_err(|error| TestCaseError::fail(error.to_string()))?;
                binding.flags = Some(*flags);
                undo.push(Undo::Set {
                    site: name,
                    protocol: binding.protocol.clone(),
                    information: binding.information.clone(),
                    attribute: "sslFlags",
                    value: old.to_string(),
                });
            }
            Op::SetInformation { site, pick, information } => {
                let index = site % config.sites.len();
                let name = case(SITE_NAMES[index]);
                let model = &mut config.sites[index];
                if model.bindings.is_empty() {
                    continue;
                }
                let position = pick % model.bindings.len();
                let new = INFOS[*information];
                let protocol = model.bindings[position].protocol.clone();
                let old = model.bindings[position].information.clone();
                let clash = model
                    .bindings
                    .iter()
                    .enumerate()
                    .any(|(other, known)| other != position && known.is(&protocol, new));
                let result = set_binding_attribute(&text, &name, &protocol, &old, "bindingInformation", new);
                if clash {
                    prop_assert!(matches!(result, Err(EditError::BindingExists { .. })), "{:?}", result);
                } else {
                    text = result.map_err(|error| TestCaseError::fail(error.to_string()))?;
                    model.bindings[position].information = new.to_owned();
                    undo.push(Undo::Set {
                        site: name,
                        protocol,
                        information: new.to_owned(),
                        attribute: "bindingInformation",
                        value: old,
                    });
                }
            }
        }
        prop_assert_eq!(bindings_read(&text), config.expected(), "after {:?}\n{}", op, text);
    }
    Ok((text, undo))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_match_the_model(mut config in config_strategy(false), ops in proptest::collection::vec(op_strategy(), 0..12)) {
        run(&mut config, &ops, false)?;
    }

    #[test]
    fn undoing_random_edits_restores_the_text(mut config in config_strategy(true), ops in proptest::collection::vec(op_strategy(), 0..12)) {
        let original = config.render();
        let (mut text, undo) = run(&mut config, &ops, true)?;
        for step in undo.iter().rev() {
            text = step.apply(&text).map_err(|error| TestCaseError::fail(error.to_string()))?;
        }
        prop_assert_eq!(text, original);
    }
}

/// `config` rendered with a comment of `words` before `<configuration>` (so that non-Latin
/// text comes early, where BOM-less UTF-16 is recognised) and without the XML declaration
/// unless `declaration`.
fn render_with(config: &ModelConfig, words: &str, declaration: bool) -> String {
    let text = config.render().replacen("<configuration>", &format!("<!-- {words} --><configuration>"), 1);
    if declaration {
        text
    } else {
        text.split_once(config.ending).map_or(text.clone(), |(_, rest)| rest.to_owned())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// What `binding add` then `binding remove` write: the bytes read, in every encoding, with
    /// or without BOM, LF or CRLF (the config's line end), come back byte for byte.
    #[test]
    fn adding_then_removing_keeps_the_bytes_in_every_encoding(
        config in config_strategy(true),
        encoding in proptest::sample::select(Encoding::ALL.to_vec()),
        words in "[a-zA-Z0-9 .éüß一-龥가-힣😀-🙏]{0,40}",
        declaration in any::<bool>(),
        site in 0..SITE_NAMES.len(),
        binding in binding_strategy(),
    ) {
        let bytes = encode(&render_with(&config, &words, declaration), encoding);
        let decoded = decode(&bytes);
        prop_assert_eq!(decoded.encoding, encoding);
        prop_assert!(!decoded.lossy);
        let name = SITE_NAMES[site % config.sites.len()];
        let added = match add_binding(&decoded.text, name, &binding.protocol, &binding.information, binding.flags) {
            Err(EditError::BindingExists { .. }) => return Ok(()),
            result => result.map_err(|error| TestCaseError::fail(error.to_string()))?,
        };
        let written = encode(&added, decoded.encoding);
        prop_assert_eq!(written.starts_with(&bytes[..2]), true, "the BOM, or its absence, is kept");
        let reread = decode(&written);
        prop_assert_eq!(reread.encoding, encoding);
        let removed = remove_binding(&reread.text, name, &binding.protocol, &binding.information)
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(encode(&removed, reread.encoding), bytes);
    }
}

#[test]
fn utf16_without_bom_is_written_back_without_one() {
    for (encoding, first) in [(Encoding::Utf16LeNoBom, [b'<', 0]), (Encoding::Utf16BeNoBom, [0, b'<'])] {
        let bytes = encode(DOC, encoding);
        assert_eq!(bytes[..2], first);
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, encoding);
        let added = add_binding(&decoded.text, "Default Web Site", "https", "*:443:", Some(0)).unwrap();
        let written = encode(&added, decoded.encoding);
        assert_eq!(written[..2], first, "{encoding:?}: no BOM added");
        assert_eq!(decode(&written).text, DOC_WITH_HTTPS);
    }
}
