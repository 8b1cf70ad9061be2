//! Timestamps as the browser reads them: RFC 3339 (`2026-12-07T16:09:43.123456Z`,
//! `2026-12-07T17:09:43+01:00`), what the server writes (chrono's own format) and nothing else.
//!
//! chrono's `Deserialize` for `DateTime<Utc>` goes through its general parser (every format item,
//! RFC 2822 included): about 14 KB of the screens' WASM. The browser build reads the types' time
//! fields through [`utc`] and [`optional_utc`] instead (`#[cfg_attr(target_arch = "wasm32",
//! serde(deserialize_with = ...))]`); the server keeps chrono's reader, so what the API accepts
//! does not change.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::de::{Deserialize, Deserializer, Error};

/// The instant `text` names, when it is an RFC 3339 timestamp.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let digits = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(digits(0, 4)?).ok()?, digits(5, 7)?, digits(8, 10)?)?;
    let mut i = 19;
    let mut nanos = 0u32;
    if at(i, b".") {
        let start = i + 1;
        i = start;
        while at(i, b"0123456789") {
            i += 1;
        }
        let kept = (i - start).min(9);
        if kept == 0 {
            return None;
        }
        nanos = digits(start, start + kept)? * 10u32.pow(9 - kept as u32);
    }
    let time = NaiveTime::from_hms_nano_opt(digits(11, 13)?, digits(14, 16)?, digits(17, 19)?, nanos)?;
    let offset_minutes = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (digits(i + 1, i + 3)?, digits(i + 4, i + 6)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = i64::from(hours * 60 + minutes);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    Some(date.and_time(time).checked_sub_signed(TimeDelta::minutes(offset_minutes))?.and_utc())
}

/// A timestamp field, for `#[serde(deserialize_with)]`.
pub fn utc<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| D::Error::custom(format!("not an RFC 3339 timestamp: {text}")))
}

/// An optional timestamp field (`null` or absent is `None`; with `#[serde(default)]`).
pub fn optional_utc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => {
            parse(&text).map(Some).ok_or_else(|| D::Error::custom(format!("not an RFC 3339 timestamp: {text}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::SecondsFormat;

    #[test]
    fn it_reads_what_chrono_writes_and_what_chrono_reads() {
        let instants = [
            "2026-12-07T16:09:43Z",
            "2026-12-07T16:09:43.1Z",
            "2026-12-07T16:09:43.123456Z",
            "2026-12-07T16:09:43.123456789Z",
            "2026-12-07T16:09:43.1234567891Z",
            "2026-12-07T17:09:43+01:00",
            "2026-12-07T00:30:00+05:30",
            "2026-12-31T23:59:59.5-08:00",
            "2024-02-29t12:00:00z",
            "2026-06-01 08:00:00+00:00",
        ];
        for text in instants {
            let chrono: DateTime<Utc> = text.parse().expect(text);
            assert_eq!(parse(text), Some(chrono), "{text}");
        }
        // What the server writes, read back exactly.
        let now = Utc::now();
        for format in [SecondsFormat::Secs, SecondsFormat::Millis, SecondsFormat::Micros, SecondsFormat::AutoSi] {
            let text = now.to_rfc3339_opts(format, true);
            assert_eq!(parse(&text), text.parse::<DateTime<Utc>>().ok(), "{text}");
        }
        let json = serde_json::to_string(&now).unwrap();
        assert_eq!(parse(json.trim_matches('"')), Some(now));
    }

    #[test]
    fn it_refuses_what_is_not_a_timestamp() {
        for text in [
            "",
            "2026-12-07",
            "2026-12-07T16:09:43",
            "2026-12-07T16:09Z",
            "2026-13-07T16:09:43Z",
            "2026-02-30T16:09:43Z",
            "2026-12-07T24:00:00Z",
            "2026-12-07T16:09:43.Z",
            "2026-12-07T16:09:43+0100",
            "2026-12-07T16:09:43+24:00",
            "2026-12-07T16:09:43Z ",
            "2026-12-07X16:09:43Z",
            "+2026-12-07T16:09:43Z",
            "2026-12-07T16:09:43\u{e9}",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_serde_readers_take_null_and_refuse_bad_text() {
        #[derive(serde::Deserialize)]
        struct Row {
            #[serde(deserialize_with = "utc")]
            at: DateTime<Utc>,
            #[serde(default, deserialize_with = "optional_utc")]
            done: Option<DateTime<Utc>>,
        }
        let row: Row = serde_json::from_str(r#"{"at": "2026-12-07T16:09:43Z", "done": null}"#).unwrap();
        assert_eq!(row.at, "2026-12-07T16:09:43Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(row.done, None);
        let row: Row = serde_json::from_str(r#"{"at": "2026-12-07T16:09:43Z"}"#).unwrap();
        assert_eq!(row.done, None);
        let row: Row =
            serde_json::from_str(r#"{"at": "2026-12-07T16:09:43Z", "done": "2026-12-07T17:00:00+01:00"}"#).unwrap();
        assert_eq!(row.done, Some(row.at - TimeDelta::minutes(9) - TimeDelta::seconds(43)));
        let bad = serde_json::from_str::<Row>(r#"{"at": "yesterday"}"#).err().unwrap().to_string();
        assert!(bad.contains("not an RFC 3339 timestamp: yesterday"), "{bad}");
    }
}
