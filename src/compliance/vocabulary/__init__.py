"""The words rules are written in: periods, the condition tree and its compilers, and the fact
catalogue. The bottom layer of rules → engine → follow-up → review and reports: it imports
none of them (tests/test_layers.py)."""
