//! `sslbind probe` end to end against a real nginx on 127.0.0.1: nginx serves two host names
//! and a default certificate; the machine folder maps a third host deliberately to the wrong
//! certificate and a binding to a closed port, and the probe must report each served
//! certificate, the mismatch and the refused connection.
//!
//! nginx is outside the Rust toolchain, so this test runs in the `external-tools` suite
//! (`.ci/run` installs nginx and runs it): when nginx is missing the test fails with the
//! command that installs it, so that it is never silently skipped.

// The nginx test and its helpers are compiled only in the `external-tools` suite.
#![cfg_attr(not(feature = "external-tools"), allow(dead_code, unused_imports))]

use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, date_time_ymd};
use serde_json::Value;

use crate::util::sslbind;
use sslbind::machine_writer::{app_ids, netsh};

/// A generated certificate: PEM files for nginx, and its thumbprint as netsh prints it.
struct Generated {
    certificate_pem: String,
    key_pem: String,
    thumbprint: String,
}

fn generate(name: &str) -> Generated {
    let mut params = CertificateParams::new(vec![name.to_owned()]).expect("a valid name");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, name);
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2035, 1, 1);
    let key = KeyPair::generate().expect("a key");
    let certificate = params.self_signed(&key).expect("a certificate");
    let parsed = sslbind_core::certs::certificate_from_der(certificate.der(), sslbind_core::Origin::Live)
        .expect("it reads");
    Generated {
        certificate_pem: certificate.pem(),
        key_pem: key.serialize_pem(),
        thumbprint: parsed.thumbprint.to_string(),
    }
}

/// The nginx executable: `/usr/sbin/nginx`, else `nginx` on the PATH.
fn nginx_executable() -> PathBuf {
    let standard = PathBuf::from("/usr/sbin/nginx");
    if standard.is_file() {
        return standard;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|folder| folder.join("nginx"))
        .find(|candidate| candidate.is_file());
    on_path.unwrap_or_else(|| {
        panic!(
            "nginx is missing: the probe end-to-end test needs it. Install it with \
             `apt-get install -y nginx-light` (or `apt-get install -y nginx`); .ci/run does this"
        )
    })
}

/// nginx running in the foreground as a child; killed when dropped, even when the test fails.
struct Nginx {
    child: Child,
    error_log: PathBuf,
}

impl Nginx {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.error_log).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    listener.local_addr().expect("an address").port()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
}

/// Starts nginx with a config in `folder` serving `a.example.test`, `b.example.test` and a
/// default server on 127.0.0.1:`port`, and waits until it accepts connections.
fn start_nginx(folder: &Path, port: u16, a: &Generated, b: &Generated, default: &Generated) -> Nginx {
    let path = |name: &str| folder.join(name).to_str().expect("a UTF-8 path").to_owned();
    for (name, generated) in [("a", a), ("b", b), ("default", default)] {
        write(&folder.join(format!("{name}.crt")), &generated.certificate_pem);
        write(&folder.join(format!("{name}.key")), &generated.key_pem);
    }
    let server = |name: &str, server_name: &str, default_server: &str| {
        format!(
            "    server {{\n        listen 127.0.0.1:{port} ssl{default_server};\n        server_name {server_name};\n        \
             ssl_certificate {};\n        ssl_certificate_key {};\n        return 200 \"{name}\\n\";\n    }}\n",
            path(&format!("{name}.crt")),
            path(&format!("{name}.key"))
        )
    };
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\nerror_log {log} info;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n    access_log off;\n    client_body_temp_path {temp}/client_body;\n    proxy_temp_path {temp}/proxy;\n    \
         fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n    scgi_temp_path {temp}/scgi;\n{default}{a}{b}}}\n",
        pid = path("nginx.pid"),
        log = path("error.log"),
        temp = path("temp"),
        default = server("default", "_", " default_server"),
        a = server("a", "a.example.test", ""),
        b = server("b", "b.example.test", ""),
    );
    std::fs::create_dir_all(folder.join("temp")).expect("a temp folder");
    write(&folder.join("nginx.conf"), &config);
    let child = Command::new(nginx_executable())
        .arg("-p")
        .arg(folder)
        .arg("-e")
        .arg(folder.join("error.log"))
        .arg("-c")
        .arg(folder.join("nginx.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts");
    let mut nginx = Nginx { child, error_log: folder.join("error.log") };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = nginx.child.try_wait() {
            let mut stderr = String::new();
            if let Some(pipe) = nginx.child.stderr.as_mut() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            panic!("nginx exited with {status}: {stderr}\nerror log:\n{}", nginx.log());
        }
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return nginx;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not listen on {address}:\n{}",
            nginx.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A netsh record as Windows Server 2022 prints it, owned by IIS, in the `My` store.
fn record(label: &str, key: &str, thumbprint: &str) -> String {
    let mut text = String::new();
    let hash = thumbprint.to_ascii_lowercase();
    netsh::record(&mut text, label, key, Some(&hash), app_ids::IIS, Some("My"));
    text
}

/// The machine folder: bindings for a, b and c on `port` (SNI) and for a on `closed`; a and
/// b mapped to their certificates, c deliberately to a's (nginx does not know c and serves
/// its default), a fallback `0.0.0.0:port` mapping with the default certificate, and the
/// certificates themselves.
fn write_machine(folder: &Path, port: u16, closed: u16, a: &Generated, b: &Generated, default: &Generated) {
    std::fs::create_dir_all(folder.join("certs")).expect("a certs folder");
    let config = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <system.applicationHost>\n    <sites>\n      \
         <site name=\"shop\" id=\"1\">\n        <bindings>\n          \
         <binding protocol=\"https\" bindingInformation=\"*:{port}:a.example.test\" sslFlags=\"1\" />\n          \
         <binding protocol=\"https\" bindingInformation=\"*:{port}:b.example.test\" sslFlags=\"1\" />\n          \
         <binding protocol=\"https\" bindingInformation=\"*:{port}:c.example.test\" sslFlags=\"1\" />\n          \
         <binding protocol=\"https\" bindingInformation=\"*:{closed}:a.example.test\" sslFlags=\"1\" />\n        \
         </bindings>\n      </site>\n    </sites>\n  </system.applicationHost>\n</configuration>\n"
    );
    write(&folder.join("applicationHost.config"), &config);
    let netsh = format!(
        "\nSSL Certificate bindings:\n-------------------------\n\n{}{}{}{}{}",
        record("Hostname:port", &format!("a.example.test:{port}"), &a.thumbprint),
        record("Hostname:port", &format!("b.example.test:{port}"), &b.thumbprint),
        record("Hostname:port", &format!("c.example.test:{port}"), &a.thumbprint),
        record("IP:port", &format!("0.0.0.0:{port}"), &default.thumbprint),
        record("Hostname:port", &format!("a.example.test:{closed}"), &a.thumbprint),
    );
    write(&folder.join("sslcert.txt"), &netsh);
    for (name, generated) in [("a.example.test", a), ("b.example.test", b), ("default.example.test", default)]
    {
        write(&folder.join("certs").join(format!("{name}.pem")), &generated.certificate_pem);
    }
}

/// binding, sni, outcome, served_hash, expected_hash of one probe.
type Row<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn field<'a>(probe: &'a Value, name: &str) -> Option<&'a str> {
    probe[name].as_str()
}

#[cfg(feature = "external-tools")]
#[test]
fn probe_reports_what_nginx_serves_a_mismatch_and_a_refused_port() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (nginx_folder, machine_folder) = (folder.path().join("nginx"), folder.path().join("machine"));
    std::fs::create_dir_all(&nginx_folder).expect("a folder for nginx");
    let (a, b, default) =
        (generate("a.example.test"), generate("b.example.test"), generate("default.example.test"));
    let port = free_port();
    let closed = free_port();
    let nginx = start_nginx(&nginx_folder, port, &a, &b, &default);
    write_machine(&machine_folder, port, closed, &a, &b, &default);
    let machine = machine_folder.to_str().expect("a UTF-8 path");

    let output = sslbind(&[
        "probe",
        machine,
        "--connect",
        "127.0.0.1",
        "--format",
        "json",
        "--timeout",
        "3000",
        "--now",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(
        output.code,
        1,
        "a mismatch is an error finding\n{}\nnginx:\n{}",
        output.transcript(),
        nginx.log()
    );
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let probes = json["probes"].as_array().expect("a probes array");
    let rows: Vec<Row<'_>> = probes
        .iter()
        .map(|probe| {
            (
                field(probe, "binding"),
                field(probe, "sni"),
                field(probe, "outcome"),
                field(probe, "served_hash"),
                field(probe, "expected_hash"),
            )
        })
        .collect();
    let binding = |host: &str, port: u16| format!("*:{port}:{host}");
    let (a_binding, b_binding, c_binding, closed_binding) = (
        binding("a.example.test", port),
        binding("b.example.test", port),
        binding("c.example.test", port),
        binding("a.example.test", closed),
    );
    let (a_hash, b_hash, default_hash) =
        (a.thumbprint.as_str(), b.thumbprint.as_str(), default.thumbprint.as_str());
    assert_eq!(
        rows,
        vec![
            (Some(a_binding.as_str()), Some("a.example.test"), Some("ok"), Some(a_hash), Some(a_hash)),
            (Some(a_binding.as_str()), None, Some("ok"), Some(default_hash), Some(default_hash)),
            (Some(b_binding.as_str()), Some("b.example.test"), Some("ok"), Some(b_hash), Some(b_hash)),
            (
                Some(c_binding.as_str()),
                Some("c.example.test"),
                Some("mismatch"),
                Some(default_hash),
                Some(a_hash)
            ),
            (Some(closed_binding.as_str()), Some("a.example.test"), Some("refused"), None, Some(a_hash)),
            (Some(closed_binding.as_str()), None, Some("refused"), None, None),
        ],
        "{}",
        output.stdout
    );
    for probe in probes {
        assert_eq!(field(probe, "address").map(|address| address.starts_with("127.0.0.1:")), Some(true));
    }
    assert_eq!(field(&probes[0], "target"), Some(format!("https://a.example.test:{port}/").as_str()));
    assert_eq!(field(&probes[0], "address"), Some(format!("127.0.0.1:{port}").as_str()));
    assert!(matches!(field(&probes[0], "tls_version"), Some("TLSv1.3" | "TLSv1.2")), "{}", probes[0]);
    assert_eq!(probes[0]["certificate"]["dns_names"], serde_json::json!(["a.example.test"]));
    assert_eq!(probes[3]["certificate"]["dns_names"], serde_json::json!(["default.example.test"]));
    assert_eq!(probes[4]["certificate"], Value::Null);

    let findings: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|finding| {
            (finding["code"].as_str().unwrap_or_default(), finding["binding"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(findings, vec![("probe-certificate-mismatch", c_binding.as_str())], "{}", output.stdout);

    // The table says the same for people, with the findings after it.
    let table = sslbind(&["probe", machine, "--connect", "127.0.0.1", "--now", "2026-06-01T00:00:00Z"]);
    assert_eq!(table.code, 1, "{}", table.transcript());
    assert!(table.stdout.starts_with("  SNI  "), "{}", table.stdout);
    assert!(table.stdout.contains("6 handshakes: 3 ok, 1 mismatch, 2 refused"), "{}", table.stdout);
    assert!(table.stdout.contains("probe-certificate-mismatch"), "{}", table.stdout);
    assert!(
        table.stderr.is_empty(),
        "no progress line when standard error is not a terminal: {}",
        table.stderr
    );

    // An explicit target: compared with the binding that serves it, and clean.
    let target = format!("https://b.example.test:{port}/");
    let explicit = sslbind(&[
        "probe",
        machine,
        &target,
        "--connect",
        "127.0.0.1",
        "--format",
        "json",
        "--now",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(explicit.code, 0, "{}", explicit.transcript());
    let json: Value = serde_json::from_str(&explicit.stdout).expect("JSON");
    let outcomes: Vec<(Option<&str>, Option<&str>, Option<&str>)> = json["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .map(|probe| (field(probe, "sni"), field(probe, "outcome"), field(probe, "served_hash")))
        .collect();
    assert_eq!(
        outcomes,
        vec![(Some("b.example.test"), Some("ok"), Some(b_hash)), (None, Some("ok"), Some(default_hash))]
    );
    drop(nginx);
}

/// Nothing listens: every handshake is refused, no certificate is seen, so nothing confirms
/// the saved state and the exit code is 1 although there is no finding. No nginx needed.
#[test]
fn every_handshake_refused_exits_1() {
    let closed = free_port();
    let target = format!("https://a.example.test:{closed}/");
    let output =
        sslbind(&["probe", &target, "--connect", "127.0.0.1", "--format", "json", "--timeout", "2000"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let outcomes: Vec<Option<&str>> =
        json["probes"].as_array().expect("probes").iter().map(|probe| field(probe, "outcome")).collect();
    assert_eq!(outcomes, [Some("refused"), Some("refused")], "{}", output.stdout);
    assert_eq!(json["findings"], serde_json::json!([]));

    let table = sslbind(&["probe", &target, "--connect", "127.0.0.1", "--timeout", "2000"]);
    assert_eq!(table.code, 1, "{}", table.transcript());
    assert!(table.stdout.contains("2 handshakes: 2 refused; nothing was served"), "{}", table.stdout);
}
