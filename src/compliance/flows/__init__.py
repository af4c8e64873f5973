"""The Prefect flows: the compliance run and the escalation check.

They live in the package so an installed wheel has them; the repository's ``flows/*.py`` are
the thin entry points ``prefect.yaml`` deploys, and the CLI and the web UI's "run now" import
them through ``compliance.orchestration.load_flows``.
"""
