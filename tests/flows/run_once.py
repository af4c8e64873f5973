"""One compliance run without Prefect, as a process the safety tests can kill.

Usage: run_once.py AS_OF [--pause-in-transaction SECONDS]. With the pause, it prints
"in transaction" after the run's first writes and sleeps before the rest, so a SIGKILL lands
inside the open transaction.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from compliance import db
from compliance.engine.evaluate import evaluate
from compliance.followup import sync
from compliance.rules.validate import load_rules


def main() -> None:
    as_of = dt.date.fromisoformat(sys.argv[1])
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    engine = db.make_engine()
    rules = load_rules()
    with engine.connect() as conn:
        findings = evaluate(conn, rules, as_of)
    if pause:
        original = sync._record_findings

        def record_then_pause(*args, **kwargs):  # type: ignore[no-untyped-def]
            original(*args, **kwargs)
            print("in transaction", flush=True)
            time.sleep(pause)

        sync._record_findings = record_then_pause
    outcome = sync.record_and_sync(engine, rules, findings, sync.RunOrder(as_of=as_of))
    print(" ".join(f"{k}={v}" for k, v in outcome.summary.items()), flush=True)


if __name__ == "__main__":
    main()
