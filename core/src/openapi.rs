//! OpenAPI schemas (feature `openapi`) of the API types that do not derive theirs where they are
//! declared: the login and lot-trace bodies of `services`. Each is described by a mirror struct
//! of the same fields, and a test keeps the mirror's fields those the real type writes.
//! Everything else derives `utoipa::ToSchema` beside its serde derive.

#[cfg(feature = "ssr")]
mod services {
    use crate::domain::User;
    use crate::domain::inventory::{Lot, Movement};
    use crate::services::{LoginRequest, LoginResponse, LotTrace, TraceEntry};
    use std::borrow::Cow;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    use utoipa::{PartialSchema, ToSchema};
    use uuid::Uuid;

    /// Gives `$real` the schema of `$mirror`, under `$real`'s own name.
    macro_rules! schema_of {
        ($($real:ident => $mirror:ident),* $(,)?) => {$(
            impl PartialSchema for $real {
                fn schema() -> RefOr<Schema> {
                    <$mirror as PartialSchema>::schema()
                }
            }
            impl ToSchema for $real {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed(stringify!($real))
                }
                fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                    <$mirror as ToSchema>::schemas(schemas)
                }
            }
        )*};
    }

    schema_of!(
        LoginRequest => LoginRequestSchema,
        LoginResponse => LoginResponseSchema,
        TraceEntry => TraceEntrySchema,
        LotTrace => LotTraceSchema,
    );

    /// `POST /auth/login`.
    #[derive(ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct LoginRequestSchema {
        email: String,
        password: String,
    }

    #[derive(ToSchema)]
    #[allow(dead_code)]
    struct LoginResponseSchema {
        /// Send it as `Authorization: Bearer <access_token>`.
        access_token: String,
        /// Always `Bearer`.
        token_type: String,
        /// Seconds the token stays valid.
        expires_in: u64,
        user: User,
    }

    /// One movement of a lot's trace; order movements also name the order and its table.
    #[derive(ToSchema)]
    #[allow(dead_code)]
    struct TraceEntrySchema {
        #[serde(flatten)]
        movement: Movement,
        #[schema(required = true)]
        order_id: Option<Uuid>,
        #[schema(required = true)]
        order_number: Option<String>,
        #[schema(required = true)]
        table_name: Option<String>,
    }

    /// Where a lot came from and everything that happened to it.
    #[derive(ToSchema)]
    #[allow(dead_code)]
    struct LotTraceSchema {
        lot: Lot,
        product_name: String,
        movements: Vec<TraceEntry>,
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::domain::Role;
        use crate::domain::inventory::{MovementType, ReferenceType, Unit};
        use crate::domain::{Money, Qty};
        use serde_json::Value;
        use std::collections::BTreeSet;
        use utoipa::openapi::schema::{AllOf, Object};

        /// The property names of a schema (the parts of an `allOf` together, references to
        /// `refs` followed).
        fn properties(schema: &RefOr<Schema>, refs: &[(String, RefOr<Schema>)]) -> BTreeSet<String> {
            match schema {
                RefOr::Ref(r) => {
                    let name = r.ref_location.rsplit('/').next().unwrap();
                    let (_, target) = refs.iter().find(|(n, _)| n == name).expect("referenced schema");
                    properties(target, refs)
                }
                RefOr::T(Schema::Object(Object { properties, .. })) => properties.keys().cloned().collect(),
                RefOr::T(Schema::AllOf(AllOf { items, .. })) => {
                    items.iter().flat_map(|i| properties(i, refs)).collect()
                }
                other => panic!("unexpected schema {}", serde_json::to_string(other).unwrap()),
            }
        }

        fn assert_same_fields<T: ToSchema + serde::Serialize>(value: &T) {
            let mut refs = Vec::new();
            T::schemas(&mut refs);
            let Value::Object(wire) = serde_json::to_value(value).unwrap() else { panic!("not an object") };
            let wire: BTreeSet<String> = wire.keys().cloned().collect();
            assert_eq!(properties(&T::schema(), &refs), wire, "the schema of {} lists its fields", T::name());
        }

        #[test]
        fn the_mirrors_list_the_fields_the_types_write() {
            let now = chrono::Utc::now();
            let id = Uuid::from_u128(1);
            let user = User {
                id,
                venue_id: id,
                email: "a@b.io".into(),
                name: "A".into(),
                role: Role::Admin,
                active: true,
                created_at: now,
            };
            assert_same_fields(&LoginRequest { email: "a@b.io".into(), password: "secret".into() });
            assert_same_fields(&LoginResponse {
                access_token: "t".into(),
                token_type: "Bearer".into(),
                expires_in: 1,
                user,
            });
            let lot = Lot {
                id,
                venue_id: id,
                product_id: id,
                supplier_id: None,
                lot_code: "L1".into(),
                qty_init: Qty::whole(1),
                qty_current: Qty::whole(1),
                unit: Unit::Pz,
                cost_per_unit: Some(Money::whole(1)),
                expiry_date: None,
                storage_location: None,
                notes: None,
                received_at: now,
                created_at: now,
                updated_at: now,
            };
            let movement = Movement {
                id,
                lot_id: id,
                lot_code: "L1".into(),
                product_id: id,
                quantity: Qty::whole(1),
                movement_type: MovementType::In,
                reference_type: ReferenceType::LotReceipt,
                reference_id: None,
                reason: None,
                created_by: None,
                created_at: now,
            };
            let entry = TraceEntry { movement, order_id: None, order_number: None, table_name: None };
            assert_same_fields(&entry);
            assert_same_fields(&LotTrace { lot, product_name: "Burger".into(), movements: vec![entry] });
        }
    }
}
