"""Findings → follow-up tasks: who acts, the task lifecycle, escalation and notifications."""
