//! What the manager's forms share: an error shown next to the field it names (the use cases'
//! messages start with the field, `price: must not be negative`; keyed ones carry it as the
//! `field` argument), else at the form's foot; and reading a form's text into numbers for view.

use crate::error::UiError;
use crate::i18n::error_text;
use beerflow_core::AppError;
use leptos::prelude::*;

/// The field an error is about, when it names one.
pub fn error_field(e: &UiError) -> Option<String> {
    let UiError::App(app) = e else { return None };
    if let AppError::InsufficientStock(_) = app {
        return None;
    }
    let msg = app.msg()?;
    if let Some((_, field)) = msg.args.iter().find(|(k, _)| k == "field") {
        return Some(field.clone());
    }
    let (head, _) = msg.text.split_once(':')?;
    (!head.is_empty() && head.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then(|| head.to_owned())
}

/// The error of the last submit, next to `field` when it is about that field.
#[component]
pub fn FieldError(error: RwSignal<Option<UiError>>, field: &'static str) -> impl IntoView {
    let text = move || error.with(|e| e.as_ref().filter(|e| error_field(e).as_deref() == Some(field)).map(error_text));
    view! { <p class="field-error" role="alert" data-field=field>{text}</p> }
}

/// The error of the last submit when it is about none of `fields` (a conflict, the network).
#[component]
pub fn FormError(error: RwSignal<Option<UiError>>, fields: &'static [&'static str]) -> impl IntoView {
    let text = move || {
        error.with(|e| {
            e.as_ref().filter(|e| error_field(e).is_none_or(|f| !fields.contains(&f.as_str()))).map(error_text)
        })
    };
    view! { <p class="error" role="alert">{text}</p> }
}

/// The text of the field `name` of the form being submitted (empty when there is none). The
/// settings and sign-in forms read their fields this way and dispatch their action themselves:
/// leptos' `ActionForm` would do the same through a query-string decoder (`serde_qs`) that every
/// screen's bundle carries for four forms.
pub fn submitted(ev: &leptos::ev::SubmitEvent, name: &str) -> String {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
        .and_then(|form| leptos::web_sys::FormData::new_with_form(&form).ok())
        .and_then(|data| data.get(name).as_string())
        .unwrap_or_default()
}

/// `aria-invalid` for a field while the last error is about it.
pub fn invalid(error: RwSignal<Option<UiError>>, field: &'static str) -> impl Fn() -> Option<&'static str> {
    move || error.with(|e| e.as_ref().and_then(error_field).filter(|f| f == field).map(|_| "true"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_comes_from_the_key_or_the_message() {
        let keyed =
            AppError::bad_request("qty_init: is required").keyed("err-required", [("field", "qty_init".into())]);
        assert_eq!(error_field(&keyed.into()).as_deref(), Some("qty_init"));
        let plain = AppError::conflict("sku: `IPA-1` is already used by another product");
        assert_eq!(error_field(&plain.into()).as_deref(), Some("sku"));
        let sentence = AppError::conflict("table T1 has open orders: close them first");
        assert_eq!(error_field(&sentence.into()), None);
        assert_eq!(error_field(&UiError::Network("down".into())), None);
    }
}
