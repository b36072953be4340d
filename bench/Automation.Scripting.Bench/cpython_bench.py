# Times each benchmark program in CPython with timeit (best of 5 repeats), same programs as ours.
# stdin: JSON list of [name, source]; stdout: JSON object name -> seconds per run.
import json
import sys
import timeit

programs = json.load(sys.stdin)
out = {}
for name, src in programs:
    code = compile(src, name, "exec")
    timer = timeit.Timer(lambda: exec(code, {}))
    number, _ = timer.autorange()
    best = min(timer.repeat(repeat=5, number=number)) / number
    out[name] = best
json.dump(out, sys.stdout)
