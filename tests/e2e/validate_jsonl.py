"""Validates every line of a JSONL file against a JSON Schema.

usage: validate_jsonl.py SCHEMA.json FILE.jsonl
Prints each failing line with the validator's message; exits 1 if any.
"""
import json
import sys

import jsonschema


def main():
    schema_path, data_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    bad = 0
    with open(data_path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            record = json.loads(line)
            for error in validator.iter_errors(record):
                bad += 1
                path = "/".join(str(p) for p in error.absolute_path)
                print(f"{data_path}:{number}: /{path}: {error.message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
