"""Bulk inserts for imports: one prepared INSERT per model, executemany in batches.

QuerySet.bulk_create builds the whole multi-row INSERT through the SQL compiler and prepares
every value through the field's generic chain; for 100,000 imported accounts that was most
of the import's time (measured in bench/, issue 8). `insert` writes the same rows with the
values each field would store (get_db_prep_save, looked up once per field) through one
prepared statement. Model instances must be complete: defaults and auto fields set (as a
model's __init__ sets them), since no pre_save hook runs except auto_now/auto_now_add.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

BATCH = 2000


def insert(
    model: type[Model], objs: Sequence[Model] | Sequence[dict[str, Any]], *, batch_size: int = BATCH
) -> int:
    """Insert `objs`: model instances, or dicts of attname -> value (missing ones take the
    field's default; cheaper than building instances for rows nobody reads back)."""
    if objs and isinstance(objs[0], dict):
        return _insert_dicts(model, objs, batch_size)  # type: ignore[arg-type]
    return _insert_instances(model, objs, batch_size)  # type: ignore[arg-type]


def _statement(model: type[Model]) -> tuple[str, list]:
    fields = list(model._meta.concrete_fields)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608 - identifiers from the model
    return sql, fields


def _insert_dicts(model: type[Model], objs: Sequence[dict[str, Any]], batch_size: int) -> int:
    sql, fields = _statement(model)
    now = timezone.now()
    plan = []
    for f in fields:
        # The value a model instance would start with: auto_now(_add) fields the time, a
        # callable default called per row, anything else its constant (e.g. "" for text).
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default: Any = lambda now=now: now  # noqa: E731
        elif f.has_default() and callable(f.default):
            default = f.get_default
        else:
            default = _constant(f.get_default())
        plan.append((f.attname, default, _adapter(f)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = []
            for obj in objs[start : start + batch_size]:
                row = []
                for attname, default, adapt in plan:
                    value = obj[attname] if attname in obj else default()
                    row.append(adapt(value) if adapt is not None else value)
                rows.append(row)
            cursor.executemany(sql, rows)
    return len(objs)


def _insert_instances(model: type[Model], objs: Sequence[Model], batch_size: int) -> int:
    sql, fields = _statement(model)
    now = timezone.now()
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    adapters = [_adapter(f) for f in fields]
    attnames = [f.attname for f in fields]
    adapters_at = [(i, a) for i, a in enumerate(adapters) if a is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = []
            for obj in objs[start : start + batch_size]:
                for f in stamped:
                    if getattr(obj, f.attname) is None or getattr(f, "auto_now", False):
                        setattr(obj, f.attname, now)
                row = [getattr(obj, a) for a in attnames]
                for i, adapt in adapters_at:
                    row[i] = adapt(row[i])
                rows.append(row)
            cursor.executemany(sql, rows)
            for obj in objs[start : start + batch_size]:
                obj._state.adding = False
                obj._state.db = connection.alias
    return len(objs)


# Internal types whose Python values the database drivers take as they are (str, int, bool,
# None): no per-value preparation.
AS_IS = {
    "CharField",
    "TextField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}


def _adapter(field: Any) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in ("ForeignKey", "OneToOneField"):
        kind = field.target_field.get_internal_type()
    if kind in AS_IS:
        return None
    if kind == "DateTimeField":
        return _last_value(lambda value: field.get_db_prep_save(value, connection))
    return lambda value: field.get_db_prep_save(value, connection)


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _last_value(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`adapt`, remembering its last answer: a batch stamps every row with the same time."""
    last: list[Any] = [object(), None]

    def memo(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return memo
