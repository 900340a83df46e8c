//! The wire types of the shared runtime, through their serde and text interfaces.

use pspkit::{Decimal, DecimalNumber, DecimalString, Id, Timestamp};

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

#[test]
fn money_decodes_exactly_from_strings_and_numbers() {
    for (json, expected) in [
        ("\"0.1\"", "0.1"),
        ("0.1", "0.1"),
        ("\"100.50\"", "100.50"),
        ("100.50", "100.50"),
        ("1e-7", "0.0000001"),
        ("\"-12.345678901234567890123456\"", "-12.345678901234567890123456"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("123456789012345678", "123456789012345678"),
        ("\" 7 \"", "7"),
        ("1.5E+3", "1500"),
        ("1.50e3", "1500"),
        ("\"-5e-28\"", "-0.0000000000000000000000000005"),
        ("7.9228162514264337593543950335e28", "79228162514264337593543950335"),
    ] {
        let n: DecimalNumber = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        let s: DecimalString = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(*n, dec(expected), "{json}");
        assert_eq!(*s, dec(expected), "{json}");
    }
}

#[test]
fn money_that_is_not_a_decimal_is_an_error_naming_the_value() {
    // Refused, not rounded or read past: more digits than fit, `_` separators, exponents at the
    // edges of i64 (found by reading the decoder behind the fuzzer).
    for json in [
        "\"\"",
        "\"12,50\"",
        "true",
        "{}",
        "\"NaN\"",
        "1e400",
        "1.000000000000000000000000000001e0",
        "\"1.000000000000000000000000000001E0\"",
        "\"1_000\"",
        "\"1_0e0\"",
        "1e-9223372036854775808",
        "1e9223372036854775807",
        "\"1e-99999999999999999999\"",
        "5e-29",
    ] {
        let err = serde_json::from_str::<DecimalString>(json).expect_err(json).to_string();
        assert!(!err.is_empty(), "{json}");
    }
    let err = serde_json::from_str::<DecimalString>("\"12,50\"").unwrap_err().to_string();
    assert!(err.contains("12,50"), "{err}");
}

#[test]
fn money_is_sent_in_the_form_the_provider_expects() {
    assert_eq!(serde_json::to_string(&DecimalString::from(dec("100.50"))).unwrap(), "\"100.50\"");
    assert_eq!(serde_json::to_string(&DecimalNumber::from(dec("100.50"))).unwrap(), "100.5");
    assert_eq!(serde_json::to_string(&DecimalNumber::from(dec("0.1"))).unwrap(), "0.1");
    assert_eq!(serde_json::to_string(&DecimalNumber::from(dec("1500"))).unwrap(), "1500");
    assert_eq!(serde_json::to_string(&DecimalNumber::from(dec("-0.000001"))).unwrap(), "-0.000001");
    // and what goes out comes back the same
    let back: DecimalNumber =
        serde_json::from_str(&serde_json::to_string(&DecimalNumber::from(dec("9.99"))).unwrap()).unwrap();
    assert_eq!(*back, dec("9.99"));
}

#[test]
fn money_inside_options_and_arrays() {
    let v: Vec<Option<DecimalNumber>> = serde_json::from_str("[0.1, null, \"0.2\"]").unwrap();
    let sum: Decimal = v.iter().flatten().map(|d| d.value()).sum();
    assert_eq!(sum, dec("0.3"));
}

#[test]
fn ids_arrive_as_strings_or_numbers() {
    let a: Id = serde_json::from_str("\"000123\"").unwrap();
    let b: Id = serde_json::from_str("123").unwrap();
    assert_eq!(a.as_str(), "000123");
    assert_eq!(b.as_str(), "123");
    assert_eq!(serde_json::to_string(&b).unwrap(), "\"123\"");
    assert!(serde_json::from_str::<Id>("1.5").is_err());
}

#[test]
fn timestamps_in_every_spelling_the_providers_use() {
    let utc = |s: &str| s.parse::<Timestamp>().unwrap_or_else(|e| panic!("{e}")).to_utc().to_rfc3339();
    assert_eq!(utc("2024-10-17T18:07:18.000000Z"), "2024-10-17T18:07:18+00:00");
    assert_eq!(utc("2023-04-19T15:00:00+03:00"), "2023-04-19T12:00:00+00:00");
    assert_eq!(utc("2024-01-15 10:30:00"), "2024-01-15T10:30:00+00:00");
    assert_eq!(utc("2024-01-15T10:30:00"), "2024-01-15T10:30:00+00:00");
    assert_eq!(utc("2025-01-31"), "2025-01-31T00:00:00+00:00");
    assert_eq!(utc("2022-01-01T00:00:00.000Z"), "2022-01-01T00:00:00+00:00");
    let t: Timestamp = serde_json::from_str("\"2023-04-19T15:00:00+03:00\"").unwrap();
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"2023-04-19T15:00:00+03:00\"");
    let err = "yesterday".parse::<Timestamp>().unwrap_err();
    assert!(err.contains("yesterday"), "{err}");
}

pspkit::open_enum! {
    /// Test enum.
    pub enum Status {
        /// `pending`
        Pending = "pending",
        /// `paid`
        Paid = "paid",
    }
}

#[test]
fn open_enums_keep_unknown_values_both_ways() {
    let v: Vec<Status> = serde_json::from_str(r#"["pending","paid","on_hold"]"#).unwrap();
    assert_eq!(v, vec![Status::Pending, Status::Paid, Status::Unknown("on_hold".into())]);
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"["pending","paid","on_hold"]"#);
    assert!(!v[2].is_known());
    assert_eq!(Status::KNOWN_VALUES, &["pending", "paid"]);
    assert_eq!(v[2].to_string(), "on_hold");
}
