"""The one test pytest collects for a grading session: each row of the suite's tables, parametrised by the runner's plugin."""

from __future__ import annotations


def test_row(row, run_row):
    run_row(row)
