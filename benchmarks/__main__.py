"""``python -m benchmarks``: the one benchmark command (benchmarks/run.py)."""

from benchmarks.run import main

main()
