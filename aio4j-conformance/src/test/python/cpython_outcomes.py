"""Prints the outcomes of named scenarios on the CPython that runs this script, as JSON in the shape of
aio4j_expected.json (trace lines, result, tasks).

    python3.13 src/test/python/cpython_outcomes.py NAME...      (from aio4j-conformance/)

For the deliberate differences where aio4j follows a newer CPython than the suite's reference 3.11
(Condition's hand-on of a consumed notification, gh-112202) and for the scenarios of API that 3.11
lacks (Queue.shutdown, 3.13): their expected outcomes are that CPython's own run, not aio4j's. It
runs "python": false scenarios too (asyncio_interpreter.py --all).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INTERPRETER = os.path.join(HERE, "..", "resources", "python", "asyncio_interpreter.py")
SCENARIOS = os.path.join(HERE, "..", "resources", "scenarios")


def outcomes(names):
    out = subprocess.run([sys.executable, INTERPRETER, "--all", SCENARIOS, *names], check=True,
                         capture_output=True, text=True).stdout
    results = json.loads(out)["results"]
    shaped = {}
    for name in names:
        r = results[name]
        if "error" in r or r.get("unstable"):
            raise SystemExit("%s does not run deterministically on this CPython: %s" % (name, r))
        shaped[name] = {"trace": ["%s %s: %s" % tuple(e) for e in r["trace"]], "result": r["result"],
                        "tasks": r["tasks"]}
    return shaped


if __name__ == "__main__":
    print("# " + sys.version.split()[0], file=sys.stderr)
    print(json.dumps(outcomes(sys.argv[1:]), indent=1))
