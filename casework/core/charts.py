"""A chart and its data table from the same figures (templates/includes/chart.html draws both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def chart_context(
    *,
    chart_id: str,
    caption: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | int | None]]],
    first_column: str,
    unit: str = "",
    kind: str = "line",
) -> dict[str, Any]:
    """The context for includes/chart.html: the JSON the chart is drawn from and the table's rows (one per
    label, a value per series, None where there is nothing to show)."""
    chart = {
        "labels": list(labels),
        "series": [{"label": label, "data": list(values)} for label, values in series],
    }
    rows = [
        {"label": label, "values": [values[index] for _, values in series]}
        for index, label in enumerate(labels)
    ]
    return {
        "chart_id": chart_id,
        "chart_data_id": f"{chart_id}-data",
        "caption": caption,
        "chart": chart,
        "rows": rows,
        "first_column": first_column,
        "unit": unit,
        "kind": kind,
    }
