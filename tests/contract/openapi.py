"""Holding a recorded request and answer against an OpenAPI 3.0 description.

The schemas are checked by ``jsonschema`` (Draft 4, which OpenAPI 3.0's schema objects
extend); what OpenAPI adds is translated first: ``nullable: true`` becomes a ``"null"``
type. Request bodies are checked strictly (a property the description does not list is a
violation, as ``minorEdit`` on v2 is), answers leniently (a server may add fields).
Matching the path template, the method and the query parameters is plain bookkeeping.
"""

from __future__ import annotations

import copy
import email
import email.policy
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

Json = dict[str, Any]
SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
SCHEMA_WORDS = ("properties", "items", "allOf", "oneOf", "anyOf", "not", "additionalProperties")


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable`` as JSON Schema."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.pop("nullable", False) is True:
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _strict(node: Any, in_all_of: bool = False) -> Any:
    """Every object schema that lists its properties allows no others (except inside
    ``allOf``, where each part lists only some of them)."""
    if isinstance(node, list):
        return [_strict(item, in_all_of) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: _strict(value, key == "allOf" or (in_all_of and key != "properties"))
        for key, value in node.items()
    }
    if "properties" in node and "additionalProperties" not in node and not in_all_of:
        node["additionalProperties"] = False
    return node


@dataclass(frozen=True)
class Operation:
    method: str
    template: str  # as the description writes it, e.g. "/pages/{id}"
    pattern: re.Pattern[str]
    spec: Json
    parameters: tuple[Json, ...]


class Description:
    """One OpenAPI document; ``prefix`` is what the recorded paths lack (v1: ``/wiki/rest/api``)."""

    def __init__(self, name: str, prefix: str = "") -> None:
        self.raw: Json = json.loads((SPECS / name).read_text())
        self.prefix = prefix

    @cached_property
    def _lenient(self) -> Json:
        return _nullable(copy.deepcopy(self.raw.get("components", {})))

    @cached_property
    def _strict_components(self) -> Json:
        return _strict(self._lenient)

    @cached_property
    def operations(self) -> list[Operation]:
        found = []
        for template, item in self.raw["paths"].items():
            shared = tuple(item.get("parameters", []))
            regex = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            for method, spec in item.items():
                if method in ("get", "put", "post", "delete", "patch"):
                    params = (*shared, *spec.get("parameters", []))
                    found.append(
                        Operation(method.upper(), template, re.compile(regex), spec, params)
                    )
        # A literal segment wins over a parameter: "/pages/{id}/labels" before "/{id}/{x}".
        return sorted(found, key=lambda op: (op.template.count("{"), -len(op.template)))

    def operation(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        full = self.prefix + path
        for op in self.operations:
            match = op.pattern.fullmatch(full)
            if match and op.method == method:
                names = re.findall(r"\{([^}]+)\}", op.template)
                return op, dict(zip(names, match.groups(), strict=True))
        return None, {}

    def _resolve(self, node: Json) -> Json:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#/").split("/")
            target: Any = self.raw
            for part in pointer:
                target = target[part]
            node = target
        return node

    def _errors(self, schema: Json, value: Any, strict: bool) -> list[str]:
        components = self._strict_components if strict else self._lenient
        transformed = _strict(_nullable(schema)) if strict else _nullable(schema)
        validator = Draft4Validator({"components": components, **transformed})
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(value)
        ]

    # --- what is checked -------------------------------------------------------------------

    def request_problems(
        self,
        op: Operation,
        path_values: dict[str, str],
        query: tuple[tuple[str, str], ...],
        sent: tuple[str, bytes],  # (Content-Type, body)
    ) -> list[str]:
        params = [self._resolve(p) for p in op.parameters]
        problems = []
        for param in params:
            where = param["in"]
            if where == "path":
                problems += self._value_problems(param, [path_values[param["name"]]])
            elif where == "query":
                values = [v for k, v in query if k == param["name"]]
                if param.get("required") and not values:
                    problems.append(f"query parameter {param['name']} is required")
                elif values:
                    problems += self._value_problems(param, values)
        known = {p["name"] for p in params if p["in"] == "query"}
        problems += [f"query parameter {k!r} is not documented" for k, _ in query if k not in known]
        return problems + self._body_problems(op, *sent)

    def _value_problems(self, param: Json, values: list[str]) -> list[str]:
        schema = self._resolve(param.get("schema", {}))
        if schema.get("type") == "array":
            items = self._resolve(schema.get("items", {}))
            value: Any = [_coerce(items, v) for raw in values for v in raw.split(",")]
        else:
            value = _coerce(schema, values[-1])
        return [f"{param['name']}={values}: {e}" for e in self._errors(schema, value, False)]

    def _body_problems(self, op: Operation, body_type: str, body: bytes) -> list[str]:
        described = op.spec.get("requestBody")
        if described is None:
            return ["a body is sent where none is documented"] if body.strip() else []
        described = self._resolve(described)
        content = described.get("content", {})
        if body_type.startswith("multipart/form-data") and "multipart/form-data" in content:
            return self._form_problems(
                content["multipart/form-data"].get("schema", {}), body_type, body
            )
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return ["the body is JSON where the description documents another type"]
        try:
            value = json.loads(body)
        except ValueError:
            return ["the body is not JSON"]
        return [f"body {e}" for e in self._errors(self._resolve_top(schema), value, True)]

    def _form_problems(self, schema: Json, body_type: str, body: bytes) -> list[str]:
        """A multipart body: each required part there, no part the description lacks."""
        message = email.message_from_bytes(
            f"Content-Type: {body_type}\r\n\r\n".encode() + body, policy=email.policy.HTTP
        )
        names = [
            part.get_param("name", header="content-disposition") for part in message.iter_parts()
        ]
        schema = self._resolve(schema)
        documented = set(schema.get("properties", {}))
        problems = [
            f"form part {name!r} is required"
            for name in schema.get("required", [])
            if name not in names
        ]
        return problems + [
            f"form part {n!r} is not documented" for n in names if n not in documented
        ]

    def _resolve_top(self, schema: Json) -> Json:
        return self._resolve(schema) if "$ref" in schema else schema

    def answer_problems(
        self, op: Operation, status: int, content_type: str, body: bytes
    ) -> list[str]:
        responses = op.spec.get("responses", {})
        described = responses.get(str(status)) or responses.get("default")
        if described is None:
            if status in (429, 500, 502, 503, 504):  # what any HTTP service may answer
                return []
            return [f"status {status} is not documented (documented: {sorted(responses)})"]
        if not 200 <= status < 300:
            return []
        schema = (
            self._resolve(described).get("content", {}).get("application/json", {}).get("schema")
        )
        if schema is None or not body:
            return []
        if "json" not in content_type:
            return [f"a {content_type} answer where JSON is documented"]
        return [
            f"answer {e}" for e in self._errors(self._resolve_top(schema), json.loads(body), False)
        ]


def _coerce(schema: Json, value: str) -> Any:
    """A query string value as the type its schema names (left as text if it is not one)."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value
