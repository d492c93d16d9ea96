#!/usr/bin/env python3
"""Insert rows into every resource of a running generated service, through its API.

  evolve_seed.py BASE_URL [--rows N] [--tag TAG]

Reads BASE_URL/openapi.yaml (the contract the service serves), and for every collection POST
(`/api/v1/<resource>` with a JSON request body) builds N bodies from the request schema, optional
fields included, so that every column gets data. Reference fields (`format: uuid`, described as
"id of a resource in /api/v1/<target>") get the id of a row of the target: one created in this run,
else an existing one (GET on the target's collection). Resources are created in dependency order;
a required reference that cannot be satisfied, or any answer other than 201, is an error (exit 1,
with the request and the answer). Unique-looking values (strings, emails, phones) start with a run
number (the first digits of TAG) and a counter, so unique columns stay unique across runs: give
each run a different TAG. Prints one line per resource:

  /api/v1/readers 2 created

Needs PyYAML. Standard library otherwise. Every request has a 10 s timeout.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
import zlib

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("evolve_seed.py needs PyYAML (apt-get install python3-yaml)")

REF_RE = re.compile(r"id of a resource in (/[A-Za-z0-9_/-]+)")
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def resolve(doc: dict, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        cur = doc
        for part in node["$ref"][2:].split("/"):
            cur = cur[part]
        node = cur
        seen += 1
    return node


def non_null(doc: dict, prop: dict) -> tuple[dict, bool]:
    """(the schema without its null alternative, nullable)."""
    prop = resolve(doc, prop)
    for key in ("oneOf", "anyOf"):
        if key in prop:
            alts = [resolve(doc, a) for a in prop[key]]
            real = [a for a in alts if a.get("type") != "null"]
            if len(real) == 1:
                merged = dict(real[0])
                for k in ("description",):
                    if k in prop and k not in merged:
                        merged[k] = prop[k]
                return merged, len(real) != len(alts)
    typ = prop.get("type")
    if isinstance(typ, list):
        real = [t for t in typ if t != "null"]
        out = dict(prop)
        out["type"] = real[0] if real else None
        return out, len(real) != len(typ)
    return prop, False


class Gen:
    def __init__(self, tag: str):
        m = re.search(r"[0-9]+", tag)
        # A number per run (the tag's first digits, else a CRC of it): the head of every unique
        # value, so that truncation to a short maxLength keeps values of different runs apart.
        self.run = int(m.group(0)) if m else zlib.crc32(tag.encode()) % 1000
        self.word = re.sub(r"[^a-z0-9]", "", tag.lower())
        self.n = 0

    def token(self, width: int | None = None) -> str:
        """A fresh token, r<run>n<counter>-<tag>, cut to width characters from the right."""
        self.n += 1
        n, digits = self.n, ""
        while True:
            digits = DIGITS[n % 36] + digits
            n //= 36
            if n == 0:
                break
        head = f"r{self.run}n{digits}"
        full = f"{head}{self.word}"
        if width is None:
            return full
        if width >= len(head):
            return full[:width]
        return (f"{self.run}{digits}")[-width:]

    def digits(self, k: int) -> str:
        self.n += 1
        return (str(self.run % 1000).rjust(3, "0") + str(self.n).rjust(k - 3, "0"))[-k:]

    def value(self, name: str, prop: dict):
        typ = prop.get("type")
        fmt = prop.get("format", "")
        if "enum" in prop:
            return prop["enum"][0]
        if typ == "boolean":
            return True
        if typ == "integer":
            lo = prop.get("minimum", 1)
            hi = prop.get("maximum")
            v = max(int(lo), 1) + self.n % 3
            self.n += 1
            return min(v, int(hi)) if hi is not None else v
        if typ == "number":
            return 1.5
        if typ != "string":
            return None
        if fmt == "date":
            return f"2024-0{1 + self.n % 9}-1{self.n % 10}"
        if fmt in ("date-time", "datetime"):
            return f"2024-03-1{self.n % 10}T10:15:00Z"
        if fmt == "email":
            return f"{self.token()}@example.com"
        if fmt in ("uri", "url"):
            return f"https://example.com/{self.token()}"
        if fmt == "uuid":
            return None
        pat = prop.get("pattern", "")
        if pat and "0-9" in pat and not re.search(r"[a-z]-[a-z]", pat):  # phone-like
            return "+1555" + self.digits(7)
        max_len = prop.get("maxLength")
        min_len = prop.get("minLength", 0)
        s = self.token(max_len)
        if len(s) < min_len:
            s = s.rjust(min_len, "0")
        return s


def collections(doc: dict):
    """[(path, schema)] of every collection POST with a JSON body (a create: not a bulk
    endpoint below a collection, such as /import)."""
    out = []
    paths = doc.get("paths") or {}
    for path, item in paths.items():
        if "{" in path or not isinstance(item, dict) or "post" not in item:
            continue
        if any(path.startswith(other + "/") for other in paths):
            continue
        rb = resolve(doc, item["post"].get("requestBody") or {})
        schema = ((rb.get("content") or {}).get("application/json") or {}).get("schema")
        if schema:
            out.append((path, resolve(doc, schema)))
    return out


def ref_target(prop: dict) -> str | None:
    m = REF_RE.search(prop.get("description", ""))
    return m.group(1) if m else None


def request(method: str, url: str, body=None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--rows", type=int, default=2)
    ap.add_argument("--tag", default="seed")
    a = ap.parse_args()
    base = a.base.rstrip("/")
    status, text = request("GET", base + "/openapi.yaml")
    if status != 200:
        print(f"GET /openapi.yaml: {status}", file=sys.stderr)
        return 1
    doc = yaml.safe_load(text)
    cols = collections(doc)
    known = {p for p, _ in cols}
    gen = Gen(a.tag)
    ids: dict[str, list[str]] = {}

    def ids_of(path: str) -> list[str]:
        if path not in ids:
            st, resp = request("GET", base + path + "?page_size=100")
            ids[path] = [it["id"] for it in json.loads(resp).get("items", [])] if st == 200 else []
        return ids[path]

    # Dependency order: a resource goes once every resource its required references target has
    # rows (created here or existing). Bounded: at most len(cols) rounds.
    pending = list(cols)
    created: dict[str, list[str]] = {}
    for _ in range(len(cols) + 1):
        if not pending:
            break
        progress = False
        for path, schema in list(pending):
            required = set(schema.get("required") or [])
            props = {k: non_null(doc, v) for k, v in (schema.get("properties") or {}).items()}
            blocked = [
                t for k, (p, _) in props.items()
                if k in required and (t := ref_target(p)) and t != path and t in known and t not in created
            ]
            if blocked:
                continue
            created[path] = []
            for i in range(a.rows):
                body = {}
                for k, (p, _nullable) in props.items():
                    target = ref_target(p)
                    if target or p.get("format") == "uuid":
                        pool = ids_of(target) if target else []
                        if target and target in created:
                            pool = created[target] or pool
                        if pool:
                            body[k] = pool[i % len(pool)]
                        elif k in required:
                            print(f"{path}: no row of {target} for required {k}", file=sys.stderr)
                            return 1
                        continue
                    v = gen.value(k, p)
                    if v is not None:
                        body[k] = v
                st, resp = request("POST", base + path, body)
                if st != 201:
                    print(f"POST {path} {json.dumps(body, ensure_ascii=False)}\n  -> {st} {resp[:600].decode(errors='replace')}",
                          file=sys.stderr)
                    return 1
                created[path].append(json.loads(resp)["id"])
            print(f"{path} {len(created[path])} created")
            pending.remove((path, schema))
            progress = True
        if not progress:
            break
    if pending:
        print("unresolvable references among: " + ", ".join(p for p, _ in pending), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
