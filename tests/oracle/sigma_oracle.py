#!/usr/bin/env python3
"""Reference predicates for every Sigma rule of the corpus, read by pySigma.

For each rule file under <corpus>/sigma this loads the file with
``SigmaCollection.from_yaml`` and writes one JSON line per rule:

    {"path": "sigma/rules/...yml", "index": 0, "id": ..., "title": ...,
     "predicates": [[field, op, value], ...], "exclusions": [...],
     "error": null | "reason"}

The (field, op, value) triples follow DESIGN.md ("Normalised predicate"):

* Which selections a condition uses, how selectors (`1 of x*`, `them`) resolve
  and which detection items sit under an odd number of `not` come from
  pySigma's own condition parse tree and selector resolution.
* Values come from pySigma's detection items after pySigma applied the
  modifiers, except that value-transforming modifiers (windash, base64,
  base64offset, wide, utf16, utf16be) are left out: the item is rebuilt by
  pySigma from its original values with the remaining modifiers, so the value
  is what the author wrote with the operator the other modifiers imply.
* `re` values are the regular expression as written (pySigma keeps it in
  ``original``); `cidr`, `fieldref`, `exists`, `gt/gte/lt/lte` map to their
  operators; SigmaNull (``field: null``, empty list) is `exists` `false`.
* Convention, not pySigma behaviour: pySigma leaves keyword (field-less)
  values as written and lets each backend decide; the catalog treats a bare
  keyword as "contains", so a keyword string without startswith/endswith gets
  a `*` on both sides. Runs of `*` collapse to one, as in the catalog.

Usage: sigma_oracle.py <corpus-dir> <out.jsonl>
"""

import json
import sys
import time
from pathlib import Path

from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionIdentifier,
    ConditionNOT,
    ConditionOR,
    ConditionSelector,
)
from sigma.correlations import SigmaCorrelationRule
from sigma.modifiers import (
    SigmaBase64Modifier,
    SigmaBase64OffsetModifier,
    SigmaContainsModifier,
    SigmaEndswithModifier,
    SigmaRegularExpressionModifier,
    SigmaStartswithModifier,
    SigmaUTF16BEModifier,
    SigmaUTF16Modifier,
    SigmaWideModifier,
    SigmaWindowsDashModifier,
)
from sigma.rule import SigmaDetection, SigmaDetectionItem
from sigma.types import (
    CompareOperators,
    Placeholder,
    SigmaBool,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SpecialChars,
)

TRANSFORMING = {
    SigmaWindowsDashModifier,
    SigmaBase64Modifier,
    SigmaBase64OffsetModifier,
    SigmaWideModifier,
    SigmaUTF16Modifier,
    SigmaUTF16BEModifier,
}
ANCHORS = {SigmaContainsModifier, SigmaStartswithModifier, SigmaEndswithModifier}
COMPARE = {
    CompareOperators.GT: "gt",
    CompareOperators.GTE: "gte",
    CompareOperators.LT: "lt",
    CompareOperators.LTE: "lte",
}


def render_string(s: SigmaString, keyword: bool) -> tuple[str, str]:
    parts = list(s.s)
    if keyword:
        if not parts or parts[0] != SpecialChars.WILDCARD_MULTI:
            parts.insert(0, SpecialChars.WILDCARD_MULTI)
        if parts[-1] != SpecialChars.WILDCARD_MULTI:
            parts.append(SpecialChars.WILDCARD_MULTI)
    out, wildcard, prev_many = [], False, False
    for p in parts:
        many = p == SpecialChars.WILDCARD_MULTI
        if isinstance(p, str):
            out.append(p)
        elif isinstance(p, Placeholder):
            out.append(f"%{p.name}%")
        elif many:
            wildcard = True
            if not prev_many:
                out.append("*")
        else:
            wildcard = True
            out.append("?")
        prev_many = many
    return ("wildcard" if wildcard else "eq", "".join(out))


def triple(item: SigmaDetectionItem, value, original) -> tuple[str, str, str]:
    field = item.field or ""
    if isinstance(value, SigmaNull):
        return (field, "exists", "false")
    if isinstance(value, SigmaRegularExpression):
        raw = original.original if isinstance(original, SigmaString) else str(value.regexp)
        return (field, "regex_match", raw)
    if isinstance(value, SigmaCIDRExpression):
        return (field, "cidr", value.cidr)
    if isinstance(value, SigmaFieldReference):
        return (field, "fieldref", value.field)
    if isinstance(value, SigmaExists):
        return (field, "exists", "true" if value.exists else "false")
    if isinstance(value, SigmaCompareExpression):
        return (field, COMPARE.get(value.op, "neq"), str(value.number))
    if isinstance(value, SigmaBool):
        return (field, "eq", "true" if value.boolean else "false")
    if isinstance(value, SigmaNumber):
        return (field, "eq", str(value))
    if isinstance(value, SigmaString):
        keyword = item.field is None and not (set(item.modifiers) & ANCHORS)
        op, text = render_string(value, keyword)
        return (field, op, text)
    return (field, "unknown:" + type(value).__name__, str(value))


def item_triples(item: SigmaDetectionItem):
    """(field, op, value) per value of a detection item, transforms left out."""
    originals = item.original_value or item.value
    if set(item.modifiers) & TRANSFORMING:
        kept = [m for m in item.modifiers if m not in TRANSFORMING]
        item = SigmaDetectionItem(item.field, kept, [v for v in originals])
    if not item.value:
        return [(item.field or "", "exists", "false")]
    regex = SigmaRegularExpressionModifier in item.modifiers
    return [
        triple(item, v, originals[i] if regex and i < len(originals) else None)
        for i, v in enumerate(item.value)
    ]


def walk_detection(det, negated: bool, out):
    if isinstance(det, SigmaDetection):
        for sub in det.detection_items:
            walk_detection(sub, negated, out)
    else:
        polarity = negated != bool(det.negated)
        for t in item_triples(det):
            out[polarity].add(t)


def walk_condition(node, detections, negated: bool, out):
    if isinstance(node, ConditionNOT):
        for a in node.args:
            walk_condition(a, detections, not negated, out)
    elif isinstance(node, (ConditionAND, ConditionOR)):
        for a in node.args:
            walk_condition(a, detections, negated, out)
    elif isinstance(node, ConditionSelector):
        for ident in node.resolve_referenced_detections(detections):
            walk_condition(ident, detections, negated, out)
    elif isinstance(node, ConditionIdentifier):
        walk_detection(detections[node.identifier], negated, out)
    else:
        raise TypeError(f"unexpected condition node {type(node).__name__}")


def rule_record(rule) -> dict:
    out = {False: set(), True: set()}
    for cond in rule.detection.parsed_condition:
        walk_condition(cond.parse(postprocess=False), rule.detection, False, out)
    return {
        "predicates": sorted(out[False]),
        "exclusions": sorted(out[True]),
    }


def main() -> int:
    corpus, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    files = sorted((corpus / "sigma").rglob("*.yml"))
    started = time.perf_counter()
    loaded = []
    for f in files:
        rel = f.relative_to(corpus).as_posix()
        try:
            loaded.append((rel, SigmaCollection.from_yaml(f.read_text(encoding="utf-8")), None))
        except Exception as e:  # noqa: BLE001 - every failure is reported per file
            loaded.append((rel, None, f"{type(e).__name__}: {e}"))
    load_seconds = time.perf_counter() - started
    errors = 0
    with out_path.open("w", encoding="utf-8") as out:
        for rel, collection, error in loaded:
            if collection is None:
                errors += 1
                out.write(json.dumps({"path": rel, "index": 0, "error": error}) + "\n")
                continue
            for index, rule in enumerate(collection.rules):
                record = {"path": rel, "index": index, "id": str(rule.id), "title": rule.title}
                if isinstance(rule, SigmaCorrelationRule):
                    record.update(predicates=[], exclusions=[], error=None)
                else:
                    try:
                        record.update(rule_record(rule), error=None)
                    except Exception as e:  # noqa: BLE001
                        errors += 1
                        record.update(error=f"{type(e).__name__}: {e}")
                out.write(json.dumps(record) + "\n")
    print(
        f"pySigma: {len(files)} files loaded in {load_seconds:.2f} s, "
        f"{errors} not usable; wrote {out_path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
