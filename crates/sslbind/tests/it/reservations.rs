//! `sslbind reservations` as users run it: the shared urlacl samples read with `--urlacl`,
//! the JSON shape, the bindings HTTP.sys matches to each reservation, and a machine folder
//! that holds `urlacl.txt` and `excludedportrange.txt`.

use serde_json::json;

use crate::util::{sslbind, sslbind_json};

const CONFIG: &str = r#"<configuration>
<system.applicationHost>
<sites>
<site name="Reports" id="1">
<bindings>
<binding protocol="https" bindingInformation="*:443:" />
<binding protocol="net.tcp" bindingInformation="808:*" />
</bindings>
</site>
<site name="Shop" id="2">
<bindings>
<binding protocol="http" bindingInformation="*:8080:shop.example.com" />
<binding protocol="http" bindingInformation="10.0.0.5:8080:" />
<binding protocol="http" bindingInformation="*:8080:other.example.com" />
</bindings>
</site>
</sites>
</system.applicationHost>
</configuration>
"#;

const URLACL: &str = "URL Reservations:\n-----------------\n\n    Reserved URL            : https://+:443/ReportServer/\n        User: NT SERVICE\\ReportServer\n            Listen: Yes\n            Delegate: No\n            SDDL: D:(A;;GX;;;S-1-5-80-1)\n\n    Reserved URL            : http://shop.example.com:8080/\n        User: \\Everyone\n            Listen: Yes\n            Delegate: No\n            SDDL: D:(A;;GX;;;WD)\n\n    Reserved URL            : http://*:8080/\n        User: BUILTIN\\Users\n            Listen: Yes\n            Delegate: Yes\n            SDDL: D:(A;;GA;;;BU)\n";

#[cfg(feature = "corpus")]
#[test]
fn corpus_urlacl_sample_is_listed_as_json() {
    let fixture = crate::shared_corpus::corpus().join("urlacl/02-ssrs-plus-wildcard-trailing-spaces.txt");
    let value =
        sslbind_json(&["reservations", "--urlacl", &fixture.display().to_string(), "--format", "json"]);
    let reservation = &value["reservations"][0];
    assert_eq!(value["reservations"].as_array().map(Vec::len), Some(1));
    assert_eq!(reservation["url"], "https://+:443/ReportServer/");
    assert_eq!(reservation["host_kind"], "strong-wildcard");
    assert_eq!(
        reservation["users"],
        json!([{"name": "NT SERVICE\\ReportServer", "listen": true, "delegate": false}])
    );
    assert_eq!(
        reservation["sddl"],
        "D:(A;;GX;;;S-1-5-80-2885764129-887777008-271615777-1616004480-2722851051)"
    );
    assert_eq!(reservation["used_by"], json!([]));
}

#[test]
fn used_by_follows_http_sys_matching() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(folder.path().join("applicationHost.config"), CONFIG).expect("a config");
    std::fs::write(folder.path().join("urlacl.txt"), URLACL).expect("a urlacl");
    std::fs::write(
        folder.path().join("excludedportrange.txt"),
        "Start Port    End Port\n----------    --------\n     50000       50059     *\n",
    )
    .expect("ranges");
    let path = folder.path().display().to_string();
    let value = sslbind_json(&["reservations", &path, "--format", "json"]);
    let used: Vec<serde_json::Value> =
        value["reservations"].as_array().expect("a list").iter().map(|r| r["used_by"].clone()).collect();
    assert_eq!(
        used,
        [
            // `/ReportServer/` is not a prefix of `/`: the `*:443:` binding does not use it.
            json!([]),
            json!([{"site": "Shop", "binding": "*:8080:shop.example.com", "protocol": "http"}]),
            // The weak wildcard takes what no stronger prefix claims.
            json!([
                {"site": "Shop", "binding": "10.0.0.5:8080:", "protocol": "http"},
                {"site": "Shop", "binding": "*:8080:other.example.com", "protocol": "http"}
            ]),
        ]
    );
    let table = sslbind(&["reservations", &path]);
    assert_eq!(table.code, 0, "{}", table.transcript());
    assert!(table.stdout.contains("used by   Shop http *:8080:shop.example.com"), "{}", table.stdout);
    assert!(table.stdout.contains("user      BUILTIN\\Users  listen yes  delegate yes"), "{}", table.stdout);

    // The snapshot keeps reservations and ranges, and reads back the same.
    let snapshot = folder.path().join("m.snapshot.json");
    let snapshot_path = snapshot.display().to_string();
    let written = sslbind(&["snapshot", "-o", &snapshot_path, &path]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("written")).expect("JSON");
    assert_eq!(document["url_reservations"].as_array().map(Vec::len), Some(3));
    assert_eq!(document["excluded_ports"][0]["administered"], true);
    assert_eq!(
        sslbind_json(&["reservations", &snapshot_path, "--format", "json"])["reservations"],
        value["reservations"]
    );
}

#[test]
fn unknown_reservations_are_an_error() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(folder.path().join("applicationHost.config"), CONFIG).expect("a config");
    let output = sslbind(&["reservations", &folder.path().display().to_string()]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("--urlacl"), "{}", output.transcript());
}
