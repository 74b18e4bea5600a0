//! Test helpers: a checker for the subset of JSON Schema the v3 schemas use
//! (`type` incl. `["T", "null"]`, `enum`, `format` date-time/date,
//! `required`, `properties`, `additionalProperties`, `items`, `anyOf`), and a
//! structural comparison with the v1 example payloads.

use serde_json::Value;

/// The JSON type names of a value (an integer is also a `number`).
fn types_of(value: &Value) -> &'static [&'static str] {
    match value {
        Value::Null => &["null"],
        Value::Bool(_) => &["boolean"],
        Value::Number(n) if n.is_i64() || n.is_u64() => &["integer", "number"],
        Value::Number(_) => &["number"],
        Value::String(_) => &["string"],
        Value::Array(_) => &["array"],
        Value::Object(_) => &["object"],
    }
}

/// Problems of `value` against `schema`, each prefixed with its path.
/// `extra` lists top-level fields allowed despite `additionalProperties: false`.
pub fn validate(
    schema: &Value,
    value: &Value,
    path: &str,
    extra: &[&str],
    problems: &mut Vec<String>,
) {
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        if !options.iter().any(|option| {
            let mut inner = Vec::new();
            validate(option, value, path, &[], &mut inner);
            inner.is_empty()
        }) {
            problems.push(format!("{path}: {value} matches none of anyOf"));
        }
        return;
    }
    if let Some(expected) = schema.get("type") {
        let allowed: Vec<&str> = match expected {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types_of(value).iter().any(|t| allowed.contains(t)) {
            problems.push(format!("{path}: {value} is not of type {expected}"));
            return;
        }
    }
    if value.is_null() {
        return;
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array)
        && !choices.contains(value)
    {
        problems.push(format!(
            "{path}: {value} is not one of {}",
            Value::from(choices.clone())
        ));
    }
    if let (Some(format), Some(text)) =
        (schema.get("format").and_then(Value::as_str), value.as_str())
    {
        let ok = match format {
            "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
            "uri" => url::Url::parse(text).is_ok(),
            _ => true,
        };
        if !ok {
            problems.push(format!("{path}: {text:?} is not a {format}"));
        }
    }
    if let Some(items) = schema.get("items")
        && let Some(array) = value.as_array()
    {
        for (i, item) in array.iter().enumerate() {
            validate(items, item, &format!("{path}[{i}]"), &[], problems);
        }
    }
    let Some(object) = value.as_object() else {
        return;
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(name) {
            problems.push(format!("{path}: required field {name} is missing"));
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, field) in object {
        let field_path = format!("{path}.{key}");
        match (
            properties.and_then(|p| p.get(key)),
            schema.get("additionalProperties"),
        ) {
            (Some(sub), _) => validate(sub, field, &field_path, &[], problems),
            (None, Some(Value::Bool(false))) if !extra.contains(&key.as_str()) => {
                problems.push(format!("{field_path}: not in the schema"));
            }
            (None, Some(sub @ Value::Object(_))) => {
                validate(sub, field, &field_path, &[], problems)
            }
            (None, _) => {}
        }
    }
}

/// Objects that are maps keyed by customer data (their keys are not fields).
const MAPS: &[&str] = &["custom_fields", "keyed_custom_fields"];

/// Problems of `ours` against an example payload: every key of the example
/// must be in ours, with the same JSON type where both are non-null; each
/// item of an array of ours must conform to one of the example's items
/// (examples mix shapes, e.g. timed and all-day interviews).
pub fn conforms(example: &Value, ours: &Value, path: &str, problems: &mut Vec<String>) {
    if example.is_null() || ours.is_null() {
        return;
    }
    let (a, b) = (types_of(example), types_of(ours));
    if !a.iter().any(|t| b.contains(t)) {
        problems.push(format!(
            "{path}: {ours} has another type than the example's {example}"
        ));
        return;
    }
    match (example, ours) {
        (Value::Object(example), Value::Object(ours)) => {
            for (key, value) in example {
                let key_path = format!("{path}.{key}");
                match ours.get(key) {
                    None => problems.push(format!("{key_path}: missing")),
                    Some(ours) if MAPS.contains(&key.as_str()) => {
                        conforms(&Value::Null, ours, &key_path, problems)
                    }
                    Some(ours) => conforms(value, ours, &key_path, problems),
                }
            }
        }
        (Value::Array(examples), Value::Array(ours)) => {
            for (i, item) in ours.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let attempts: Vec<Vec<String>> = examples
                    .iter()
                    .map(|example| {
                        let mut found = Vec::new();
                        conforms(example, item, &item_path, &mut found);
                        found
                    })
                    .collect();
                if !attempts.iter().any(Vec::is_empty)
                    && let Some(fewest) = attempts.into_iter().min_by_key(Vec::len)
                {
                    problems.extend(fewest);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_checker_catches_what_it_should() {
        let schema = json!({"type": "object", "additionalProperties": false, "required": ["id"],
            "properties": {"id": {"type": "integer"}, "at": {"type": ["string", "null"], "format": "date-time"},
                "kind": {"type": "string", "enum": ["a", "b"]}, "ids": {"type": "array", "items": {"type": "integer"}},
                "v": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}}});
        let check = |value: Value| {
            let mut problems = Vec::new();
            validate(&schema, &value, "$", &["allowed"], &mut problems);
            problems
        };
        assert!(
            check(json!({"id": 1, "at": null, "kind": "a", "ids": [1], "v": true, "allowed": 1}))
                .is_empty()
        );
        assert_eq!(
            check(json!({"at": "2020-01-01T00:00:00Z"})).len(),
            1,
            "missing id"
        );
        assert_eq!(check(json!({"id": "1"})).len(), 1, "wrong type");
        assert_eq!(
            check(json!({"id": 1, "at": "yesterday"})).len(),
            1,
            "bad format"
        );
        assert_eq!(check(json!({"id": 1, "kind": "c"})).len(), 1, "not in enum");
        assert_eq!(check(json!({"id": 1, "ids": ["x"]})).len(), 1, "bad item");
        assert_eq!(check(json!({"id": 1, "v": 3})).len(), 1, "anyOf");
        assert_eq!(
            check(json!({"id": 1, "surprise": 3})).len(),
            1,
            "extra field"
        );
    }

    #[test]
    fn conformance_compares_keys_and_types() {
        let example = json!([{"id": 1, "name": "x", "tags": [{"id": 2}], "custom_fields": {"k": 1}, "opt": null}]);
        let mut problems = Vec::new();
        conforms(
            &example,
            &json!([{"id": 3, "name": null, "tags": [], "custom_fields": {}, "opt": 5, "more": 1}]),
            "$",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        conforms(
            &example,
            &json!([{"id": "3", "tags": [{"id": "x"}], "custom_fields": {}, "opt": 1}]),
            "$",
            &mut problems,
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
    }
}
