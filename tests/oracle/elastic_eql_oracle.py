"""Reference predicates for Elastic EQL rules, from Elastic's own `eql` parser.

For every rule file under the given corpus folders whose language is EQL, the
query is validated with `eql.parse_query` (Elasticsearch syntax) and its Lark
parse tree -- produced by the `eql` package's grammar -- is walked to list
(field, op, value, negated) per rule, one JSON line per rule.

The walk applies DESIGN.md's operator table to the operators the grammar
recognised: `==` eq, `!=` eq negated, `== null` exists false, `!= null`
exists true, `:` match (wildcard when the value has `*` or `?`), `like`/
`like~` wildcard, `regex`/`regex~` regex_match, `in` eq, `in~` match,
ranges gt/gte/lt/lte, field against field fieldref; filter functions
startsWith/endsWith/stringContains/wildcard/cidrMatch/match. `not`, `not in`,
`until [...]` and missing-event steps `![...]` flip the negation. Comparisons
on computed values (function results, arithmetic) are thresholds, not listed.

Usage: elastic_eql_oracle.py CORPUS_ROOT OUT.jsonl
"""
import json
import pathlib
import sys
import tomllib

import eql
from eql.parser import LarkToEQL, lark_parser
from lark import Token, Tree

RANGES = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
FUNCTIONS = {
    "startswith": ("wildcard", "{}*"),
    "endswith": ("wildcard", "*{}"),
    "stringcontains": ("wildcard", "*{}*"),
    "wildcard": ("wildcard", "{}"),
    "cidrmatch": ("cidr", "{}"),
    "match": ("regex_match", "{}"),
    "matchlite": ("regex_match", "{}"),
}
SKIP = {"join_values", "pipes", "with_params", "repeated_sequence", "time_range", "sequence_alias"}


class Walker:
    def __init__(self, text):
        self.lark = LarkToEQL(text)
        self.items = set()

    def emit(self, field, op, value, negated):
        self.items.add((field, op, value, bool(negated)))

    def field(self, node):
        """Field name of a `field`/`base_field` subtree, else None."""
        if not isinstance(node, Tree):
            return None
        if node.data == "field":
            return str(node.children[0]).lstrip("?").replace("`", "")
        if node.data == "base_field":
            return str(node.children[0].children[0]).replace("`", "")
        return None

    def literal(self, node):
        """Text of a literal subtree (signed numbers included), else None."""
        if not isinstance(node, Tree):
            return None
        if node.data == "value" and len(node.children) == 2 and str(node.children[0]) in "+-":
            inner = self.literal(node.children[1])
            return None if inner is None else ("-" + inner if str(node.children[0]) == "-" else inner)
        if node.data != "literal":
            return None
        value = self.lark.visit(node).node
        if isinstance(value, eql.ast.Null):
            return "null"
        if isinstance(value, eql.ast.Boolean):
            return "true" if value.value else "false"
        return str(value.value)

    def walk(self, node, negated=False):
        if not isinstance(node, Tree) or node.data in SKIP:
            return
        kind = node.data
        if kind == "not_expr":
            flips = sum(1 for c in node.children if isinstance(c, Token) and c.type == "NOT_OP")
            for child in node.children:
                self.walk(child, negated ^ (flips % 2 == 1))
        elif kind == "until_subquery_by":
            for child in node.children:
                self.walk(child, not negated)
        elif kind == "subquery":
            missing = any(isinstance(c, Token) and c.type == "MISSING_EVENT_OPEN" for c in node.children)
            for child in node.children:
                self.walk(child, negated ^ missing)
        elif kind == "comparison":
            self.comparison(node, negated)
        elif kind in ("in_set", "not_in_set"):
            left, token, values = node.children[0], node.children[1], node.children[2]
            field = self.field(left)
            if field is None:
                return
            op = "match" if str(token) == "in~" else "eq"
            for value in values.children:
                text = self.literal(value)
                if text is not None:
                    self.emit(field, op, text, negated ^ (kind == "not_in_set"))
        elif kind == "string_predicate":
            field = self.field(node.children[0])
            token = str(node.children[1])
            if field is None:
                return
            for value in node.children[2:]:
                text = self.literal(value)
                if text is None:
                    continue
                if token == ":":
                    op = "wildcard" if ("*" in text or "?" in text) else "match"
                elif token.startswith("like"):
                    op = "wildcard"
                else:
                    op = "regex_match"
                self.emit(field, op, text, negated)
        elif kind == "function_call":
            name = str(node.children[0]).rstrip("~").lower()
            if name not in FUNCTIONS or len(node.children) < 2:
                return
            args = node.children[1].children
            field = self.field(args[0]) if args else None
            if field is None:
                return
            op, shape = FUNCTIONS[name]
            for arg in args[1:]:
                text = self.literal(arg)
                if text is not None:
                    self.emit(field, op, shape.format(text), negated)
        else:
            for child in node.children:
                self.walk(child, negated)

    def comparison(self, node, negated):
        left, op, right = node.children[0], str(node.children[1]), node.children[2]
        if self.field(left) is None and self.field(right) is not None:
            left, right, op = right, left, MIRROR.get(op, op)
        field = self.field(left)
        if field is None:
            return
        other = self.field(right)
        if other is not None:
            if op in ("==", "=", "!="):
                self.emit(field, "fieldref", other, negated ^ (op == "!="))
            return
        text = self.literal(right)
        if text is None:
            return
        if text == "null" and op in ("==", "=", "!="):
            self.emit(field, "exists", "true" if op == "!=" else "false", negated)
        elif op in RANGES:
            self.emit(field, RANGES[op], text, negated)
        else:
            self.emit(field, "eq", text, negated ^ (op == "!="))


def main():
    root = pathlib.Path(sys.argv[1])
    out = open(sys.argv[2], "w", encoding="utf-8")
    files = sorted(root.glob("elastic/rules/**/*.toml")) + sorted(root.glob("elastic/rules_building_block/**/*.toml"))
    for path in files:
        rule = tomllib.loads(path.read_text(encoding="utf-8")).get("rule", {})
        if rule.get("language") != "eql":
            continue
        rel = path.relative_to(root).as_posix()
        query = rule["query"]
        record = {"path": rel}
        try:
            with eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions:
                eql.parse_query(query)
                walker = Walker(query + "\n")
                walker.walk(lark_parser.parse(query + "\n", start="piped_query"))
            record["items"] = sorted(list(i) for i in walker.items)
        except eql.errors.EqlError as e:
            record["error"] = " ".join(str(e).splitlines()[:2])
        out.write(json.dumps(record) + "\n")
    out.close()


if __name__ == "__main__":
    main()
