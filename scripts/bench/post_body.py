#!/usr/bin/env python3
"""Find a create (POST) request that a running generated service accepts, for wrk.

Reads /openapi.yaml from the service, builds a JSON body for each collection POST (from the
request example when there is one, else from the schema), making string fields unique per request
with the placeholder __N__, and tries them in order (fewest required fields first; entities whose
required fields reference other rows last) until one answers 201. Prints one JSON object:

  {"path": "/api/v1/categories", "template": "{\"name\": \"b__N__\", ...}",
   "id": "<id of the row created by the probe>", "item_path": "/api/v1/categories/<id>"}

Needs PyYAML. Standard library otherwise.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("post_body.py needs PyYAML (python3 -m pip install pyyaml)")

PLACEHOLDER = "__N__"


def resolve(doc: dict, node: dict) -> dict:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        assert ref.startswith("#/")
        cur = doc
        for part in ref[2:].split("/"):
            cur = cur[part]
        node = cur
        seen += 1
    return node


def string_value(name: str, prop: dict, example) -> object:
    if "enum" in prop:
        return example if example in prop["enum"] else prop["enum"][0]
    fmt = prop.get("format", "")
    if fmt == "date":
        return example or "2024-01-02"
    if fmt in ("date-time", "datetime"):
        return example or "2024-01-02T03:04:05Z"
    if fmt == "email":
        return f"b{PLACEHOLDER}@example.com"
    if fmt in ("uri", "url"):
        return f"https://example.com/{PLACEHOLDER}"
    if fmt == "uuid":
        return example
    if fmt in ("decimal", "number") or (isinstance(example, str) and example.replace(".", "", 1).isdigit()):
        return example or "1.00"
    max_len = prop.get("maxLength")
    if max_len is not None and max_len < 17:  # too short for the unique token: a constant
        if isinstance(example, str) and example:
            return example
        return "ab"[: max(1, min(max_len, 2))]
    return f"b{PLACEHOLDER}"


def build_body(doc: dict, schema: dict, example: dict | None) -> tuple[dict, bool]:
    """(body, needs_reference): needs_reference when a required field looks like a foreign key."""
    schema = resolve(doc, schema)
    props = {k: resolve(doc, v) for k, v in (schema.get("properties") or {}).items()}
    required = set(schema.get("required") or [])
    body: dict = {}
    needs_ref = False
    for name, prop in props.items():
        ex = (example or {}).get(name, prop.get("example", (prop.get("examples") or [None])[0]))
        if name not in required and name not in (example or {}):
            continue
        typ = prop.get("type")
        if isinstance(typ, list):
            typ = next((t for t in typ if t != "null"), None)
        if name.endswith("_id") or prop.get("format") == "uuid":
            needs_ref = needs_ref or name in required
            if ex is not None:
                body[name] = ex
            continue
        if typ == "string":
            body[name] = string_value(name, prop, ex)
        elif typ == "integer":
            body[name] = ex if isinstance(ex, int) else max(1, int(prop.get("minimum", 1)))
        elif typ == "number":
            body[name] = ex if isinstance(ex, (int, float)) else 1.5
        elif typ == "boolean":
            body[name] = ex if isinstance(ex, bool) else True
        elif ex is not None:
            body[name] = ex
    return body, needs_ref


def candidates(doc: dict):
    out = []
    paths = doc.get("paths") or {}
    for path, item in paths.items():
        if "{" in path or not isinstance(item, dict) or "post" not in item:
            continue
        if any(path.startswith(other + "/") for other in paths):
            continue  # a bulk endpoint below a collection (/import), not a create
        op = item["post"]
        rb = resolve(doc, op.get("requestBody") or {})
        media = (rb.get("content") or {}).get("application/json") or {}
        schema = media.get("schema")
        if not schema:
            continue
        example = media.get("example")
        if example is None and media.get("examples"):
            first = next(iter(media["examples"].values()))
            example = resolve(doc, first).get("value")
        body, needs_ref = build_body(doc, schema, example if isinstance(example, dict) else None)
        out.append((needs_ref, len(body), path, body))
    out.sort(key=lambda c: (c[0], c[1], c[2]))
    return out


def post(url: str, body: bytes) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main() -> int:
    base = sys.argv[1].rstrip("/")
    with urllib.request.urlopen(base + "/openapi.yaml", timeout=10) as r:
        doc = yaml.safe_load(r.read())
    tried = []
    for needs_ref, _, path, body in candidates(doc):
        template = json.dumps(body, ensure_ascii=False)
        probe = template.replace(PLACEHOLDER, f"probe{int(time.time() * 1000)}")
        status, resp = post(base + path, probe.encode())
        tried.append(f"{path}: {status} {resp[:200]!r}")
        if status == 201:
            created = json.loads(resp)
            rid = created.get("id")
            print(json.dumps({"path": path, "template": template, "id": rid, "item_path": f"{path}/{rid}"}))
            return 0
    print("no collection POST answered 201:\n  " + "\n  ".join(tried), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
