//! `sslbind probe`'s network half: TLS handshakes with live servers, to see which certificate
//! they really present.
//!
//! The core plans the handshakes and judges them ([`sslbind_core::analysis::probe`]); this
//! module resolves names, connects with blocking sockets and timeouts, runs a rustls client
//! over a bounded pool of threads, and records what came back. No async runtime: each probe is
//! one short-lived connection, so a handful of threads is all the parallelism it needs.
//!
//! The client observes, it never trusts: its certificate verifier accepts every chain and
//! records it, because the point is to report what a server presents, including the expired,
//! self-signed and wrong certificates a browser would refuse. It does check the handshake
//! signatures (with the `ring` provider's algorithms), so a reported certificate is one whose
//! private key the server really holds; a server whose signature does not verify (for example
//! an RSA key under 2048 bits, which `ring` refuses) ends as `error`, with the certificate it
//! presented still reported.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, ClientConfig, ClientConnection, DigitallySignedStruct, ProtocolVersion, SignatureScheme,
};
use sslbind_core::Origin;
use sslbind_core::analysis::probe::{ProbeOutcome, ProbeRequest, ProbeResult, judge};
use sslbind_core::authority::ip_literal;
use sslbind_core::certs::certificate_from_der;

/// The ALPN protocols offered, in order of preference, as a browser offers them: the answer
/// shows whether HTTP/2 is enabled for the binding.
pub const ALPN: [&str; 2] = ["h2", "http/1.1"];

/// How probes run.
#[derive(Clone, Copy, Debug)]
pub struct ProbeOptions {
    /// The limit for connecting and for each read and write (`--timeout`).
    pub timeout: Duration,
    /// How many handshakes run at once (`--concurrency`); at least one.
    pub concurrency: usize,
}

impl Default for ProbeOptions {
    /// 5 seconds, 8 at once.
    fn default() -> ProbeOptions {
        ProbeOptions { timeout: Duration::from_millis(5000), concurrency: 8 }
    }
}

/// Makes every handshake of `requests`, `options.concurrency` at a time, and returns the
/// results in the order of `requests`. `progress(done, total)` is called on the calling
/// thread after each handshake ends.
pub fn probe_all(
    requests: &[ProbeRequest],
    options: &ProbeOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<ProbeResult> {
    let total = requests.len();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let workers = options.concurrency.clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<ProbeResult>> = (0..total).map(|_| None).collect();
    thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..workers {
            let (sender, next, provider) = (sender.clone(), &next, &provider);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(index) else { break };
                    if sender.send((index, probe_with(request, options, provider))).is_err() {
                        break;
                    }
                }
            });
        }
        // The workers hold the only senders left, so the loop ends when the last one is done.
        drop(sender);
        for (done, (index, result)) in receiver.iter().enumerate() {
            if let Some(slot) = slots.get_mut(index) {
                *slot = Some(result);
            }
            progress(done + 1, total);
        }
    });
    slots.into_iter().flatten().collect()
}

/// Makes one handshake.
pub fn probe(request: &ProbeRequest, options: &ProbeOptions) -> ProbeResult {
    probe_with(request, options, &Arc::new(rustls::crypto::ring::default_provider()))
}

fn probe_with(request: &ProbeRequest, options: &ProbeOptions, provider: &Arc<CryptoProvider>) -> ProbeResult {
    let mut result = ProbeResult {
        request: request.clone(),
        address: None,
        outcome: ProbeOutcome::Error,
        served: None,
        chain: Vec::new(),
        tls_version: None,
        alpn: None,
        detail: None,
    };
    let address = match resolve(request) {
        Ok(address) => address,
        Err(detail) => {
            result.detail = Some(detail);
            return result;
        }
    };
    result.address = Some(address);
    let observer = Arc::new(Observer {
        algorithms: provider.signature_verification_algorithms,
        presented: Mutex::new(Vec::new()),
    });
    let outcome = handshake(request, address, options.timeout, provider, &observer);
    let presented = std::mem::take(&mut *observer.presented.lock().unwrap_or_else(PoisonError::into_inner));
    let leaf = presented.first().map(|der| certificate_from_der(der.as_ref(), Origin::Live));
    result.chain = presented
        .iter()
        .filter_map(|der| certificate_from_der(der.as_ref(), Origin::Live).ok())
        .map(|certificate| certificate.thumbprint)
        .collect();
    match outcome {
        Ok(session) => {
            result.tls_version = session.version;
            result.alpn = session.alpn;
            match leaf {
                Some(Ok(certificate)) => {
                    result.outcome = judge(request, &certificate.thumbprint);
                    result.served = Some(certificate);
                }
                Some(Err(error)) => {
                    result.detail = Some(format!("the server's certificate cannot be read: {error}"));
                }
                None => result.detail = Some("the server presented no certificate".to_owned()),
            }
        }
        Err((outcome, detail)) => {
            result.outcome = outcome;
            result.detail = Some(detail);
            result.served = leaf.and_then(Result::ok);
        }
    }
    result
}

/// The address to connect to: the request's own, else its host resolved (IPv4 first, since
/// an IIS `*` binding is analysed as an IPv4 client's connection).
fn resolve(request: &ProbeRequest) -> Result<SocketAddr, String> {
    if let Some(ip) = request.address {
        return Ok(SocketAddr::new(ip, request.port));
    }
    if let Some(ip) = ip_literal(&request.host) {
        return Ok(SocketAddr::new(ip, request.port));
    }
    let host = request.host.as_str();
    let addresses: Vec<SocketAddr> = (host, request.port)
        .to_socket_addrs()
        .map_err(|error| format!("cannot resolve {host}: {error}"))?
        .collect();
    addresses
        .iter()
        .find(|address| address.is_ipv4())
        .or_else(|| addresses.first())
        .copied()
        .ok_or_else(|| format!("{host} resolves to no address"))
}

/// What a completed handshake negotiated.
struct Session {
    version: Option<String>,
    alpn: Option<String>,
}

/// Connects and runs the TLS handshake to its end; an error is the outcome and its detail.
fn handshake(
    request: &ProbeRequest,
    address: SocketAddr,
    timeout: Duration,
    provider: &Arc<CryptoProvider>,
    observer: &Arc<Observer>,
) -> Result<Session, (ProbeOutcome, String)> {
    let mut config = ClientConfig::builder_with_provider(Arc::clone(provider))
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|error| (ProbeOutcome::Error, format!("TLS client configuration: {error}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(observer) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    config.alpn_protocols = ALPN.iter().map(|protocol| protocol.as_bytes().to_vec()).collect();
    // Without SNI the name only has to be valid: an IP address is never sent as SNI.
    let server_name = match &request.sni {
        Some(sni) => ServerName::try_from(sni.clone())
            .map_err(|error| (ProbeOutcome::Error, format!("`{sni}` cannot be sent as SNI: {error}")))?,
        None => {
            config.enable_sni = false;
            ServerName::IpAddress(address.ip().into())
        }
    };
    let mut connection = ClientConnection::new(Arc::new(config), server_name)
        .map_err(|error| (ProbeOutcome::Error, format!("TLS client: {error}")))?;

    let mut stream =
        TcpStream::connect_timeout(&address, timeout).map_err(|error| connect_failure(&error))?;
    let configured = stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .and_then(|()| stream.set_nodelay(true));
    configured.map_err(|error| (ProbeOutcome::Error, format!("configuring the socket: {error}")))?;

    while connection.is_handshaking() {
        while connection.wants_write() {
            connection.write_tls(&mut stream).map_err(|error| io_failure(&error))?;
        }
        if !connection.is_handshaking() {
            break;
        }
        let read = connection.read_tls(&mut stream).map_err(|error| io_failure(&error))?;
        if read == 0 {
            return Err((
                ProbeOutcome::Reset,
                "the server closed the connection during the handshake".to_owned(),
            ));
        }
        connection.process_new_packets().map_err(|error| tls_failure(&error))?;
    }
    let session = Session {
        version: connection.protocol_version().map(version_name),
        alpn: connection.alpn_protocol().map(|protocol| String::from_utf8_lossy(protocol).into_owned()),
    };
    // Finish politely: the client's last flight and a close_notify. The answer is already
    // known, so a server that hangs up first changes nothing.
    connection.send_close_notify();
    while connection.wants_write() {
        if connection.write_tls(&mut stream).is_err() {
            break;
        }
    }
    Ok(session)
}

fn connect_failure(error: &io::Error) -> (ProbeOutcome, String) {
    match error.kind() {
        ErrorKind::ConnectionRefused => {
            (ProbeOutcome::Refused, "connection refused: nothing listens on the port".to_owned())
        }
        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            (ProbeOutcome::Timeout, "no answer to the connection attempt within the timeout".to_owned())
        }
        _ => (ProbeOutcome::Error, format!("cannot connect: {error}")),
    }
}

fn io_failure(error: &io::Error) -> (ProbeOutcome, String) {
    if let Some(tls) = error.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return tls_failure(tls);
    }
    match error.kind() {
        // Unix reports an expired socket timeout as WouldBlock, Windows as TimedOut.
        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            (ProbeOutcome::Timeout, "the server did not answer the handshake within the timeout".to_owned())
        }
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof => (ProbeOutcome::Reset, format!("the connection was reset: {error}")),
        _ => (ProbeOutcome::Error, format!("during the handshake: {error}")),
    }
}

fn tls_failure(error: &rustls::Error) -> (ProbeOutcome, String) {
    match error {
        rustls::Error::AlertReceived(AlertDescription::CloseNotify) => {
            (ProbeOutcome::Reset, "the server closed the connection during the handshake".to_owned())
        }
        rustls::Error::AlertReceived(alert) => (ProbeOutcome::Alert, alert_name(*alert)),
        other => (ProbeOutcome::Error, format!("TLS: {other}")),
    }
}

/// The RFC 8446 name of an alert (`unrecognized_name`), or its number.
fn alert_name(alert: AlertDescription) -> String {
    let code = u8::from(alert);
    let name = match code {
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => return format!("alert {code}"),
    };
    name.to_owned()
}

/// `TLSv1.3`, `TLSv1.2`, as OpenSSL and browsers name them.
fn version_name(version: ProtocolVersion) -> String {
    match version {
        ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
        ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
        ProtocolVersion::TLSv1_1 => "TLSv1.1".to_owned(),
        ProtocolVersion::TLSv1_0 => "TLSv1.0".to_owned(),
        other => format!("{other:?}"),
    }
}

/// A certificate verifier that trusts everything and remembers what it was shown.
///
/// It records the chain before the handshake ends, so that a server which presents a
/// certificate and then fails the handshake (it asks for a client certificate, its signature
/// does not verify) still shows which certificate it presented.
#[derive(Debug)]
struct Observer {
    algorithms: WebPkiSupportedAlgorithms,
    presented: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Observer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain =
            std::iter::once(end_entity).chain(intermediates).map(|der| der.clone().into_owned()).collect();
        *self.presented.lock().unwrap_or_else(PoisonError::into_inner) = chain;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
