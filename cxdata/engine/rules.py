"""DuckDB SQL to Spark SQL: sqlglot's transpiler plus the project's own rules, one per construct
sqlglot leaves wrong or unsupported for Spark.

Why a rule table. sqlglot (``read="duckdb", write="spark"``) translates most of what the queries
use (``filter (where ...)``, ``::`` casts, ``list_contains``, ``arg_min``, 1-based list indexes,
``$name`` parameters to ``:name``), but some DuckDB functions it passes through by name, and Spark
has them under another name or argument order. Each rule below names one such construct, says
what Spark has instead, and is tested by running a statement on both engines
(``tests/test_engine_rules.py``). A statement that needs a rule not here fails on Spark with
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


RULES: tuple[Rule, ...] = (
    Rule("epoch_us", "DuckDB's epoch_us(ts) is Spark's unix_micros(ts)", _epoch_us),
    Rule("list_reduce", "DuckDB's list_reduce(list, fn, start) is Spark's aggregate(list, start, fn)",
         _list_reduce),
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


# Constructs an engine lacks that no rewrite of one statement can replace: the query module
# writes both forms and asks which one the connection runs.
def has_asof(con) -> bool:
    """Whether ``con`` runs ASOF joins. DuckDB does, and keeps them where they are faster (the
    journey chain: ``journeys.chain_sql``, measured in docs/scale.md); Spark SQL has none
    (``SparkConnection.asof_joins`` is False) and gets the window-function form."""
    return getattr(con, "asof_joins", True)
