//! The sandbox: a local server speaking the five documented login APIs.
//!
//! Each API lives under its own path prefix (`/meetra`, `/user-login`, ...), answers with the
//! paths, fields, status codes and body shapes of its document, and issues real HS256 JWTs.
//! Every documented outcome has a user (see [`users`]), so tests and demos can produce each
//! answer on purpose. Add `+ttlN` to an email (`alice+ttl5@meetra.test`) for a token that
//! expires in N seconds.

mod api;
mod banner;
mod credentials;
mod grants;
mod reply;
mod server;
mod stats;
mod token;
mod users;

pub use banner::banner;
pub use server::Sandbox;
pub use stats::Stats;
pub use token::jwt_secret;
pub use users::{UserInfo, users};

/// The preset ids of the five documented APIs; each is also the sandbox's path prefix.
pub const APIS: [&str; 5] = [
    "meetra",
    "user-login",
    "talkstack",
    "meetmates",
    "sealmetrics",
];

/// The password of every sandbox user. Not a secret: the sandbox is for tests and demos.
pub const PASSWORD: &str = "s3cret-pass";
