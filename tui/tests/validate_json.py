#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Validate JSON files against a JSON Schema (Draft 2020-12) with the
jsonschema module (Debian's python3-jsonschema); print each violation."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (scripts/deps.sh)")
    sys.exit(1)

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        bad += 1
        continue
    for err in validator.iter_errors(doc):
        where = "/".join(str(p) for p in err.absolute_path)
        print(f"{path}: /{where}: {err.message[:200]}")
        bad += 1
sys.exit(1 if bad else 0)
