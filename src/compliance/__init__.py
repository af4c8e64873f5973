"""Compliance engine for Vietnam's trade unions.

Data flows one way: registry → facts → findings → tasks → reviews and reports.
"""

__version__ = "0.1.0"
