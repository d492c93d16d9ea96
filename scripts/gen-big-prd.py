#!/usr/bin/env python3
"""Write a large, valid English PRD with N entities to stdout (for benchmarks).

Every entity has a field table with several types, a unique field, an enum, and (after the first)
a reference to an earlier entity; every tenth entity has a state machine and a user story set.
Deterministic: the same N always gives the same text.

  scripts/gen-big-prd.py 200 > /tmp/big.md
"""

import sys

WORDS = [
    "account", "asset", "batch", "branch", "budget", "campaign", "carrier", "channel", "claim",
    "contract", "coupon", "device", "dossier", "employee", "event", "invoice", "ledger", "licence",
    "locker", "member", "meter", "parcel", "permit", "pallet", "policy", "project", "quote",
    "receipt", "region", "report", "route", "sensor", "shift", "station", "supplier", "survey",
    "task", "ticket", "vehicle", "voucher",
]


def pascal(s: str) -> str:
    return "".join(p.capitalize() for p in s.split("_"))


def entity_names(n: int) -> list[str]:
    names = []
    for i in range(n):
        base = WORDS[i % len(WORDS)]
        names.append(base if i < len(WORDS) else f"{base}_{i // len(WORDS)}")
    return names


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    names = entity_names(n)
    out = []
    w = out.append
    w(f"# BigCo Operations Platform — Product Requirements Document\n")
    w("**Service**: `bigco`\n")
    w("## 1. Overview\n")
    w(f"A synthetic PRD with {n} entities, used to benchmark backend-pro on a large input.\n")
    w("## 2. User Roles\n")
    w("| Role | Description |\n|---|---|\n| Operator (operator) | Runs day-to-day operations |\n"
      "| Auditor (auditor) | Reads everything |\n")
    w("## 3. User Stories\n")
    for i, name in enumerate(names):
        if i % 10 == 0:
            label = name.replace("_", " ")
            w(f"- As an operator, I want to create a new {label} record so that work can be tracked.")
            w(f"- As an auditor, I want to list every {label} with its status.")
    w("")
    w("## 4. Data Model\n")
    for i, name in enumerate(names):
        w(f"### 4.{i + 1} {pascal(name)}\n")
        w("| Field | Type | Required | Unique | Default | Description |")
        w("|---|---|---|---|---|---|")
        w(f"| code | varchar(32) | yes | yes | | Business code of the {name.replace('_', ' ')} |")
        w("| title | varchar(200) | yes | | | Display title |")
        w("| notes | text | no | | | Free text |")
        w("| quantity | int | yes | | 0 | |")
        w("| amount | decimal(12,2) | no | | | EUR |")
        w("| active | bool | yes | | true | |")
        w("| due_on | date | no | | | |")
        if i % 10 == 0:
            w("| status | enum(draft, open, closed) | yes | | draft | See the lifecycle below |")
        else:
            w("| priority | enum(low, normal, high) | yes | | normal | |")
        if i > 0:
            parent = names[(i - 1) // 2]
            w(f"| {parent}_id | ref {pascal(parent)} | yes | | | Parent {parent.replace('_', ' ')} |")
        w("")
        if i % 10 == 0:
            w(f"#### {pascal(name)} lifecycle\n")
            w("- draft -> open : open")
            w("- open -> closed : close")
            w("- draft -> closed : discard")
            w("")
    w("## 5. Non-Functional Requirements\n")
    w("- **Throughput**: 1500 requests per second at peak.")
    w("- **Latency**: p95 under 150 ms and P99 < 200ms.")
    w("- **Availability**: 99.9% per month.")
    w("- **Concurrency**: 500 concurrent users.")
    w("- **Retention**: records are retained for 3 years.")
    w("- **Tenancy**: single-tenant.")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
