//! In-process servers for the probe tests and the probe benchmark, on 127.0.0.1 only: a rustls
//! server that picks its certificate by SNI (with a default for clients that send none), one
//! that refuses unknown names with an `unrecognized_name` alert, one that hangs up right after
//! accepting, and one that never answers.
//!
//! Certificates are generated with rcgen for each run; no key is ever written to disk.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, date_time_ymd};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{Acceptor, ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ServerConfig, ServerConnection, SupportedProtocolVersion};
use sslbind_core::model::Thumbprint;

/// A generated certificate with its key, ready to serve.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The certificate's DER.
    pub der: Vec<u8>,
    /// Its thumbprint, as sslbind computes it.
    pub thumbprint: Thumbprint,
    /// The certificate and key as rustls serves them.
    pub key: Arc<CertifiedKey>,
    /// The certificate as PEM.
    pub certificate_pem: String,
    /// The key as PKCS#8 PEM.
    pub key_pem: String,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A P-256 certificate for `names` valid from 2025 to 2035.
pub fn identity(names: &[&str]) -> Identity {
    identity_valid(names, (2025, 1, 1), (2035, 1, 1))
}

/// A P-256 certificate for `names` valid between two dates (year, month, day).
pub fn identity_valid(names: &[&str], not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Identity {
    let mut params = CertificateParams::new(names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>())
        .expect("valid names");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, names.first().copied().unwrap_or("test"));
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key_pair = KeyPair::generate().expect("a key");
    let certificate = params.self_signed(&key_pair).expect("a certificate");
    let der = certificate.der().to_vec();
    let thumbprint = sslbind_core::certs::certificate_from_der(&der, sslbind_core::Origin::Live)
        .expect("the certificate reads")
        .thumbprint;
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der()));
    let signing = provider().key_provider.load_private_key(private).expect("rustls loads the key");
    let key = Arc::new(CertifiedKey::new(vec![CertificateDer::from(der.clone())], signing));
    Identity { der, thumbprint, key, certificate_pem: certificate.pem(), key_pem: key_pair.serialize_pem() }
}

/// Picks the certificate by SNI; clients without SNI, and with a name it does not know, get
/// the default (as nginx's `default_server` and an HTTP.sys wildcard fallback do).
#[derive(Debug)]
struct SniResolver {
    by_name: HashMap<String, Arc<CertifiedKey>>,
    default: Option<Arc<CertifiedKey>>,
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match client_hello.server_name() {
            Some(name) => self.by_name.get(&name.to_ascii_lowercase()).or(self.default.as_ref()).cloned(),
            None => self.default.clone(),
        }
    }
}

/// What a test server does with a connection.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// A TLS server.
    Tls(TlsSettings),
    /// Accept, then close at once.
    CloseAfterAccept,
}

/// The certificates and protocol options of a TLS test server.
#[derive(Clone, Debug, Default)]
pub struct TlsSettings {
    /// Certificates by SNI name.
    pub by_name: Vec<(String, Identity)>,
    /// The certificate for clients without SNI (and unknown names, unless `strict`).
    pub default: Option<Identity>,
    /// Answer an unknown SNI name with a fatal `unrecognized_name` alert.
    pub strict: bool,
    /// Offer only TLS 1.2.
    pub tls12_only: bool,
    /// The ALPN protocols the server accepts, in its order of preference.
    pub alpn: Vec<String>,
    /// How long to wait before answering a ClientHello, as if the server were a network
    /// round trip away.
    pub delay: Option<Duration>,
}

impl TlsSettings {
    /// A server for `names`, each with its certificate, and `default` for clients without SNI.
    pub fn new(by_name: &[(&str, &Identity)], default: Option<&Identity>) -> TlsSettings {
        TlsSettings {
            by_name: by_name
                .iter()
                .map(|(name, identity)| ((*name).to_owned(), (*identity).clone()))
                .collect(),
            default: default.cloned(),
            strict: false,
            tls12_only: false,
            alpn: vec!["h2".to_owned(), "http/1.1".to_owned()],
            delay: None,
        }
    }

    fn config(&self) -> Arc<ServerConfig> {
        let versions: &[&SupportedProtocolVersion] =
            if self.tls12_only { &[&rustls::version::TLS12] } else { rustls::ALL_VERSIONS };
        let resolver = SniResolver {
            by_name: self
                .by_name
                .iter()
                .map(|(name, identity)| (name.to_ascii_lowercase(), Arc::clone(&identity.key)))
                .collect(),
            default: self.default.as_ref().map(|identity| Arc::clone(&identity.key)),
        };
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .expect("the versions are supported")
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(resolver));
        config.alpn_protocols = self.alpn.iter().map(|protocol| protocol.as_bytes().to_vec()).collect();
        Arc::new(config)
    }
}

/// A server on 127.0.0.1 that runs until dropped.
pub struct Server {
    /// Where it listens.
    pub address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server with `behaviour` on a free port of 127.0.0.1.
    pub fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        let address = listener.local_addr().expect("a bound address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let config = match &behaviour {
            Behaviour::Tls(settings) => Some((settings.config(), settings.clone())),
            Behaviour::CloseAfterAccept => None,
        };
        let thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                match &config {
                    None => drop(stream),
                    Some((config, settings)) => {
                        let (config, settings) = (Arc::clone(config), settings.clone());
                        thread::spawn(move || serve(stream, &config, &settings));
                    }
                }
            }
        });
        Server { address, stop, thread: Some(thread) }
    }

    /// A TLS server with `settings`.
    pub fn tls(settings: TlsSettings) -> Server {
        Server::start(Behaviour::Tls(settings))
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.address.port()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One TLS connection: read the ClientHello, refuse unknown names when strict, otherwise
/// finish the handshake and wait for the client to close.
fn serve(mut stream: TcpStream, config: &Arc<ServerConfig>, settings: &TlsSettings) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut acceptor = Acceptor::default();
    let accepted = loop {
        match acceptor.read_tls(&mut stream) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        match acceptor.accept() {
            Ok(Some(accepted)) => break accepted,
            Ok(None) => {}
            Err(_) => return,
        }
    };
    if let Some(delay) = settings.delay {
        thread::sleep(delay);
    }
    let name = accepted.client_hello().server_name().map(str::to_ascii_lowercase);
    let known = name
        .as_ref()
        .is_none_or(|name| settings.by_name.iter().any(|(known, _)| known.eq_ignore_ascii_case(name)));
    if settings.strict && !known {
        // A fatal unrecognized_name (112) alert record, as a server that knows no such host
        // sends it (RFC 6066 §3).
        let _ = stream.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112]);
        let _ = stream.shutdown(Shutdown::Write);
        return;
    }
    let Ok(mut connection): Result<ServerConnection, _> = accepted.into_connection(Arc::clone(config)) else {
        return;
    };
    while connection.is_handshaking() {
        if connection.complete_io(&mut stream).is_err() {
            return;
        }
    }
    // Wait for the client's close_notify (or its hang-up), then close.
    let mut buffer = [0_u8; 1024];
    loop {
        match connection.complete_io(&mut stream) {
            Ok((0, 0)) | Err(_) => break,
            Ok(_) => {}
        }
        if connection.reader().read(&mut buffer).is_ok_and(|read| read == 0) {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// A port on 127.0.0.1 that nothing listens on.
pub fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().expect("a bound address")
}

/// A listener on 127.0.0.1 that never accepts: connections complete in the kernel's backlog,
/// but nothing ever answers.
pub fn silent_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1")
}
