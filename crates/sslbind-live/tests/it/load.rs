//! Loading sources from files and machine folders: what is recognised, what is an error, and
//! what only warns.

use std::path::Path;

use sslbind_live::{LoadError, Sources, invalid_bindings, load_machine, read_ccs_folder};

const CONFIG: &str = "<configuration><system.applicationHost><sites>\
<site name=\"a\" id=\"1\"><bindings><binding protocol=\"https\" bindingInformation=\"*:443:a.example.com\" sslFlags=\"1\" />\
</bindings></site></sites></system.applicationHost></configuration>";

const NETSH: &str = "SSL Certificate bindings:\n-------------------------\n\n\
    Hostname:port                : a.example.com:443\n\
    Certificate Hash             : 5226dc6c54559761cd471b86eb51c096252c90f2\n\
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\n\
    Certificate Store Name       : MY\n\
    Negotiate Client Certificate : Disabled\n";

fn write(folder: &Path, name: &str, content: &[u8]) {
    let path = folder.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a folder");
    }
    std::fs::write(path, content).expect("a file");
}

#[test]
fn a_machine_folder_is_recognised_by_file_names() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(folder.path(), "applicationHost.config", CONFIG.as_bytes());
    write(folder.path(), "server-sslcert.txt", NETSH.as_bytes());
    write(folder.path(), "notes.txt", b"not a source");
    write(folder.path(), "certs/readme.md", b"ignored: not a certificate extension");
    let machine = load_machine(&Sources { machine: Some(folder.path().to_owned()), ..Sources::default() })
        .expect("the folder loads");
    assert_eq!(machine.configs.len(), 1);
    assert_eq!(machine.configs[0].sites[0].name, "a");
    assert!(machine.mappings_known);
    assert_eq!(machine.mappings.len(), 1);
    assert!(machine.certificates_known);
    assert!(machine.certificates.is_empty());
}

#[test]
fn a_folder_with_nothing_to_read_is_an_error_naming_it() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(folder.path(), "notes.txt", b"nothing");
    let error = load_machine(&Sources { machine: Some(folder.path().to_owned()), ..Sources::default() })
        .expect_err("nothing to read");
    assert!(matches!(error, LoadError::EmptyMachineFolder { .. }), "{error}");
    assert!(error.to_string().contains(&folder.path().display().to_string()));
}

#[test]
fn a_missing_file_is_an_io_error_with_its_path() {
    let error = load_machine(&Sources { sslcert: Some("no/such/file.txt".into()), ..Sources::default() })
        .expect_err("missing");
    assert!(matches!(error, LoadError::Io { .. }), "{error}");
    assert!(error.to_string().contains("no/such/file.txt"));
}

#[test]
fn a_bad_certificate_named_directly_is_an_error_but_in_a_folder_only_a_warning() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(folder.path(), "certs/broken.cer", b"not a certificate at all");
    let direct =
        load_machine(&Sources { certs: vec![folder.path().join("certs/broken.cer")], ..Sources::default() })
            .expect_err("a named bad file is an error");
    assert!(matches!(direct, LoadError::Source(_)), "{direct}");
    assert!(direct.to_string().contains("broken.cer:1:1"), "{direct}");

    let machine = load_machine(&Sources { certs: vec![folder.path().join("certs")], ..Sources::default() })
        .expect("a folder member only warns");
    assert_eq!(machine.warnings.len(), 1, "{:?}", machine.warnings);
    assert!(machine.warnings[0].message.ends_with("(skipped)"));
}

#[test]
fn invalid_https_bindings_are_reported_with_their_location() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(folder.path(), "bad.config", CONFIG.replace("*:443:a.example.com", "*:0:a.example.com").as_bytes());
    let machine =
        load_machine(&Sources { configs: vec![folder.path().join("bad.config")], ..Sources::default() })
            .expect("the config loads leniently");
    let errors = invalid_bindings(&machine);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().contains("bad.config:1:"), "{}", errors[0]);
}

#[test]
fn a_ccs_folder_lists_its_top_level_pfx_files_case_insensitively() {
    use sslbind_core::analysis::selection::CcsFiles;
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(folder.path(), "WWW.Example.com.PFX", b"");
    write(folder.path(), "sub/deep.example.com.pfx", b"");
    write(folder.path(), "notes.txt", b"");
    let files = read_ccs_folder(folder.path()).expect("the folder reads");
    assert_eq!(files.contains("www.example.com.pfx"), Some(true));
    assert_eq!(files.contains("deep.example.com.pfx"), Some(false));
    assert_eq!(files.contains("notes.txt"), Some(false));
}

#[test]
fn a_machine_folder_also_takes_registry_exports_hives_and_snapshots() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(
        folder.path(),
        "http.reg",
        b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslSniBindingInfo\\a.example.com:443]\r\n\
\"SslCertHash\"=hex:52,26,dc,6c,54,55,97,61,cd,47,1b,86,eb,51,c0,96,25,2c,90,f2\r\n\
\"AppId\"=hex:81,e1,c3,4d,4b,e1,21,4a,b0,22,59,fc,66,9b,09,14\r\n",
    );
    write(folder.path(), "applicationHost.config", CONFIG.as_bytes());
    let machine = load_machine(&Sources { machine: Some(folder.path().to_owned()), ..Sources::default() })
        .expect("the folder loads");
    assert!(machine.mappings_known);
    assert_eq!(machine.mappings.len(), 1);
    assert_eq!(machine.mappings[0].key.to_string(), "a.example.com:443");
    assert_eq!(machine.mappings[0].certificate_store, None, "no SslCertStoreName: HTTP.sys uses MY");

    write(folder.path(), "SYSTEM", b"not a hive, not a .reg either");
    let error = load_machine(&Sources { machine: Some(folder.path().to_owned()), ..Sources::default() })
        .expect_err("a SYSTEM file that is neither is an error");
    assert!(error.to_string().contains("SYSTEM:1:1"), "{error}");
}

#[test]
fn the_same_mapping_from_two_sources_is_kept_once_and_a_disagreement_is_reported() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    write(folder.path(), "sslcert.txt", NETSH.as_bytes());
    write(
        folder.path(),
        "http.reg",
        b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslSniBindingInfo\\a.example.com:443]\r\n\
\"SslCertHash\"=hex:00,26,dc,6c,54,55,97,61,cd,47,1b,86,eb,51,c0,96,25,2c,90,f2\r\n\
\"AppId\"=hex:81,e1,c3,4d,4b,e1,21,4a,b0,22,59,fc,66,9b,09,14\r\n\"SslCertStoreName\"=\"MY\"\r\n",
    );
    let machine = load_machine(&Sources {
        sslcert: Some(folder.path().join("sslcert.txt")),
        registry: vec![folder.path().join("http.reg")],
        ..Sources::default()
    })
    .expect("both load");
    assert_eq!(machine.mappings.len(), 1);
    assert_eq!(
        machine.mappings[0].certificate_hash.map(|hash| hash.to_string()).as_deref(),
        Some("5226DC6C54559761CD471B86EB51C096252C90F2")
    );
    assert!(
        machine.warnings.iter().any(|warning| warning.message.contains("differs")),
        "{:?}",
        machine.warnings
    );
}

#[test]
fn a_config_in_an_iis_express_folder_is_iis_express_whatever_its_content() {
    use sslbind_core::model::ServerFlavor;
    let folder = tempfile::tempdir().expect("a temporary folder");
    for (place, flavor) in [
        ("Documents/IISExpress/config/applicationhost.config", ServerFlavor::IisExpress),
        ("solution/.vs/app/config/applicationhost.config", ServerFlavor::IisExpress),
        ("inetsrv/config/applicationHost.config", ServerFlavor::Iis),
        ("IISExpress/applicationhost.config", ServerFlavor::Iis),
    ] {
        write(folder.path(), place, CONFIG.as_bytes());
        let machine =
            load_machine(&Sources { configs: vec![folder.path().join(place)], ..Sources::default() })
                .expect("the config loads");
        assert_eq!(machine.configs[0].flavor, flavor, "{place}");
    }
}

fn machine_file(
    folder: &Path,
    name: &str,
    content: &[u8],
) -> Result<sslbind_core::model::Machine, LoadError> {
    write(folder, name, content);
    load_machine(&Sources { machine: Some(folder.join(name)), ..Sources::default() })
}

#[test]
fn one_file_given_as_the_machine_is_recognised_by_its_content() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    // A config, whatever its name (a `.txt` here), in UTF-16 as well.
    let config = machine_file(folder.path(), "saved.txt", CONFIG.as_bytes()).expect("a config");
    assert_eq!((config.configs.len(), config.mappings_known), (1, false));
    let utf16 = sslbind_core::text::encode(CONFIG, sslbind_core::text::Encoding::Utf16Le);
    let config = machine_file(folder.path(), "utf16.config", &utf16).expect("a UTF-16 config");
    assert_eq!(config.configs[0].sites[0].name, "a");
    // A fragment: one `<site>`.
    let site = "<site name=\"b\" id=\"2\"><bindings><binding protocol=\"http\" bindingInformation=\"*:80:\" /></bindings></site>";
    let fragment = machine_file(folder.path(), "site.xml", site.as_bytes()).expect("a fragment");
    assert_eq!(fragment.configs[0].sites[0].name, "b");
    // Saved netsh output, whatever its name.
    let netsh = machine_file(folder.path(), "output.log", NETSH.as_bytes()).expect("netsh text");
    assert_eq!((netsh.configs.len(), netsh.mappings.len()), (0, 1));
    // Excluded port ranges and URL reservations.
    let ports = machine_file(
        folder.path(),
        "ports.txt",
        b"Start Port    End Port\n----------    --------\n     50000       50059     *\n",
    )
    .expect("excluded ports");
    assert_eq!((ports.excluded_ports_known, ports.excluded_ports.len()), (true, 1));
    let urlacl = machine_file(
        folder.path(),
        "acl.txt",
        b"    Reserved URL            : https://+:443/\n        User: NT AUTHORITY\\NETWORK SERVICE\n            Listen: Yes\n",
    )
    .expect("URL reservations");
    assert_eq!(urlacl.url_reservations.len(), 1);
    // An empty store is still netsh output: its heading says so.
    let empty = machine_file(
        folder.path(),
        "empty.txt",
        b"\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n",
    )
    .expect("an empty store");
    assert_eq!((empty.mappings_known, empty.mappings.len()), (true, 0));
}

#[test]
fn a_file_that_is_no_machine_or_repeats_an_option_is_refused_with_its_path() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let error = machine_file(folder.path(), "notes.txt", b"just some notes\n").expect_err("not a machine");
    assert!(matches!(error, LoadError::MachineFile { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("notes.txt") && message.contains("must be a snapshot (JSON)"), "{message}");

    // Netsh text whose records cannot be read goes to the netsh reader, which says why.
    let placeholder = "IP:port : <ip:port>\nCertificate Hash : <hash>\n";
    let error = machine_file(folder.path(), "sample.txt", placeholder.as_bytes()).expect_err("no record");
    assert!(error.to_string().contains("no netsh record could be read"), "{error}");

    write(folder.path(), "sslcert.txt", NETSH.as_bytes());
    let twice = Sources {
        machine: Some(folder.path().join("sslcert.txt")),
        sslcert: Some(folder.path().join("sslcert.txt")),
        ..Sources::default()
    };
    let error = load_machine(&twice).expect_err("two netsh texts");
    assert!(error.to_string().contains("--sslcert was given too"), "{error}");

    // A near miss: JSON that is not a snapshot is still read as one, and refused as one.
    let error = machine_file(folder.path(), "other.json", b"{\"x\": 1}").expect_err("not a snapshot");
    assert!(matches!(error, LoadError::Source(_)), "{error}");
}
