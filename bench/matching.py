"""Bulk 3-way matching throughput: ProcureFlow's columnar matcher beside a DuckDB SQL query.

Both apply the same rules (per-category price tolerance in % and absolute money per line,
one- or two-sided, stricter or looser; quantity against ordered and received, cumulative
per PO line in line order; missing receipt; unknown PO line) to the same generated data:
1,000,000 invoice lines against 200,000 PO lines with receipts. The data are generated
inside DuckDB with a fixed seed; loading them is not timed for either side. Each side is
timed over the best of ``--repeat`` runs, from columns in memory to outcome counts.

Target: the columnar matcher within 3x of DuckDB (ratio = matcher time / DuckDB time ≤ 3).
The run also checks that both produce the same count for every outcome.

Run: ``python bench/matching.py [--lines 1000000] [--po-lines 200000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np

from procureflow.agents.matching_bulk import (
    BulkTolerances,
    InvoiceLineColumns,
    PoLineColumns,
    count_outcomes,
    match_lines_bulk,
)
from procureflow.domain.matching_rules import CategoryTolerances, MatchingTolerances, Tolerance

TARGET_RATIO = 3.0
PRICE_SCALE = 100  # cents
QUANTITY_SCALE = 1  # whole units
CATEGORIES: list[str | None] = [None, "services", "freight"]
TOLERANCES = MatchingTolerances(
    default=CategoryTolerances(
        price=Tolerance(pct=Decimal(2), absolute=Decimal(100)), quantity=Tolerance(pct=Decimal(0))
    ),
    by_category={
        "services": CategoryTolerances(
            price=Tolerance(
                pct=Decimal(10), absolute=Decimal(50), two_sided=True, combine="looser"
            ),
            quantity=Tolerance(pct=Decimal(5)),
        ),
        "freight": CategoryTolerances(
            price=Tolerance(absolute=Decimal(25)), quantity=Tolerance(absolute=Decimal(1))
        ),
    },
)


def generate(con: duckdb.DuckDBPyConnection, lines: int, po_lines: int) -> None:
    """Invoice lines, PO lines and receipts with a realistic sprinkling of exceptions."""
    con.execute("select setseed(0.4242)")
    con.execute(
        f"""
        create or replace table inv_lines as
        select i::bigint as line,
               case when random() < 0.005 then -1
                    else floor(random() * {po_lines})::bigint end as po_line,
               (1 + floor(random() * 10))::bigint as qty,
               random() as price_draw
        from range({lines}) t(i)
        """
    )
    con.execute(
        f"""
        create or replace table po_lines as
        with invoiced as (
            select po_line, sum(qty)::bigint as total from inv_lines where po_line >= 0 group by po_line
        ),
        base as (
            select p::bigint as po_line,
                   (100 + floor(random() * 99900))::bigint as price,
                   coalesce(invoiced.total, 0) as total,
                   floor(random() * 3)::bigint as category,
                   random() < 0.97 as requires_receipt,
                   random() as ordered_draw,
                   random() as received_draw,
                   floor(random() * 3)::bigint as invoiced_before
            from range({po_lines}) t(p) left join invoiced on invoiced.po_line = t.p
        )
        select po_line, price, category, requires_receipt, invoiced_before,
               total + invoiced_before + case when ordered_draw < 0.03 then -2 else 2 end as ordered,
               case when received_draw < 0.03 then 0
                    when received_draw < 0.08 then greatest(total + invoiced_before - 3, 0)
                    else total + invoiced_before + 1 end as received
        from base order by po_line
        """
    )
    con.execute(
        """
        create or replace table inv_lines as
        select i.line, i.po_line, i.qty,
               case when i.po_line < 0 then 1000
                    when i.price_draw < 0.90 then p.price
                    when i.price_draw < 0.95 then p.price + (p.price * (i.price_draw - 0.9) * 2)::bigint
                    else greatest(1, p.price - (p.price * (i.price_draw - 0.95) * 4)::bigint) end as price
        from inv_lines i left join po_lines p on p.po_line = i.po_line
        order by i.line
        """
    )


def load_tolerances(con: duckdb.DuckDBPyConnection, bulk: BulkTolerances) -> None:
    """The very same tolerance columns the matcher uses, as a table keyed by category index."""
    columns: dict[str, Any] = {"category": np.arange(len(CATEGORIES), dtype=np.int64)}
    for kind, table in (("price", bulk.price), ("qty", bulk.quantity)):
        for name in ("has_pct", "pct", "has_abs", "absolute", "two_sided", "stricter"):
            columns[f"{kind}_{name}"] = getattr(table, name)
    rows = list(zip(*[col.tolist() for col in columns.values()], strict=True))
    names = ", ".join(columns)
    con.execute(
        f"create or replace table tolerances({names}) as select * from (values {', '.join(str(r) for r in rows)})"
    )


def _within_sql(kind: str, expected: str, actual: str, weight: str | None) -> str:
    counted = (
        f"(case when t.{kind}_two_sided then abs({actual} - {expected}) "
        f"else greatest({actual} - {expected}, 0) end)"
    )
    pct_ok = f"({counted} * 10000 <= abs({expected}) * t.{kind}_pct)"
    scaled = counted if weight is None else f"{counted} * abs({weight})"
    abs_ok = f"({scaled} <= t.{kind}_absolute)"
    stricter = f"((not t.{kind}_has_pct or {pct_ok}) and (not t.{kind}_has_abs or {abs_ok}))"
    looser = f"((t.{kind}_has_pct and {pct_ok}) or (t.{kind}_has_abs and {abs_ok}))"
    return (
        f"(case when t.{kind}_has_pct or t.{kind}_has_abs "
        f"then (case when t.{kind}_stricter then {stricter} else {looser} end) "
        f"else {counted} = 0 end)"
    )


def matching_sql(three_way: bool = True) -> str:
    """The tolerance rules of the matcher as one DuckDB query returning outcome counts."""
    needs = "p.requires_receipt" if three_way else "false"
    return f"""
    with l as (
        select i.line, i.po_line >= 0 as known, i.qty, i.price,
               coalesce(p.price, 0) as po_price, coalesce(p.ordered, 0) as ordered,
               coalesce(p.received, 0) as received, coalesce(p.category, 0) as category,
               coalesce({needs}, false) as needs_receipt,
               coalesce(p.invoiced_before, 0)
                 + sum(case when i.po_line >= 0 then i.qty else 0 end) over (
                     partition by i.po_line order by i.line
                     rows between unbounded preceding and current row) as cumulative
        from inv_lines i left join po_lines p on p.po_line = i.po_line
    )
    select outcome, count(*) as n from (
        select case
            when not l.known then 'missing_po_line'
            when not {_within_sql("price", "l.po_price", "l.price", "l.qty")}
                 then case when l.price > l.po_price then 'price_over_tolerance'
                           else 'price_under_tolerance' end
            when not {_within_sql("qty", "l.ordered", "l.cumulative", None)}
                 then case when l.cumulative > l.ordered then 'quantity_over_ordered'
                           else 'quantity_under_ordered' end
            when l.needs_receipt and l.received <= 0 then 'missing_receipt'
            when l.needs_receipt and not {_within_sql("qty", "l.received", "l.cumulative", None)}
                 then case when l.cumulative > l.received then 'quantity_over_received'
                           else 'quantity_under_received' end
            else 'matched' end as outcome
        from l join tolerances t on t.category = l.category
    ) group by outcome
    """


def best_of(repeat: int, run: Any) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Generate, match both ways, check the counts agree, print both rates and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--po-lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    con = duckdb.connect()
    generate(con, args.lines, args.po_lines)
    bulk_tolerances = BulkTolerances.of(
        TOLERANCES, CATEGORIES, price_scale=PRICE_SCALE, quantity_scale=QUANTITY_SCALE
    )
    load_tolerances(con, bulk_tolerances)
    inv = con.execute("select po_line, qty, price from inv_lines order by line").fetchnumpy()
    po = con.execute(
        "select price, ordered, received, invoiced_before, category, requires_receipt "
        "from po_lines order by po_line"
    ).fetchnumpy()
    lines = InvoiceLineColumns.of(inv["po_line"], inv["qty"], inv["price"])
    po_columns = PoLineColumns.of(
        po["price"],
        po["ordered"],
        po["received"],
        po["invoiced_before"],
        po["category"],
        po["requires_receipt"],
    )

    ours_s, ours = best_of(
        args.repeat, lambda: count_outcomes(match_lines_bulk(lines, po_columns, bulk_tolerances))
    )
    sql = matching_sql()
    duck_s, duck_rows = best_of(args.repeat, lambda: con.execute(sql).fetchall())
    duck = {outcome: int(n) for outcome, n in duck_rows}

    assert ours == duck, f"outcome counts differ:\n  matcher {ours}\n  duckdb  {duck}"
    assert sum(ours.values()) == args.lines
    assert len(ours) >= 6, f"the data should exercise most outcomes, got {sorted(ours)}"

    ratio = ours_s / duck_s
    threads = con.execute("select current_setting('threads')").fetchone()[0]  # type: ignore[index]
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"outcomes (identical on both sides): {dict(sorted(ours.items()))}")
    print(
        f"columnar matcher: {args.lines / ours_s:,.0f} lines/s ({ours_s * 1000:.0f} ms for {args.lines:,} lines)"
    )
    print(
        f"DuckDB SQL:       {args.lines / duck_s:,.0f} lines/s ({duck_s * 1000:.0f} ms, {threads} threads)"
    )
    print(
        f"ratio matcher/DuckDB time: {ratio:.2f}x — target ≤ {TARGET_RATIO:.0f}x ({verdict} target)"
    )


if __name__ == "__main__":
    main()
