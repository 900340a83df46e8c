//! JSON Schemas of pspkit's wire types (the `schemars` feature), so that every generated type of
//! a provider crate can derive `schemars::JsonSchema`. Each schema describes what the type
//! accepts on the wire: the spellings its decoder takes, not only the one it sends.

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject, SingleOrVec, StringValidation};

use crate::date::Date;
use crate::id::Id;
use crate::money::{DecimalNumber, DecimalString};
use crate::secret::Sensitive;
use crate::timestamp::Timestamp;

fn described(types: &[InstanceType], format: Option<&str>, description: &str) -> Schema {
    let instance_type = match types {
        [one] => SingleOrVec::Single(Box::new(*one)),
        many => SingleOrVec::Vec(many.to_vec()),
    };
    SchemaObject {
        instance_type: Some(instance_type),
        format: format.map(str::to_owned),
        metadata: Some(Box::new(Metadata { description: Some(description.to_owned()), ..Metadata::default() })),
        ..SchemaObject::default()
    }
    .into()
}

impl JsonSchema for DecimalString {
    fn schema_name() -> String {
        "DecimalString".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut schema = SchemaObject::default();
        schema.instance_type = Some(SingleOrVec::Vec(vec![InstanceType::String, InstanceType::Number]));
        schema.format = Some("decimal".into());
        schema.string = Some(Box::new(StringValidation {
            pattern: Some(r"^-?[0-9]+(\.[0-9]+)?$".into()),
            ..StringValidation::default()
        }));
        schema.metadata = Some(Box::new(Metadata {
            description: Some("An exact decimal amount, sent as a JSON string; a number is also read.".into()),
            ..Metadata::default()
        }));
        schema.into()
    }
}

impl JsonSchema for DecimalNumber {
    fn schema_name() -> String {
        "DecimalNumber".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        described(
            &[InstanceType::Number, InstanceType::String],
            Some("decimal"),
            "An exact decimal amount, sent as a JSON number (from its exact text); a string is also read.",
        )
    }
}

impl JsonSchema for Id {
    fn schema_name() -> String {
        "Id".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        described(
            &[InstanceType::String, InstanceType::Integer],
            None,
            "An identifier: some responses send it as a string, others as a number.",
        )
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // no `format: date-time`: the decoder also reads a space for `T`, no offset and a date alone
        described(&[InstanceType::String], None, "A point in time, RFC 3339 or one of the providers' other spellings.")
    }
}

impl JsonSchema for Date {
    fn schema_name() -> String {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        described(&[InstanceType::String], Some("date"), "A calendar date, YYYY-MM-DD, in the years 1 to 9999.")
    }
}

impl JsonSchema for Sensitive {
    fn schema_name() -> String {
        "Sensitive".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        described(&[InstanceType::String], None, "Text that may hold a secret or card data (redacted in Debug output).")
    }
}
