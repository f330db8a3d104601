"""Shared bases of API input schemas."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, field_validator


def _not_nullable(schema: dict[str, Any], model: Any = None) -> None:
    """Document `x: T | None = None` fields as plain `T`: null is not accepted (see PatchIn)."""
    for prop in schema.get("properties", {}).values():
        branches = prop.get("anyOf")
        if branches and {"type": "null"} in branches:
            rest = [b for b in branches if b != {"type": "null"}]
            del prop["anyOf"]
            if len(rest) == 1:
                prop.update(rest[0])
            else:
                prop["anyOf"] = rest
        if prop.get("default", ...) is None:
            del prop["default"]


class PatchIn(Schema):
    """A partial update: a field left out stays as it is; sending null for it is refused with
    422 (every patchable field of ours has a value, and "clear" is an empty string, not
    null). Fields are declared `x: T | None = None` so that "left out" can be told apart."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_nullable)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs for sent values only (defaults are not validated): an explicit null.
        if value is None:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value
