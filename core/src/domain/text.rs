//! The one rule for text from outside: what a stored string may contain. PostgreSQL refuses NUL
//! in text (and a NUL would cut a C string short elsewhere), and no name or code needs a control
//! character; free text (notes, reasons) keeps its line breaks and tabs.

use serde_json::Value;

/// Whether the text may span lines: free text keeps `\n`, `\r` and `\t`; names and codes do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// `Ok` unless `value` holds NUL or another control character (line breaks and tabs are allowed
/// in `Lines::Many` text); the error names `field`.
pub fn check(field: &str, value: &str, lines: Lines) -> Result<(), String> {
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
    match value.chars().find(|&c| c.is_control() && !allowed(c)) {
        None => Ok(()),
        Some(c) => Err(format!("{field}: must not contain control characters (found U+{:04X})", c as u32)),
    }
}

/// The same rule over every key and string of a JSON value (attributes, modifiers), naming the
/// path of the first offender (`attributes.origin`, `modifiers.notes[1]`).
pub fn check_json(field: &str, value: &Value) -> Result<(), String> {
    match value {
        Value::String(s) => check(field, s, Lines::Many),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, v)| check_json(&format!("{field}[{i}]"), v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let path = format!("{field}.{k}");
            check(&path, k, Lines::One)?;
            check_json(&path, v)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_and_control_characters_are_refused_naming_the_field() {
        let e = check("name", "Caesar\u{0}salad", Lines::One).unwrap_err();
        assert_eq!(e, "name: must not contain control characters (found U+0000)");
        for bad in ["a\u{7}", "\u{1b}[31m", "a\u{7f}", "line\nbreak", "tab\there", "a\u{85}"] {
            assert!(check("name", bad, Lines::One).is_err(), "{bad:?}");
        }
        assert!(check("notes", "\u{0}", Lines::Many).is_err());
        assert!(check("notes", "no onions\r\nextra crispy\tplease", Lines::Many).is_ok());
        assert!(check("name", "Crème brûlée · 🍮", Lines::One).is_ok());
    }

    #[test]
    fn every_key_and_string_of_a_json_value_is_checked() {
        assert_eq!(check_json("attributes", &json!({"origin": "IT", "tags": ["a", 1, null]})), Ok(()));
        let e = check_json("attributes", &json!({"tags": ["ok", "b\u{0}d"]})).unwrap_err();
        assert!(e.starts_with("attributes.tags[1]:"), "{e}");
        let e = check_json("modifiers", &json!({"k\u{0}": "v"})).unwrap_err();
        assert!(e.starts_with("modifiers.k\u{0}:"), "{e}");
    }
}
