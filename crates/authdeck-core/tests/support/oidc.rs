//! A real OpenID Certified provider for the OAuth tests: npm `oidc-provider`, started from
//! `tests/oidc/server.mjs` on 127.0.0.1:0, and the stand-in browser `tests/oidc/browser.mjs`
//! that submits its login and consent forms and delivers the redirect to Authdeck's real
//! loopback listener. Shared by core's and the CLI's tests (`#[path]`-included).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The folder with the provider's script and its `node_modules`.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc")
}

/// A running provider; stopped (and its stdin closed) when dropped.
pub struct Issuer {
    child: Child,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub issuer: String,
    pub port: u16,
}

impl Issuer {
    /// Starts `server.mjs` with `args` (`--access-ttl 5`, `--port N`, `--keys FILE`) and
    /// waits for the line that names its issuer.
    pub fn start(args: &[&str]) -> Issuer {
        assert!(
            dir().join("node_modules/oidc-provider").exists(),
            "tests/oidc/node_modules is missing: run `make deps-test` (npm ci in tests/oidc)"
        );
        let mut child = Command::new("node")
            .arg(dir().join("server.mjs"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its warnings are noise; OIDC_TEST_VERBOSE=1 shows them and its errors.
            .stderr(match std::env::var_os("OIDC_TEST_VERBOSE") {
                Some(_) => Stdio::inherit(),
                None => Stdio::null(),
            })
            .spawn()
            .expect("node starts tests/oidc/server.mjs");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .expect("the provider prints its issuer");
        // Keep reading (and dropping) what follows, so the pipe stays open.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let ready: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("server.mjs printed {line:?}, not its JSON line: {e}"));
        Issuer {
            child,
            issuer: ready["issuer"].as_str().expect("an issuer").to_string(),
            port: ready["port"].as_u64().expect("a port") as u16,
        }
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The stand-in browser as Authdeck's user-agent: `open` runs `browser.mjs URL` with `env`
/// in the background, as a real browser would be started; the device code is approved by
/// `browser.mjs --device URL`, unless `approve_device` is false.
pub struct StandInBrowser {
    pub env: Vec<(String, String)>,
    pub approve_device: bool,
    /// The device code shown, for the tests that look at it.
    pub shown: std::sync::Mutex<Option<authdeck_core::oauth::DeviceCode>>,
}

impl StandInBrowser {
    pub fn new(env: &[(&str, &str)]) -> StandInBrowser {
        StandInBrowser {
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            approve_device: true,
            shown: Default::default(),
        }
    }

    fn run(&self, args: &[&str]) {
        let mut child = Command::new("node")
            .arg(dir().join("browser.mjs"))
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .spawn()
            .expect("node starts tests/oidc/browser.mjs");
        // Started like a real browser (nobody waits for it), and reaped when it is done.
        std::thread::spawn(move || child.wait());
    }
}

impl authdeck_core::oauth::UserAgent for StandInBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.run(&[url]);
        Ok(())
    }

    fn show_device_code(&self, code: &authdeck_core::oauth::DeviceCode) {
        *self.shown.lock().expect("not poisoned") = Some(code.clone());
        if self.approve_device {
            let url = code
                .verification_uri_complete
                .clone()
                .unwrap_or_else(|| code.verification_uri.clone());
            self.run(&["--device", &url]);
        }
    }
}
