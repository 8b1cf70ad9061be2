//! The venue's language, money, locale and time zone, the user's own language, and the language
//! a page is rendered in: the user's choice, else the venue's, else the login page's choice, else
//! the browser's `Accept-Language`.

use crate::helpers::{Backend, DEMO_T1, DEMO_VENUE, HTML, TestApp, assert_error, expect_ok, submit_login_form_in};
use beerflow_core::domain::{User, Venue};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    a_manager_sets_the_venues_currency_language_locale_and_time_zone,
    bad_venue_settings_name_their_field_and_change_nothing,
    a_user_chooses_the_language_of_their_screens,
    a_page_speaks_the_users_language_else_the_venues_else_the_browsers,
    the_login_page_speaks_the_browsers_language_or_the_one_chosen_on_it,
);

fn venue() -> String {
    format!("/api/v1/venues/{DEMO_VENUE}")
}

async fn a_manager_sets_the_venues_currency_language_locale_and_time_zone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let demo: Venue = app.get_as(&venue(), &manager).await;
    assert_eq!(
        (demo.currency.as_str(), demo.language.as_str(), demo.locale.as_str(), demo.timezone.as_str()),
        ("EUR", "it", "it-IT", "Europe/Rome")
    );
    let body = json!({"currency": "chf", "language": "en", "locale": "en-ch", "timezone": "Europe/Zurich"});
    let saved: Venue = app.patch_as(&venue(), &manager, &body).await;
    assert_eq!(
        (saved.currency.as_str(), saved.language.as_str(), saved.locale.as_str(), saved.timezone.as_str()),
        ("CHF", "en", "en-CH", "Europe/Zurich")
    );
    // Kept, and the other settings untouched.
    let read: Venue = app.get_as(&venue(), &app.token("admin").await).await;
    assert_eq!(read.currency, "CHF");
    assert_eq!(read.locale, "en-CH");
    assert_eq!((read.kds_warn_minutes, read.kds_late_minutes), (demo.kds_warn_minutes, demo.kds_late_minutes));
    assert_eq!(read.name, demo.name);
    // One field alone changes only that field.
    let yen: Venue = app.patch_as(&venue(), &manager, &json!({"currency": "JPY"})).await;
    assert_eq!((yen.currency.as_str(), yen.language.as_str()), ("JPY", "en"));

    // A waiter or the kitchen may not.
    for who in ["waiter1", "chef"] {
        let res = app.patch(&venue(), &app.token(who).await, &json!({"currency": "USD"})).await;
        assert_error(res, 403, "").await;
    }
    let read: Venue = app.get_as(&venue(), &manager).await;
    assert_eq!(read.currency, "JPY");
}

async fn bad_venue_settings_name_their_field_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let before: Venue = app.get_as(&venue(), &manager).await;
    for (body, needle) in [
        (json!({"currency": "EURO"}), "currency"),
        (json!({"currency": "ZZZ"}), "currency"),
        (json!({"currency": ""}), "currency"),
        (json!({"language": "fr"}), "language"),
        (json!({"language": "en", "currency": "nope"}), "currency"),
        (json!({"currency": "USD", "language": "klingon"}), "language"),
        (json!({"locale": "not a locale"}), "locale"),
        (json!({"locale": ""}), "locale"),
        // A format is a language of the screens and a region: German is not (yet) one.
        (json!({"locale": "de-CH"}), "locale"),
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"timezone": "Europe/London", "locale": "en_GB!"}), "locale"),
        (json!({"currency": 978}), "currency"),
        (json!({"currency": "GBP", "colour": "red"}), "colour"),
    ] {
        let res = app.patch(&venue(), &manager, &body).await;
        let err = assert_error(res, 400, needle).await;
        assert_eq!(err["error"], "bad_request", "{body}");
    }
    let after: Venue = app.get_as(&venue(), &manager).await;
    assert_eq!(
        (after.currency, after.language, after.locale, after.timezone),
        (before.currency, before.language, before.locale, before.timezone)
    );
}

async fn a_user_chooses_the_language_of_their_screens(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    assert_eq!(app.me(&waiter).await.language, None, "no choice yet: the venue's");
    let me: User = app.patch_as("/api/v1/auth/me", &waiter, &json!({"language": "en"})).await;
    assert_eq!(me.language.as_deref(), Some("en"));
    assert_eq!(app.me(&waiter).await.language.as_deref(), Some("en"));
    // Absent: unchanged.
    let me: User = app.patch_as("/api/v1/auth/me", &waiter, &json!({})).await;
    assert_eq!(me.language.as_deref(), Some("en"));

    for (body, needle) in [
        (json!({"language": "de"}), "language"),
        (json!({"language": ""}), "language"),
        (json!({"language": 3}), "language"),
        (json!({"role": "admin"}), "role"),
    ] {
        let err = assert_error(app.patch("/api/v1/auth/me", &waiter, &body).await, 400, needle).await;
        assert_eq!(err["error"], "bad_request");
    }
    assert_eq!(app.me(&waiter).await.language.as_deref(), Some("en"), "refused changes change nothing");
    // Only the user's own: another user is untouched.
    assert_eq!(app.me(&app.token("waiter2").await).await.language, None);

    // `null`: back to the venue's.
    let me: User = app.patch_as("/api/v1/auth/me", &waiter, &json!({"language": null})).await;
    assert_eq!(me.language, None);
    // Without a session: 401.
    let res = app.client.patch(app.url("/api/v1/auth/me")).json(&json!({"language": "en"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// The `<html>` element of a page.
fn html_tag(page: &str) -> &str {
    let start = page.find("<html").unwrap_or_else(|| panic!("no <html> in {page}"));
    &page[start..start + page[start..].find('>').unwrap()]
}

async fn get_page(app: &TestApp, browser: &reqwest::Client, path: &str, accept_language: &str) -> String {
    let res = browser
        .get(app.url(path))
        .header("Accept", HTML)
        .header("Accept-Language", accept_language)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

async fn a_page_speaks_the_users_language_else_the_venues_else_the_browsers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    submit_login_form_in(&app, &browser, "waiter1").await;
    let pad = format!("/waiter/table/{DEMO_T1}");

    // No choice of the user's: the venue's Italian, whatever the browser asks.
    let page = get_page(&app, &browser, &pad, "en-US,en;q=0.9").await;
    let html = html_tag(&page);
    assert!(html.contains("lang=\"it\""), "{html}");
    assert!(html.contains("data-currency=\"EUR\"") && html.contains("data-tz=\"Europe/Rome\""), "{html}");
    assert!(page.contains("Tavolo T1"), "the pad names its table in Italian");
    assert!(page.contains("€ 12,00"), "prices in the Italian way");
    assert!(!page.contains("€12.00"));

    // The user chooses English: the next page, same session, is in English, money still in euros.
    let token = app.token("waiter1").await;
    expect_ok(app.patch("/api/v1/auth/me", &token, &json!({"language": "en"})).await).await;
    let page = get_page(&app, &browser, &pad, "it-IT,it;q=0.9").await;
    assert!(html_tag(&page).contains("lang=\"en\""), "{}", html_tag(&page));
    assert!(page.contains("Table T1") && page.contains("€12.00"), "English words and money");
    assert!(!page.contains("Tavolo T1"));

    // Back to the venue's, and the venue switches to English and pounds.
    expect_ok(app.patch("/api/v1/auth/me", &token, &json!({"language": null})).await).await;
    let manager = app.token("manager").await;
    let body = json!({"language": "en", "currency": "GBP", "locale": "en-GB", "timezone": "Europe/London"});
    expect_ok(app.patch(&format!("/api/v1/venues/{DEMO_VENUE}"), &manager, &body).await).await;
    let page = get_page(&app, &browser, &pad, "it").await;
    let html = html_tag(&page);
    assert!(html.contains("lang=\"en\"") && html.contains("data-tz=\"Europe/London\""), "{html}");
    assert!(page.contains("£12.00"), "the venue's new currency");
}

async fn the_login_page_speaks_the_browsers_language_or_the_one_chosen_on_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (accept, lang, words) in [
        ("it-IT,it;q=0.9,en;q=0.8", "it", "Accedi"),
        ("en-GB,en;q=0.9", "en", "Sign in"),
        ("fr-FR,de;q=0.8", "en", "Sign in"),
        ("fr-FR,it;q=0.5", "it", "Accedi"),
    ] {
        let page = get_page(&app, &app.client, "/login", accept).await;
        assert!(html_tag(&page).contains(&format!("lang=\"{lang}\"")), "{accept}: {}", html_tag(&page));
        assert!(page.contains(words), "{accept}: {words}");
    }
    // The language chosen on the login page (a cookie) wins over the browser's.
    let res = app
        .client
        .get(app.url("/login"))
        .header("Accept", HTML)
        .header("Accept-Language", "en")
        .header("Cookie", "beerflow_lang=it")
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(html_tag(&page).contains("lang=\"it\""), "{}", html_tag(&page));
    // A cookie naming no language of ours is ignored.
    let res = app
        .client
        .get(app.url("/login"))
        .header("Accept", HTML)
        .header("Accept-Language", "en")
        .header("Cookie", "beerflow_lang=xx")
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(html_tag(&page).contains("lang=\"en\""), "{}", html_tag(&page));
}
