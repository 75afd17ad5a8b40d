//! The sandbox's users: one per documented outcome of each API, all with the same password.

use serde::Serialize;

/// What a user's login produces, whatever the API's way of saying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behavior {
    /// A token with the API's lifetime (or the `+ttlN` tag's).
    Success,
    /// meetra only: a token without an `exp` claim, like the doc's example.
    SuccessNoExp,
    /// user-login only: `expiresAt` in unix milliseconds instead of seconds.
    SuccessMillis,
    /// The server fails, whatever the password.
    ServerError,
    /// 429 with `Retry-After: 2`, whatever the password.
    RateLimited,
    /// user-login: the account exists but is switched off.
    Inactive,
    /// user-login: the account has no password, so every password is wrong.
    NoPassword,
    /// talkstack: the email address was never verified.
    Unverified,
    /// meetmates: a Google sign-in account, which has no password.
    GoogleOnly,
    /// user-login: a wrong password is answered 200 `{"success":false, ...}`.
    SoftFail,
    /// meetra: the token field holds "Bearer <JWT>", scheme word included.
    BearerInField,
    /// meetra: the JWT's `exp` claim is in milliseconds.
    ExpMillis,
    /// sealmetrics: the success body also carries secrets under `debug`.
    DebugSecrets,
    /// headertoken: the token comes in `Authorization: Bearer <JWT>`, not `X-Subject-Token`.
    HeaderBearer,
    /// twofactor: the password is not enough; a TOTP code is asked for next.
    TwoFactor,
}

/// One sandbox account.
#[derive(Debug)]
pub(crate) struct User {
    pub api: &'static str,
    pub email: &'static str,
    /// meetmates lets a user log in with a user ID in the email field.
    pub user_id: Option<&'static str>,
    /// The JWT's `sub` (or meetmates' `id`, a 24-hex MongoDB ObjectId).
    pub id: &'static str,
    pub name: &'static str,
    pub behavior: Behavior,
}

/// A sandbox user, as printed by `authdeck sandbox` and offered as a demo account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// The preset id of the API this user belongs to.
    pub api: &'static str,
    /// What to type in the email field (meetmates also accepts user ID `alice01`).
    pub email: &'static str,
    /// "success", or the outcome kind Authdeck should report for this login
    /// (`server_error`, `rate_limited`, `account_inactive`, ...).
    pub outcome: &'static str,
}

/// A line of the user listing: who to type, the outcome kind, and what the API answers.
pub(crate) struct Entry {
    pub api: &'static str,
    pub email: &'static str,
    pub outcome: &'static str,
    pub answer: &'static str,
}

const fn user(
    api: &'static str,
    email: &'static str,
    id: &'static str,
    name: &'static str,
    behavior: Behavior,
) -> User {
    User {
        api,
        email,
        user_id: None,
        id,
        name,
        behavior,
    }
}

use Behavior::*;

static USERS: [User; 21] = [
    user(
        "meetra",
        "alice@meetra.test",
        "1001",
        "Alice Meetra",
        Success,
    ),
    user(
        "meetra",
        "noexp@meetra.test",
        "1002",
        "Noexp Meetra",
        SuccessNoExp,
    ),
    user(
        "meetra",
        "boom@meetra.test",
        "1003",
        "Boom Meetra",
        ServerError,
    ),
    user(
        "meetra",
        "slowpoke@meetra.test",
        "1004",
        "Slowpoke Meetra",
        RateLimited,
    ),
    user(
        "user-login",
        "alice@userlogin.test",
        "usr_alice",
        "Alice Userlogin",
        Success,
    ),
    user(
        "user-login",
        "ms@userlogin.test",
        "usr_ms",
        "Ms Userlogin",
        SuccessMillis,
    ),
    user(
        "user-login",
        "inactive@userlogin.test",
        "usr_inactive",
        "Inactive Userlogin",
        Inactive,
    ),
    user(
        "user-login",
        "nopass@userlogin.test",
        "usr_nopass",
        "Nopass Userlogin",
        NoPassword,
    ),
    user(
        "user-login",
        "boom@userlogin.test",
        "usr_boom",
        "Boom Userlogin",
        ServerError,
    ),
    user(
        "user-login",
        "slowpoke@userlogin.test",
        "usr_slowpoke",
        "Slowpoke Userlogin",
        RateLimited,
    ),
    user(
        "talkstack",
        "alice@talkstack.test",
        "ts_alice",
        "Alice",
        Success,
    ),
    user(
        "talkstack",
        "unverified@talkstack.test",
        "ts_unverified",
        "Unverified",
        Unverified,
    ),
    user(
        "talkstack",
        "boom@talkstack.test",
        "ts_boom",
        "Boom",
        ServerError,
    ),
    user(
        "talkstack",
        "slowpoke@talkstack.test",
        "ts_slowpoke",
        "Slowpoke",
        RateLimited,
    ),
    User {
        user_id: Some("alice01"),
        ..user(
            "meetmates",
            "alice@adgitmdelhi.ac.in",
            "657f4d8e90c23a4567b38f91",
            "Alice Mates",
            Success,
        )
    },
    user(
        "meetmates",
        "google@adgitmdelhi.ac.in",
        "657f4d8e90c23a4567b38f92",
        "Google Mates",
        GoogleOnly,
    ),
    user(
        "meetmates",
        "boom@adgitmdelhi.ac.in",
        "657f4d8e90c23a4567b38f93",
        "Boom Mates",
        ServerError,
    ),
    user(
        "meetmates",
        "slowpoke@adgitmdelhi.ac.in",
        "657f4d8e90c23a4567b38f94",
        "Slowpoke Mates",
        RateLimited,
    ),
    user(
        "sealmetrics",
        "alice@sealmetrics.test",
        "42",
        "Alice Seal",
        Success,
    ),
    user(
        "sealmetrics",
        "boom@sealmetrics.test",
        "43",
        "Boom Seal",
        ServerError,
    ),
    user(
        "sealmetrics",
        "slowpoke@sealmetrics.test",
        "44",
        "Slowpoke Seal",
        RateLimited,
    ),
];

/// Users of the five extra login shapes, and odd answers on the documented APIs. Kept out of
/// [`users`] (which the app's demo accounts and the engine's preset tests walk) and listed by
/// [`extra_users`] instead.
static EXTRA_USERS: [User; 13] = [
    user(
        "cookiejar",
        "alice@cookiejar.test",
        "cj_alice",
        "Alice Cookiejar",
        Success,
    ),
    user(
        "headertoken",
        "alice@headertoken.test",
        "ht_alice",
        "Alice Headertoken",
        Success,
    ),
    user(
        "headertoken",
        "bearer@headertoken.test",
        "ht_bearer",
        "Bearer Headertoken",
        HeaderBearer,
    ),
    user(
        "formlogin",
        "alice@formlogin.test",
        "fl_alice",
        "Alice Formlogin",
        Success,
    ),
    user(
        "apikey",
        "alice@apikey.test",
        "pat_alice",
        "Alice Apikey",
        Success,
    ),
    user(
        "twofactor",
        "alice@twofactor.test",
        "tf_alice",
        "Alice Twofactor",
        TwoFactor,
    ),
    user(
        "twofactor",
        "plain@twofactor.test",
        "tf_plain",
        "Plain Twofactor",
        Success,
    ),
    user(
        "user-login",
        "soft@userlogin.test",
        "usr_soft",
        "Soft Userlogin",
        SoftFail,
    ),
    user(
        "meetra",
        "bearer@meetra.test",
        "1005",
        "Bearer Meetra",
        BearerInField,
    ),
    user(
        "meetra",
        "msexp@meetra.test",
        "1006",
        "Msexp Meetra",
        ExpMillis,
    ),
    user(
        "sealmetrics",
        "debug@sealmetrics.test",
        "45",
        "Debug Seal",
        DebugSecrets,
    ),
    // The new shapes' rate limits, answered in each shape's own error body.
    user(
        "cookiejar",
        "slowpoke@cookiejar.test",
        "cj_slowpoke",
        "Slowpoke Cookiejar",
        RateLimited,
    ),
    user(
        "formlogin",
        "slowpoke@formlogin.test",
        "fl_slowpoke",
        "Slowpoke Formlogin",
        RateLimited,
    ),
];

fn all_users() -> impl Iterator<Item = &'static User> {
    USERS.iter().chain(EXTRA_USERS.iter())
}

/// The listing: every user with its answer, plus logins that are not users (unknown emails,
/// another domain) so every documented outcome has something to type.
pub(crate) fn entries() -> Vec<Entry> {
    let mut list = Vec::new();
    for api in crate::APIS {
        for user in USERS.iter().filter(|u| u.api == api) {
            let (outcome, answer) = describe(user);
            list.push(Entry {
                api,
                email: user.email,
                outcome,
                answer,
            });
            if let Some(user_id) = user.user_id {
                list.push(Entry {
                    api,
                    email: user_id,
                    outcome,
                    answer: "200 token (user ID of alice@adgitmdelhi.ac.in)",
                });
            }
        }
        list.extend(strangers().into_iter().filter(|e| e.api == api));
    }
    list
}

/// The listing of the extra login shapes and odd answers, in the order of [`crate::EXTRA_APIS`]
/// and then the documented APIs' odd users. apikey has no logins: its keys are [`api_keys`].
pub(crate) fn extra_entries() -> Vec<Entry> {
    let order = crate::EXTRA_APIS.iter().chain(crate::APIS.iter());
    let mut list = Vec::new();
    for api in order {
        for user in EXTRA_USERS
            .iter()
            .filter(|u| u.api == *api && u.api != "apikey")
        {
            let (outcome, answer) = describe(user);
            list.push(Entry {
                api,
                email: user.email,
                outcome,
                answer,
            });
        }
    }
    list
}

/// Logins that match no user, with what each API answers to them.
fn strangers() -> [Entry; 6] {
    let entry = |api, email, outcome, answer| Entry {
        api,
        email,
        outcome,
        answer,
    };
    [
        entry(
            "meetra",
            "nobody@meetra.test",
            "invalid_credentials",
            "400 Invalid email or password",
        ),
        entry(
            "user-login",
            "nobody@userlogin.test",
            "user_not_found",
            "401 USER_NOT_FOUND",
        ),
        entry(
            "talkstack",
            "nobody@talkstack.test",
            "user_not_found",
            "404 loginStatus 3",
        ),
        entry(
            "meetmates",
            "nobody@adgitmdelhi.ac.in",
            "invalid_credentials",
            "400 Invalid credentials",
        ),
        entry(
            "meetmates",
            "bob@gmail.com",
            "rejected",
            "403 only @adgitmdelhi.ac.in emails",
        ),
        entry(
            "sealmetrics",
            "nobody@sealmetrics.test",
            "invalid_credentials",
            "401 Invalid credentials",
        ),
    ]
}

fn describe(user: &User) -> (&'static str, &'static str) {
    match (user.api, user.behavior) {
        ("meetra", Success) => ("success", "200 token, exp 1 h"),
        ("user-login", Success) => ("success", "200 tokens, exp 1 h, expiresAt in seconds"),
        ("talkstack", Success) => ("success", "200 tokens, exp 2 h"),
        ("meetmates", Success) => ("success", "200 token, exp 7 days"),
        ("sealmetrics", Success) => ("success", "200 token, exp 24 h"),
        ("cookiejar", Success) => ("success", "200 user, cookies sid (1 h) and csrf"),
        ("headertoken", Success) => ("success", "201, X-Subject-Token header, expires_at 1 h"),
        ("formlogin", Success) => ("success", "200 token \"Token <opaque>\", expires_in 3600"),
        ("twofactor", Success) => ("success", "200 tokens at once, no second factor"),
        (_, Success) => ("success", "200 token"),
        (_, SuccessNoExp) => ("success", "200 token without exp claim"),
        (_, SuccessMillis) => ("success", "200 tokens, expiresAt in milliseconds"),
        ("meetra", ServerError) => ("server_error", "500 HTML page"),
        (_, ServerError) => ("server_error", "500"),
        (_, RateLimited) => ("rate_limited", "429, Retry-After: 2"),
        (_, Inactive) => ("account_inactive", "401 USER_INACTIVE"),
        (_, NoPassword) => ("no_password_set", "401 NO_PASSWORD_SET"),
        (_, Unverified) => ("account_not_verified", "403 loginStatus 2"),
        (_, GoogleOnly) => ("no_password_set", "400 Google sign-in account"),
        (_, HeaderBearer) => ("success", "201, Authorization: Bearer <JWT> header"),
        (_, TwoFactor) => (
            "success",
            "200 mfa_required, then TOTP code at /login/verify",
        ),
        (_, SoftFail) => ("success", "200 tokens; wrong password is 200 success:false"),
        (_, BearerInField) => ("success", "200 token \"Bearer <JWT>\""),
        (_, ExpMillis) => ("success", "200 token, JWT exp in milliseconds"),
        (_, DebugSecrets) => (
            "success",
            "200 token plus debug.{session_secret,api_key,echo}",
        ),
    }
}

/// Every sandbox login worth trying, for printing and for the app's demo accounts.
pub fn users() -> Vec<UserInfo> {
    entries()
        .into_iter()
        .map(|e| UserInfo {
            api: e.api,
            email: e.email,
            outcome: e.outcome,
        })
        .collect()
}

/// The users of the extra login shapes and the odd answers on the documented APIs, like
/// [`users`]. "success" is what a client that speaks the shape (cookie, header, second factor)
/// should end with.
pub fn extra_users() -> Vec<UserInfo> {
    extra_entries()
        .into_iter()
        .map(|e| UserInfo {
            api: e.api,
            email: e.email,
            outcome: e.outcome,
        })
        .collect()
}

/// What was typed in the email field, with the `+ttlN` tag taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Login {
    /// The email (or user ID) to look up: the caller's normalized text without any `+tag`.
    pub key: String,
    /// Access-token lifetime in seconds asked for by a `+ttlN` tag.
    pub ttl: Option<u32>,
}

impl Login {
    /// Splits `alice+ttl5@meetra.test` into key `alice@meetra.test` and ttl 5. Any other tag
    /// is dropped too, so `alice+x@meetra.test` is alice with the API's lifetime. The caller
    /// normalizes case (and, for meetmates, whitespace) first.
    pub(crate) fn parse(text: &str) -> Login {
        let (local, domain) = match text.rsplit_once('@') {
            Some((local, domain)) => (local, Some(domain)),
            None => (text, None),
        };
        let (base, tag) = match local.split_once('+') {
            Some((base, tag)) => (base, Some(tag)),
            None => (local, None),
        };
        let ttl = tag
            .and_then(|t| t.strip_prefix("ttl"))
            .and_then(|n| n.parse::<u32>().ok());
        let key = match domain {
            Some(domain) => format!("{base}@{domain}"),
            None => base.to_string(),
        };
        Login { key, ttl }
    }

    /// The domain part, if the login is an email address.
    pub(crate) fn domain(&self) -> Option<&str> {
        self.key.rsplit_once('@').map(|(_, domain)| domain)
    }
}

/// The user of `api` with that email or user ID.
pub(crate) fn find(api: &str, login: &Login) -> Option<&'static User> {
    all_users()
        .find(|u| u.api == api && (u.email == login.key || u.user_id == Some(login.key.as_str())))
}

/// The user of `api` with exactly that stored email (refresh grants remember it).
pub(crate) fn by_email(api: &str, email: &str) -> Option<&'static User> {
    all_users().find(|u| u.api == api && u.email == email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_tag_is_stripped_and_read() {
        let login = Login::parse("alice+ttl5@meetra.test");
        assert_eq!(login.key, "alice@meetra.test");
        assert_eq!(login.ttl, Some(5));
    }

    #[test]
    fn other_tags_are_stripped_without_ttl() {
        let login = Login::parse("alice+qa@meetra.test");
        assert_eq!(login.key, "alice@meetra.test");
        assert_eq!(
            login.ttl, None,
            "a tag that is not ttlN must not change the lifetime"
        );
        assert_eq!(Login::parse("alice+ttlx@meetra.test").ttl, None);
    }

    #[test]
    fn user_ids_parse_without_domain() {
        let login = Login::parse("alice01+ttl9");
        assert_eq!(login.key, "alice01");
        assert_eq!(login.ttl, Some(9));
        assert_eq!(login.domain(), None);
    }

    #[test]
    fn users_are_found_per_api_only() {
        let login = Login::parse("alice@meetra.test");
        assert!(find("meetra", &login).is_some());
        assert!(
            find("sealmetrics", &login).is_none(),
            "a meetra user must not log into sealmetrics"
        );
        assert!(find("meetmates", &Login::parse("alice01")).is_some());
    }

    #[test]
    fn every_api_has_a_success_user_a_server_error_and_a_rate_limit() {
        let list = users();
        for api in crate::APIS {
            for outcome in ["success", "server_error", "rate_limited"] {
                assert!(
                    list.iter().any(|u| u.api == api && u.outcome == outcome),
                    "{api} has no {outcome} user"
                );
            }
        }
    }
}
