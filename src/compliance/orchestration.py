"""Where the Prefect flows are: ``compliance.flows`` (prefect.yaml deploys them through the
repository's thin ``flows/*.py`` entry points).

The CLI and the web UI's "run now" both start flow runs; they import the flows through here so
both get the same module and the same Prefect defaults.
"""

from __future__ import annotations

import os
from typing import Any


def load_flows() -> Any:
    """The ``compliance.flows`` package (compliance_run, escalation)."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    import compliance.flows.compliance_run
    import compliance.flows.escalation
    from compliance.prefect_server import bind_temporary_server

    bind_temporary_server()  # a kill -9 of this process must not leave Prefect's server running

    return compliance.flows
