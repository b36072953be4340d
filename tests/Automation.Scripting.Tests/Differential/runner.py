# Runs every snippet of the differential corpus in CPython, in one process.
# Input (stdin): JSON list of snippet sources. Output (stdout): JSON list of results, where a result is
# (with the names datetime and json bound to the modules) repr(value) of the expression (eval mode) or of the variable `r` (exec mode), or
# "!ExceptionType: message" when the snippet raised.
import datetime
import json
import sys

snippets = json.load(sys.stdin)
results = []
for src in snippets:
    try:
        try:
            code = compile(src, "<snippet>", "eval")
            mode = "eval"
        except SyntaxError:
            code = compile(src, "<snippet>", "exec")
            mode = "exec"
        # the modules a script sees by name (SCRIPTING.md) that CPython's standard library also has
        ns = {"datetime": datetime, "json": json}
        if mode == "eval":
            value = eval(code, ns)
        else:
            exec(code, ns)
            value = ns.get("r")
        results.append(repr(value))
    except SyntaxError as e:
        results.append("!" + type(e).__name__ + ": " + e.msg)
    except Exception as e:  # noqa: BLE001 - every failure is a result to compare
        results.append("!" + type(e).__name__ + ": " + str(e))
json.dump(results, sys.stdout)
