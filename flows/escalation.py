"""Entry point for prefect.yaml: the escalation flow is ``compliance.flows.escalation``."""

from compliance.flows.escalation import escalation_check

__all__ = ["escalation_check"]
