//! What an environment for API clients holds (`authdeck export-env`): per account a token
//! fresh enough, how its API wants it, and its base URL.

use super::{Clock, Deck};
use crate::Result;
use crate::environment::Entry;
use crate::http::Http;
use jiff::SignedDuration;

impl Deck {
    /// Each of `names` as an environment [`Entry`], with the warning its token came with (an
    /// unknown expiry, one that cannot be renewed). Tokens are renewed first when they would
    /// expire within `min_valid`, through [`Deck::handoff`]. The first account that fails stops
    /// it all, so no environment is written with an account missing: NotFound (no such
    /// account), SessionExpired or Refused (cannot be renewed), each naming the account.
    pub async fn environment(
        &self,
        http: &Http,
        names: &[String],
        min_valid: SignedDuration,
        clock: Clock<'_>,
    ) -> Result<Vec<(Entry, Option<String>)>> {
        let mut entries = Vec::with_capacity(names.len());
        for name in names {
            let h = self.handoff(http, name, min_valid, clock).await?;
            entries.push((
                Entry {
                    account: h.account,
                    base_url: h.base_url,
                    token: h.token,
                    presentation: h.presentation,
                    expires_at: h.expires_at,
                },
                h.warning,
            ));
        }
        Ok(entries)
    }
}
