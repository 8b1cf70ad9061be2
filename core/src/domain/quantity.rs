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

            /// Parses a JSON number exactly; more than the allowed decimals is an error.
            pub fn from_f64(v: f64) -> Result<Self, String> {
                if !v.is_finite() {
                    return Err(format!("{} must be a finite number", $what));
                }
                let scaled = v * ($scale as f64);
                let rounded = scaled.round();
                if (scaled - rounded).abs() > 1e-6 * rounded.abs().max(1.0) {
                    return Err(format!("{} allows at most {} decimals", $what, $decimals));
                }
                if rounded.abs() > 9.0e15 {
                    return Err(format!("{} is too large", $what));
                }
                Ok($name(rounded as i64))
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

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = f64::deserialize(d)?;
                $name::from_f64(v).map_err(serde::de::Error::custom)
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
    fn sums_are_exact_where_floats_are_not() {
        let tenth: Qty = serde_json::from_str("0.1").unwrap();
        let total: Qty = std::iter::repeat_n(tenth, 10).sum();
        assert_eq!(total, Qty::whole(1));
    }
}
