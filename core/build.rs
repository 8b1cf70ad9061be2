//! The languages of the screens are the folders of `locales/` (one `main.ftl` each, read by the
//! app's i18n): this names them for the core, which validates a venue's or a user's choice.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../locales");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut languages: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().join("main.ftl").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    languages.sort();
    assert!(languages.iter().any(|l| l == "en"), "locales/en/main.ftl is the fallback language and must exist");
    let list = languages.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>().join(", ");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("languages.rs");
    fs::write(out, format!("pub const LANGUAGES: &[&str] = &[{list}];\n")).unwrap();
}
