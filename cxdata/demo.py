"""Seeded, realistic demo data: an Italian telco and energy company, three years of surveys and journeys.

``generate_demo`` fills ``responses`` and ``interactions`` with numpy, chunk by chunk, and hands each
chunk to DuckDB as a pyarrow table (never row by row), so 10 million responses and 50 million
events fit in a bounded amount of memory. ``ensure_database`` builds the default set when the
dashboard starts on an empty database. ``DEMO_STORIES`` lists the findings planted in the data,
each one large enough to show beyond the noise in the library's own queries.

How the scores are made. Every response has a latent experience ``z`` (standard normal plus the
effects of its channel, segment, product, loyalty tier, wait and date). Each score is ``z`` mixed
with its own noise and cut at fixed thresholds (an ordered-probit model): scores of one response
are correlated as in real surveys (a detractor tends to give a low CSAT and a high effort), and the
thresholds put a neutral response at NPS about +25 and CSAT about 80%. Planted stories shift ``z`` or
one score's own latent value for one group. Journeys are ordered stages with a per-step chance to go
on, a 65% chance to stay on the same channel at each step, and gaps of days between stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from . import db, upkeep
from .demo_params import (  # noqa: F401 - re-exported: the demo's public constants
    _D,
    _Q,
    _THRESHOLDS,
    APP_CHECKOUT_BROKEN,
    APP_REDESIGN_EFFECT,
    BUY_BY_CHANNEL,
    CHANNEL_EFFECT,
    CHANNELS,
    CHAT_EFFORT_PENALTY,
    CHAT_NEEDS_BOOST,
    COMMENT_RATE,
    COMMENTS,
    CSAT_OUTSOURCING,
    DEMO_STORIES,
    EXTRA_EVENTS,
    GAP_DAYS,
    GO_ON,
    LOADING,
    LOWEST,
    LOYALTY_EFFECT,
    LOYALTY_MIX,
    LOYALTY_TIERS,
    MARGINALS,
    OUTSOURCING_EFFECT,
    PRODUCT_EFFECT,
    PRODUCT_MIX,
    PRODUCTS,
    REGIONS,
    RESPONSE_CHANNEL_MIX,
    RESPONSE_STAGE_MIX,
    REVENUE_EUR,
    SEGMENT_EFFECT,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    STAGE_CHANNEL_MIX,
    STAGES,
    STAY_ON_CHANNEL,
    TOUCHPOINTS,
    WAIT_BANDS,
    WAIT_EFFECT,
    WAIT_MIX,
    _month_start,
    story_dates,
)
from .demo_rows import (
    INSERT_INTERACTIONS,
    INSERT_RESPONSES,
    Calendar,
    Customers,
    events_per_journey,
    interaction_table,
    journey_batch,
    response_batch,
)
from .i18n import N_
from .settings import set_setting

# The generated rows' share of a build's progress (a response weighs as much as three journey
# events); the derived tables after them take the rest (about 60% of a build at the default size,
# as timed on a 2-core machine).
ROWS_SHARE = 0.4
RESPONSE_WEIGHT = 3


class ProgressText(str):
    """A progress message: plain English to any caller (``st.progress`` takes it as it is), with its
    ``template`` (marked for the catalogue) and ``values`` kept for a UI in another language:
    ``_(text.template).format(**values)``, the counts formatted there."""

    def __new__(cls, template: str, **values: int):
        text = super().__new__(cls, template.format(**{k: f"{v:,}" for k, v in values.items()}))
        text.template, text.values = template, values
        return text


def demo_import_ids(con) -> list[int]:
    return [r[0] for r in con.execute(
        "select import_id from imports where file_name like 'demo data (seed %'").fetchall()]


PENDING = "demo_pending"  # the setting a two-part demo load holds between its transactions


def generate_demo(con, responses: int = 200_000, interactions: int = 1_000_000, seed: int = 42,
                  years: int = 3, end: date = date(2026, 10, 31), chunk: int = 2_000_000,
                  progress=None, responses_ready: Callable[[], None] | None = None) -> dict:
    """Replace the demo rows of ``con`` with a fresh seeded set, in one transaction.

    ``progress(fraction, text)`` is called after every chunk and before the derived tables (a
    ``st.progress`` bar's ``progress`` method fits; ``text`` is a ``ProgressText``).
    ``responses_ready``: two transactions instead (the dashboard's first start). The first stores
    the responses with their counts and the import's row, then ``responses_ready()`` is called:
    every figure of the responses is final and other connections see it. The second stores the
    journey events and the journey tables. Between the two the setting ``PENDING`` holds the
    import's id: a file left so (the process stopped) is built again by ``ensure_database``.
    Returns ``{"responses", "interactions", "customers", "import_id", "seconds"}``."""
    if responses < 0 or interactions < 0 or chunk < 1 or years < 1:
        raise ValueError("responses and interactions must be >= 0, chunk and years >= 1")
    began = time.perf_counter()
    started_at = datetime.now()
    n_customers = min(9_999_999, max(1_000, (responses + interactions) // 24))
    cust = Customers(n_customers, seed)
    cal = Calendar(end, years)
    d = story_dates(end)
    total = max(1, RESPONSE_WEIGHT * responses + interactions)
    report = progress or (lambda fraction, text: None)

    con.execute("begin transaction")
    try:
        old = _forget_demo(con)
        import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
        gen = _Run(con, {"import_id": import_id}, seed, chunk, cust, cal, d, report, total)
        gen.responses(responses)
        _record(con, import_id, seed, responses, interactions, years, end, started_at,
                f"{responses:,} responses and {interactions:,} interactions of "
                f"{n_customers:,} demo customers, {cal.start} to {end}")
        if responses_ready is not None:
            report(ROWS_SHARE * gen.share(RESPONSE_WEIGHT * responses), ProgressText(N_("Daily counts for the charts")))
            upkeep.rebuild_all(con, forget=old, ordered_import=import_id, kinds=("responses",))
            set_setting(con, PENDING, str(import_id))
            con.execute("commit")
            con.execute("begin transaction")
            responses_ready()
        gen.events(interactions, responses)
        if responses_ready is None:
            report(ROWS_SHARE, ProgressText(N_("Daily counts for the charts and journeys for the funnel")))
            upkeep.rebuild_all(con, forget=old, ordered_import=import_id)
        else:
            report(ROWS_SHARE, ProgressText(N_("Journeys for the funnel")))
            upkeep.rebuild_all(con, ordered_import=import_id, kinds=("interactions",))
            con.execute("update imports set finished_at = $t where import_id = $id", {"t": datetime.now(), "id": import_id})
        con.execute("delete from settings where key = $k", {"k": PENDING})  # a half load before, too
        report(1.0, ProgressText(N_("Writing the demo data to disk")))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return {"responses": responses, "interactions": interactions, "customers": n_customers,
            "import_id": import_id, "seconds": round(time.perf_counter() - began, 2)}


def _forget_demo(con) -> list[int]:
    """Delete the rows and history of the demo imports already there; their ids."""
    old = demo_import_ids(con)
    if old:
        for table in ("responses", "interactions", "responses_held", "interactions_held"):
            con.execute(f"delete from {table} where list_contains($ids, import_id)", {"ids": old})  # noqa: S608
        con.execute("delete from imports where list_contains($ids, import_id)", {"ids": old})
    return old


@dataclass
class _Run:
    """One demo load's writer: batches of responses, then of journey events, each handed to
    DuckDB as a pyarrow table, with the progress after each."""

    con: object
    params: dict
    seed: int
    chunk: int
    cust: Customers
    cal: Calendar
    d: dict
    report: Callable[[float, str], None]
    total: int

    def share(self, units: float) -> float:
        """The share of the rows' work that ``units`` are (a response counts ``RESPONSE_WEIGHT``)."""
        return min(1.0, units / self.total)

    def _step(self, units: float, template: str, **values: int) -> None:
        """Report ``units`` of the rows' work done."""
        self.report(ROWS_SHARE * self.share(units), ProgressText(template, **values))

    def _insert(self, table: pa.Table, sql: str) -> None:
        self.con.register("demo_batch", table)
        self.con.execute(sql, self.params)
        self.con.unregister("demo_batch")

    def responses(self, count: int) -> None:
        """The responses, generated chunk by chunk, then stored in the order they were given, as a
        database fed by periodic imports holds them: a date filter then skips most of the table
        (DuckDB's zone maps) instead of reading every row. The sort is Arrow's, on the generated
        columns (a few hundred bytes a row)."""
        done, i, batches = 0, 0, []
        self._step(0, N_("Survey responses: {done} of {count} generated"), done=0, count=count)
        while done < count:
            n = min(self.chunk, count - done)
            batches.append(response_batch(np.random.default_rng([self.seed, 1, i]), n, done + 1, self.cust,
                                          self.cal, self.d))
            done, i = done + n, i + 1
            self._step(RESPONSE_WEIGHT * done / 2, N_("Survey responses: {done} of {count} generated"),
                       done=done, count=count)
        if not batches:
            return
        ordered = pa.concat_tables(batches).sort_by("responded_at")
        del batches
        for at in range(0, ordered.num_rows, self.chunk):
            self._insert(ordered.slice(at, self.chunk), INSERT_RESPONSES)
            stored = min(count, at + self.chunk)
            self._step(RESPONSE_WEIGHT * (count + stored) / 2,
                       N_("Survey responses: {done} of {count} stored in time order"), done=stored, count=count)

    def events(self, count: int, before: int) -> None:
        per_journey = events_per_journey()
        events, sessions, i = 0, 0, 0
        self._step(RESPONSE_WEIGHT * before, N_("Journey events: {done} of {count} generated"), done=0, count=count)
        while events < count:
            n_j = max(100, int(min(self.chunk, (count - events) * 1.05) / per_journey))
            cols, keep = journey_batch(np.random.default_rng([self.seed, 2, i]), n_j, self.cust, self.cal, self.d)
            take = np.flatnonzero(keep)[:count - events]
            self._insert(interaction_table(cols, take, events + 1, sessions + 1, self.cust), INSERT_INTERACTIONS)
            events, sessions, i = events + len(take), sessions + int(cols["session"][-1]) + 1, i + 1
            self._step(RESPONSE_WEIGHT * before + events, N_("Journey events: {done} of {count} generated"),
                       done=events, count=count)


def _record(con, import_id: int, seed: int, responses: int, interactions: int, years: int, end: date,
            started_at: datetime, message: str) -> None:
    """The demo load's row in the import history (source 'demo', keyed by its own ids)."""
    con.execute(
        "insert into imports (import_id, file_name, content_hash, kind, rows_read, loaded, "
        "started_at, finished_at, status, message, source, row_key) values ($id, $name, $hash, "
        "'responses', $rows, $rows, $started, $finished, 'done', $message, 'demo', 'id:response_id')",
        {"id": import_id, "name": f"demo data (seed {seed})",
         "hash": f"demo:{seed}:{responses}:{interactions}:{years}:{end.isoformat()}",
         "rows": responses + interactions, "started": started_at, "finished": datetime.now(),
         "message": message})


def ensure_database(path: str | Path | None = None, memory_limit: str | None = None,
                    progress: Callable[[float, str], None] | None = None,
                    responses_ready: Callable[[], None] | None = None) -> Path:
    """Create the database at ``path`` (default ``db.default_db_path()``) with the default demo set
    when it does not exist, holds no responses or holds half a two-part demo load (``PENDING``);
    return its path. ``memory_limit`` caps DuckDB while it does so (and while it upgrades an older
    file: at 10M/50M rows the v5 upgrade peaks at 9 GB uncapped, 1.1 GB capped at 1GB).
    ``progress`` and ``responses_ready`` go to ``generate_demo``."""
    target = Path(path) if path is not None else db.default_db_path()
    con = db.connect(target, memory_limit=memory_limit)
    try:
        served = db.get_setting(con, "served_from") is not None  # tables built elsewhere: keep them
        if not served and (con.execute("select count(*) from responses").fetchone()[0] == 0
                           or db.get_setting(con, PENDING) is not None):
            given = {"progress": progress, "responses_ready": responses_ready}
            generate_demo(con, **{k: v for k, v in given.items() if v is not None})
            try:
                con.execute("checkpoint")
            except duckdb.TransactionException:  # the pages read it already (a first start's second part):
                pass  # the log is written into the file at a later commit or the last close instead
    finally:
        con.close()
    return target
