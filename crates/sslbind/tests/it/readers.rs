//! Real inputs the readers once misread, through the executable: localised netsh output with
//! key labels of several words, netsh text from which no record can be read, config fragments,
//! and a config or netsh text given where a machine is expected. Each reads, or is refused with
//! exit code 2 and a message that says why; none may pass as an empty machine.

use std::io::Write as _;

use crate::util::{sslbind, sslbind_json};

fn temp_file(folder: &tempfile::TempDir, name: &str, content: &str) -> String {
    let path = folder.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut file| file.write_all(content.as_bytes()))
        .expect("a temporary file");
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// French `netsh http show sslcert` output: key labels with spaces, a store label that ends in
/// its own ` :`, a flag line without a space after its colon.
const FRENCH_NETSH: &str = "\
Liaisons de certificats SSL :
-----------------------------

    Adresse IP:port              : 0.0.0.0:443
    Hachage du certificat        : 5226dc6c54559761cd471b86eb51c096252c90f2
    ID de l'application          : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Nom du magasin de certificats :       : MY
    Vérifier la révocation des certificats clients : Enabled
    Vérifier la révocation avec le certificat client en cache uniquement : Disabled
    Vérification de l'utilisation : Enabled
    Temps d'actualisation de la révocation : 0
    Délai d'expiration de récupération de l'URL : 0
    Identificateur CTL           : (null)
    Nom du magasin CTL           : (null)
    Utilisation du mappeur DS    : Disabled
    Négocier le certificat client : Disabled
    Désactiver HTTP2             :Not Set

    Nom d'hôte:port              : www.exemple.fr:443
    Hachage du certificat        : 07fd6136d6d998b3e5b87ee49eb4075652e79555
    ID de l'application          : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Nom du magasin de certificats :       : WebHosting
";

#[test]
fn french_netsh_output_gives_its_mappings_and_stores() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = temp_file(&folder, "sslcert.txt", FRENCH_NETSH);
    let json = sslbind_json(&["mappings", "--sslcert", &path, "--format", "json"]);
    let rows: Vec<(String, String, String)> = json["mappings"]
        .as_array()
        .expect("a mappings array")
        .iter()
        .map(|mapping| {
            let text = |field: &str| mapping[field].as_str().unwrap_or("-").to_owned();
            (text("kind"), text("key"), text("certificate_store"))
        })
        .collect();
    let want = [("ip", "0.0.0.0:443", "MY"), ("sni", "www.exemple.fr:443", "WebHosting")]
        .map(|(kind, key, store)| (kind.to_owned(), key.to_owned(), store.to_owned()));
    assert_eq!(rows, want);
}

#[test]
fn netsh_text_with_fields_but_no_record_is_exit_2_at_its_first_field() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let fields = "\n    Adresse IP                   : 0.0.0.0:443\n    Hachage du certificat        : 5226dc6c54559761cd471b86eb51c096252c90f2\n";
    let path = temp_file(&folder, "sslcert.txt", fields);
    let output = sslbind(&["mappings", "--sslcert", &path]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains(&format!("{path}:2:5")), "{}", output.stderr);
    assert!(output.stderr.contains("no netsh record could be read"), "{}", output.stderr);

    // URL reservations given as the netsh sslcert text: refused, naming the option they need.
    let urlacl = temp_file(
        &folder,
        "urlacl.txt",
        "    Reserved URL            : https://+:443/\n        User: \\Everyone\n",
    );
    let output = sslbind(&["mappings", "--sslcert", &urlacl]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("give it with --urlacl"), "{}", output.stderr);

    // A near miss: an empty store, localised, is an empty store.
    let empty =
        temp_file(&folder, "empty.txt", "Liaisons de certificats SSL :\n-----------------------------\n\n");
    let json = sslbind_json(&["mappings", "--sslcert", &empty, "--format", "json"]);
    assert_eq!(json["mappings"].as_array().map(Vec::len), Some(0), "{json}");
}

/// One `<site>` saved on its own, without a final newline.
const BARE_SITE: &str = "<site name=\"Default Web Site\" id=\"1\">\n    <bindings>\n        <binding protocol=\"http\" bindingInformation=\"*:80:\" />\n        <binding protocol=\"https\" bindingInformation=\"*:443:shop.example\" sslFlags=\"1\" />\n    </bindings>\n</site>";

fn binding_rows(json: &serde_json::Value) -> Vec<String> {
    json["bindings"]
        .as_array()
        .expect("a bindings array")
        .iter()
        .map(|row| format!("{} {} {}", row["site"], row["protocol"], row["binding"]))
        .collect()
}

#[test]
fn a_bare_site_fragment_is_read_and_edited_losslessly() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = temp_file(&folder, "site.config", BARE_SITE);
    let output = sslbind(&["bindings", "--config", &path, "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stderr.contains("a fragment rooted at `<site>`"), "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(
        binding_rows(&json),
        ["\"Default Web Site\" \"http\" \"*:80:\"", "\"Default Web Site\" \"https\" \"*:443:shop.example\""]
    );

    let edit = |verb: &str| {
        let output = sslbind(&[
            "binding",
            verb,
            "--config",
            &path,
            "--site",
            "Default Web Site",
            "--binding",
            "*:8080:",
            "--protocol",
            "http",
            "--write",
        ]);
        assert_eq!(output.code, 0, "{verb}: {}", output.transcript());
    };
    edit("add");
    let added = std::fs::read_to_string(&path).expect("the edited fragment");
    assert!(added.contains("<binding protocol=\"http\" bindingInformation=\"*:8080:\" />"), "{added}");
    edit("remove");
    assert_eq!(std::fs::read_to_string(&path).expect("the fragment"), BARE_SITE);

    // Its one site is the whole document: removing it is refused, and nothing is written.
    let output = sslbind(&["site", "remove", "Default Web Site", "--config", &path, "--write"]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("would leave no document"), "{}", output.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("the fragment"), BARE_SITE);
}

#[test]
fn a_fragment_without_a_site_is_exit_2_not_an_empty_server() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let bindings =
        "<bindings>\n  <binding protocol=\"https\" bindingInformation=\"*:443:\" />\n</bindings>\n";
    let path = temp_file(&folder, "bindings.config", bindings);
    let output = sslbind(&["bindings", "--config", &path]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains(&format!("{path}:1:1")), "{}", output.stderr);
    assert!(output.stderr.contains("fragment rooted at `<bindings>`"), "{}", output.stderr);
}

#[test]
fn a_config_or_netsh_text_given_as_the_machine_is_read_as_what_it_is() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let config = temp_file(
        &folder,
        "applicationHost.config",
        &format!(
            "<configuration>\n<system.applicationHost>\n<sites>\n{BARE_SITE}\n</sites>\n</system.applicationHost>\n</configuration>\n"
        ),
    );
    let json = sslbind_json(&["bindings", &config, "--format", "json"]);
    assert_eq!(binding_rows(&json).len(), 2, "{json}");

    let netsh = temp_file(&folder, "french.txt", FRENCH_NETSH);
    let json = sslbind_json(&["mappings", &netsh, "--format", "json"]);
    assert_eq!(json["mappings"].as_array().map(Vec::len), Some(2), "{json}");

    // A near miss: a file that is none of these is refused, naming it.
    let notes = temp_file(&folder, "notes.txt", "nothing to see here\n");
    let output = sslbind(&["bindings", &notes]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(
        output.stderr.contains("notes.txt") && output.stderr.contains("must be a snapshot"),
        "{}",
        output.stderr
    );
}
