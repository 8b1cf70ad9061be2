//! The store's SQL dialect: every statement is written once, as a template, and rendered for
//! SQLite or PostgreSQL in each backend's native types.
//!
//! Placeholders are `$1`, `$2`, ... on both backends (sqlx's SQLite driver binds `$N` by its
//! number, as PostgreSQL does). `TRUE` and `FALSE` are plain SQL on both. The markers:
//!
//! | marker | means | SQLite | PostgreSQL |
//! |---|---|---|---|
//! | `@q(col)` | read a quantity as integer thousandths | `col_milli` | `(col * 1000)::bigint` |
//! | `@m(col)` | read money as integer cents | `col_cents` | `(col * 100)::bigint` |
//! | `@qc(col)` | the quantity column itself | `col_milli` | `col` |
//! | `@mc(col)` | the money column itself | `col_cents` | `col` |
//! | `@qv($N)` | a quantity parameter (thousandths) | `$N` | `($N::bigint)::numeric / 1000` |
//! | `@mv($N)` | a money parameter (cents) | `$N` | `($N::bigint)::numeric / 100` |
//! | `@json($N)` | a JSON parameter (text) | `$N` | `$N::jsonb` |
//! | `@jsoncol(col)` | read a JSON column as text | `col` | `col::text` |
//! | `@ilike` | case-insensitive `LIKE` | `LIKE` | `ILIKE` |
//! | `@lock` | lock the rows read | nothing | ` FOR NO KEY UPDATE` |
//! | `@lockof(t)` | lock the rows of alias `t` only | nothing | ` FOR NO KEY UPDATE OF t` |
//!
//! The rule `@qc` and `@mc` impose: the bare column is in thousandths (cents) on SQLite and in
//! units on PostgreSQL, so it may only be compared with 0, assigned from `@qv`/`@mv`, or combined
//! with another column of the same marker (`@qc(a) - @qv($1)`); never with a plain number.
//!
//! SQLite needs no row locks: its write transactions (`BEGIN IMMEDIATE`) already exclude each
//! other. PostgreSQL's `NO KEY` locks do not block the foreign-key checks of inserts that refer
//! to the locked row.

use crate::AppError;

/// A read-modify-write step of an update: gets the current row, returns the row to store (or
/// an error, and then nothing is written).
pub type Apply<'a, T> = &'a (dyn Fn(T) -> Result<T, AppError> + Send + Sync);

/// Renders a template (see the module's table) for PostgreSQL (`pg`) or SQLite.
///
/// Panics on an unknown marker or an unclosed argument: templates are constants of the code,
/// so every one of them is rendered by the tests of the store on both backends.
pub fn render(template: &str, pg: bool) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let word: String = rest[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let after_word = &rest[at + 1 + word.len()..];
        let (arg, after_arg) = match after_word.strip_prefix('(') {
            Some(a) => {
                let close = a.find(')').expect("marker argument is closed");
                (&a[..close], &a[close + 1..])
            }
            None => ("", after_word),
        };
        let piece = match (word.as_str(), pg) {
            ("q" | "qc", false) => format!("{arg}_milli"),
            ("m" | "mc", false) => format!("{arg}_cents"),
            ("qv" | "mv" | "json" | "jsoncol", false) => arg.to_owned(),
            ("ilike", false) => "LIKE".into(),
            ("lock" | "lockof", false) => String::new(),
            ("q", true) => format!("({arg} * 1000)::bigint"),
            ("m", true) => format!("({arg} * 100)::bigint"),
            ("qc" | "mc", true) => arg.to_owned(),
            ("qv", true) => format!("({arg}::bigint)::numeric / 1000"),
            ("mv", true) => format!("({arg}::bigint)::numeric / 100"),
            ("json", true) => format!("{arg}::jsonb"),
            ("jsoncol", true) => format!("{arg}::text"),
            ("ilike", true) => "ILIKE".into(),
            ("lock", true) => " FOR NO KEY UPDATE".into(),
            ("lockof", true) => format!(" FOR NO KEY UPDATE OF {arg}"),
            (other, _) => panic!("unknown SQL marker @{other}"),
        };
        out.push_str(&piece);
        rest = after_arg;
    }
    out.push_str(rest);
    out
}

/// The rendered SQL of a constant template, rendered once per backend and call site. The
/// template must be a `const` expression (`formatcp!` builds one from other constants), so the
/// cached rendering can never stand for another text.
macro_rules! sql {
    ($pg:expr, $template:expr) => {{
        const TEMPLATE: &str = $template;
        static RENDERED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        RENDERED.get_or_init(|| $crate::store::sql::render(TEMPLATE, $pg)).as_str()
    }};
}
pub(crate) use sql;

/// `$first, $first+1, ...`: the placeholders of an `IN (...)` list.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A unique constraint that a use case expects to meet, as each backend names it: PostgreSQL by
/// the constraint's (or unique index's) name, SQLite by the columns in its message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unique {
    pub pg: &'static str,
    pub sqlite: &'static str,
}

impl Unique {
    pub const VENUE_ID: Unique = Unique { pg: "venues_pkey", sqlite: "venues.id" };
    pub const USER_EMAIL: Unique = Unique { pg: "users_email_key", sqlite: "users.email" };
    pub const CATEGORY_NAME: Unique =
        Unique { pg: "product_categories_name_key", sqlite: "product_categories.venue_id, product_categories.name" };
    pub const SUPPLIER_NAME: Unique = Unique { pg: "suppliers_name_key", sqlite: "suppliers.venue_id, suppliers.name" };
    pub const PRODUCT_SKU: Unique = Unique { pg: "products_sku_key", sqlite: "products.venue_id, products.sku" };
    pub const LOT_CODE: Unique = Unique { pg: "lots_code_key", sqlite: "lots.product_id, lots.lot_code" };
    pub const TABLE_NAME: Unique =
        Unique { pg: "dining_tables_name_key", sqlite: "dining_tables.venue_id, dining_tables.name" };
    pub const ORDER_IDEMPOTENCY_KEY: Unique =
        Unique { pg: "orders_idempotency_key", sqlite: "orders.venue_id, orders.created_by, orders.idempotency_key" };

    /// Is `e` a violation of this constraint (and not of another one)?
    pub fn violated_by(&self, e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => match db.constraint() {
                Some(name) => name == self.pg,
                None => db.message().strip_prefix("UNIQUE constraint failed: ") == Some(self.sqlite),
            },
            _ => false,
        }
    }
}

/// A violation of `key` is the 409 `message`; any other error (another constraint too) is the
/// usual logged database error.
pub(crate) fn conflict_on(e: sqlx::Error, key: Unique, message: impl FnOnce() -> String) -> AppError {
    if key.violated_by(&e) { AppError::conflict(message()) } else { e.into() }
}

/// Like `conflict_on`, the conflict's message keyed for the screens (`msg_key` with `args`).
pub(crate) fn conflict_keyed<const N: usize>(
    e: sqlx::Error,
    key: Unique,
    message: impl FnOnce() -> String,
    msg_key: &str,
    args: [(&str, String); N],
) -> AppError {
    if key.violated_by(&e) { AppError::conflict(message()).keyed(msg_key, args) } else { e.into() }
}

/// A value read from the database that the domain cannot accept: a logged 500.
pub(crate) fn corrupt(what: &str) -> AppError {
    AppError::internal(format!("corrupt {what} in database"))
}

/// Rows converted into domain values, failing on the first corrupt one.
pub(crate) fn collect<R, T: TryFrom<R, Error = AppError>>(rows: Vec<R>) -> Result<Vec<T>, AppError> {
    rows.into_iter().map(T::try_from).collect()
}

/// A domain value as the JSON text the templates' `@json` parameters take.
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::internal(format!("JSON encoding: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_each_backend_natively() {
        let t = "UPDATE lots SET @qc(qty_current) = @qv($1), a = @json($2) WHERE id = $3@lock AND x = TRUE \
                 AND n @ilike $4 RETURNING @q(qty_current) AS q, @m(cost) AS c, @mc(price), @jsoncol(attributes)";
        assert_eq!(
            render(t, false),
            "UPDATE lots SET qty_current_milli = $1, a = $2 WHERE id = $3 AND x = TRUE \
                 AND n LIKE $4 RETURNING qty_current_milli AS q, cost_cents AS c, price_cents, attributes"
        );
        assert_eq!(
            render(t, true),
            "UPDATE lots SET qty_current = ($1::bigint)::numeric / 1000, a = $2::jsonb WHERE id = $3 FOR NO KEY UPDATE \
                 AND x = TRUE AND n ILIKE $4 RETURNING (qty_current * 1000)::bigint AS q, (cost * 100)::bigint AS c, \
                 price, attributes::text"
        );
        assert_eq!(
            render("SELECT @mv($1) FROM o@lockof(o)", true),
            "SELECT ($1::bigint)::numeric / 100 FROM o FOR NO KEY UPDATE OF o"
        );
        assert_eq!(render("SELECT @mv($1) FROM o@lockof(o)", false), "SELECT $1 FROM o");
    }

    #[test]
    fn text_without_markers_is_left_alone() {
        let t = "SELECT id FROM venues WHERE id = $1 AND name <> 'a$b'";
        assert_eq!(render(t, false), t);
        assert_eq!(render(t, true), t);
    }

    #[test]
    #[should_panic(expected = "unknown SQL marker @nope")]
    fn an_unknown_marker_is_refused() {
        render("SELECT @nope(x)", true);
    }

    #[test]
    #[should_panic(expected = "marker argument is closed")]
    fn an_unclosed_marker_argument_is_refused() {
        render("SELECT @q(x FROM t", false);
    }

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 0), "");
    }
}
