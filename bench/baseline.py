"""The pandas baseline of ``bench.run``: the same page queries with pandas on in-memory frames, and
the check that they give the library's figures (counts exact, KPIs to 1e-9)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxdata import funnel, kpis, pyramid, queries
from cxdata.filters import FILTER_COLUMNS, TIME_COLUMN, Filters

MOVER_DIMENSIONS = ("segment", "touchpoint", "channel", "region")  # queries.biggest_movers default
FUNNEL_WINDOW = 30

# ---- 3. the pandas baseline ---------------------------------------------------------------------

RESPONSE_DIMS = ("channel", "segment", "region", "touchpoint")
RESPONSE_SCORES = ("nps", "csat", "ces", "needs_met", "enjoyment")
INTERACTION_DIMS = ("channel", "segment", "region")


def _categorical(arr: pa.ChunkedArray) -> pd.Series:
    """A string column as a pandas categorical, categories sorted, nulls as '(none)' (the label the
    queries give a missing dimension value)."""
    s = pc.fill_null(arr, "(none)").dictionary_encode().combine_chunks()
    cat = pd.Categorical.from_codes(s.indices.to_numpy(zero_copy_only=False).astype("int32"),
                                    categories=s.dictionary.to_pylist())
    return pd.Series(cat).cat.reorder_categories(sorted(cat.categories))


def load_pandas(cur) -> dict[str, pd.DataFrame]:
    """The columns the pages need, once, column by column (bounded memory), not timed."""
    def column(table: str, name: str) -> pa.ChunkedArray:
        return cur.table(table).project(name).to_arrow_table().column(0)

    resp = {TIME_COLUMN["responses"]: column("responses", "responded_at").to_pandas()}
    for d in RESPONSE_DIMS:
        resp[d] = _categorical(column("responses", d))
    for s in RESPONSE_SCORES:
        resp[s] = column("responses", s).to_pandas().astype("float64")  # NaN = not answered
    events = {TIME_COLUMN["interactions"]: column("interactions", "occurred_at").to_pandas()}
    cust = column("interactions", "customer_id").dictionary_encode().combine_chunks()
    events["customer"] = cust.indices.to_numpy(zero_copy_only=False).astype("int32")  # a key, no more
    del cust
    for d in (*INTERACTION_DIMS, "stage"):
        events[d] = _categorical(column("interactions", d))
    return {"responses": pd.DataFrame(resp), "interactions": pd.DataFrame(events)}


def pandas_mask(df: pd.DataFrame, f: Filters, table: str, skip: tuple[str, ...] = ()) -> pd.Series:
    """``Filters.where_sql`` in pandas: inclusive dates (to < next midnight) and ``isin`` lists."""
    ts = df[TIME_COLUMN[table]]
    mask = pd.Series(True, index=df.index)
    if f.date_from and "date" not in skip:
        mask &= ts >= datetime.combine(f.date_from, datetime.min.time())
    if f.date_to and "date" not in skip:
        mask &= ts < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time())
    for key, cols in FILTER_COLUMNS.items():
        vals = getattr(f, key)
        if not vals or key in skip:
            continue
        col = cols.get(table)
        if col not in df.columns:
            raise RuntimeError(f"pandas baseline did not load {table}.{col} for filter {key}")
        mask &= df[col].isin(vals)
    if f.attrs:
        raise RuntimeError("the pandas baseline does not filter on imported attributes")
    return mask


class PandasPages:
    """The page query sets in pandas, giving the same frames (figures) as the library."""

    def __init__(self, data: dict[str, pd.DataFrame], direction: str):
        self.r = data["responses"]
        self.i = data["interactions"]
        self.direction = direction
        self.le = (1, 2) if direction == "effort" else (6, 7)

    # -- shared --
    def responses(self, f: Filters | None) -> pd.DataFrame:
        return self.r[pandas_mask(self.r, f, "responses")] if f is not None else self.r.iloc[:0]

    def counts(self, df: pd.DataFrame, keys: dict[str, pd.Series] | None = None):
        """The ``KPI_COUNTS`` aggregates: a Series without keys, else a frame per key combination."""
        nps, csat, ces = df["nps"], df["csat"], df["ces"]
        lo, hi = self.le
        x = pd.DataFrame({
            "nps_n": nps.notna(), "promoters": nps >= 9, "passives": (nps >= 7) & (nps <= 8),
            "detractors": nps <= 6, "csat_n": csat.notna(), "csat_sat": csat >= 4,
            "ces_n": ces.notna(), "ces_sum": ces.fillna(0), "ces_sumsq": (ces * ces).fillna(0),
            "ces_low": (ces >= lo) & (ces <= hi),
        })
        if not keys:
            return x.sum()
        for name, key in keys.items():
            x[name] = key
        return x.groupby(list(keys), observed=True, sort=True).sum().reset_index()

    def kpi_set(self, df: pd.DataFrame) -> queries.KpiSet:
        return queries.KpiSet.from_counts(self.counts(df).to_dict(), self.direction)

    @staticmethod
    def week(ts: pd.Series) -> pd.Series:  # date_trunc('week'): the Monday
        return ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")

    @staticmethod
    def quarter(ts: pd.Series) -> pd.Series:
        return ts.dt.to_period("Q").dt.start_time

    def trend(self, df: pd.DataFrame, split: str | None = None) -> pd.DataFrame:
        keys = {"period": self.week(df["responded_at"])}
        if split:
            keys["split"] = df[split]
        frame = queries.kpi_frame(self.counts(df, keys), self.direction)
        if not frame.empty:
            frame["period"] = pd.to_datetime(frame["period"])
        return frame

    # -- pages --
    def overview(self, f: Filters) -> dict:
        cur = self.responses(f)
        prev_f = f.previous_period()
        prev = self.responses(prev_f) if prev_f else None
        current = self.kpi_set(cur)
        previous = self.kpi_set(prev) if prev is not None else None
        summary = queries.Summary(current, previous, {
            k: (current.compare(previous, k) if previous else None) for k in ("nps", "csat", "ces")})
        movers = []
        if prev is not None:
            for dim in MOVER_DIMENSIONS:
                a = self.counts(cur, {"grp": cur[dim]}).set_index("grp")
                b = self.counts(prev, {"grp": prev[dim]}).set_index("grp")
                for value in a.index.intersection(b.index):
                    ka = queries.KpiSet.from_counts(a.loc[value].to_dict(), self.direction)
                    kb = queries.KpiSet.from_counts(b.loc[value].to_dict(), self.direction)
                    if min(ka.nps.n, kb.nps.n) < kpis.SMALL_SAMPLE:  # as queries.biggest_movers
                        continue
                    ch = ka.compare(kb, "nps")
                    if ch.significant:
                        movers.append({"dimension": dim, "value": value, "current": ka.nps.value,
                                       "previous": kb.nps.value, "delta": ch.delta, "margin": ch.margin,
                                       "n": ka.nps.n})
        movers_frame = pd.DataFrame(movers, columns=["dimension", "value", "current", "previous",
                                                     "delta", "margin", "n"])
        if not movers_frame.empty:
            movers_frame = movers_frame.reindex(
                movers_frame["delta"].abs().sort_values(ascending=False).index).head(3).reset_index(drop=True)
        return {"summary": summary, "trend": self.trend(cur), "movers": movers_frame}

    def trends(self, f: Filters) -> dict:
        return {"trend": self.trend(self.responses(f), split="channel")}

    def segments(self, f: Filters) -> dict:
        df = self.responses(f)
        counts = self.counts(df, {"value": df["segment"]})
        frame = queries.kpi_frame(counts, self.direction)
        totals = counts[list(queries.COUNT_COLUMNS)].sum()
        for kpi in ("nps", "csat", "ces"):
            deltas, differs = [], []
            for rec in counts.to_dict("records"):
                g = queries.KpiSet.from_counts({k: rec[k] for k in queries.COUNT_COLUMNS}, self.direction)
                rest = queries.KpiSet.from_counts(
                    {k: totals[k] - rec[k] for k in queries.COUNT_COLUMNS}, self.direction)
                ch = g.compare(rest, kpi)
                deltas.append(ch.delta)
                differs.append(ch.significant)
            frame[f"{kpi}_vs_rest"] = deltas
            frame[f"{kpi}_differs"] = differs
        frame = frame.sort_values("nps", ascending=False, na_position="last").reset_index(drop=True)
        heat = queries.kpi_frame(self.counts(df, {"row": df["segment"], "col": df["channel"]}),
                                  self.direction)
        return {"breakdown": frame, "heatmap": heat}

    def pyramid_one(self, df: pd.DataFrame, by: str | None, grain: str | None) -> pd.DataFrame:
        lo, hi = self.le
        df = df[df["needs_met"].notna() & df["ces"].notna() & df["enjoyment"].notna()]
        level = np.select([df["needs_met"] < 4, ~((df["ces"] >= lo) & (df["ces"] <= hi)),
                           df["enjoyment"] < 4], [0, 1, 2], 3)
        keys: dict[str, pd.Series] = {}
        if by:
            keys["grp"] = df[by]
        if grain:
            keys["period"] = self.quarter(df["responded_at"])
        keys["level"] = pd.Series(level, index=df.index)
        counts = pd.DataFrame(keys).groupby(list(keys), observed=True).size().rename("n").reset_index()
        names = pyramid.MODELS[3]
        kcols = [k for k in keys if k != "level"]
        grid = pd.DataFrame({"level": range(len(names))})
        if kcols:
            grid = counts[kcols].drop_duplicates().merge(grid, how="cross")
        frame = grid.merge(counts, on=[*kcols, "level"], how="left").fillna({"n": 0})
        frame["n"] = frame["n"].astype("int64")
        frame["total"] = frame.groupby(kcols, observed=True)["n"].transform("sum") if kcols else frame["n"].sum()
        frame["share"] = frame["n"] / frame["total"] * 100
        frame = frame.sort_values([*kcols, "level"])
        frame["reached"] = (frame.iloc[::-1].groupby(kcols, observed=True)["share"].cumsum() if kcols
                            else frame["share"][::-1].cumsum())
        frame["level_name"] = frame["level"].map(lambda lv: names[lv])
        return frame.rename(columns={"grp": "group"}).reset_index(drop=True)

    def pyramid(self, f: Filters) -> dict:
        df = self.responses(f)
        return {"levels": self.pyramid_one(df, None, None),
                "by_channel": self.pyramid_one(df, "channel", None),
                "by_quarter": self.pyramid_one(df, None, "quarter")}

    def funnel(self, f: Filters, order: list[str]) -> dict:
        ev = self.i[pandas_mask(self.i, f, "interactions", skip=("stage",)) & self.i["stage"].isin(order)]
        ev = ev[["customer", "channel", "stage", "occurred_at"]]
        window = pd.Timedelta(days=FUNNEL_WINDOW)
        by_stage = {s: ev[ev["stage"] == s] for s in order}
        rows = []
        for across in (False, True):
            keys = ["customer"] if across else ["customer", "channel"]
            label = funnel.ALL_CHANNELS if across else None
            first = by_stage[order[0]]
            prev = first.groupby(keys, observed=True, sort=False)["occurred_at"].min().rename("t1").reset_index()
            prev["t"] = prev["t1"]
            for k in range(1, len(order) + 1):
                if k > 1:
                    e = by_stage[order[k - 1]][[*keys, "occurred_at"]]
                    m = prev.merge(e, on=keys)
                    m = m[(m["occurred_at"] >= m["t"]) & (m["occurred_at"] <= m["t1"] + window)]
                    prev = (m.groupby(keys, observed=True, sort=False)
                             .agg(t1=("t1", "first"), t=("occurred_at", "min")).reset_index())
                if across:
                    rows.append({"channel": label, "step": k, "customers": len(prev)})
                else:
                    for ch, n in prev.groupby("channel", observed=True).size().items():
                        rows.append({"channel": ch, "step": k, "customers": int(n)})
        found = pd.DataFrame(rows, columns=["channel", "step", "customers"])
        grid = found[["channel"]].drop_duplicates().merge(
            pd.DataFrame({"step": range(1, len(order) + 1)}), how="cross")
        frame = grid.merge(found, on=["channel", "step"], how="left").fillna({"customers": 0})
        frame["customers"] = frame["customers"].astype("int64")
        frame["stage"] = frame["step"].map(lambda k: order[k - 1])
        return {"funnel": frame}


# ---- equality: pandas gives the library's figures ----------------------------------------------

def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str], cols: list[str], what: str) -> None:
    def norm(df: pd.DataFrame) -> pd.DataFrame:
        df = df[[*keys, *cols]].copy()
        for k in keys:
            if k == "period":
                df[k] = pd.to_datetime(df[k]).astype("datetime64[ns]")
            elif k in ("step", "level"):
                df[k] = df[k].astype("int64")
            else:
                df[k] = df[k].astype(str)
        return df.sort_values(keys).reset_index(drop=True)

    x, y = norm(a), norm(b)
    assert len(x) == len(y), f"{what}: {len(x)} rows in DuckDB, {len(y)} in pandas"
    for k in keys:
        assert (x[k].to_numpy() == y[k].to_numpy()).all(), f"{what}: keys {k} differ"
    for c in cols:
        u = x[c].astype("float64").to_numpy()
        v = y[c].astype("float64").to_numpy()
        assert np.allclose(u, v, rtol=1e-9, atol=1e-9, equal_nan=True), f"{what}: {c} differs"


def _same_kpis(a: queries.KpiSet, b: queries.KpiSet, what: str) -> None:
    for name, x, y in (("nps", a.nps, b.nps), ("csat", a.csat, b.csat), ("ces", a.ces, b.ces)):
        assert x.n == y.n, f"{what}: {name} n {x.n} vs {y.n}"
        xv = getattr(x, "value", None) if name != "ces" else x.mean
        yv = getattr(y, "value", None) if name != "ces" else y.mean
        assert (xv is None and yv is None) or abs(xv - yv) <= 1e-9, f"{what}: {name} {xv} vs {yv}"


def check_equal(page: str, duck: dict, pand: dict) -> None:
    if page == "Overview":
        ds, ps = duck["summary"], pand["summary"]
        _same_kpis(ds.current, ps.current, "Overview current")
        assert (ds.previous is None) == (ps.previous is None)
        if ds.previous is not None:
            _same_kpis(ds.previous, ps.previous, "Overview previous")
        _same(duck["trend"], pand["trend"], ["period"], ["nps_n", "nps", "csat_n", "csat", "ces_n", "ces"],
              "Overview trend")
        _same(duck["movers"], pand["movers"], ["dimension", "value"], ["current", "previous", "delta", "n"],
              "Overview movers")
    elif page == "Trends":
        _same(duck["trend"], pand["trend"], ["period", "split"], ["nps_n", "nps", "csat_n", "ces_n", "ces"],
              "Trends")
    elif page == "Segments":
        _same(duck["breakdown"], pand["breakdown"], ["value"],
              ["nps_n", "nps", "nps_vs_rest", "csat", "csat_vs_rest", "ces", "ces_vs_rest"], "Segments")
        _same(duck["heatmap"], pand["heatmap"], ["row", "col"], ["nps_n", "nps", "csat_n", "ces_n"],
              "Heatmap")
    elif page == "Funnel":
        _same(duck["funnel"], pand["funnel"], ["channel", "step"], ["customers"], "Funnel")
    elif page == "Pyramid":
        _same(duck["levels"], pand["levels"], ["level"], ["n", "share", "reached"], "Pyramid")
        _same(duck["by_channel"], pand["by_channel"], ["group", "level"], ["n", "share", "reached"],
              "Pyramid by channel")
        _same(duck["by_quarter"], pand["by_quarter"], ["period", "level"], ["n", "share", "reached"],
              "Pyramid by quarter")
