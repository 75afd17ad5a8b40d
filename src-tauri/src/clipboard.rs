//! Copying tokens happens here, in Rust: the webview never holds them. A copied token is
//! cleared after the user's delay, but only if the clipboard still holds it.

use authdeck_core::{Error, Result};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zeroize::Zeroizing;

/// The system clipboard, kept open: on X11 the owner must stay alive to serve pastes.
#[derive(Default, Clone)]
pub struct Clip {
    board: Arc<Mutex<Option<arboard::Clipboard>>>,
}

impl Clip {
    /// Puts `text` on the clipboard; with `clear_after`, clears it later if it is still there.
    pub fn put(&self, text: Zeroizing<String>, clear_after: Option<Duration>) -> Result<()> {
        self.with(|board| board.set_text(text.as_str()))?;
        if let Some(delay) = clear_after {
            let clip = self.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(delay).await;
                if let Err(e) = clip.clear_if_holds(&text) {
                    tracing::warn!("could not clear the clipboard: {e}");
                }
            });
        }
        Ok(())
    }

    /// Clears the clipboard when it still holds `text`; something copied since stays.
    pub fn clear_if_holds(&self, text: &str) -> Result<bool> {
        self.with(|board| {
            let holds = board
                .get_text()
                .map(Zeroizing::new)
                .is_ok_and(|now| now.as_str() == text);
            if holds {
                board.clear()?;
            }
            Ok(holds)
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
    ) -> Result<T> {
        let mut slot = self
            .board
            .lock()
            .map_err(|_| Error::Io("the clipboard is unusable after an earlier crash".into()))?;
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(unavailable)?);
        }
        match slot.as_mut() {
            Some(board) => f(board).map_err(unavailable),
            None => Err(Error::Io("the clipboard could not be opened".into())),
        }
    }
}

fn unavailable(e: arboard::Error) -> Error {
    Error::Io(format!("the system clipboard is not available: {e}"))
}
