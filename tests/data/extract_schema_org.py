"""Write tests/data/schema_org.json: the part of schema.org's vocabulary that describes the types the desk
writes in its ClaimReview output (each type's ancestors, and every property whose domain includes one of
them), so tests/test_claimreview.py checks the output in any checkout, with no download.

Run it with the current vocabulary file (schemaorg-current-https.jsonld, from schema.org's downloads):
    .venv/bin/python tests/data/extract_schema_org.py path/to/schemaorg-current-https.jsonld
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# The types claims/claimreview.py writes; add one here when the output gains a type.
WRITTEN_TYPES = ["ClaimReview", "Claim", "CreativeWork", "Rating", "Organization", "Person"]
OUT = Path(__file__).with_name("schema_org.json")


def ids(value) -> list[str]:
    return [item["@id"] for item in (value if isinstance(value, list) else [value])]


def main(vocabulary: Path) -> None:
    graph = json.loads(vocabulary.read_text())["@graph"]
    parents = {node["@id"]: ids(node.get("rdfs:subClassOf", [])) for node in graph if node["@type"] == "rdfs:Class"}
    wanted, todo = set(), [f"schema:{name}" for name in WRITTEN_TYPES]
    while todo:
        current = todo.pop()
        if current not in wanted:
            wanted.add(current)
            todo += parents.get(current, [])
    properties = {
        node["@id"]: sorted(set(ids(node.get("schema:domainIncludes", []))) & wanted)
        for node in graph
        if node["@type"] == "rdf:Property" and set(ids(node.get("schema:domainIncludes", []))) & wanted
    }
    subset = {
        "source": vocabulary.name,
        "classes": {name: sorted(set(parents.get(name, [])) & wanted) for name in sorted(wanted)},
        "properties": dict(sorted(properties.items())),
    }
    OUT.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n")
    print(f"{OUT}: {len(subset['classes'])} classes, {len(properties)} properties")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
