"""Querysets compiled once, run many times: the hot reads' ORM cost without the ORM per request.

Building and compiling a queryset costs more than running it for the small indexed reads the API
answers most (measured in bench/: ~1.5 ms of a 3.6 ms account read was the ORM building the
reach filter, the keyset condition and the SELECT). A `Statement` is a queryset built once per
*shape* with marked placeholder values, compiled to SQL, and then executed with the real values
bound as parameters, converters applied as the ORM would.

The builder gets `Marks`: `marks.x` is a string that stands for the value `x`. The builder must
use each mark only as a plain comparison value (`=`, `<`, `>=`, `IN`), possibly followed by a
fixed suffix (a path's "/" and its range end "0", a prefix range's "\\uffff"). Compilation
refuses anything else, such as a mark inside a LIKE pattern, where a bound value would not be
escaped. Everything that changes the SQL itself (which filters are present, the actor's kind,
the page size) belongs in the cache key, never in a mark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet

_OPEN, _CLOSE = "\x00cd:", "\x00"
# Suffixes a marked value may carry into a parameter: the materialized path's "/" and the
# subtree's upper bound "0" (tenancy.models.subtree_upper), a prefix range's end.
SUFFIXES = frozenset({"", "/", "0", "\uffff"})


def mark(name: str) -> str:
    return f"{_OPEN}{name}{_CLOSE}"


class Marks:
    """`marks.name` is the placeholder for the value bound as `name`."""

    def __getattr__(self, name: str) -> str:
        return mark(name)


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, str], ...]  # (parameter index, value name, suffix)
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]
    fields: tuple[Any, ...] = ()  # the model field of each selected column, where it is one

    def bind(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for i, name, suffix in self.slots:
            value = values[name]
            params[i] = value + suffix if suffix else value
        return params

    def _converted(self, values: dict[str, Any]) -> list[list[Any]]:
        converters = self.converters
        out = []
        for raw in execute(self.sql, self.bind(values)):
            row = list(raw)
            for pos, convs, expression in converters:
                value = row[pos]
                for conv in convs:
                    value = conv(value, expression, connection)
                row[pos] = value
            out.append(row)
        return out

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        """Execute with `values` bound; rows as dicts keyed by the selected names."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self._converted(values)]

    def instances(self, models: tuple[type[Model], ...], **values: Any) -> list[tuple]:
        """Execute a model queryset (with select_related in `models` order); per row, one
        instance of each model, as the ORM builds them (Model.from_db)."""
        layout = _layout(models)
        if tuple(self.fields) != layout:
            raise RuntimeError("statement: the columns are not the models' fields")
        alias = connection.alias
        out = []
        for row in self._converted(values):
            objs, i = [], 0
            for model in models:
                names = _attnames(model)
                objs.append(model.from_db(alias, names, row[i : i + len(names)]))
                i += len(names)
            out.append(tuple(objs))
        return out


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


@cache
def _layout(models: tuple[type[Model], ...]) -> tuple[Any, ...]:
    return tuple(f for model in models for f in model._meta.concrete_fields)


def compile_statement(qs: QuerySet, names: Sequence[str] | None = None) -> Statement:
    """Compile a queryset built with marks (see the module docstring): a `.values(...)` one
    for `rows`, a model one (select_related allowed) for `instances`."""
    compiler = qs.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    select = [s[0] for s in compiler.select[0 : compiler.col_count]]
    if names is None:
        names = [*qs.query.values_select, *qs.query.annotation_select]
        if not names:  # a model queryset: columns are named by position
            names = [f"c{i}" for i in range(len(select))]
    if len(names) != len(select):
        raise RuntimeError("statement: selected names do not match the columns")
    slots = []
    for i, p in enumerate(params):
        if not isinstance(p, str) or _OPEN not in p:
            continue
        if not p.startswith(_OPEN) or p.count(_OPEN) != 1:
            raise RuntimeError(f"statement: a mark is used inside a value ({p!r})")
        name, _, suffix = p[len(_OPEN) :].partition(_CLOSE)
        if suffix not in SUFFIXES:
            raise RuntimeError(f"statement: a mark is transformed ({p!r})")
        slots.append((i, name, suffix))
    converters = tuple(
        (pos, tuple(convs), expression)
        for pos, (convs, expression) in compiler.get_converters(select).items()
    )
    fields = tuple(getattr(col, "target", None) for col in select)
    return Statement(sql, tuple(params), tuple(slots), tuple(names), converters, fields)


_qmark: dict[str, str] = {}


def execute(sql: str, params: list[Any]) -> list[tuple]:
    """Run one statement (a read, or a write with RETURNING) and fetch all rows.

    On SQLite, when nothing records queries (no DEBUG, no CaptureQueriesContext as in the
    tests' query budgets), the statement goes straight to the connection's sqlite3 cursor,
    already in qmark style: Django's cursor wrapper costs ~10 times a small indexed read
    (measured in bench/). The connection, its converters and adapters are Django's own;
    database errors are wrapped as Django wraps them."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "sqlite" and not db.queries_logged:
        db.ensure_connection()
        converted = _qmark.get(sql)
        if converted is None:
            from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

            converted = _qmark[sql] = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
        with db.wrap_database_errors:
            return db.connection.execute(converted, params).fetchall()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_cache: dict[tuple, Statement] = {}


def prepared(key: tuple, build: Callable[[Marks], QuerySet]) -> Statement:
    """The statement for `key` (per database vendor), built and compiled on first use."""
    full = (connection.vendor, *key)
    stmt = _cache.get(full)
    if stmt is None:
        stmt = _cache[full] = compile_statement(build(Marks()))
    return stmt
