"""Aggregate targets (chỉ tiêu) and the scorecard that measures the registry against them.

* ``model``     the target file format (``rules/targets/*.yaml``, ``kind: target``) and the
                catalogue of populations and measures a target may name;
* ``load``      loading with every problem as ``FILE:LINE: message``;
* ``measures``  set-based SQL (SQLite and PostgreSQL) for each population and measure;
* ``scorecard`` target, actual, actionable gap, trend, projection and drill-down.

Kept light on purpose: ``compliance.rules.validate`` imports ``model`` to check target files
that sit beside the rules, so nothing here may import the rule validator at module level.
"""
