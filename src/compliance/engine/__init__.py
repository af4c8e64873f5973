"""Evaluation: registry facts → findings. Pure of Prefect and of sessions: it takes a connection."""
