//! The OpenAPI document's parts that are not a handler's own: the document's head, the security
//! schemes, the error responses the handlers list, the path parameters, and `GET
//! /api/v1/openapi.json` itself. The paths come from the handlers' `#[utoipa::path]`, registered
//! with the router in `routes::api_routes` (see `routes::openapi`).

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use beerflow_core::error::ErrorBody;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi};
use uuid::Uuid;

/// The document's head; `routes::openapi` adds the paths and their schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "BeerFlow API",
        description = "The REST API of BeerFlow (the contract is `docs/spec/API.md`): venues, staff, \
                       inventory with FEFO lots, tables and orders. Requests authenticate with \
                       `Authorization: Bearer <access_token>` from `POST /api/v1/auth/login`; the \
                       browser UI's HttpOnly session cookie works too. Every error has the `ErrorBody` body."
    ),
    modifiers(&SecuritySchemes),
    components(schemas(ErrorBody)),
    tags(
        (name = "auth", description = "Login and the current user"),
        (name = "venues", description = "The venue and its staff accounts"),
        (name = "inventory", description = "Categories, suppliers, products, lots, stock movements, FEFO"),
        (name = "tables", description = "Dining tables and the floor plan"),
        (name = "orders", description = "Orders, their status moves and the kitchen display"),
        (name = "live", description = "The real-time event feed"),
        (name = "meta", description = "Health and this document"),
    )
)]
pub struct ApiDoc;

/// `bearer`: the access token of `POST /api/v1/auth/login`; `session`: the browser UI's cookie.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build();
        bearer.description = Some("The `access_token` of `POST /api/v1/auth/login`.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        let mut cookie = ApiKeyValue::new(crate::guard::SESSION_COOKIE);
        cookie.description = Some(
            "The HttpOnly session cookie of the browser UI (set by its login page); writes with it must \
             come from BeerFlow's own pages (`Origin`), else 403."
                .into(),
        );
        components.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(cookie)));
    }
}

/// Response types that serde writes with every field, an `Option` one as `null`: all their
/// properties are required (the derive marks `Option` fields optional, as request bodies need).
const WRITTEN_WHOLE: &[&str] = &[
    "Allocation",
    "Category",
    "ErrorBody",
    "FefoPreview",
    "ItemAllocation",
    "KitchenOrder",
    "LoginResponse",
    "Lot",
    "LotTrace",
    "Movement",
    "Order",
    "OrderItem",
    "Promise",
    "Product",
    "ProductSummary",
    "StockSummary",
    "Supplier",
    "SummaryLot",
    "Table",
    "TraceEntry",
    "User",
    "Venue",
];

/// Marks every property of the `WRITTEN_WHOLE` schemas required (of each inline part of an
/// `allOf`, for the flattened ones).
pub fn require_written_fields(doc: &mut Document) {
    fn require_all(object: &mut Object) {
        object.required = object.properties.keys().cloned().collect();
    }
    let schemas = &mut doc.components.as_mut().expect("components").schemas;
    for name in WRITTEN_WHOLE {
        match schemas.get_mut(*name) {
            Some(RefOr::T(Schema::Object(object))) => require_all(object),
            Some(RefOr::T(Schema::AllOf(all))) => {
                for part in &mut all.items {
                    if let RefOr::T(Schema::Object(object)) = part {
                        require_all(object);
                    }
                }
            }
            _ => panic!("the OpenAPI document has no object schema `{name}`"),
        }
    }
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .build()
}

/// One marker type per error status, for the handlers' `responses(...)`: each is that status
/// with the contract's error body.
macro_rules! error_responses {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $description:literal;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([($status.to_string(), error_response($description).into())])
            }
        }
    )*};
}

error_responses! {
    BadRequest = 400, "Malformed JSON, a wrong type, a missing required or unknown field, a value out of its \
                       range, a malformed id, date or query parameter (`insufficient` stock when serving).";
    Unauthorized = 401, "No token, a bad or expired token, or a deactivated account.";
    Forbidden = 403, "The role may not do this, or the venue is not the user's.";
    NotFound = 404, "No such id in this venue (an id of another venue included).";
    Conflict = 409, "A state conflict: a duplicate name, sku, lot code or e-mail, a move the state machine \
                     refuses, a table with open orders.";
    PayloadTooLarge = 413, "The body is larger than 1 MiB.";
    Unavailable = 503, "The database is unavailable; try again.";
}

/// `POST /auth/login`'s 401.
pub struct WrongLogin;

impl IntoResponses for WrongLogin {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let description = "Unknown e-mail, wrong password or a deactivated account (the same answer for each).";
        BTreeMap::from([("401".to_owned(), error_response(description).into())])
    }
}

/// `POST /auth/login`'s 429, with its `Retry-After`.
pub struct TooManyLogins;

impl IntoResponses for TooManyLogins {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut response = error_response("Too many failed logins for this e-mail (from this client or from all).");
        let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).build();
        let header = HeaderBuilder::new()
            .schema(seconds)
            .description(Some("Seconds until the next attempt is accepted."))
            .build();
        response.headers.insert("Retry-After".to_owned(), header);
        BTreeMap::from([("429".to_owned(), response.into())])
    }
}

/// `/venues/{venue_id}/...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct VenuePath {
    /// The venue's id (the user's own venue).
    venue_id: Uuid,
}

/// `/venues/{venue_id}/<collection>/{id}...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct VenueItemPath {
    /// The venue's id (the user's own venue).
    venue_id: Uuid,
    /// The id of the item, in this venue.
    id: Uuid,
}

/// `/venues/{venue_id}/users/{user_id}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct VenueUserPath {
    /// The venue's id (the user's own venue).
    venue_id: Uuid,
    /// The user's id, in this venue.
    user_id: Uuid,
}

/// This document (OpenAPI 3.1), generated from the handlers and types; no authentication.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI document of this API.", body = Object))
)]
pub async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: OnceLock<axum::body::Bytes> = OnceLock::new();
    let json = DOCUMENT.get_or_init(|| serde_json::to_vec(&super::openapi()).expect("the document is JSON").into());
    ([(CONTENT_TYPE, "application/json")], json.clone())
}
