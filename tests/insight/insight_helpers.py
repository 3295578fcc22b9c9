"""Helpers shared by the insight page tests."""

from __future__ import annotations

import csv
import io


def csv_rows(response) -> list[dict]:
    """A CSV download's rows, as a spreadsheet would read them."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))
