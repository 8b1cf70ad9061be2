//! The screens' languages and the venue's money and time.
//!
//! Words come from `locales/<language>/main.ftl` ([Fluent](https://projectfluent.org), through
//! `leptos-fluent`): one file per language, found by its folder, so adding a language is adding
//! one file. The same files carry each language's number conventions (`fmt-*` keys).
//!
//! The language of a page is settled on the server before the first byte (the user's choice,
//! else the venue's, else the browser's `Accept-Language`: `PageLocale`), written on `<html>`
//! (`lang` and the `data-*` of the venue's format), and read back from there when the page
//! hydrates: the browser starts in the language the server rendered, so nothing flashes.
//!
//! Texts are written once, when their part of the screen is drawn: they do not follow the
//! language signal. A text that followed it would stay among the signal's subscribers after its
//! part of the screen is gone (reactive_graph lets go of dead subscribers only when the signal
//! changes), so a kitchen display drawing tickets all evening would keep a few KB of every
//! ticket it ever showed. Changing the language (or the signed-in user's, or the venue's) loads
//! the page again in the new one instead (`switch_to`, `apply`): everything a screen keeps
//! (the waiter's queue of orders not sent yet, the screens' settings) is in the browser's
//! storage and survives it.

use crate::error::UiError;
use beerflow_core::AppError;
use beerflow_core::domain::Qty;
use beerflow_core::domain::stock::Shortfall;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_fluent::{I18n, leptos_fluent};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

/// `tr!("key")` / `tr!("key", {"arg" => value})`: the text of `key` in the active language, as
/// [`t`] and [`ta`] (values are written with `Display`; whole numbers stay numbers, so plurals
/// choose their form).
macro_rules! tr {
    ($key:literal) => {
        $crate::i18n::t($key)
    };
    ($key:literal, { $($name:literal => $value:expr),* $(,)? }) => {
        $crate::i18n::ta($key, &[$(($name, ::std::string::ToString::to_string(&$value))),*])
    };
}
pub(crate) use tr;

/// How a venue's money and times are written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Format {
    /// ISO 4217 (`EUR`).
    pub currency: String,
    /// What is written before or after amounts (`€`).
    pub symbol: String,
    /// Digits after the decimal separator (2 for `EUR`, 0 for `JPY`).
    pub decimals: u8,
    /// The venue's BCP 47 locale (`it-IT`): its region refines the conventions of its language.
    pub locale: String,
    /// IANA time zone the venue's clocks show.
    pub timezone: String,
}

impl Default for Format {
    fn default() -> Self {
        Format {
            currency: "EUR".into(),
            symbol: "€".into(),
            decimals: 2,
            locale: "en-GB".into(),
            timezone: "UTC".into(),
        }
    }
}

/// The language and format a page is rendered in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLocale {
    pub language: String,
    pub format: Format,
}

impl Default for PageLocale {
    fn default() -> Self {
        PageLocale { language: beerflow_core::domain::language::FALLBACK.into(), format: Format::default() }
    }
}

/// The language a page speaks: the user's choice, else (signed in) the venue's language, else
/// (signed out) the one chosen on the login page, else the browser's preference, else English.
pub fn negotiate(
    user_choice: Option<&str>,
    venue_language: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> &'static str {
    use beerflow_core::domain::language::{FALLBACK, from_accept_language, supported};
    let chosen = match venue_language {
        Some(venue) => user_choice.and_then(supported).or_else(|| supported(venue)),
        None => cookie.and_then(supported),
    };
    chosen.or_else(|| accept_language.and_then(from_accept_language)).unwrap_or(FALLBACK)
}

/// The name of the cookie that keeps the language chosen before signing in.
pub const LANG_COOKIE: &str = "beerflow_lang";

/// The venue's format, reactive: it changes when the user signs in (another venue) or a
/// manager changes it.
#[derive(Clone, Copy)]
pub struct Fmt(pub RwSignal<Format>);

/// The first page's locale: from the server's request on the server, from `<html>` in the browser.
pub fn initial_locale() -> PageLocale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<PageLocale>().cloned())
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return PageLocale::default();
        };
        let attr = |name: &str| html.get_attribute(name);
        let default = Format::default();
        PageLocale {
            language: attr("lang").unwrap_or_else(|| PageLocale::default().language),
            format: Format {
                currency: attr("data-currency").unwrap_or(default.currency),
                symbol: attr("data-symbol").unwrap_or(default.symbol),
                decimals: attr("data-decimals").and_then(|d| d.parse().ok()).unwrap_or(default.decimals),
                locale: attr("data-locale").unwrap_or(default.locale),
                timezone: attr("data-tz").unwrap_or(default.timezone),
            },
        }
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    PageLocale::default()
}

/// Provides the translations, the language and the venue's format to `children`.
#[component]
pub fn I18nProvider(children: Children) -> impl IntoView {
    let initial = initial_locale();
    let fmt = Fmt(RwSignal::new(initial.format.clone()));
    provide_context(fmt);
    leptos_fluent! {
        children: {
            set_language(&initial.language);
            follow_language_on_html();
            reloaded_for(&initial.language);
            children()
        },
        locales: "../locales",
        default_language: "en",
        // Plain text: no Unicode isolation marks around the arguments.
        customise: |bundle| bundle.set_use_isolating(false),
    }
}

/// Sets the language of the texts drawn from now on (a language that is not one of them is
/// ignored); `true` when it changed.
fn set_language(language: &str) -> bool {
    let i18n = expect_context::<I18n>();
    match i18n.languages.iter().find(|l| l.id == language) {
        Some(lang) if i18n.language.get_untracked().id != lang.id => {
            i18n.language.set(lang);
            true
        }
        _ => false,
    }
}

/// Applies the locale of the signed-in user or of the venue (after a sign-in, or a manager's
/// change of the venue's settings): texts and money drawn from now on use it; when the language
/// changed after the page was drawn, the page is loaded again in it (see the module's note).
pub fn apply(locale: &PageLocale) {
    let fmt = expect_context::<Fmt>();
    if fmt.0.get_untracked() != locale.format {
        fmt.0.set(locale.format.clone());
    }
    if set_language(&locale.language) {
        reload_once_for(&locale.language);
    }
}

/// Loads the page again so that everything on it speaks the language just chosen.
pub fn reload() {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().reload();
    }
}

/// The session storage key that remembers a reload made for a language, so that a page whose
/// server disagrees with it (it cannot, but a loop would be worse) is loaded again only once.
#[cfg(feature = "hydrate")]
const RELOADED_FOR: &str = "beerflow.reloaded-for-language";

/// A reload for `language` is done, once the page speaks it.
fn reloaded_for(language: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = leptos::prelude::window().session_storage().ok().flatten()
        && s.get_item(RELOADED_FOR).ok().flatten().as_deref() == Some(language)
    {
        let _ = s.remove_item(RELOADED_FOR);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = language;
}

/// Reloads for `language`, unless this tab has just been reloaded for it.
fn reload_once_for(language: &str) {
    #[cfg(feature = "hydrate")]
    {
        let storage = leptos::prelude::window().session_storage().ok().flatten();
        if let Some(s) = &storage {
            if s.get_item(RELOADED_FOR).ok().flatten().as_deref() == Some(language) {
                return;
            }
            let _ = s.set_item(RELOADED_FOR, language);
        }
        reload();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = language;
}

/// The active language's id (`it`).
pub fn language() -> &'static str {
    expect_context::<I18n>().language.get_untracked().id
}

/// Keeps `<html lang>` on the active language, for the browser's own choices (fonts,
/// hyphenation, screen readers).
fn follow_language_on_html() {
    #[cfg(feature = "hydrate")]
    {
        let i18n = expect_context::<I18n>();
        Effect::new(move |_| {
            let id = i18n.language.get().id;
            if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = html.set_attribute("lang", id);
            }
        });
    }
}

/// The translation of `key` with `args`, or `None` when no language has it.
pub fn lookup(key: &str, args: &[(&str, String)]) -> Option<String> {
    use leptos_fluent::__reexports::fluent_bundle::FluentValue;
    let i18n = expect_context::<I18n>();
    let map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| {
            // Numbers stay numbers, so that plurals choose their form.
            let value = v.parse::<i64>().map_or_else(|_| FluentValue::from(v.clone()), FluentValue::from);
            (Cow::Owned((*k).to_owned()), value)
        })
        .collect();
    let text = untrack(|| i18n.tr_with_args(key, &map));
    (!text.starts_with("Unknown localization")).then_some(text)
}

/// The text of `key` in the active language, for a view's text or an attribute
/// (`{tx("pad-send")}`, `aria-label=tx("pad-menu")`).
pub fn tx(key: &'static str) -> String {
    t(key)
}

/// `key` translated, for messages named at run time (an error's key, a status), once.
pub fn t(key: &str) -> String {
    lookup(key, &[]).unwrap_or_else(|| key.to_owned())
}

/// `key` translated with arguments.
pub fn ta(key: &str, args: &[(&str, String)]) -> String {
    lookup(key, args).unwrap_or_else(|| key.to_owned())
}

/// What a screen says about an error: the use case's message in the active language (by its
/// key), else the English message of the API for English, else a plain sentence for its kind.
pub fn error_text(e: &UiError) -> String {
    match e {
        UiError::Network(_) => t("err-network"),
        UiError::App(AppError::InsufficientStock(list)) => {
            let lines = list.iter().map(shortfall_text).collect::<Vec<_>>().join("; ");
            ta("err-insufficient-stock", &[("lines", lines)])
        }
        UiError::App(AppError::TooManyLogins { retry_after_secs }) => {
            ta("err-too-many-logins", &[("seconds", retry_after_secs.to_string())])
        }
        UiError::App(AppError::Internal) => t("err-internal"),
        UiError::App(app) => {
            let msg = app.msg();
            let keyed = msg.and_then(|m| {
                let key = m.key.as_deref()?;
                let args: Vec<(&str, String)> = m.args.iter().map(|(k, v)| (k.as_str(), arg_text(k, v))).collect();
                lookup(key, &args)
            });
            keyed.unwrap_or_else(|| {
                if language() == beerflow_core::domain::language::FALLBACK {
                    app.to_string()
                } else {
                    t(&format!("err-kind-{}", app.code()))
                }
            })
        }
    }
}

/// An argument of a keyed message as the screen shows it: statuses and roles in its words.
fn arg_text(name: &str, value: &str) -> String {
    match name {
        "status" | "from" | "to" => lookup(&format!("status-{value}"), &[]).unwrap_or_else(|| value.to_owned()),
        "role" => lookup(&format!("role-{value}"), &[]).unwrap_or_else(|| value.to_owned()),
        _ => value.to_owned(),
    }
}

/// One product that cannot be served, in plain words.
pub fn shortfall_text(s: &Shortfall) -> String {
    ta(
        "shortfall",
        &[
            ("product", s.product_name.clone()),
            ("requested", quantity(s.requested, s.unit.as_str())),
            ("available", quantity(s.available, s.unit.as_str())),
        ],
    )
}

/// The number conventions of the active language, refined by the venue's region when the venue
/// speaks it (`fmt-*` keys of the language's file).
struct Conventions {
    decimal: String,
    group: String,
    clock_12h: bool,
}

fn region_args() -> Vec<(&'static str, String)> {
    let fmt = expect_context::<Fmt>().0.get_untracked();
    let mut parts = fmt.locale.split('-');
    let lang = parts.next().unwrap_or_default();
    let region = if lang == language() { parts.next().unwrap_or_default() } else { "" };
    vec![("region", if region.is_empty() { "none".to_owned() } else { region.to_owned() })]
}

fn conventions() -> Conventions {
    let args = region_args();
    Conventions {
        decimal: ta("fmt-decimal", &args),
        group: ta("fmt-group", &args),
        clock_12h: ta("fmt-clock", &args).trim() == "12",
    }
}

/// An amount of money (`cents`: hundredths of the currency) as the venue writes it: `€ 12,00`.
pub fn money(cents: i64) -> String {
    let fmt = expect_context::<Fmt>().0.get_untracked();
    let c = conventions();
    let amount = format_amount(cents, fmt.decimals, &c.decimal, &c.group);
    let mut args = region_args();
    args.push(("symbol", fmt.symbol.clone()));
    args.push(("amount", amount));
    ta("fmt-money", &args)
}

/// An amount of money as a form field holds it: the locale's decimal separator, no grouping
/// and no symbol (`12,50`).
pub fn amount_text(cents: i64) -> String {
    format_amount(cents, 2, &conventions().decimal, "")
}

/// A quantity with its unit (`1,5 l`, `3 pz`); whole numbers without decimals.
pub fn quantity(q: Qty, unit: &str) -> String {
    let c = conventions();
    format!("{} {unit}", format_qty(q.raw(), &c.decimal))
}

/// A number of units without the unit (`1,5`).
pub fn number(q: Qty) -> String {
    format_qty(q.raw(), &conventions().decimal)
}

/// The time of `at` on the venue's clock (`19:45`, `7:45 PM`).
pub fn clock(at: DateTime<Utc>) -> String {
    let fmt = expect_context::<Fmt>().0.get_untracked();
    let (_, h, m) = venue_local(at, &fmt.timezone);
    format_clock(h, m, conventions().clock_12h)
}

/// A day as the venue writes it (`03/12/2026`; `12/03/2026` in the US).
pub fn date(day: NaiveDate) -> String {
    format_date(day, ta("fmt-date", &region_args()).trim() == "mdy")
}

/// The day and time of `at` on the venue's calendar and clock (`03/12/2026 19:45`).
pub fn moment(at: DateTime<Utc>) -> String {
    let fmt = expect_context::<Fmt>().0.get_untracked();
    let (day, h, m) = venue_local(at, &fmt.timezone);
    format!("{} {}", date(day), format_clock(h, m, conventions().clock_12h))
}

/// `03/12/2026`, or month first (`12/03/2026`).
pub fn format_date(day: NaiveDate, month_first: bool) -> String {
    use chrono::Datelike;
    let (d, m, y) = (day.day(), day.month(), day.year());
    if month_first { format!("{m:02}/{d:02}/{y}") } else { format!("{d:02}/{m:02}/{y}") }
}

/// `cents` with `decimals` digits after `decimal` and `group` between thousands.
pub fn format_amount(cents: i64, decimals: u8, decimal: &str, group: &str) -> String {
    let negative = cents < 0;
    let cents = cents.unsigned_abs();
    let (whole, frac) = (cents / 100, cents % 100);
    // Rounded half up to the currency's digits (0 or 1 of them; money is kept in hundredths).
    let (whole, frac) = match decimals {
        0 => (whole + u64::from(frac >= 50), String::new()),
        1 => {
            let tenths = (frac + 5) / 10;
            if tenths == 10 { (whole + 1, "0".to_owned()) } else { (whole, tenths.to_string()) }
        }
        _ => (whole, format!("{frac:02}")),
    };
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(group);
        }
        grouped.push(ch);
    }
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{decimal}{frac}") }
}

/// A quantity kept in thousandths, without trailing zeros (`1500` is `1,5`).
pub fn format_qty(milli: i64, decimal: &str) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let milli = milli.unsigned_abs();
    let (whole, frac) = (milli / 1000, milli % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{whole}{decimal}{}", frac.trim_end_matches('0'))
}

/// `19:45`, or `7:45 PM` on a 12-hour clock.
pub fn format_clock(hour: u32, minute: u32, twelve: bool) -> String {
    if twelve {
        let h = match hour % 12 {
            0 => 12,
            h => h,
        };
        format!("{h}:{minute:02} {}", if hour < 12 { "AM" } else { "PM" })
    } else {
        format!("{hour:02}:{minute:02}")
    }
}

/// The day, hour and minute of `at` in the time zone `tz`: chrono-tz on the server, the
/// browser's own time zone data (`Intl.DateTimeFormat`) in the browser, so the bundle carries
/// no tz data.
fn venue_local(at: DateTime<Utc>, tz: &str) -> (NaiveDate, u32, u32) {
    use chrono::Timelike;
    #[cfg(feature = "ssr")]
    {
        let local = at.with_timezone(&tz.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC));
        (local.date_naive(), local.hour(), local.minute())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        browser_local(at, tz).unwrap_or_else(|| (at.date_naive(), at.hour(), at.minute()))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        let _ = tz;
        (at.date_naive(), at.hour(), at.minute())
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn browser_local(at: DateTime<Utc>, tz: &str) -> Option<(NaiveDate, u32, u32)> {
    use js_sys::{Array, Intl, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let options = Object::new();
    for (k, v) in [
        ("timeZone", tz),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        Reflect::set(&options, &k.into(), &v.into()).ok()?;
    }
    // `Intl.DateTimeFormat` throws a RangeError for a time zone it does not know: constructed
    // through `Reflect`, the error is a `None` here instead of an exception through the WASM.
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
    let args = Array::of2(&Array::of1(&"en-GB".into()), &options);
    let dtf: Intl::DateTimeFormat = Reflect::construct(&ctor, &args).ok()?.unchecked_into();
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let parts = dtf.format_to_parts(&date);
    let (mut year, mut month, mut day, mut hour, mut minute) = (None, None, None, None, None);
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        match kind.as_str() {
            "year" => year = value.parse::<i32>().ok(),
            "month" => month = value.parse::<u32>().ok(),
            "day" => day = value.parse::<u32>().ok(),
            "hour" => hour = value.parse::<u32>().ok().map(|h| h % 24),
            "minute" => minute = value.parse().ok(),
            _ => {}
        }
    }
    Some((NaiveDate::from_ymd_opt(year?, month?, day?)?, hour?, minute?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_day_first_or_month_first() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 7).expect("a day");
        assert_eq!(format_date(day, false), "07/03/2026");
        assert_eq!(format_date(day, true), "03/07/2026");
    }

    #[test]
    fn amounts_follow_the_language_conventions() {
        assert_eq!(format_amount(1200, 2, ",", "."), "12,00");
        assert_eq!(format_amount(1200, 2, ".", ","), "12.00");
        assert_eq!(format_amount(123_456_789, 2, ",", "."), "1.234.567,89");
        assert_eq!(format_amount(-450, 2, ".", ","), "-4.50");
        assert_eq!(format_amount(5, 2, ".", ","), "0.05");
        assert_eq!(format_amount(1_250_050, 0, ".", ","), "12,501");
        assert_eq!(format_amount(1_250_049, 0, ".", ","), "12,500");
        assert_eq!(format_amount(1299, 1, ".", ","), "13.0");
        assert_eq!(format_amount(1234, 1, ",", "."), "12,3");
    }

    #[test]
    fn quantities_drop_trailing_zeros() {
        assert_eq!(format_qty(3000, ","), "3");
        assert_eq!(format_qty(1500, ","), "1,5");
        assert_eq!(format_qty(330, "."), "0.33");
        assert_eq!(format_qty(-2250, "."), "-2.25");
    }

    #[test]
    fn clocks_have_24_or_12_hours() {
        assert_eq!(format_clock(19, 5, false), "19:05");
        assert_eq!(format_clock(7, 45, false), "07:45");
        assert_eq!(format_clock(19, 45, true), "7:45 PM");
        assert_eq!(format_clock(0, 10, true), "12:10 AM");
        assert_eq!(format_clock(12, 0, true), "12:00 PM");
    }

    #[test]
    fn the_language_is_the_users_else_the_venues_else_the_browsers() {
        assert_eq!(negotiate(Some("en"), Some("it"), Some("it"), Some("it")), "en");
        assert_eq!(negotiate(None, Some("it"), Some("en"), Some("en-US")), "it");
        assert_eq!(negotiate(Some("xx"), Some("it"), None, None), "it");
        // Signed out: the language chosen on the login page, else the browser's.
        assert_eq!(negotiate(None, None, Some("it"), Some("en")), "it");
        assert_eq!(negotiate(None, None, None, Some("it-IT,it;q=0.9")), "it");
        assert_eq!(negotiate(None, None, None, Some("fr")), "en");
        assert_eq!(negotiate(None, None, None, None), "en");
    }
}
