//! A small OpenAPI 3.0 schema validator, enough for BigCommerce's specs: `$ref` within
//! the file, `allOf`/`oneOf`/`anyOf`, `type`, `nullable` (and the Swagger 2 `x-nullable`
//! some converted specs still carry), `required`, `enum`,
//! `properties`, `additionalProperties`, `items`, a few bounds and formats.
//!
//! Two deliberate choices:
//! - `oneOf` passes when at least one branch matches. BigCommerce's `oneOf`s list
//!   alternatives that overlap (object branches without `required`), so "exactly one"
//!   would reject every real response; "none matches" is still an error.
//! - Properties the schema does not declare are reported separately as *undocumented*
//!   (not errors, since the specs leave objects open): the contract test decides which
//!   ones it tolerates, so a misspelt field name cannot slip through.

use serde_json::Value;

#[derive(Debug, Default)]
pub struct Report {
    pub errors: Vec<String>,
    pub undocumented: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Validates `instance` against `schema`, resolving `$ref`s in `root` (the whole spec).
pub fn validate(root: &Value, schema: &Value, instance: &Value) -> Report {
    let mut report = Report::default();
    check(root, schema, instance, "$", true, &mut report, 0);
    report
}

/// Follows a local `$ref` (`#/components/schemas/X`) to its target.
pub fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local $refs are supported: {reference}"));
        node = root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {reference}"));
    }
    panic!("$ref chain too long")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn matches_type(expected: &str, v: &Value) -> bool {
    match expected {
        "integer" => type_name(v) == "integer",
        "number" => v.is_number(),
        other => type_name(v) == other,
    }
}

/// Every property name a schema declares, through `$ref`s and combinators.
pub fn declared_properties(root: &Value, schema: &Value) -> Vec<String> {
    let mut names = Vec::new();
    declared(root, schema, &mut names, 0);
    names
}

/// Every property name a schema declares, through `$ref`s and combinators, and whether
/// it admits other properties (`additionalProperties`, or no property list at all).
fn declared(root: &Value, schema: &Value, names: &mut Vec<String>, depth: usize) -> bool {
    let schema = resolve(root, schema);
    if depth > 32 {
        return true;
    }
    let mut open = match schema.get("additionalProperties") {
        Some(Value::Bool(false)) | None => false,
        Some(_) => true,
    };
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        names.extend(props.keys().cloned());
    }
    let mut has_branches = false;
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            has_branches = true;
            open |= declared(root, branch, names, depth + 1);
        }
    }
    let free_form = schema.get("properties").is_none() && !has_branches;
    open || free_form
}

fn check(
    root: &Value,
    schema: &Value,
    inst: &Value,
    path: &str,
    report_extra: bool,
    out: &mut Report,
    depth: usize,
) {
    if depth > 64 {
        out.errors.push(format!(
            "{path}: schema nesting too deep (recursive schema?)"
        ));
        return;
    }
    let schema = resolve(root, schema);
    let err = |out: &mut Report, msg: String| out.errors.push(format!("{path}: {msg}"));

    if inst.is_null() {
        let nullable = ["nullable", "x-nullable"]
            .iter()
            .any(|k| schema.get(k).and_then(Value::as_bool) == Some(true));
        if nullable {
            return;
        }
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            err(
                out,
                format!("null where {t} expected (schema is not nullable)"),
            );
            return;
        }
    }

    if let Some(t) = schema.get("type").and_then(Value::as_str)
        && !matches_type(t, inst)
    {
        err(
            out,
            format!("expected {t}, got {} {}", type_name(inst), short(inst)),
        );
        return;
    }

    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(inst)
    {
        err(
            out,
            format!(
                "{} is not one of {}",
                short(inst),
                Value::Array(options.clone())
            ),
        );
    }

    for branch in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(root, branch, inst, path, false, out, depth + 1);
    }
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        let mut reasons = Vec::new();
        // Of the branches that match, the best fit: the fewest properties it does not
        // declare. BigCommerce's branches overlap (`{url, resource}` links match any
        // object), so "first match" would validate an embedded resource as a link.
        let mut matched: Option<(usize, Report)> = None;
        for (i, branch) in branches.iter().enumerate() {
            let mut trial = Report::default();
            check(root, branch, inst, path, false, &mut trial, depth + 1);
            if trial.ok() {
                let misfit = trial.undocumented.len() + undeclared(root, branch, inst, depth);
                if matched.as_ref().is_none_or(|(best, _)| misfit < *best) {
                    matched = Some((misfit, trial));
                }
                continue;
            }
            reasons.push(format!("branch {i}: {}", trial.errors.join("; ")));
        }
        match matched {
            Some((_, trial)) => out.undocumented.extend(trial.undocumented),
            None => err(
                out,
                format!("matches no {key} branch ({})", reasons.join(" | ")),
            ),
        }
    }

    match inst {
        Value::Object(map) => {
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().unwrap_or_default();
                if !map.contains_key(name) {
                    err(out, format!("missing required property '{name}'"));
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            for (key, value) in map {
                let child = format!("{path}.{key}");
                match (props.and_then(|p| p.get(key)), additional) {
                    (Some(sub), _) => check(root, sub, value, &child, true, out, depth + 1),
                    (None, Some(Value::Bool(false))) => {
                        err(out, format!("property '{key}' is not allowed"))
                    }
                    (None, Some(sub @ Value::Object(_))) => {
                        check(root, sub, value, &child, true, out, depth + 1)
                    }
                    _ => {}
                }
            }
            if report_extra {
                let mut names = Vec::new();
                if !declared(root, schema, &mut names, 0) {
                    for key in map.keys().filter(|k| !names.contains(k)) {
                        out.undocumented.push(format!("{path}.{key}"));
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(
                        root,
                        item_schema,
                        item,
                        &format!("{path}[{i}]"),
                        true,
                        out,
                        depth + 1,
                    );
                }
            }
            let len = items.len() as u64;
            if schema
                .get("minItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| len < m)
            {
                err(out, format!("{len} items, fewer than minItems"));
            }
            if schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
            {
                err(out, format!("{len} items, more than maxItems"));
            }
        }
        Value::String(s) => {
            let len = s.chars().count() as u64;
            if schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
            {
                err(
                    out,
                    format!("string longer than maxLength {}", schema["maxLength"]),
                );
            }
            if schema
                .get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len < m)
            {
                err(
                    out,
                    format!("string shorter than minLength {}", schema["minLength"]),
                );
            }
            if let Some(format) = schema.get("format").and_then(Value::as_str)
                && !format_ok(format, s)
            {
                err(out, format!("{s:?} is not a valid {format}"));
            }
        }
        Value::Number(n) => {
            let v = n.as_f64().unwrap_or_default();
            if schema
                .get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|m| v < m)
            {
                err(out, format!("{v} is below minimum {}", schema["minimum"]));
            }
            if schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| v > m)
            {
                err(out, format!("{v} is above maximum {}", schema["maximum"]));
            }
        }
        _ => {}
    }
}

/// How many of an object's own keys (or, for an array, its items' keys) a schema does
/// not declare.
fn undeclared(root: &Value, schema: &Value, inst: &Value, depth: usize) -> usize {
    match inst {
        Value::Object(map) => {
            let mut names = Vec::new();
            if declared(root, schema, &mut names, depth) {
                return 0;
            }
            map.keys().filter(|k| !names.contains(k)).count()
        }
        Value::Array(items) => {
            let schema = resolve(root, schema);
            let Some(item_schema) = schema.get("items") else {
                return 0;
            };
            items
                .iter()
                .map(|item| undeclared(root, item_schema, item, depth + 1))
                .sum()
        }
        _ => 0,
    }
}

fn format_ok(format: &str, s: &str) -> bool {
    match format {
        "date-time" => s.parse::<jiff::Timestamp>().is_ok(),
        "date" => s.parse::<jiff::civil::Date>().is_ok() && s.len() == 10,
        "uuid" => {
            s.len() == 36
                && s.char_indices().all(|(i, c)| {
                    if [8, 13, 18, 23].contains(&i) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                })
        }
        _ => true,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 60 {
        format!("{}…", &s[..s.floor_char_boundary(60)])
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A miniature spec in the shapes BigCommerce's files use.
    fn spec() -> Value {
        json!({
            "components": { "schemas": {
                "Base": { "type": "object", "properties": { "id": { "type": "integer" } }, "required": ["id"] },
                "Order": { "allOf": [
                    { "$ref": "#/components/schemas/Base" },
                    { "type": "object", "properties": {
                        "status": { "type": "string", "enum": ["live", "down"] },
                        "note": { "type": "string", "nullable": true },
                        "memo": { "type": "string", "x-nullable": true },
                        "when": { "type": "string", "format": "date-time" },
                        "logo": { "anyOf": [
                            { "type": "object", "properties": { "url": { "type": "string" } } },
                            { "type": "array", "items": {} } ] },
                        "tags": { "type": "array", "items": { "type": "string" } } } } ] }
            } }
        })
    }

    fn order(instance: Value) -> Report {
        let root = spec();
        validate(
            &root,
            &json!({ "$ref": "#/components/schemas/Order" }),
            &instance,
        )
    }

    #[test]
    fn accepts_a_conforming_body() {
        let r = order(
            json!({"id": 1, "status": "live", "note": null, "logo": [], "tags": ["a"], "when": "2024-01-01T00:00:00Z"}),
        );
        assert!(r.ok(), "{:?}", r.errors);
        assert!(r.undocumented.is_empty());
    }

    #[test]
    fn rejects_a_missing_required_field() {
        let r = order(json!({"status": "live"}));
        assert_eq!(r.errors, ["$: missing required property 'id'"]);
    }

    #[test]
    fn rejects_wrong_types_and_enum_values() {
        let r = order(
            json!({"id": "1", "status": "gone", "tags": [1], "logo": "x", "when": "yesterday"}),
        );
        let all = r.errors.join("\n");
        assert!(all.contains("$.id: expected integer, got string"), "{all}");
        assert!(all.contains("$.status: \"gone\" is not one of"), "{all}");
        assert!(all.contains("$.tags[0]: expected string"), "{all}");
        assert!(all.contains("$.logo: matches no anyOf branch"), "{all}");
        assert!(
            all.contains("$.when: \"yesterday\" is not a valid date-time"),
            "{all}"
        );
        assert_eq!(r.errors.len(), 5);
    }

    #[test]
    fn null_needs_nullable() {
        assert!(order(json!({"id": 1, "note": null})).ok());
        assert!(order(json!({"id": 1, "memo": null})).ok());
        assert!(!order(json!({"id": 1, "status": null})).ok());
        assert!(!order(json!({"id": 1.5})).ok(), "a float is not an integer");
    }

    #[test]
    fn reports_undocumented_properties_through_all_of() {
        let r = order(json!({"id": 1, "stauts": "live"}));
        assert!(r.ok());
        assert_eq!(r.undocumented, ["$.stauts"]);
    }

    #[test]
    fn additional_properties_false_is_enforced() {
        let root = json!({});
        let schema = json!({"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": false});
        assert!(!validate(&root, &schema, &json!({"a": 1, "b": 2})).ok());
        let free = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert!(validate(&root, &free, &json!({"x": "y"})).ok());
        assert!(!validate(&root, &free, &json!({"x": 1})).ok());
    }
}
