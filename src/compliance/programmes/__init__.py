"""Action programmes (issue 14): the items agencies owe, read from ``rules/programmes/``.

A layer beside ``targets``: it reads the rule files' YAML and reports problems as rule files do
(``compliance.rules.loaded.Problem``), and never imports the engine, follow-up or web.
"""
