"""The Open Referral UK 3.0 OpenAPI document and JSON Schemas shipped in `oruk/`.

The schemas refer to each other by absolute URL (https://openreferraluk.org/...): a local
`referencing.Registry` maps that prefix to the files here, so nothing is fetched.
"""

from __future__ import annotations

import copy
import json
from functools import cache, lru_cache
from pathlib import Path

ORUK_DIR = Path(__file__).resolve().parent / "oruk"
OPENAPI_PATH = ORUK_DIR / "openapi.json"
SCHEMA_DIR = ORUK_DIR / "schema"
SCHEMA_PREFIX = "https://openreferraluk.org/specifications/3.0/schema/"


@lru_cache(maxsize=1)
def openapi_bytes() -> bytes:
    return OPENAPI_PATH.read_bytes()


@cache
def schema(name: str) -> dict:
    """One schema by file name without `.json` ("service")."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


@lru_cache(maxsize=1)
def registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (
            SCHEMA_PREFIX + path.name,
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
        )
        for path in sorted(SCHEMA_DIR.glob("*.json"))
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str, *, formats: bool = True):
    """A Draft 2020-12 validator for schema `name`, refs resolved locally; with `formats`,
    uuid, email and date-time are checked too."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(
        {"$ref": SCHEMA_PREFIX + f"{name}.json"},
        registry=registry(),
        format_checker=FormatChecker() if formats else None,
    )


def errors(name: str, instance) -> list[str]:
    """Why `instance` breaks schema `name` (empty when it is valid), path first."""
    found = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [
        ("/".join(str(p) for p in e.absolute_path) or "(record)") + ": " + e.message for e in found
    ]


def bundled_openapi() -> dict:
    """openapi.json with every schema file put under components/schemas and each absolute
    `$ref` pointed there: one self-contained document for tools (schemathesis) that would
    otherwise fetch the refs from openreferraluk.org."""
    document = json.loads(openapi_bytes())
    bundled = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        bundled[path.stem] = json.loads(path.read_text())

    def rewrite(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                node["$ref"] = "#/components/schemas/" + ref[len(SCHEMA_PREFIX) :].removesuffix(
                    ".json"
                )
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    document.setdefault("components", {}).setdefault("schemas", {}).update(copy.deepcopy(bundled))
    rewrite(document)
    return document
