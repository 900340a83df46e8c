"""Validate every provider spec with real validators.

1. The whole document against the OpenAPI 3.0 schema and its semantic rules
   (openapi-spec-validator).
2. Every `example` in the document (schemas, properties, parameters, media types) against the
   schema it sits on, with OpenAPI 3.0 semantics (`nullable`, ...) (openapi-schema-validator).
3. The project's `x-*` extensions (of the document, of each operation, and `x-source` wherever
   it appears) against `specs/extensions.schema.json`, the JSON Schema the generator's typed
   extensions produce (jsonschema).

Usage: python tests/spec_check.py [specs/onepay.yaml ...]   (default: every specs/*.yaml)
       python tests/spec_check.py --self-test   (proves both checks reject what they should)
Exits non-zero, listing each failure with its JSON pointer, when anything is wrong.
"""

from __future__ import annotations

import copy
import json
import pathlib
import sys

import yaml
from jsonschema import Draft7Validator
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

ROOT = pathlib.Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def extension_validators() -> dict[str, Draft7Validator]:
    """One validator per place an extension sits: `document`, `operation`, `source`, `sensitive`."""
    schema = json.loads((ROOT / "specs/extensions.schema.json").read_text())
    return {
        place: Draft7Validator({**sub, "definitions": schema["definitions"]})
        for place, sub in schema["properties"].items()
    }


def extension_failures(doc: dict, name: str) -> list[str]:
    """Every `x-*` value of the spec that the extensions' schema refuses, with its pointer."""
    validators = extension_validators()
    failures = []

    def report(place: str, value, pointer: str) -> None:
        for err in validators[place].iter_errors(value):
            at = "/".join(str(p) for p in err.path)
            failures.append(f"{name}: {pointer}/{at}: {err.message}")

    report("document", {k: v for k, v in doc.items() if k.startswith("x-")}, "#")
    operations = set()
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                operations.add(id(op))
                pointer = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method
                report("operation", {k: v for k, v in op.items() if k.startswith("x-")}, pointer)

    def walk(node, pointer: str) -> None:
        if isinstance(node, dict):
            if id(node) not in operations and "x-source" in node:
                report("source", node["x-source"], pointer + "/x-source")
            if "x-sensitive" in node:
                report("sensitive", node["x-sensitive"], pointer + "/x-sensitive")
            for key, value in node.items():
                if not (id(node) in operations and key.startswith("x-")):
                    walk(value, f"{pointer}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{pointer}/{i}")

    walk(doc.get("paths"), "#/paths")
    walk(doc.get("components"), "#/components")
    return failures


def resolve(doc: dict, node, depth: int = 0):
    """Inline every local `$ref` so a sub-schema can be validated on its own."""
    if depth > 40:
        raise ValueError("schema nesting deeper than 40 (a recursive $ref?)")
    if isinstance(node, dict):
        if "$ref" in node:
            target = doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(doc, target, depth + 1)
        return {k: resolve(doc, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(doc, v, depth + 1) for v in node]
    return node


def strip_examples(schema):
    """Examples nested in a schema are not part of what they are validated against."""
    if isinstance(schema, dict):
        return {k: strip_examples(v) for k, v in schema.items() if k != "example"}
    if isinstance(schema, list):
        return [strip_examples(v) for v in schema]
    return schema


def examples(node, pointer: str):
    """Yield (pointer, example, schema) for every example in the document."""
    if isinstance(node, dict):
        if "example" in node and isinstance(node.get("schema"), dict):
            # media type or parameter: the example belongs to its `schema`
            yield pointer + "/example", node["example"], node["schema"]
        for name, ex in (node.get("examples") or {}).items() if isinstance(node.get("examples"), dict) else []:
            if isinstance(ex, dict) and "value" in ex and isinstance(node.get("schema"), dict):
                yield f"{pointer}/examples/{name}/value", ex["value"], node["schema"]
        if "example" in node and ("type" in node or "properties" in node or "$ref" in node):
            # a schema with its own example
            yield pointer + "/example", node["example"], {k: v for k, v in node.items() if k != "example"}
        for key, value in node.items():
            if key in ("example", "examples"):
                continue
            yield from examples(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from examples(value, f"{pointer}/{i}")


def check(path: pathlib.Path) -> list[str]:
    failures = []
    spec_dict, base_uri = read_from_filename(str(path))
    try:
        validate(spec_dict, base_uri=base_uri)
    except Exception as exc:  # the validator's own error, shown as it is
        failures.append(f"{path.name}: not valid OpenAPI 3.0: {exc}")
        return failures
    doc = yaml.safe_load(path.read_text())
    count = 0
    for pointer, example, schema in examples(doc, "#"):
        count += 1
        full = strip_examples(resolve(doc, copy.deepcopy(schema)))
        errors = sorted(OAS30Validator(full).iter_errors(example), key=lambda e: list(e.path))
        for err in errors[:5]:
            at = "/".join(str(p) for p in err.path)
            failures.append(f"{path.name}: {pointer} -> /{at}: {err.message}")
    failures += extension_failures(doc, path.name)
    print(f"{path.name}: valid OpenAPI 3.0.3, {count} examples and the x-* extensions checked")
    return failures


def self_test() -> int:
    """Every check must reject a broken spec: an invalid document, a wrong example, an unknown
    extension value and an unknown extension."""
    import tempfile

    good = ROOT / "crates/pspkit-codegen/tests/fixtures/payments.yaml"
    doc = yaml.safe_load(good.read_text())
    cases = {}
    bad_example = copy.deepcopy(doc)
    bad_example["paths"]["/payments"]["get"]["responses"]["200"]["content"]["application/json"]["example"] = {
        "items": [{"id": "p1", "amount": 1.5, "status": "paid"}],
        "total_pages": "one",
    }
    cases["example of the wrong type"] = (bad_example, "total_pages")
    invalid = copy.deepcopy(doc)
    invalid["paths"]["/payments"]["get"]["responses"] = {"200": {"content": {}}}  # no description
    cases["response without description"] = (invalid, "not valid OpenAPI")
    bad_retry = copy.deepcopy(doc)
    bad_retry["paths"]["/payments"]["get"]["x-retry"] = "sometimes"
    cases["unknown x-retry value"] = (bad_retry, "x-retry")
    unknown_extension = copy.deepcopy(doc)
    unknown_extension["x-envelop"] = {}
    cases["unknown document extension"] = (unknown_extension, "x-envelop")
    bad_sensitive = copy.deepcopy(doc)
    bad_sensitive["components"]["schemas"]["Payment"]["properties"]["id"]["x-sensitive"] = "yes"
    cases["x-sensitive other than true"] = (bad_sensitive, "x-sensitive")
    with tempfile.TemporaryDirectory() as tmp:
        ok = pathlib.Path(tmp) / "good.yaml"
        ok.write_text(yaml.safe_dump(doc))
        if check(ok):
            print("self-test: the good fixture was rejected")
            return 1
        for name, (broken, expected) in cases.items():
            path = pathlib.Path(tmp) / "broken.yaml"
            path.write_text(yaml.safe_dump(broken))
            failures = check(path)
            if not any(expected in f for f in failures):
                print(f"self-test: {name}: not rejected as expected ({failures})")
                return 1
    print("self-test: every check rejects broken specs")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--self-test"]:
        return self_test()
    paths = [pathlib.Path(a) for a in argv] or sorted((ROOT / "specs").glob("*.yaml"))
    failures = [f for p in paths for f in check(p)]
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
