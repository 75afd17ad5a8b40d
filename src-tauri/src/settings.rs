//! The app's own preferences, kept as JSON beside the provider files. Not secret.

use crate::dto::Settings;
use authdeck_core::{Error, Result};
use std::path::{Path, PathBuf};

const FILE: &str = "app-settings.json";

pub fn path(config_dir: &Path) -> PathBuf {
    config_dir.join(FILE)
}

/// The saved settings; defaults when there are none or the file is unreadable (it is
/// rewritten on the next save, so a damaged file never blocks the app).
pub fn load(config_dir: &Path) -> Settings {
    std::fs::read_to_string(path(config_dir))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn save(config_dir: &Path, settings: &Settings) -> Result<()> {
    settings.validate()?;
    let text = serde_json::to_string_pretty(settings)
        .map_err(|e| Error::Io(format!("could not write the settings: {e}")))?;
    std::fs::write(path(config_dir), text).map_err(|e| {
        Error::Io(format!(
            "could not save the settings in {}: {e}",
            config_dir.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::Theme;

    #[test]
    fn saved_settings_load_back_and_missing_ones_are_defaults() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        assert_eq!(
            load(dir.path()),
            Settings::default(),
            "no file means defaults"
        );
        let mine = Settings {
            refresh_margin_secs: Some(120),
            clipboard_clear_secs: None,
            notifications: false,
            theme: Theme::Dark,
            pinned: vec!["prod-alice".into()],
        };
        save(dir.path(), &mine)?;
        assert_eq!(load(dir.path()), mine);
        Ok(())
    }

    #[test]
    fn a_damaged_file_gives_defaults_instead_of_blocking_the_app() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        std::fs::write(path(dir.path()), "{ not json").map_err(|e| Error::Io(e.to_string()))?;
        assert_eq!(load(dir.path()), Settings::default());
        Ok(())
    }

    #[test]
    fn a_clear_delay_of_zero_is_refused_with_a_way_out() {
        let bad = Settings {
            clipboard_clear_secs: Some(0),
            ..Settings::default()
        };
        let err = bad.validate().expect_err("zero seconds must be refused");
        assert!(err.to_string().contains("turn clearing off"), "{err}");
    }
}
