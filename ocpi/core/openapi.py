"""The OpenAPI 3.1 document of every OCPI endpoint we serve, built from the same msgspec wire
objects that validate requests (served at ``/ocpi/openapi.json``).

Each module lists its ``operations`` beside its routes in its ``urls.py``: the route's path,
the method, the request body type and the type of the answer's ``data``. Paths come from the
Django route patterns (``<str:country_code>`` → ``{country_code}``); every answer is the OCPI
envelope; every error we answer is documented with it (DESIGN.md §4 and the README's status
mapping).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.conf import settings

from ocpi.core.registry import SUPPORTED_VERSIONS, registry

JsonSchema = dict[str, Any]

_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")

# Path parameters of OCPI URLs, as the spec bounds them (reference §1.7, §5).
PATH_PARAMETERS: dict[str, JsonSchema] = {
    "country_code": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    "party_id": {"type": "string", "pattern": "^[A-Za-z0-9]{3}$"},
    "location_id": {"type": "string", "minLength": 1, "maxLength": 39},
    "evse_uid": {"type": "string", "minLength": 1, "maxLength": 39},
    "connector_id": {"type": "string", "minLength": 1, "maxLength": 36},
    "session_id": {"type": "string", "minLength": 1, "maxLength": 36},
    "tariff_id": {"type": "string", "minLength": 1, "maxLength": 36},
    "token_uid": {"type": "string", "minLength": 1, "maxLength": 36},
}

# An empty parameter counts as not given (``?date_from=`` is common in clients' templates).
_EMPTY: JsonSchema = {"type": "string", "maxLength": 0}
PAGE_PARAMETERS: list[JsonSchema] = [
    {"name": "offset", "in": "query", "schema": {"anyOf": [{"type": "integer", "minimum": 0}, _EMPTY]}},
    {"name": "limit", "in": "query", "schema": {"anyOf": [{"type": "integer", "minimum": 1}, _EMPTY]}},
    # A DateTime, read more leniently than RFC 3339 (with or without Z, an offset, a fraction);
    # anything else is answered 400/2001 naming the parameter.
    {"name": "date_from", "in": "query", "schema": {"type": "string"}, "description": "DateTime, inclusive"},
    {"name": "date_to", "in": "query", "schema": {"type": "string"}, "description": "DateTime, exclusive"},
]

_ERRORS = {
    "400": "Invalid or missing parameters or fields (2001, 2002), or not allowed (2000)",
    "401": "No valid credentials token",
    "404": "Unknown object, or one of another party (2003, 2004)",
    "405": "Method not allowed (2000)",
    "413": "Body too large (2000)",
    "415": "Body not JSON (2001)",
    "429": "Rate limit: wait for Retry-After (2000)",
}
_PAGE_HEADERS = {
    "X-Total-Count": {"schema": {"type": "integer"}},
    "X-Limit": {"schema": {"type": "integer"}},
    "Link": {"schema": {"type": "string"}},
}


@dataclass(frozen=True)
class Operation:
    """One method on one route of a module: ``path`` as in its ``urlpatterns``; ``request`` the
    body's wire type (or a JSON schema); ``data`` the answer's ``data`` (a type, ``list[T]``
    for paginated lists, or None for an envelope without data)."""

    path: str
    method: str
    summary: str
    request: Any = None
    request_required: bool = True
    data: Any = None
    paginated: bool = False
    success: tuple[str, ...] = ("200",)
    query: tuple[JsonSchema, ...] = ()
    errors: tuple[str, ...] = ("400", "401", "404", "405", "413", "415", "429")
    auth: bool = True
    extra_path_parameters: dict[str, JsonSchema] = field(default_factory=dict)


def openapi_document() -> JsonSchema:
    """The whole document: versions endpoints and every registered module of every version."""
    operations: list[tuple[str, Operation]] = [(f"/ocpi/emsp/{op.path}", op) for op in _core_operations()]
    for version in SUPPORTED_VERSIONS:
        for spec in registry.modules(version):
            if not spec.urls:
                continue
            module = importlib.import_module(spec.urls)
            for operation in getattr(module, "operations", ()):
                operations.append((f"/ocpi/emsp/{version}/{spec.identifier}{operation.path}", operation))
    types = [t for _, op in operations for t in (op.request, op.data) if t is not None and not isinstance(t, dict)]
    schemas, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    by_type = dict(zip(types, schemas, strict=True))
    _mark_datetimes(types, components)
    paths: dict[str, dict[str, Any]] = {}
    for route, operation in operations:
        path, parameters = _openapi_path(route, operation)
        paths.setdefault(path, {})[operation.method.lower()] = _operation(route, operation, parameters, by_type)
    components["Envelope"] = _envelope(None)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.OCPI_BUSINESS_NAME} eMSP OCPI API",
            "version": ", ".join(SUPPORTED_VERSIONS),
            "description": "OCPI 2.1.1, eMSP side. Every answer is the OCPI envelope; see the README for the "
            "OCPI status to HTTP status mapping.",
        },
        "servers": [{"url": settings.OCPI_BASE_URL}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "ocpiToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Token <credentials token> (raw, or Base64-encoded)",
                }
            },
        },
        "security": [{"ocpiToken": []}],
    }


def _mark_datetimes(types: list[Any], components: JsonSchema) -> None:
    """msgspec writes a ``datetime`` field as a plain string: say ``date-time`` (RFC 3339)."""
    seen: set[type] = set()
    pending = list(msgspec.inspect.multi_type_info(types))
    while pending:
        info = pending.pop()
        if isinstance(info, msgspec.inspect.StructType):
            if info.cls in seen:
                continue
            seen.add(info.cls)
            properties = components.get(info.cls.__name__, {}).get("properties", {})
            for field_info in info.fields:
                if _is_datetime(field_info.type) and field_info.encode_name in properties:
                    _add_format(properties[field_info.encode_name])
                pending.append(field_info.type)
        elif isinstance(info, msgspec.inspect.UnionType):
            pending.extend(info.types)
        elif isinstance(info, (msgspec.inspect.ListType, msgspec.inspect.SetType, msgspec.inspect.VarTupleType)):
            pending.append(info.item_type)
        elif isinstance(info, msgspec.inspect.Metadata):
            pending.append(info.type)


def _is_datetime(info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.Metadata):
        return _is_datetime(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        return any(_is_datetime(member) for member in info.types)
    return isinstance(info, msgspec.inspect.DateTimeType)


def _add_format(schema: JsonSchema) -> None:
    if schema.get("type") == "string":
        schema["format"] = "date-time"
    for member in schema.get("anyOf", ()):
        _add_format(member)


def _core_operations() -> list[Operation]:
    version = {"type": "object", "required": ["version", "url"], "properties": {
        "version": {"type": "string"}, "url": {"type": "string"}}}  # fmt: skip
    endpoint = {"type": "object", "required": ["identifier", "url"], "properties": {
        "identifier": {"type": "string"}, "url": {"type": "string"}}}  # fmt: skip
    details = {"type": "object", "required": ["version", "endpoints"], "properties": {
        "version": {"type": "string"}, "endpoints": {"type": "array", "items": endpoint}}}  # fmt: skip
    return [
        Operation("versions", "GET", "The OCPI versions we support", data={"type": "array", "items": version},
                  errors=("401", "405", "429")),
        *(
            Operation(f"{v}/", "GET", f"The endpoints of OCPI {v}", data=details, errors=("401", "405", "429"))
            for v in SUPPORTED_VERSIONS
        ),
    ]  # fmt: skip


def _openapi_path(route: str, operation: Operation) -> tuple[str, list[JsonSchema]]:
    parameters: list[JsonSchema] = []

    def replace(match: re.Match[str]) -> str:
        name, kind = match["name"], match["kind"] or "str"
        schema = (
            operation.extra_path_parameters.get(name)
            or PATH_PARAMETERS.get(name)
            or ({"type": "integer", "minimum": 0} if kind == "int" else {"type": "string", "minLength": 1})
        )
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _CONVERTER.sub(replace, route), parameters


def _operation(
    route: str, operation: Operation, parameters: list[JsonSchema], by_type: dict[Any, JsonSchema]
) -> JsonSchema:
    data = _schema_of(operation.data, by_type)
    if operation.paginated:
        parameters = [*parameters, *PAGE_PARAMETERS]
    content = {"application/json": {"schema": _envelope(data)}}
    success: JsonSchema = {"description": "Success (1000)", "content": content}
    if operation.paginated:
        success["headers"] = _PAGE_HEADERS
    responses: dict[str, JsonSchema] = dict.fromkeys(operation.success, success)
    for code in operation.errors:
        responses[code] = {
            "description": _ERRORS[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}},
        }
    result: JsonSchema = {
        "summary": operation.summary,
        "operationId": f"{operation.method.lower()}_{_slug(route)}",
        "parameters": [*parameters, *operation.query],
        "responses": responses,
    }
    if operation.request is not None:
        body = _schema_of(operation.request, by_type)
        result["requestBody"] = {
            "required": operation.request_required,
            "content": {"application/json": {"schema": body}},
        }
    if not operation.auth:
        result["security"] = []
    return result


def _schema_of(kind: Any, by_type: dict[Any, JsonSchema]) -> JsonSchema | None:
    if kind is None:
        return None
    if isinstance(kind, dict):
        return kind
    return by_type[kind]


def _envelope(data: JsonSchema | None) -> JsonSchema:
    properties: JsonSchema = {
        "status_code": {"type": "integer"},
        "status_message": {"type": "string"},
        "timestamp": {"type": "string"},
    }
    required = ["status_code", "timestamp"]
    if data is not None:
        properties["data"] = data
        required.append("data")
    return {"type": "object", "required": required, "properties": properties}


def _slug(route: str) -> str:
    return re.sub(r"\W+", "_", _CONVERTER.sub(lambda m: m["name"], route.removeprefix("/ocpi/emsp/"))).strip("_")
