//! How request bodies are read where serde's derive is more lenient than the contract: a struct
//! derive also takes a JSON array of the fields in order (`[1, 2]` for `{"x": 1, "y": 2}`), and
//! the contract writes every such value as an object.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error};
use serde_json::{Map, Value};

/// A struct the contract writes as a JSON object, for `#[serde(deserialize_with)]`.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    from_object(Map::deserialize(d)?).map_err(D::Error::custom)
}

/// An optional object (`null` or absent is `None`).
pub fn optional_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Option::<Map<String, Value>>::deserialize(d)?.map(from_object).transpose().map_err(D::Error::custom)
}

/// A PATCH body's object: absent (`None`), `null` (`Some(None)`) or the object.
pub fn double_optional_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    optional_object(d).map(Some)
}

/// A list of objects.
pub fn objects<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Vec::<Map<String, Value>>::deserialize(d)?
        .into_iter()
        .enumerate()
        .map(|(i, map)| from_object(map).map_err(|e| format!("[{i}].{e}")))
        .collect::<Result<_, _>>()
        .map_err(D::Error::custom)
}

/// The struct of an object, naming the path of what is wrong in it.
fn from_object<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, String> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| match e.path().to_string().as_str() {
        "." => e.inner().to_string(),
        path => format!("{path}: {}", e.inner()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Point {
        x: i32,
        y: i32,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "object")]
        at: Point,
        #[serde(default, deserialize_with = "objects")]
        more: Vec<Point>,
    }

    #[test]
    fn objects_are_taken_and_arrays_refused() {
        let body: Body = serde_json::from_value(json!({"at": {"x": 1, "y": 2}, "more": [{"x": 3, "y": 4}]})).unwrap();
        assert_eq!((body.at, body.more), (Point { x: 1, y: 2 }, vec![Point { x: 3, y: 4 }]));
        // serde's derive alone would read `[1, 2]` as {x: 1, y: 2}.
        assert!(serde_json::from_value::<Point>(json!([1, 2])).is_ok());
        let e = serde_json::from_value::<Body>(json!({"at": [1, 2]})).unwrap_err().to_string();
        assert!(e.contains("expected a map"), "{e}");
        let e = serde_json::from_value::<Body>(json!({"at": {"x": 1, "y": 2}, "more": [[3, 4]]})).unwrap_err();
        assert!(e.to_string().contains("expected a map"), "{e}");
        let e =
            serde_json::from_value::<Body>(json!({"at": {"x": 1, "y": 2}, "more": [{"x": 3, "z": 4}]})).unwrap_err();
        assert!(e.to_string().contains("[0].z: unknown field `z`"), "{e}");
    }
}
