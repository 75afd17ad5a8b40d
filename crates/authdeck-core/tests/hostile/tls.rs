//! HTTPS servers with bad certificates (rcgen + tokio-rustls), answering a valid login.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A certificate chain and its key, ready for a server.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Vec<u8>,
}

/// A self-signed certificate for `names`.
pub fn self_signed(names: &[&str]) -> Result<Identity, BoxError> {
    let key = KeyPair::generate()?;
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
    let cert = params.self_signed(&key)?;
    Ok(Identity {
        chain: vec![cert.der().clone()],
        key: key.serialize_der(),
    })
}

/// A test CA (returned as PEM, for `SSL_CERT_FILE`) and one certificate it signed for each
/// list of names.
pub fn ca_signed(hosts: &[&[&str]]) -> Result<(String, Vec<Identity>), BoxError> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Authdeck test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key)?;
    let mut identities = Vec::new();
    for names in hosts {
        let key = KeyPair::generate()?;
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
        let cert = params.signed_by(&key, &ca)?;
        identities.push(Identity {
            chain: vec![cert.der().clone(), ca.der().clone()],
            key: key.serialize_der(),
        });
    }
    Ok((ca.pem(), identities))
}

/// An HTTPS server on 127.0.0.1 that answers every request with a valid login.
pub struct TlsServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn serve(identity: Identity) -> Result<TlsServer, BoxError> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key));
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(identity.chain, key)?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut buf = [0u8; 8192];
                let _ = tokio::io::AsyncReadExt::read(&mut tls, &mut buf).await;
                let body = r#"{"token":"opaque-tls-token","expires_at":"2030-01-01T00:00:00Z"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Ok(TlsServer { addr, task })
}
