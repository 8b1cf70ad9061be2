//! How the screens' resources travel from the server-rendered page to the browser: JSON, read
//! with the same `serde_json` entry point (`from_slice`) the server functions' answers are read
//! with. A type that is both a resource's value and a server function's answer (nearly every one)
//! then has one decoder in the WASM bundle instead of two (`from_str` and `from_slice` are two
//! instances of every `Deserialize` impl). What the browser keeps in `localStorage` is read the
//! same way (`saved`).

use leptos::prelude::Resource;
use serde::{Serialize, de::DeserializeOwned};

/// The resources' codec: `serde_json` both ways, decoded from bytes.
pub struct Json;

impl<T: Serialize> codee::Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> codee::Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        decode(val)
    }
}

/// A value read from JSON text, by the one decoder of its type.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_slice(text.as_bytes())
}

/// A resource of the screens (what `Resource::new` is, with the codec above): `fetcher` runs on
/// the server while the page renders, its value goes with the page, and in the browser it runs
/// again each time `source` changes.
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codee::{Decoder, Encoder};

    #[test]
    fn a_value_comes_back_as_it_went() {
        let value: Result<Vec<(String, i64)>, String> = Ok(vec![("Birra è \"rossa\"".into(), -3)]);
        let text = <Json as Encoder<_>>::encode(&value).unwrap();
        let back: Result<Vec<(String, i64)>, String> = <Json as Decoder<_>>::decode(&text).unwrap();
        assert_eq!(back, value);
        assert!(decode::<Vec<i64>>("[1,").is_err());
    }
}
