"""Where the Prefect flows are: flows/ beside the package, as prefect.yaml deploys them.

The CLI and the web UI's "run now" both start flow runs; they import the flows through here so
both get the same module and the same Prefect defaults.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]


def load_flows() -> Any:
    """The ``flows`` package (compliance_run, escalation)."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if str(REPOSITORY) not in sys.path:
        sys.path.insert(0, str(REPOSITORY))
    import flows.compliance_run
    import flows.escalation

    from compliance.prefect_server import bind_temporary_server

    bind_temporary_server()  # a kill -9 of this process must not leave Prefect's server running

    return flows
