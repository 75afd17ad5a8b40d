//! Saving a provider file written in an editor (the app's Providers screen): checked first, so
//! a broken file never lands in the providers folder where every later load would report it.

use super::{PRESETS, Provider};
use crate::problem::{Problem, Subject};
use std::path::{Path, PathBuf};

/// Where the provider with `id` is saved in `dir`.
pub fn provider_file_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.toml"))
}

/// Whether `text` may be saved as a provider file: everything [`save_provider_file`] checks
/// before it writes, so an editor that says "valid" is never contradicted by Save. Refused,
/// with the line and field when known: a file that does not parse, an id that cannot be a
/// file name, a preset's id.
pub fn check_provider_file(text: &str) -> Result<Provider, Problem> {
    let provider = Provider::from_toml(text)?;
    let problem =
        |message: String| Problem::new(Subject::Provider, message).at_field(Some("id".into()));
    if crate::accounts::validate_name(&provider.id).is_err() {
        return Err(problem(format!(
            "the id {:?} cannot be a file name: use letters, digits, . _ -",
            provider.id
        )));
    }
    if PRESETS.iter().any(|(id, _)| *id == provider.id) {
        return Err(problem(format!(
            "{:?} is a preset's id; give your provider its own id",
            provider.id
        )));
    }
    Ok(provider)
}

/// Checks `text` ([`check_provider_file`]) and saves it as `<id>.toml` in `dir` (created when
/// missing).
pub fn save_provider_file(dir: &Path, text: &str) -> Result<Provider, Problem> {
    let provider = check_provider_file(text)?;
    let path = provider_file_path(dir, &provider.id);
    let io = |e: std::io::Error| {
        Problem::new(Subject::Provider, format!("could not save it: {e}")).in_file(Some(&path))
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    // Written beside and renamed, so a crash never leaves half a file to load.
    let partial = dir.join(format!(".{}.toml.partial", provider.id));
    std::fs::write(&partial, text).map_err(io)?;
    std::fs::rename(&partial, &path).map_err(io)?;
    Ok(provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Catalog;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn custom() -> String {
        PRESETS[0]
            .1
            .replacen(&format!("id = \"{}\"", PRESETS[0].0), "id = \"my-api\"", 1)
    }

    #[test]
    fn a_valid_file_is_saved_under_its_id_and_the_catalog_loads_it() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("providers");
        let saved = save_provider_file(&dir, &custom()).map_err(|p| p.to_string())?;
        assert_eq!(saved.id, "my-api");
        assert_eq!(
            std::fs::read_to_string(provider_file_path(&dir, "my-api"))?,
            custom()
        );
        let catalog = Catalog::load(&dir);
        assert!(catalog.get("my-api").is_ok(), "{:?}", catalog.problems);
        assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
        Ok(())
    }

    #[test]
    fn a_broken_file_is_refused_with_its_line_and_nothing_is_written() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let err = save_provider_file(tmp.path(), "id = \"x\"\nname = 3\n")
            .err()
            .ok_or("a broken file must be refused")?;
        assert!(!err.message.is_empty(), "says why");
        assert_eq!(std::fs::read_dir(tmp.path())?.count(), 0, "nothing written");
        Ok(())
    }

    #[test]
    fn the_check_refuses_what_save_refuses_before_anything_is_saved() -> TestResult {
        let err = check_provider_file(PRESETS[0].1)
            .err()
            .ok_or("a preset's id fails the check, as it fails Save")?;
        assert!(err.message.contains("preset"), "{err}");
        assert_eq!(err.field.as_deref(), Some("id"), "the id field is named");
        let bad_id = custom().replacen("id = \"my-api\"", "id = \"my api/x\"", 1);
        assert!(
            check_provider_file(&bad_id).is_err(),
            "an id that cannot be a file name"
        );
        assert!(check_provider_file(&custom()).is_ok(), "its own id passes");
        Ok(())
    }

    #[test]
    fn a_presets_id_is_taken() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let err = save_provider_file(tmp.path(), PRESETS[0].1)
            .err()
            .ok_or("preset ids are taken")?;
        assert!(err.message.contains("preset"), "{err}");
        Ok(())
    }
}
