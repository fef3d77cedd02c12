#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets under fuzz/corpus/TARGET/ from material in
the repository (nothing generated is committed):

- parse, execute: the statements of tests/cases/**/*.test, tests/parse/**/*.cypher, the
  seed script data/trade_talks.cypher, the cypher blocks of README.md and docs/*.md, and
  the queries of the openCypher TCK (../shared/tck/features, text between \"\"\" lines);
- snapshot: snapshots written by the kg binary (seed graph, a small graph with an index,
  an empty graph, an import of the CSV fixtures), each with mode bytes 0 (as is), 1
  (checksums repaired) and 3 (length and checksums repaired); see fuzz/harness.rs;
- csv_import: combinations of tests/data/import/*.csv in the layout csv_input expects.

Usage: fuzz/seed_corpus.py [KG_BINARY]   (default: target/debug/kg, built if missing)
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
CORPUS = os.path.join(FUZZ, "corpus")


def put(target, data):
    """Stores one corpus entry under its content hash (so reruns add nothing twice)."""
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def walk(folder, suffix):
    for base, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(suffix):
                yield os.path.join(base, name)


def case_statements(path):
    """The statement texts of a tests/cases file: the lines after a `statement ...` or
    `query ...` line, up to `----` or a blank line."""
    out, current = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if current is None:
            if re.match(r"^(statement|query)\b", line):
                current = []
        elif line.strip() in ("", "----"):
            if current:
                out.append("\n".join(current))
            current = None
        else:
            current.append(line)
    if current:
        out.append("\n".join(current))
    return out


def tck_queries(path):
    out, current = [], None
    for line in open(path, encoding="utf-8"):
        if line.strip() == '"""':
            if current is None:
                current = []
            else:
                out.append("".join(current))
                current = None
        elif current is not None:
            current.append(line.strip() + "\n")
    return out


def markdown_cypher(path):
    text = open(path, encoding="utf-8").read()
    out = []
    for block in re.findall(r"```cypher\n(.*?)```", text, re.S):
        out.extend(s.strip() for s in block.split(";") if s.strip())
    return out


def queries():
    qs = []
    for p in walk(os.path.join(ROOT, "tests/cases"), ".test"):
        qs.extend(case_statements(p))
    for p in walk(os.path.join(ROOT, "tests/parse"), ".cypher"):
        qs.append(open(p, encoding="utf-8").read())
    seed = open(os.path.join(ROOT, "data/trade_talks.cypher"), encoding="utf-8").read()
    qs.extend(s.strip() for s in seed.split(";\n") if s.strip())
    for p in [os.path.join(ROOT, "README.md")] + list(walk(os.path.join(ROOT, "docs"), ".md")):
        qs.extend(markdown_cypher(p))
    tck = os.path.join(ROOT, "../shared/tck/features")
    if os.path.isdir(tck):
        for p in walk(tck, ".feature"):
            qs.extend(tck_queries(p))
    return [q for q in qs if q.strip()]


def kg_binary():
    kg = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/kg")
    if not os.path.exists(kg):
        subprocess.run(["cargo", "build", "--bin", "kg"], cwd=ROOT, check=True)
    return kg


def snapshots(kg, tmp):
    """Writes a few real snapshots with the kg binary and returns their bytes."""
    fixtures = os.path.join(ROOT, "tests/data/import")
    runs = {
        "seed.kg": ["-f", os.path.join(ROOT, "data/trade_talks.cypher")],
        "small.kg": [
            "-e",
            "CREATE INDEX FOR (n:P) ON (n.name); "
            "CREATE (a:P {name: 'a', n: 1, l: [1, 2], f: 1.5, d: date('2019-05-10')})"
            "-[:R {w: 'x'}]->(b:P:Q {name: 'b', t: true}), (b)-[:S]->(b)",
        ],
        "empty.kg": ["-e", "CREATE (n) DELETE n"],
    }
    out = []
    for name, args in runs.items():
        path = os.path.join(tmp, name)
        subprocess.run([kg, "--db", path] + args, check=True, capture_output=True)
        out.append(open(path, "rb").read())
    path = os.path.join(tmp, "import.kg")
    f = lambda n: os.path.join(fixtures, n)
    subprocess.run(
        [kg, "import", "--nodes", f("persons.csv"),
         "Org=" + ",".join([f("orgs.header.csv"), f("orgs.part1.csv"), f("orgs.part2.csv")]),
         "--relationships", f("knows.csv"), "WORKS_AT=" + f("works_at.csv"), "--output", path],
        check=True, capture_output=True)
    out.append(open(path, "rb").read())
    return out


def csv_inputs():
    d = os.path.join(ROOT, "tests/data/import")
    r = lambda n: open(os.path.join(d, n), "rb").read()
    sep = b"\xfe"
    combos = [
        (0, [r("persons.csv"), r("knows.csv")]),
        (2, [r("persons.csv"), r("knows.csv")]),
        (1, [r("persons.csv"), r("knows.csv")]),
        (32, [r("persons.csv"), r("works_at.csv"), r("orgs.part1.csv") + r("orgs.part2.csv"),
              r("orgs.header.csv")]),
        (34, [r("persons.csv"), r("works_at.csv"), r("orgs.part1.csv"), r("orgs.header.csv")]),
        (0, [r("things.csv"), r("links.csv")]),
        (32, [r("things.csv"), r("links.csv")]),
        (0, [r("crlf.csv"), b""]),
        (12, [r("tabbed.tsv"), b""]),
        (0, [r("persons.csv"), r("knows.csv"), r("things.csv")]),
    ]
    return [bytes([o]) + sep.join(parts) for o, parts in combos]


def main():
    qs = queries()
    for q in qs:
        put("parse", q)
        put("execute", q)
    with tempfile.TemporaryDirectory() as tmp:
        snaps = snapshots(kg_binary(), tmp)
    for s in snaps:
        for mode in (0, 1, 3):
            put("snapshot", bytes([mode]) + s)
    csvs = csv_inputs()
    for c in csvs:
        put("csv_import", c)
    print(f"seed corpus: {len(qs)} queries, {len(snaps)} snapshots x 3 modes, "
          f"{len(csvs)} CSV inputs in {CORPUS}")


if __name__ == "__main__":
    main()
