//! Exact quantities (thousandths of a unit) and money (cents): never binary floating point in
//! storage or arithmetic. JSON carries them as plain numbers, parsed exactly.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident, $scale:expr, $decimals:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: $name = $name(0);
            /// How many raw units make one whole unit.
            pub const SCALE: i64 = $scale;

            /// From the raw integer (thousandths for quantities, cents for money).
            pub const fn from_raw(raw: i64) -> Self {
                $name(raw)
            }
            pub const fn raw(self) -> i64 {
                self.0
            }
            pub const fn whole(units: i64) -> Self {
                $name(units * $scale)
            }
            pub fn is_positive(self) -> bool {
                self.0 > 0
            }
            pub fn min(self, other: Self) -> Self {
                $name(self.0.min(other.0))
            }

            /// Parses a number's decimal text (a JSON number: `-12.5`, `1e3`, `0.125E1`) exactly:
            /// more decimals than allowed is an error, never rounded (`1.0004` is not `1`), and so
            /// is anything that is not a number.
            pub fn parse(text: &str) -> Result<Self, String> {
                let not_a_number = || format!("{} must be a number, not `{text}`", $what);
                let too_large = || format!("{} is too large", $what);
                let (negative, unsigned) = match text.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, text),
                };
                let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
                    Some(at) => {
                        let exp = &unsigned[at + 1..];
                        let exp = exp.strip_prefix('+').unwrap_or(exp);
                        (&unsigned[..at], exp.parse::<i64>().map_err(|_| not_a_number())?)
                    }
                    None => (unsigned, 0),
                };
                let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
                let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                if int.is_empty() || !digits_only(int) || !digits_only(frac) || mantissa.ends_with('.') {
                    return Err(not_a_number());
                }
                // The value times SCALE is `digits` times ten to the power `shift`.
                let joined = format!("{int}{frac}");
                let mut digits = joined.trim_start_matches('0');
                let mut shift =
                    exponent.checked_sub(frac.len() as i64).and_then(|e| e.checked_add($decimals)).ok_or_else(too_large)?;
                while shift < 0 && digits.ends_with('0') {
                    digits = &digits[..digits.len() - 1];
                    shift += 1;
                }
                if digits.is_empty() {
                    return Ok($name::ZERO);
                }
                if shift < 0 {
                    return Err(format!("{} allows at most {} decimals", $what, $decimals));
                }
                if digits.len() as i64 + shift > 16 {
                    return Err(too_large());
                }
                let mut raw: i64 = digits.parse().map_err(|_| not_a_number())?;
                for _ in 0..shift {
                    raw *= 10;
                }
                if raw > 9_000_000_000_000_000 {
                    return Err(too_large());
                }
                Ok($name(if negative { -raw } else { raw }))
            }

            pub fn to_f64(self) -> f64 {
                self.0 as f64 / ($scale as f64)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let sign = if self.0 < 0 { "-" } else { "" };
                let abs = self.0.unsigned_abs();
                let whole = abs / ($scale as u64);
                let frac = abs % ($scale as u64);
                if frac == 0 {
                    write!(f, "{sign}{whole}")
                } else {
                    let digits = format!("{:0width$}", frac, width = $decimals);
                    write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if self.0 % $scale == 0 { s.serialize_i64(self.0 / $scale) } else { s.serialize_f64(self.to_f64()) }
            }
        }

        /// On the wire a plain JSON number (`97`, `2.345`), never a string: `number`, with the
        /// decimals it allows said in words (a `multipleOf` of a decimal fraction cannot be
        /// checked exactly in binary floating point, so validators would refuse good values).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::Number)
                    .description(Some(concat!(
                        "A JSON number with at most ",
                        $decimals,
                        " decimals, kept exact: more decimals are refused, never rounded."
                    )))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// From the number's own text (serde_json keeps it with `arbitrary_precision`, which
            /// the server has), so nothing is rounded on the way. (The browser bundle reads a
            /// double and writes it back: the same text for what the server sends.)
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let number = serde_json::Number::deserialize(d)?;
                $name::parse(&number.to_string()).map_err(serde::de::Error::custom)
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name(self.0 + o.0)
            }
        }
        impl Sub for $name {
            type Output = $name;
            fn sub(self, o: $name) -> $name {
                $name(self.0 - o.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, o: $name) {
                self.0 += o.0;
            }
        }
        impl SubAssign for $name {
            fn sub_assign(&mut self, o: $name) {
                self.0 -= o.0;
            }
        }
        impl Neg for $name {
            type Output = $name;
            fn neg(self) -> $name {
                $name(-self.0)
            }
        }
        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
                $name(iter.map(|q| q.0).sum())
            }
        }
    };
}

fixed_point!(
    /// A quantity of stock, exact to 0.001 of its unit.
    Qty, 1000, 3, "quantity"
);
fixed_point!(
    /// An amount of money, exact to the cent.
    Money, 100, 2, "amount"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_parse_exactly_and_print_back() {
        let q: Qty = serde_json::from_str("0.1").unwrap();
        assert_eq!(q.raw(), 100);
        let q: Qty = serde_json::from_str("97").unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), "97");
        let q: Qty = serde_json::from_str("2.345").unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), "2.345");
        assert_eq!(q.to_string(), "2.345");
        assert!(serde_json::from_str::<Qty>("0.0001").unwrap_err().to_string().contains("at most 3 decimals"));
        let m: Money = serde_json::from_str("4.5").unwrap();
        assert_eq!((m.raw(), m.to_string()), (450, "4.5".to_owned()));
        assert!(serde_json::from_str::<Money>("4.505").is_err());
        assert!(serde_json::from_str::<Money>("\"4.50\"").is_err());
        assert_eq!((Qty::from_raw(-1500)).to_string(), "-1.5");
    }

    #[test]
    fn more_decimals_than_allowed_are_refused_never_rounded() {
        let qty = |t: &str| serde_json::from_str::<Qty>(t).map(Qty::raw);
        let money = |t: &str| serde_json::from_str::<Money>(t).map(Money::raw);
        for bad in ["123456.0007", "1000.0004", "0.0001", "1e-4"] {
            let e = qty(bad).unwrap_err().to_string();
            assert!(e.contains("at most 3 decimals"), "{bad}: {e}");
        }
        for bad in ["12345.675", "1000000.004", "0.001"] {
            let e = money(bad).unwrap_err().to_string();
            assert!(e.contains("at most 2 decimals"), "{bad}: {e}");
        }
        assert_eq!(qty("123456.007").unwrap(), 123_456_007);
        assert_eq!(qty("1000.0040").unwrap(), 1_000_004, "trailing zeros are not decimals");
        assert_eq!(qty("1.5e3").unwrap(), 1_500_000);
        assert_eq!(qty("125E-3").unwrap(), 125);
        assert_eq!(qty("-0.5").unwrap(), -500);
        assert_eq!(qty("0").unwrap(), 0);
        assert_eq!(money("12345.67").unwrap(), 1_234_567);
        assert_eq!(money("1000000").unwrap(), 100_000_000);
        assert!(money("1e400").unwrap_err().to_string().contains("too large"));
        assert!(qty("90071992547409930").unwrap_err().to_string().contains("too large"));
        for not_a_number in ["\"1\"", "true", "null", "[1]"] {
            assert!(qty(not_a_number).is_err(), "{not_a_number}");
        }
        for malformed in ["1.", "-", "", ".5", "1e", "1x"] {
            assert!(Qty::parse(malformed).is_err(), "{malformed:?}");
        }
    }

    #[test]
    fn sums_are_exact_where_floats_are_not() {
        let tenth: Qty = serde_json::from_str("0.1").unwrap();
        let total: Qty = std::iter::repeat_n(tenth, 10).sum();
        assert_eq!(total, Qty::whole(1));
    }
}
