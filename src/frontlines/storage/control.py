"""Control-table queries (the control stage's SQL lives here, beside the store)."""
from __future__ import annotations

from dataclasses import fields

from frontlines.model import ControlInterval
from frontlines.storage import Store, to_json

_COLUMNS = tuple(f.name for f in fields(ControlInterval))


def replace_control(store: Store, intervals: list[ControlInterval]) -> None:
    """Replace the whole control table in one transaction, as a bulk insert (``executemany`` is slow in DuckDB)."""
    import pyarrow as pa

    columns = {c: [getattr(i, c) for i in intervals] for c in _COLUMNS}
    columns["evidence_event_ids"] = [to_json(v) for v in columns["evidence_event_ids"]]
    table = pa.table({c: pa.array(v, type=pa.string() if c not in ("valid_from", "valid_to") else pa.date32())
                      for c, v in columns.items()})
    with store.transaction():
        store.con.execute("DELETE FROM control_intervals")
        if intervals:
            store.con.register("_new_control", table)
            try:
                quoted = ", ".join(f'"{c}"' for c in _COLUMNS)
                store.con.execute(f"INSERT INTO control_intervals ({quoted}) SELECT {quoted} FROM _new_control")
            finally:
                store.con.unregister("_new_control")
