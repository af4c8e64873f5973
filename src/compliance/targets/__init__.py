"""Aggregate targets (chỉ tiêu) and the scorecard that measures the registry against them.

The target file format (``rules/targets/*.yaml``, ``kind: target``) and the catalogue of
populations and measures a target may name live with the rule files' format, in
``compliance.rules.target_format``: the rule loader checks target files beside the rules.

* ``load``      loading with every problem as ``FILE:LINE: message``;
* ``measures``  set-based SQL (SQLite and PostgreSQL) for each population and measure;
* ``scorecard`` target, actual, actionable gap, trend, projection and drill-down.
"""
