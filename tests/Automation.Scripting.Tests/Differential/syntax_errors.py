# Compiles each source (stdin: JSON list) with CPython and reports the SyntaxError it raises:
# [class name, msg, lineno, offset] or null when the source compiles.
import json
import sys

out = []
for src in json.load(sys.stdin):
    try:
        compile(src, "<snippet>", "exec")
        out.append(None)
    except SyntaxError as e:
        out.append([type(e).__name__, e.msg, e.lineno, e.offset])
json.dump(out, sys.stdout)
