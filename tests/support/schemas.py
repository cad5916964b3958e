"""Validate JSON against ChargeMap's OCPI 2.1.1 JSON Schemas (../shared/ocpi/external-fixtures).

The schemas are draft-04 with relative ``$ref``s. Several put ``required`` or
``additionalProperties`` beside a ``$ref``, which draft-04 ignores; they are rewritten as
``allOf`` so the authors' intended strictness applies (as the fixtures README advises).
Check the rewrite against the fixtures' own manifest (tests/ocpi/core/test_schemas_support.py).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SCHEMA_ROOT = SHARED / "ocpi" / "external-fixtures" / "ChargeMap-ocpi-protocol" / "resources" / "jsonSchemas"


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _strict(value) for key, value in node.items()}
        if "$ref" in node and len(node) > 1:
            ref = node.pop("$ref")
            if "properties" not in node:
                # Beside a $ref this can only mean "nothing beyond the referenced properties",
                # which allOf cannot say (it would forbid every property); the target decides.
                node.pop("additionalProperties", None)
            return {"allOf": [{"$ref": ref}, node]}
        return node
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMA_ROOT.rglob("*.json"):
        contents = _strict(json.loads(path.read_text(encoding="utf-8")))
        resources.append((path.as_uri(), Resource.from_contents(contents, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def validator(relative_path: str) -> Draft4Validator:
    # Referencing the file by URI gives its relative $refs a base to resolve against.
    uri = (SCHEMA_ROOT / relative_path).as_uri()
    return Draft4Validator({"$ref": uri}, registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER)


def schema_errors(relative_path: str, instance: Any) -> list[str]:
    """Every violation, as ``path: message``; empty when the instance is valid."""
    errors = sorted(validator(relative_path).iter_errors(instance), key=lambda error: list(error.path))
    return [f"{'/'.join(map(str, error.path)) or '<root>'}: {error.message}" for error in errors]
