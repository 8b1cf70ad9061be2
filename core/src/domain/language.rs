//! The languages the screens speak and the locales that format their numbers and times.
//!
//! The list comes from the folders of `locales/` at build time (see `core/build.rs`): adding a
//! language is adding `locales/<code>/main.ftl`.

include!(concat!(env!("OUT_DIR"), "/languages.rs"));

/// The language every message exists in, used when nothing else is known.
pub const FALLBACK: &str = "en";

/// The supported language `code` names, if any (`"it"`; `"IT"` too).
pub fn supported(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().copied().find(|l| l.eq_ignore_ascii_case(code))
}

/// A locale as BCP 47 spells it, reduced to what formatting needs: a supported language and an
/// optional region (`it-IT`, `en-US`, `en`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locale {
    pub language: &'static str,
    pub region: Option<String>,
}

impl Locale {
    /// `Err` names the rule broken, for a 400 on the `locale` field.
    pub fn parse(tag: &str) -> Result<Locale, String> {
        let mut parts = tag.split(['-', '_']);
        let lang = parts.next().unwrap_or_default();
        let language = supported(lang)
            .ok_or_else(|| format!("`{tag}` is not a locale of a supported language ({})", LANGUAGES.join(", ")))?;
        let region = match parts.next() {
            None => None,
            Some(r) if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) => Some(r.to_ascii_uppercase()),
            Some(r) if r.len() == 3 && r.chars().all(|c| c.is_ascii_digit()) => Some(r.to_owned()),
            Some(_) => return Err(format!("`{tag}` is not a locale (language-REGION, e.g. it-IT)")),
        };
        if parts.next().is_some() {
            return Err(format!("`{tag}` is not a locale (language-REGION, e.g. it-IT)"));
        }
        Ok(Locale { language, region })
    }

    /// The canonical spelling, `it-IT`.
    pub fn tag(&self) -> String {
        match &self.region {
            Some(r) => format!("{}-{r}", self.language),
            None => self.language.to_owned(),
        }
    }
}

/// The first supported language of an `Accept-Language` header, by the browser's preference.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut ranges: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut fields = part.split(';');
            let range = fields.next()?.trim();
            let q =
                fields.find_map(|f| f.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !range.is_empty()).then_some((q, i, range))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().find_map(|(_, _, range)| supported(range.split('-').next().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_are_the_folders_of_locales() {
        assert!(LANGUAGES.contains(&"en") && LANGUAGES.contains(&"it"), "{LANGUAGES:?}");
        assert_eq!(supported("IT"), Some("it"));
        assert_eq!(supported("xx"), None);
    }

    #[test]
    fn locales_parse_to_a_language_and_a_region() {
        assert_eq!(Locale::parse("it-IT").unwrap(), Locale { language: "it", region: Some("IT".into()) });
        assert_eq!(Locale::parse("en_us").unwrap().tag(), "en-US");
        assert_eq!(Locale::parse("en").unwrap().tag(), "en");
        assert!(Locale::parse("xx-XX").unwrap_err().contains("supported language"));
        assert!(Locale::parse("it-Italy").is_err());
        assert!(Locale::parse("it-IT-x").is_err());
        assert!(Locale::parse("").is_err());
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(from_accept_language("it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7"), Some("it"));
        assert_eq!(from_accept_language("de-DE, en;q=0.5, it;q=0.4"), Some("en"));
        assert_eq!(from_accept_language("en;q=0.2, it;q=0.8"), Some("it"));
        assert_eq!(from_accept_language("fr, de"), None);
        assert_eq!(from_accept_language("it;q=0, en"), Some("en"));
        assert_eq!(from_accept_language(""), None);
    }
}
