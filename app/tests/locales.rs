//! The translations are complete: every language in `locales/` has exactly the keys English has,
//! each message uses the same `{ $arguments }` in every language, and every key the screens and
//! the use cases ask for exists. Adding a language is adding `locales/<code>/main.ftl`; this test
//! then names every key it is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use beerflow_core::domain::order::OrderStatus;
use beerflow_core::domain::role::Role;
use beerflow_core::domain::table::TableStatus;
use beerflow_core::error::AppError;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The messages of one .ftl file: key -> the `$arguments` it uses. A message starts at a line
/// beginning with an identifier and `=`; the lines after it that do not start one continue it.
fn messages(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // Indented lines, and the `}` closing a selector, continue the message above.
        if !line.starts_with(char::is_whitespace) && !line.starts_with('}') {
            let (id, _) = line.split_once('=').unwrap_or_else(|| panic!("{}: not a message: {line:?}", path.display()));
            let id = id.trim().to_owned();
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'),
                "{}: bad key {id:?}",
                path.display()
            );
            assert!(out.insert(id.clone(), BTreeSet::new()).is_none(), "{}: {id} defined twice", path.display());
            current = Some(id);
        }
        let id = current.clone().unwrap();
        let args = out.get_mut(&id).unwrap();
        let mut rest = line;
        while let Some(i) = rest.find('$') {
            rest = &rest[i + 1..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            args.insert(name);
        }
    }
    out
}

fn languages() -> Vec<(String, BTreeMap<String, BTreeSet<String>>)> {
    let mut langs: Vec<_> = std::fs::read_dir(root().join("locales"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("main.ftl").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), messages(&p.join("main.ftl"))))
        .collect();
    langs.sort_by(|a, b| a.0.cmp(&b.0));
    langs
}

fn english() -> BTreeMap<String, BTreeSet<String>> {
    messages(&root().join("locales/en/main.ftl"))
}

#[test]
fn every_language_has_every_key_with_the_same_arguments() {
    let en = english();
    let langs = languages();
    assert!(
        langs.len() >= 2,
        "expected English and Italian at least, found {:?}",
        langs.iter().map(|l| &l.0).collect::<Vec<_>>()
    );
    for (code, msgs) in &langs {
        let missing: Vec<_> = en.keys().filter(|k| !msgs.contains_key(*k)).collect();
        let extra: Vec<_> = msgs.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "locales/{code}/main.ftl lacks {missing:?}");
        assert!(extra.is_empty(), "locales/{code}/main.ftl has keys English lacks: {extra:?}");
        // The same arguments, so that no translation drops a dish's name or asks for a value the
        // code does not pass; `$count`, the number a plural is chosen by, may be used by some
        // languages only (the code passes it wherever a plural may be wanted).
        let shown = |args: &BTreeSet<String>| args.iter().filter(|a| *a != "count").cloned().collect::<BTreeSet<_>>();
        for (key, args) in &en {
            assert_eq!(
                shown(&msgs[key]),
                shown(args),
                "locales/{code}/main.ftl: {key} uses other arguments than English"
            );
        }
    }
    // The core's list of languages is built from the same folders.
    let core: BTreeSet<_> = beerflow_core::domain::language::LANGUAGES.iter().map(|l| l.to_string()).collect();
    let files: BTreeSet<_> = langs.iter().map(|l| l.0.clone()).collect();
    assert_eq!(core, files);
}

/// Every literal key in `source` that is the first argument of one of `calls` (e.g. `tr!(`).
fn literal_keys(source: &str, calls: &[&str]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for call in calls {
        let mut rest = source;
        while let Some(i) = rest.find(call) {
            rest = rest[i + call.len()..].trim_start();
            let Some(quoted) = rest.strip_prefix('"') else { continue };
            let key: String = quoted.chars().take_while(|c| *c != '"').collect();
            if !key.is_empty() && !key.contains('{') {
                keys.insert(key);
            }
        }
    }
    keys
}

/// The Rust code under `dir`, comments left out (a doc comment's `tr!("key")` is an example, not a
/// use).
fn sources(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all += &sources(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                if !line.trim_start().starts_with("//") {
                    all += line;
                    all.push('\n');
                }
            }
        }
    }
    all
}

#[test]
fn every_key_the_code_uses_exists() {
    let en = english();
    let app = sources(&root().join("app/src"));
    let core = sources(&root().join("core/src"));
    let mut used = literal_keys(
        &app,
        &["tr!(", " t(", "(t(", "{t(", "::t(", " ta(", "(ta(", "::ta(", "lookup(", "page_title(", "tx("],
    );
    used.extend(literal_keys(&core, &[".keyed("]));
    assert!(used.len() > 100, "found only {} keys: is the scan still right?", used.len());
    assert!(used.contains("err-login"), "the use cases' keys were not found");
    // Keys built at run time from the domain's names.
    for s in OrderStatus::ALL {
        used.insert(format!("status-{}", s.as_str()));
    }
    for r in Role::ALL {
        used.insert(format!("role-{}", r.as_str()));
    }
    for s in TableStatus::ALL {
        used.insert(format!("table-{}", s.as_str()));
    }
    let errors = [
        AppError::bad_request("x"),
        AppError::not_found("x"),
        AppError::conflict("x"),
        AppError::forbidden("x"),
        AppError::Unauthorized("x".into()),
        AppError::MethodNotAllowed("x".into()),
        AppError::PayloadTooLarge("x".into()),
        AppError::Unavailable("x".into()),
        AppError::Internal,
    ];
    for e in &errors {
        used.insert(format!("err-kind-{}", e.code()));
    }
    let missing: Vec<_> = used.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing.is_empty(), "keys used by the code but missing from locales/en/main.ftl: {missing:?}");
}
