//! Whether every figure of a value is finite, and where the first that is
//! not sits: checked before a plan is saved, because JSON has no infinity
//! and no NaN (serde_json writes them as `null`), so a plan holding one
//! would be saved and then could not be read back.
//!
//! It walks the value through its `Serialize` implementation, the same
//! path the save takes, so no field can be missed. It must not change or
//! write anything.

use std::fmt;

use serde::Serialize;
use serde::ser;

/// The path (`waves[3].downtime.minutes`) of the first figure of `value`
/// that is infinite or not a number, or `None` when every figure is finite.
pub fn first_non_finite<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let mut walker = Walker { path: Vec::new() };
    match value.serialize(&mut walker) {
        Err(Found(path)) => Some(path),
        Ok(()) => None,
    }
}

/// The first non-finite figure, by its path: the walk's only "error".
#[derive(Debug)]
struct Found(String);

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a figure that is not finite at {}", self.0)
    }
}

impl std::error::Error for Found {}

impl ser::Error for Found {
    fn custom<T: fmt::Display>(message: T) -> Found {
        Found(message.to_string())
    }
}

struct Walker {
    path: Vec<String>,
}

impl Walker {
    fn here(&self) -> String {
        let mut out = String::new();
        for part in &self.path {
            if !part.starts_with('[') && !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
        if out.is_empty() { "the top".into() } else { out }
    }

    fn number(&self, x: f64) -> Result<(), Found> {
        if x.is_finite() { Ok(()) } else { Err(Found(self.here())) }
    }

    /// The walk into a compound value's parts, from its first.
    fn compound(&mut self) -> Compound<'_> {
        Compound { walker: self, index: 0, key: None }
    }

    fn inside<T: Serialize + ?Sized>(&mut self, part: String, value: &T) -> Result<(), Found> {
        self.path.push(part);
        let result = value.serialize(&mut *self);
        self.path.pop();
        result
    }
}

/// The compound parts of a value: each element walked under its index or key.
struct Compound<'a> {
    walker: &'a mut Walker,
    index: usize,
    key: Option<String>,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        let part = format!("[{}]", self.index);
        self.index += 1;
        self.walker.inside(part, value)
    }
}

macro_rules! sequence_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Found;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
                self.element(value)
            }
            fn end(self) -> Result<(), Found> {
                Ok(())
            }
        }
    )*};
}
sequence_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

macro_rules! struct_like {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Found;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Found> {
                self.walker.inside(key.to_string(), value)
            }
            fn end(self) -> Result<(), Found> {
                Ok(())
            }
        }
    )*};
}
struct_like!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Found;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Found> {
        // A key is named by its text where it has one (JSON keys are text).
        self.key = Some(serde_json::to_value(key).ok().and_then(|k| k.as_str().map(String::from)).unwrap_or_default());
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        let key = self.key.take().unwrap_or_default();
        self.walker.inside(format!("[{key:?}]"), value)
    }

    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}

/// Methods of [`ser::Serializer`] that take a value with no figure in it.
macro_rules! passed {
    ($($method:ident: $t:ty),* $(,)?) => {$(
        fn $method(self, _: $t) -> Result<(), Found> {
            Ok(())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Walker {
    type Ok = ();
    type Error = Found;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_f32(self, v: f32) -> Result<(), Found> {
        self.number(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Found> {
        self.number(v)
    }
    // Everything but a float is finite: walked past.
    passed!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_char: char,
        serialize_str: &str,
        serialize_bytes: &[u8],
    );
    fn serialize_none(self) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Found> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Found> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        self.inside(variant.to_string(), value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Found> {
        Ok(self.compound())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::plan::{PlanConfig, plan_waves};

    #[derive(Serialize)]
    struct Wave {
        number: u32,
        gb: f64,
        steps: Vec<(String, f32)>,
        by_app: BTreeMap<String, Option<f64>>,
    }

    #[test]
    fn the_first_figure_that_is_not_finite_is_found_by_its_path() {
        let mut wave = Wave {
            number: 1,
            gb: 12.5,
            steps: vec![("copy".into(), 3.0), ("boot".into(), 1.0)],
            by_app: BTreeMap::from([("EHR".to_string(), Some(4.0)), ("PACS".to_string(), None)]),
        };
        assert_eq!(first_non_finite(&vec![&wave]), None);
        wave.by_app.insert("PACS".into(), Some(f64::INFINITY));
        assert_eq!(first_non_finite(&vec![&wave]).as_deref(), Some("[0].by_app[\"PACS\"]"));
        wave.steps[1].1 = f32::NAN;
        assert_eq!(first_non_finite(&vec![&wave]).as_deref(), Some("[0].steps[1][1]"));
        wave.gb = f64::NEG_INFINITY;
        assert_eq!(first_non_finite(&wave).as_deref(), Some("gb"));
    }

    #[test]
    fn a_plan_of_the_sample_shape_is_finite_throughout() {
        let mut estate = crate::Estate::default();
        for name in ["a", "b"] {
            estate.applications.push(crate::Application { name: name.into(), ..Default::default() });
        }
        let plan = plan_waves(&estate, &PlanConfig::default());
        assert_eq!(first_non_finite(&plan), None);
    }
}
