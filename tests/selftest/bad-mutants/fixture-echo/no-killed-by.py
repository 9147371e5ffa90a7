# mutant: fixture-echo/no-killed-by
# defect: a header without its killed-by line
"""selftest must refuse this header (exit 2)."""
