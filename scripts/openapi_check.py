#!/usr/bin/env python3
"""Sanity check of a served OpenAPI document: version 3.1.x and at least one /api/ path with
operations. Uses PyYAML when installed, else a line scan. Exit 1 with the reason otherwise.

  openapi_check.py openapi.yaml
"""

import re
import sys


def main() -> int:
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    try:
        import yaml

        doc = yaml.safe_load(text)
        if not isinstance(doc, dict):
            print(f"openapi: not a YAML mapping ({len(text)} bytes)")
            return 1
        version = str(doc.get("openapi", ""))
        paths = [p for p in (doc.get("paths") or {}) if p.startswith("/api/")]
    except ImportError:
        m = re.search(r"^openapi:\s*['\"]?([0-9.]+)", text, re.M)
        version = m.group(1) if m else ""
        paths = re.findall(r"^  ['\"]?(/api/[^:'\"]*)['\"]?:\s*$", text, re.M)
    except Exception as e:  # a YAML syntax error is a finding, not a crash
        print(f"openapi: does not parse: {e}")
        return 1
    problems = []
    if not version.startswith("3.1"):
        problems.append(f"openapi version {version or 'missing'!r}, want 3.1.x")
    if not paths:
        problems.append("no /api/ paths")
    for p in problems:
        print(f"openapi: {p}")
    if not problems:
        print(f"openapi {version}: {len(paths)} /api/ paths")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
