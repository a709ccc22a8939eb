"""DuckDB SQL to Spark SQL: sqlglot's transpiler plus the project's own rules, one per construct
sqlglot leaves wrong or unsupported for Spark.

Why a rule table. sqlglot (``read="duckdb", write="spark"``) translates most of what the queries
use (``filter (where ...)``, ``::`` casts, ``list_contains``, ``arg_min``, 1-based list indexes,
``$name`` parameters to ``:name``), but some DuckDB functions it passes through by name, and Spark
has them under another name or argument order. Each rule below names one such construct, says
what Spark has instead, and is tested by running a statement on both engines
(``tests/test_spark.py``, ``tests/test_spark_pages.py``). A statement that needs a rule not here fails on Spark with
Spark's own error, never silently: add the rule and its test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp


@dataclass(frozen=True)
class Rule:
    name: str
    why: str
    rewrite: Callable[[exp.Expression], exp.Expression]


def _anonymous(node: exp.Expression, name: str) -> bool:
    return isinstance(node, exp.Anonymous) and str(node.this).lower() == name


def _epoch_us(node: exp.Expression) -> exp.Expression:
    if _anonymous(node, "epoch_us") and len(node.expressions) == 1:
        return exp.Anonymous(this="unix_micros", expressions=[_as_timestamp(node.expressions[0])])
    return node


def _as_timestamp(arg: exp.Expression) -> exp.Expression:
    # Parquet written by DuckDB holds naive timestamps, which Spark reads as TIMESTAMP_NTZ;
    # unix_micros takes a TIMESTAMP (in the session's zone: UTC, so the same microseconds).
    return exp.Cast(this=arg, to=exp.DataType.build("timestamp"))


def _list_reduce(node: exp.Expression) -> exp.Expression:
    if _anonymous(node, "list_reduce") and len(node.expressions) == 3:
        values, fn, start = node.expressions
        return exp.Anonymous(this="aggregate", expressions=[values, start, fn])
    return node


def _list_position(node: exp.Expression) -> exp.Expression:
    # DuckDB's list_position gives NULL for a value not in the list, Spark's array_position 0
    if _anonymous(node, "list_position") and len(node.expressions) == 2:
        found = exp.Anonymous(this="array_position", expressions=list(node.expressions))
        return exp.Nullif(this=found, expression=exp.Literal.number(0))
    return node


def _double_division(node: exp.Expression) -> exp.Expression:
    # DuckDB divides by a decimal literal (x / 86400000000.0) in DOUBLE; Spark keeps a DECIMAL,
    # rounded to its scale and read by pandas as objects: the literal is made a double
    if isinstance(node, exp.Div):
        for side in ("this", "expression"):
            arg = node.args.get(side)
            if isinstance(arg, exp.Literal) and not arg.is_string and "." in arg.this:
                node = node.copy()
                node.set(side, exp.Cast(this=arg.copy(), to=exp.DataType.build("double")))
    return node


# The view ``SparkConnection`` keeps of the tables it has registered (DuckDB's catalog view has no
# Spark form for temporary views).
CATALOG_VIEW = "information_schema_tables"


def _catalog(node: exp.Expression) -> exp.Expression:
    # information_schema.tables (does a table exist?) is the connection's own list of its views
    if isinstance(node, exp.Table) and node.name.lower() == "tables" and node.db.lower() == "information_schema":
        return exp.Table(this=exp.to_identifier(CATALOG_VIEW), alias=node.args.get("alias"))
    return node


def _quantiles(node: exp.Expression) -> exp.Expression:
    # DuckDB's quantile_cont(x, [p, ...]) (a list of interpolated quantiles; sqlglot reads it as
    # percentile_cont, which Spark takes with one fraction only) is Spark's percentile(x, array(..)):
    # the same linear interpolation between the two nearest ranks
    if isinstance(node, exp.PercentileCont) and isinstance(node.expression, exp.Array):
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    return node


def _one_argument(node: exp.Expression) -> exp.Expression:
    # greatest(x) and least(x) are x; Spark asks for two arguments at least
    if isinstance(node, exp.Greatest | exp.Least) and not node.expressions:
        return node.this
    return node


def _materialized(node: exp.Expression) -> exp.Expression:
    # "as materialized" tells DuckDB to compute a CTE once; Spark has no such hint (it reuses
    # an exchange where it can): dropped, the rows are the same
    if isinstance(node, exp.CTE) and node.args.get("materialized"):
        node = node.copy()
        node.set("materialized", None)
    return node


def _first_n_by(node: exp.Expression) -> exp.Expression:
    # min_by(x, key, n) [filter (where c)] (DuckDB: the n values of x with the smallest keys, in
    # key order; NULL when no row) is, on Spark, the list of (key, x) sorted and cut:
    # nullif(transform(slice(array_sort(collect_list(struct(key, x)) [filter (where c)]), 1, n), e -> e.v), array())
    inner, where = (node.this, node.expression) if isinstance(node, exp.Filter) else (node, None)
    if not isinstance(inner, exp.ArgMin) or inner.args.get("count") is None:
        return node
    pair = exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier("k"), expression=inner.expression),
                                   exp.PropertyEQ(this=exp.to_identifier("v"), expression=inner.this)])
    listed: exp.Expression = exp.Anonymous(this="collect_list", expressions=[pair])
    if where is not None:
        listed = exp.Filter(this=listed, expression=where)
    cut = exp.Anonymous(this="slice", expressions=[exp.Anonymous(this="array_sort", expressions=[listed]),
                                                   exp.Literal.number(1), inner.args["count"]])
    values = exp.Anonymous(this="transform", expressions=[cut, _lambda("e -> e.v")])
    return exp.Nullif(this=values, expression=exp.Array(expressions=[]))


def _subscripts(node: exp.Expression) -> exp.Expression:
    # select unnest(l) as a, generate_subscripts(l, 1) as b: each element and its 1-based
    # position; Spark allows one generator per select and has no generate_subscripts:
    # inline(transform(l, (x, i) -> struct(x as a, i + 1 as b)))
    pair = _unnest_with_position(node)
    if pair is None:
        return node
    u, p = pair
    unnest, position = node.expressions[u], node.expressions[p]
    lam = _lambda(f"(x, i) -> struct(x as {unnest.alias}, i + 1 as {position.alias})")
    pairs = exp.Anonymous(this="inline", expressions=[
        exp.Anonymous(this="transform", expressions=[unnest.this.this.copy(), lam])])
    node = node.copy()
    node.set("expressions", [pairs if i == u else e for i, e in enumerate(node.expressions) if i != p])
    return node


def _unnest_with_position(node: exp.Expression) -> tuple[int, int] | None:
    """(index of ``unnest(l) as a``, of ``generate_subscripts(l, 1) as b``) in a select, or None."""
    if not isinstance(node, exp.Select):
        return None
    found = {}
    for i, e in enumerate(node.expressions):
        if isinstance(e, exp.Alias) and isinstance(e.this, exp.Explode):
            found["unnest"] = i
        elif isinstance(e, exp.Alias) and _anonymous(e.this, "generate_subscripts"):
            found["position"] = i
    if len(found) < 2:
        return None
    u, p = found["unnest"], found["position"]
    return (u, p) if node.expressions[u].this.this == node.expressions[p].this.expressions[0] else None


def _lambda(text: str) -> exp.Lambda:
    """A Spark lambda (``x -> ...``) as a node: read inside a call, where Spark's parser takes
    ``->`` as a lambda."""
    return sqlglot.parse_one(f"select transform(l, {text})", read="spark").find(exp.Lambda)


RULES: tuple[Rule, ...] = (
    Rule("epoch_us", "DuckDB's epoch_us(ts) is Spark's unix_micros(ts)", _epoch_us),
    Rule("list_reduce", "DuckDB's list_reduce(list, fn, start) is Spark's aggregate(list, start, fn)",
         _list_reduce),
    Rule("list_position", "DuckDB's list_position(list, x) (NULL when absent) is Spark's "
         "nullif(array_position(list, x), 0)", _list_position),
    Rule("information_schema.tables", "DuckDB's catalog of tables is, on Spark, the connection's view "
         f"{CATALOG_VIEW} (table_schema, table_name, table_type) of the tables it registered", _catalog),
    Rule("decimal division", "x / 1.5 is a DOUBLE on DuckDB, a DECIMAL on Spark: the literal is cast "
         "to double", _double_division),
    Rule("quantile_cont", "DuckDB's quantile_cont(x, [p, ...]) is Spark's percentile(x, array(p, ...))", _quantiles),
    Rule("greatest of one", "greatest(x) and least(x) are x (Spark needs two arguments)", _one_argument),
    Rule("materialized", "a CTE's 'as materialized' hint has no Spark form: dropped", _materialized),
    Rule("min_by n", "DuckDB's min_by(x, key, n) is the first n of Spark's sorted collect_list of (key, x)",
         _first_n_by),
    Rule("generate_subscripts", "unnest(l) with generate_subscripts(l, 1) beside it is Spark's "
         "inline(transform(l, (x, i) -> struct(x, i + 1)))", _subscripts),
)


def apply_rules(tree: exp.Expression, rules: tuple[Rule, ...] = RULES) -> exp.Expression:
    """``tree`` with every rule applied to every node (a rule's output is visited by the later rules)."""
    for rule in rules:
        tree = tree.transform(rule.rewrite)
    return tree


@lru_cache(maxsize=1024)
def to_spark(sql: str) -> str:
    """The Spark SQL of one DuckDB statement (``$name`` parameters become ``:name``)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return apply_rules(tree).sql(dialect="spark")

