//! Request counters, so tests can check how many logins and refreshes a client really sent.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the counters. `logins` and `refreshes` count requests received on any API,
/// whatever their answer; `refresh_rejections` counts refreshes answered with a rejection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub logins: u64,
    pub refreshes: u64,
    pub refresh_rejections: u64,
}

/// The live counters shared by every handler.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    logins: AtomicU64,
    refreshes: AtomicU64,
    refresh_rejections: AtomicU64,
}

impl Counters {
    pub(crate) fn login(&self) {
        self.logins.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn refresh(&self) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn refresh_rejection(&self) {
        self.refresh_rejections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            logins: self.logins.load(Ordering::Relaxed),
            refreshes: self.refreshes.load(Ordering::Relaxed),
            refresh_rejections: self.refresh_rejections.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn reset(&self) {
        self.logins.store(0, Ordering::Relaxed);
        self.refreshes.store(0, Ordering::Relaxed);
        self.refresh_rejections.store(0, Ordering::Relaxed);
    }
}
