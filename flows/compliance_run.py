"""Entry point for prefect.yaml: the compliance run flow is ``compliance.flows.compliance_run``."""

from compliance.flows.compliance_run import RunParameters, compliance_run

__all__ = ["RunParameters", "compliance_run"]
