//! The sandbox: a local server speaking the five documented login APIs.
