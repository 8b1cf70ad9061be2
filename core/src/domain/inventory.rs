//! Inventory as the API shows it: categories, suppliers, products, lots and stock movements,
//! with the request bodies that create and change them.

use super::quantity::{Money, Qty};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

/// Units a product is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Pieces (pezzi).
    Pz,
    Kg,
    G,
    L,
    Ml,
    Cl,
}

impl Unit {
    pub const ALL: [Unit; 6] = [Unit::Pz, Unit::Kg, Unit::G, Unit::L, Unit::Ml, Unit::Cl];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Pz => "pz",
            Unit::Kg => "kg",
            Unit::G => "g",
            Unit::L => "l",
            Unit::Ml => "ml",
            Unit::Cl => "cl",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// The kind of a stock movement; its sign follows from it (`IN` positive, `OUT` negative).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MovementType {
    /// A lot received.
    #[serde(rename = "IN")]
    In,
    /// Served to an order.
    #[serde(rename = "OUT")]
    Out,
    /// A correction after a count, either sign.
    #[serde(rename = "ADJUST")]
    Adjust,
    /// Thrown away (expired, spoiled, spilled): always negative.
    #[serde(rename = "WASTE")]
    Waste,
}

impl MovementType {
    pub const ALL: [MovementType; 4] = [MovementType::In, MovementType::Out, MovementType::Adjust, MovementType::Waste];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementType::In => "IN",
            MovementType::Out => "OUT",
            MovementType::Adjust => "ADJUST",
            MovementType::Waste => "WASTE",
        }
    }

    pub fn parse(s: &str) -> Option<MovementType> {
        MovementType::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// What a movement of this kind refers to.
    pub fn reference_type(self) -> ReferenceType {
        match self {
            MovementType::In => ReferenceType::LotReceipt,
            MovementType::Out => ReferenceType::Order,
            MovementType::Adjust => ReferenceType::Adjustment,
            MovementType::Waste => ReferenceType::Waste,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReferenceType {
    LotReceipt,
    Order,
    Adjustment,
    Waste,
}

impl ReferenceType {
    pub const ALL: [ReferenceType; 4] =
        [ReferenceType::LotReceipt, ReferenceType::Order, ReferenceType::Adjustment, ReferenceType::Waste];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceType::LotReceipt => "lot_receipt",
            ReferenceType::Order => "order",
            ReferenceType::Adjustment => "adjustment",
            ReferenceType::Waste => "waste",
        }
    }

    pub fn parse(s: &str) -> Option<ReferenceType> {
        ReferenceType::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// For PATCH bodies: absent (`None`), explicit `null` (`Some(None)`) or a value.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Dates from outside: exactly `YYYY-MM-DD` (chrono alone would also take `2026-1-1`).
pub mod strict_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, de::Error};

    pub fn parse(text: &str) -> Result<NaiveDate, String> {
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        let date = shaped.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten();
        date.ok_or_else(|| format!("`{text}` is not a date: expected YYYY-MM-DD"))
    }

    /// An optional date.
    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?.map(|s| parse(&s)).transpose().map_err(D::Error::custom)
    }

    /// A PATCH body's date: absent, `null`, or a date.
    pub fn double_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<NaiveDate>>, D::Error> {
        option(d).map(Some)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub sort_order: i32,
    /// Where its dishes are prepared (`kitchen`, `bar`, ...): the kitchen display filters on it.
    pub station: String,
    pub active: bool,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    pub name: String,
    #[serde(default)]
    pub sort_order: i32,
    pub station: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    pub name: Option<String>,
    pub sort_order: Option<i32>,
    pub station: Option<String>,
    pub active: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Supplier {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSupplier {
    pub name: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplierPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub category_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub name: String,
    pub sku: Option<String>,
    pub unit: Unit,
    pub price: Money,
    pub cost: Option<Money>,
    pub track_stock: bool,
    pub min_stock: Option<Qty>,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub active: bool,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    pub name: String,
    pub unit: Unit,
    pub price: Money,
    pub sku: Option<String>,
    pub cost: Option<Money>,
    pub category_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub track_stock: Option<bool>,
    pub min_stock: Option<Qty>,
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub unit: Option<Unit>,
    pub price: Option<Money>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub sku: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Money>))]
    pub cost: Option<Option<Money>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub category_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub supplier_id: Option<Option<Uuid>>,
    pub track_stock: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Qty>))]
    pub min_stock: Option<Option<Qty>>,
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    pub active: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lot {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub product_id: Uuid,
    pub supplier_id: Option<Uuid>,
    pub lot_code: String,
    pub qty_init: Qty,
    pub qty_current: Qty,
    pub unit: Unit,
    pub cost_per_unit: Option<Money>,
    pub expiry_date: Option<NaiveDate>,
    pub storage_location: Option<String>,
    pub notes: Option<String>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub received_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLot {
    pub product_id: Uuid,
    pub lot_code: String,
    pub qty_init: Qty,
    pub unit: Unit,
    pub cost_per_unit: Option<Money>,
    #[serde(default, deserialize_with = "strict_date::option")]
    pub expiry_date: Option<NaiveDate>,
    pub storage_location: Option<String>,
    pub supplier_id: Option<Uuid>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub received_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LotPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub storage_location: Option<Option<String>>,
    #[serde(default, deserialize_with = "strict_date::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub expiry_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: Option<Option<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdjustRequest {
    /// Signed: positive adds stock, negative removes it; never 0.
    pub quantity: Qty,
    pub reason: String,
    pub movement_type: MovementType,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movement {
    pub id: Uuid,
    pub lot_id: Uuid,
    pub lot_code: String,
    pub product_id: Uuid,
    pub quantity: Qty,
    pub movement_type: MovementType,
    pub reference_type: ReferenceType,
    pub reference_id: Option<Uuid>,
    pub reason: Option<String>,
    pub created_by: Option<Uuid>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
}

/// A movement the store is asked to write beside a change of a lot.
#[derive(Clone, Debug)]
pub struct NewMovement {
    pub id: Uuid,
    pub quantity: Qty,
    pub movement_type: MovementType,
    pub reference_id: Option<Uuid>,
    pub reason: Option<String>,
    pub created_by: Option<Uuid>,
}

#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FefoRequest {
    pub product_id: Uuid,
    pub quantity: Qty,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FefoPreview {
    pub product_id: Uuid,
    pub quantity: Qty,
    pub allocations: Vec<super::Allocation>,
    pub sufficient: bool,
    pub available: Qty,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_the_contract_names() {
        for u in Unit::ALL {
            assert_eq!(serde_json::to_string(&u).unwrap(), format!("\"{}\"", u.as_str()));
            assert_eq!(Unit::parse(u.as_str()), Some(u));
        }
        for m in MovementType::ALL {
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{}\"", m.as_str()));
            assert_eq!(MovementType::parse(m.as_str()), Some(m));
        }
        for r in ReferenceType::ALL {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
            assert_eq!(ReferenceType::parse(r.as_str()), Some(r));
        }
        assert_eq!(MovementType::Waste.reference_type(), ReferenceType::Waste);
    }

    #[test]
    fn dates_are_exactly_year_month_day() {
        assert_eq!(strict_date::parse("2026-01-09"), Ok(NaiveDate::from_ymd_opt(2026, 1, 9).unwrap()));
        for bad in ["2026-1-1", "2026-01-1", "26-01-01", "2026/01/01", "2026-02-30", "2026-01-01T00:00", " 2026-01-01"]
        {
            assert!(strict_date::parse(bad).is_err(), "{bad:?}");
        }
        let lot = r#"{"product_id": "00000000-0000-0000-0000-000000000001", "lot_code": "L", "qty_init": 1,
                      "unit": "pz", "expiry_date": "2026-1-1"}"#;
        let e = serde_json::from_str::<NewLot>(lot).unwrap_err().to_string();
        assert!(e.contains("expected YYYY-MM-DD"), "{e}");
        let p: LotPatch = serde_json::from_str(r#"{"expiry_date": null}"#).unwrap();
        assert_eq!(p.expiry_date, Some(None));
        assert!(serde_json::from_str::<LotPatch>(r#"{"expiry_date": "2026-12-1"}"#).is_err());
    }

    #[test]
    fn patches_tell_null_from_absent() {
        let p: LotPatch = serde_json::from_str(r#"{"notes": null, "storage_location": "Fridge 2"}"#).unwrap();
        assert_eq!(p.notes, Some(None));
        assert_eq!(p.storage_location, Some(Some("Fridge 2".into())));
        assert_eq!(p.expiry_date, None);
        assert!(serde_json::from_str::<LotPatch>(r#"{"qty_current": 3}"#).is_err());
    }
}
