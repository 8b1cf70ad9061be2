//! The error of every server function: the use case's own `AppError`, typed across the wire, so
//! a screen can tell a conflict from a bad request from a stock shortfall; or the network's
//! failure to bring an answer at all. The server answers each with the REST API's status code
//! (`server`'s `server_fn_status` layer reads it from here).

use beerflow_core::AppError;
use beerflow_core::domain::stock::Shortfall;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UiError {
    /// The server answered: the use case refused or failed, with the REST API's error.
    App(AppError),
    /// No usable answer came back (offline, the server down or restarting, a proxy's error page).
    Network(String),
}

impl UiError {
    /// The products that could not be served, when that is what went wrong.
    pub fn shortfalls(&self) -> Option<&[Shortfall]> {
        match self {
            UiError::App(AppError::InsufficientStock(list)) => Some(list),
            _ => None,
        }
    }

    /// The HTTP status the server answers this error with.
    pub fn status_code(&self) -> u16 {
        match self {
            UiError::App(e) => e.status_code(),
            UiError::Network(_) => 503,
        }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UiError::App(e) => e.fmt(f),
            UiError::Network(_) => f.write_str("The server could not be reached. Check the connection and try again."),
        }
    }
}

impl std::error::Error for UiError {}

impl From<AppError> for UiError {
    fn from(e: AppError) -> Self {
        UiError::App(e)
    }
}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            // On the client: the request went nowhere, or what came back was not our answer.
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Deserialization(m) => UiError::Network(m),
            // On the server: the caller sent arguments the function cannot take.
            ServerFnErrorErr::Args(m) => UiError::App(AppError::bad_request(format!("invalid arguments: {m}"))),
            ServerFnErrorErr::MissingArg(m) => UiError::App(AppError::bad_request(format!("missing argument: {m}"))),
            other => UiError::App(AppError::internal(format!("server function: {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beerflow_core::domain::Qty;
    use beerflow_core::domain::inventory::Unit;

    #[test]
    fn errors_cross_the_wire_typed() {
        let shortfall = Shortfall {
            product_id: uuid::Uuid::nil(),
            product_name: "Caesar salad".into(),
            requested: Qty::whole(13),
            available: Qty::whole(12),
            unit: Unit::Pz,
        };
        for e in [
            UiError::App(AppError::InsufficientStock(vec![shortfall.clone()])),
            UiError::App(AppError::conflict("order 7 is ready")),
            UiError::Network("Failed to fetch".into()),
        ] {
            assert_eq!(UiError::de(e.ser()), e);
        }
        let e = UiError::App(AppError::InsufficientStock(vec![shortfall]));
        assert_eq!(e.status_code(), 400);
        assert_eq!(e.shortfalls().map(<[_]>::len), Some(1));
        assert!(e.to_string().contains("insufficient stock: `Caesar salad` requested 13 pz, available 12 pz"));
    }

    #[test]
    fn transport_failures_are_network_errors_and_bad_arguments_are_400() {
        let offline = UiError::from_server_fn_error(ServerFnErrorErr::Request("Failed to fetch".into()));
        assert!(matches!(offline, UiError::Network(_)));
        assert!(!offline.to_string().contains("Failed to fetch"), "no developer's message on screen");
        let args = UiError::from_server_fn_error(ServerFnErrorErr::Args("status: unknown variant".into()));
        assert_eq!(args.status_code(), 400);
        assert_eq!(UiError::de(leptos::server_fn::Bytes::from_static(b"<html>502</html>")).status_code(), 503);
    }
}
