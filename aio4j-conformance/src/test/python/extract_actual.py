"""Prints aio4j's actual outcomes from a Surefire log of ConformanceTest failures, as JSON.

    python3 extract_actual.py surefire-output.txt NAME...

For writing down a deliberate difference: check every line by hand against the "why" before
putting it into aio4j_expected.json.
"""
import json
import re
import sys


def extract(log, name):
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("scenario '%s'" % name):
            break
    else:
        return None
    trace, result, tasks = [], None, {}
    for line in lines[i + 1:]:
        if line.startswith("\tat ") or line.startswith("[ERROR]"):
            break
        if not (line.startswith("  ") or line.startswith("+ ")):
            continue
        text = line[2:]
        if text.startswith("result "):
            result = text[len("result "):]
        elif text.startswith("final "):
            k, v = text[len("final "):].split(" ", 1)
            tasks[k] = v
        elif re.match(r"^\d+\.\d{6} ", text):
            trace.append(text)
    return {"trace": trace, "result": result, "tasks": tasks}


if __name__ == "__main__":
    log = open(sys.argv[1], encoding="utf-8").read()
    print(json.dumps({n: extract(log, n) for n in sys.argv[2:]}, indent=1))
