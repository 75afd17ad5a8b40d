//! The background refresher the app runs: renews each account ahead of expiry, backs off on
//! network and server trouble, and stops (no retry storm) when the server says the credentials
//! are wrong. The schedule is plain data driven by the caller's clock, so it is tested without
//! sleeping; [`run`] is the thin loop around it.

use crate::accounts::Account;
use crate::deck::Deck;
use crate::http::Http;
use crate::outcome::Kind;
use crate::{Error, Result};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// How far ahead to renew and how to back off.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Renew when this fraction of the token's lifetime is left...
    pub margin_fraction: f64,
    /// ...but never closer to expiry than this...
    pub min_margin: SignedDuration,
    /// ...nor earlier than this before it.
    pub max_margin: SignedDuration,
    /// First wait after a network or server failure; doubles on each further failure.
    pub backoff_start: SignedDuration,
    pub backoff_max: SignedDuration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            margin_fraction: 0.10,
            min_margin: SignedDuration::from_secs(30),
            max_margin: SignedDuration::from_mins(5),
            backoff_start: SignedDuration::from_secs(15),
            backoff_max: SignedDuration::from_mins(15),
        }
    }
}

impl Config {
    /// How long before expiry a token of `lifetime` is renewed.
    pub fn margin(&self, lifetime: Option<SignedDuration>) -> SignedDuration {
        let Some(life) = lifetime else {
            return self.max_margin;
        };
        let fraction = SignedDuration::from_secs_f64(life.as_secs_f64() * self.margin_fraction);
        fraction.clamp(self.min_margin, self.max_margin.max(self.min_margin))
    }
}

/// What the refresher reports to the app (and the app to the UI, tray and notifications).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RefresherEvent"))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Renewed {
        account: String,
        #[cfg_attr(feature = "ts", ts(type = "string | null"))]
        expires_at: Option<Timestamp>,
    },
    /// Will be tried again at `retry_at`.
    Failed {
        account: String,
        kind: Option<Kind>,
        message: String,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        retry_at: Timestamp,
    },
    /// Not tried again until the user logs in again.
    Stopped {
        account: String,
        kind: Option<Kind>,
        message: String,
    },
    /// Expires soon and nothing can renew it (no refresh token, no remembered password).
    CannotRenew {
        account: String,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        expires_at: Timestamp,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Hold {
    Backoff {
        until: Timestamp,
        failures: u32,
    },
    /// Stopped for this token; a new login (another fingerprint) lifts it.
    Stopped {
        fingerprint: Option<String>,
    },
    /// Already told the user this token cannot be renewed.
    Warned {
        fingerprint: Option<String>,
    },
}

/// Per-account state between runs.
#[derive(Debug, Default)]
pub struct Schedule {
    config: Config,
    holds: HashMap<String, Hold>,
}

impl Schedule {
    pub fn new(config: Config) -> Schedule {
        Schedule {
            config,
            holds: HashMap::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// When the account should be renewed, or `None` when the refresher leaves it alone.
    pub fn due_at(&self, account: &Account) -> Option<Timestamp> {
        let s = &account.session;
        if !s.signed_in || !(s.has_refresh_token || s.password_remembered) {
            return None;
        }
        let expires = s.expires_at?;
        let natural = expires
            .checked_sub(self.config.margin(crate::accounts::lifetime(s)))
            .ok()?;
        match self.holds.get(&account.config.name) {
            Some(Hold::Stopped { fingerprint }) if *fingerprint == s.token_fingerprint => None,
            Some(Hold::Backoff { until, .. }) => Some(natural.max(*until)),
            _ => Some(natural),
        }
    }

    /// Accounts to renew now, and warnings for those that will expire with nothing to renew them.
    pub fn due(&mut self, accounts: &[Account], now: Timestamp) -> (Vec<String>, Vec<Event>) {
        let mut due = Vec::new();
        let mut events = Vec::new();
        for account in accounts {
            let name = &account.config.name;
            if let Some(at) = self.due_at(account) {
                if at <= now {
                    due.push(name.clone());
                }
                continue;
            }
            let s = &account.session;
            if let (Some(at), Some(expires)) = (self.warn_at(account), s.expires_at)
                && at <= now
                && expires > now
            {
                self.holds.insert(
                    name.clone(),
                    Hold::Warned {
                        fingerprint: s.token_fingerprint.clone(),
                    },
                );
                events.push(Event::CannotRenew {
                    account: name.clone(),
                    expires_at: expires,
                });
            }
        }
        (due, events)
    }

    /// When to warn that a session will expire with nothing to renew it (no refresh token, no
    /// remembered password): from its refresh margin on, once per token.
    fn warn_at(&self, account: &Account) -> Option<Timestamp> {
        let s = &account.session;
        if !s.signed_in || s.has_refresh_token || s.password_remembered {
            return None;
        }
        let warned = matches!(
            self.holds.get(&account.config.name),
            Some(Hold::Warned { fingerprint }) if *fingerprint == s.token_fingerprint
        );
        if warned {
            return None;
        }
        s.expires_at?
            .checked_sub(self.config.margin(crate::accounts::lifetime(s)))
            .ok()
    }

    /// The earliest time something is due (a renewal or a warning), to sleep until then.
    pub fn next_wake(&self, accounts: &[Account]) -> Option<Timestamp> {
        accounts
            .iter()
            .filter_map(|a| self.due_at(a).or_else(|| self.warn_at(a)))
            .min()
    }

    /// Records how a renewal went and says what to report.
    pub fn record(
        &mut self,
        account: &Account,
        result: &Result<Option<Timestamp>>,
        now: Timestamp,
    ) -> Event {
        let name = account.config.name.clone();
        match result {
            Ok(expires_at) => {
                self.holds.remove(&name);
                Event::Renewed {
                    account: name,
                    expires_at: *expires_at,
                }
            }
            Err(e) => {
                let kind = match e {
                    Error::Refused(f) => Some(f.kind),
                    _ => None,
                };
                let retry_after = match e {
                    Error::Refused(f) => f.retry_after_secs,
                    _ => None,
                };
                let transient = match e {
                    Error::Refused(f) => f.kind.is_transient(),
                    Error::SessionExpired(_)
                    | Error::NotFound(_)
                    | Error::Invalid(_)
                    | Error::Provider(_) => false,
                    _ => true,
                };
                if !transient {
                    self.holds.insert(
                        name.clone(),
                        Hold::Stopped {
                            fingerprint: account.session.token_fingerprint.clone(),
                        },
                    );
                    return Event::Stopped {
                        account: name,
                        kind,
                        message: e.to_string(),
                    };
                }
                let failures = match self.holds.get(&name) {
                    Some(Hold::Backoff { failures, .. }) => failures + 1,
                    _ => 1,
                };
                let doubling = 2f64.powi(failures.saturating_sub(1).min(20) as i32);
                let mut wait = SignedDuration::from_secs_f64(
                    self.config.backoff_start.as_secs_f64() * doubling,
                )
                .min(self.config.backoff_max);
                if let Some(secs) = retry_after {
                    wait = wait.max(SignedDuration::from_secs(secs.min(86_400) as i64));
                }
                let until = now.checked_add(wait).unwrap_or(now);
                self.holds
                    .insert(name.clone(), Hold::Backoff { until, failures });
                Event::Failed {
                    account: name,
                    kind,
                    message: e.to_string(),
                    retry_at: until,
                }
            }
        }
    }
}

/// Runs until `stop` turns true: renews what is due, sends each change to `events`, sleeps
/// until the next due time (at most `idle`), and wakes early when `poke` is notified (an
/// account was added or logged in).
pub async fn run(
    deck: Arc<Deck>,
    http: Http,
    config: Config,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
    poke: Arc<tokio::sync::Notify>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut schedule = Schedule::new(config);
    let idle = SignedDuration::from_secs(60);
    loop {
        let now = Timestamp::now();
        let accounts: Vec<Account> = match deck.accounts(now) {
            Ok(list) => list.into_iter().map(|s| s.account).collect(),
            Err(e) => {
                tracing::warn!("refresher: cannot list accounts: {e}");
                Vec::new()
            }
        };
        let (due, warnings) = schedule.due(&accounts, now);
        for event in warnings {
            let _ = events.send(event);
        }
        for name in due {
            let Some(account) = accounts.iter().find(|a| a.config.name == name) else {
                continue;
            };
            let margin = schedule
                .config()
                .margin(crate::accounts::lifetime(&account.session));
            let result = deck
                .token(&http, &name, margin, &Timestamp::now)
                .await
                .map(|out| out.expires_at);
            let event = schedule.record(account, &result, Timestamp::now());
            let _ = events.send(event);
        }
        let now = Timestamp::now();
        let wake = schedule
            .next_wake(&accounts)
            .map(|t| {
                t.duration_since(now)
                    .clamp(SignedDuration::from_secs(1), idle)
            })
            .unwrap_or(idle);
        let sleep =
            std::time::Duration::try_from(wake).unwrap_or(std::time::Duration::from_secs(60));
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = poke.notified() => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{AccountConfig, SessionState};
    use crate::outcome::Failure;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    fn account(
        name: &str,
        issued: i64,
        expires: i64,
        refresh: bool,
        password: bool,
        fp: &str,
    ) -> Account {
        Account {
            config: AccountConfig {
                name: name.into(),
                provider: "user-login".into(),
                base_url: "http://127.0.0.1:1".into(),
                email: "a@b.c".into(),
                overrides: Default::default(),
                allow_insecure_http: false,
                timeout_secs: None,
                env_var: None,
                tag: None,
            },
            created_at: t(0),
            updated_at: t(0),
            last_login_at: None,
            session: SessionState {
                signed_in: true,
                issued_at: Some(t(issued)),
                expires_at: Some(t(expires)),
                token_fingerprint: Some(fp.into()),
                has_refresh_token: refresh,
                password_remembered: password,
                clock_skew_secs: None,
                secrets_origin: None,
            },
            pinned: false,
        }
    }

    fn refused(kind: Kind, retry_after: Option<u64>) -> Result<Option<Timestamp>> {
        Err(Error::Refused(Failure {
            kind,
            http_status: Some(500),
            error_code: None,
            message: None,
            retry_after_secs: retry_after,
        }))
    }

    #[test]
    fn margin_is_ten_percent_clamped_between_30_s_and_5_min() {
        let c = Config::default();
        assert_eq!(
            c.margin(Some(SignedDuration::from_hours(1))),
            SignedDuration::from_mins(5)
        );
        assert_eq!(
            c.margin(Some(SignedDuration::from_mins(20))),
            SignedDuration::from_mins(2)
        );
        assert_eq!(
            c.margin(Some(SignedDuration::from_secs(60))),
            SignedDuration::from_secs(30)
        );
    }

    #[test]
    fn an_hour_token_is_due_five_minutes_before_expiry_and_not_before() {
        let mut s = Schedule::new(Config::default());
        let a = account("a", 0, 3600, true, false, "f1");
        assert_eq!(s.due_at(&a), Some(t(3300)));
        assert!(s.due(std::slice::from_ref(&a), t(3299)).0.is_empty());
        assert_eq!(
            s.due(std::slice::from_ref(&a), t(3300)).0,
            vec!["a".to_string()]
        );
        assert_eq!(s.next_wake(std::slice::from_ref(&a)), Some(t(3300)));
    }

    #[test]
    fn network_failures_back_off_doubling_up_to_the_cap_and_honour_retry_after() {
        let mut s = Schedule::new(Config::default());
        let a = account("a", 0, 3600, true, false, "f1");
        let e1 = s.record(&a, &refused(Kind::NetworkError, None), t(3300));
        assert!(matches!(e1, Event::Failed { retry_at, .. } if retry_at == t(3315)));
        let e2 = s.record(&a, &refused(Kind::ServerError, None), t(3315));
        assert!(matches!(e2, Event::Failed { retry_at, .. } if retry_at == t(3345)));
        assert!(
            s.due(std::slice::from_ref(&a), t(3344)).0.is_empty(),
            "waits out the backoff"
        );
        assert_eq!(s.due(std::slice::from_ref(&a), t(3345)).0.len(), 1);
        for _ in 0..10 {
            s.record(&a, &refused(Kind::NetworkError, None), t(3345));
        }
        assert_eq!(s.due_at(&a), Some(t(3345 + 15 * 60)), "capped at 15 min");
        let e = s.record(&a, &refused(Kind::RateLimited, Some(3600)), t(4000));
        assert!(
            matches!(e, Event::Failed { retry_at, .. } if retry_at == t(7600)),
            "{e:?}"
        );
    }

    #[test]
    fn wrong_credentials_stop_retries_until_the_user_logs_in_again() {
        let mut s = Schedule::new(Config::default());
        let a = account("a", 0, 3600, true, true, "f1");
        let e = s.record(&a, &refused(Kind::InvalidCredentials, None), t(3300));
        assert!(matches!(e, Event::Stopped { .. }));
        for later in [3301, 3500, 10_000] {
            assert!(
                s.due(std::slice::from_ref(&a), t(later)).0.is_empty(),
                "no retry storm at {later}"
            );
        }
        let relogged = account("a", 20_000, 23_600, true, true, "f2");
        assert_eq!(
            s.due_at(&relogged),
            Some(t(23_300)),
            "a new login lifts the stop"
        );
    }

    #[test]
    fn success_clears_the_backoff() {
        let mut s = Schedule::new(Config::default());
        let a = account("a", 0, 3600, true, false, "f1");
        s.record(&a, &refused(Kind::NetworkError, None), t(3300));
        s.record(&a, &Ok(Some(t(7200))), t(3320));
        assert_eq!(s.due_at(&a), Some(t(3300)), "back to the natural schedule");
    }

    #[test]
    fn the_refresher_wakes_for_a_warning_too_not_only_for_renewals() {
        // A short unrenewable session beside a long renewable one: sleeping until the long
        // one's renewal would pass the short one's whole warning window.
        let mut s = Schedule::new(Config::default());
        let short = account("short", 0, 45, false, false, "f1");
        let long = account("long", 0, 86_400, true, false, "f2");
        let both = [short.clone(), long];
        assert_eq!(s.next_wake(&both), Some(t(15)), "45 s token, 30 s margin");
        let (_, events) = s.due(&both, t(15));
        assert!(matches!(&events[..], [Event::CannotRenew { .. }]));
        assert_eq!(
            s.next_wake(&both),
            Some(t(86_400 - 300)),
            "once warned, only the renewal is left to wake for"
        );
    }

    #[test]
    fn an_unrenewable_session_is_warned_about_once_and_never_tried() {
        let mut s = Schedule::new(Config::default());
        let a = account("a", 0, 3600, false, false, "f1");
        assert_eq!(s.due_at(&a), None);
        let (due, events) = s.due(std::slice::from_ref(&a), t(3400));
        assert!(due.is_empty());
        assert!(matches!(&events[..], [Event::CannotRenew { .. }]));
        assert!(
            s.due(std::slice::from_ref(&a), t(3450)).1.is_empty(),
            "warned once"
        );
    }
}
