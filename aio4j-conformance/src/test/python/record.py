"""Records CPython's reference outcomes of the conformance suite into the repository.

    python3.11 aio4j-conformance/src/test/python/record.py

The conformance tests compare aio4j against these recordings when no CPython 3.11 is at hand
(so the test suite needs only a JDK), and against a live CPython 3.11 whenever one is found; in
that case they also check that the recordings are what the live CPython says, so a recording
that has fallen behind a scenario or the interpreter fails the build with this command in the
message. Run it after changing a scenario file, a Python script of the suite, or the default
random programs (seed and count), then commit the files it writes:

    src/test/resources/recordings/scenarios.json     every hand-written scenario on asyncio
    src/test/resources/recordings/deliberate.json    the deliberate-difference scenarios on the
                                                     random programs' reference (aio4j_reference.py)
    src/test/resources/recordings/random_programs.json
                                                     the default random programs and their outcomes
                                                     on that reference

Each file names the CPython that wrote it and the SHA-256 of every input it was made from (paths
relative to the module), one result per line so that a re-recording diffs by scenario.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

MODULE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
RESOURCES = "src/test/resources"
SCENARIOS = RESOURCES + "/scenarios"
INTERPRETER = [RESOURCES + "/python/asyncio_interpreter.py", RESOURCES + "/python/virtual_loop.py"]
REFERENCE = RESOURCES + "/python/aio4j_reference.py"
GENERATOR = ["src/test/python/random_programs.py", "src/test/python/scenario_dsl.py"]
OUT = RESOURCES + "/recordings"
# The programs RandomProgramsTest runs by default (its DEFAULT_SEED and DEFAULT_COUNT).
RANDOM_SEED = 1
RANDOM_COUNT = 400
REQUIRED = (3, 11)


def path(rel):
    return os.path.join(MODULE, rel)


def sha256(rel):
    with open(path(rel), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def scenario_files():
    out = []
    for root, _, files in os.walk(path(SCENARIOS)):
        for f in files:
            if f.endswith(".json"):
                out.append(os.path.relpath(os.path.join(root, f), MODULE).replace(os.sep, "/"))
    return sorted(out)


def run(script, *args):
    """Runs one of the suite's scripts on this interpreter, as the Java side does, and parses its output."""
    done = subprocess.run([sys.executable, path(script), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{script} {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def write(name, inputs, body):
    """Writes a recording: a header, then one entry per line under each key of body."""
    lines = ["{", f' "python": {json.dumps(sys.version)},',
             ' "recorded_by": "python3.11 src/test/python/record.py",',
             ' "inputs": {' + ", ".join(f"{json.dumps(k)}: {json.dumps(sha256(k))}" for k in inputs) + "},"]
    keys = list(body)
    for i, key in enumerate(keys):
        value = body[key]
        end = "," if i < len(keys) - 1 else ""
        if isinstance(value, dict) and value:
            entries = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'), sort_keys=True)}"
                       for k, v in value.items()]
            lines.append(f" {json.dumps(key)}: {{\n" + ",\n".join(entries) + "\n }" + end)
        elif isinstance(value, list) and value:
            entries = [f"  {json.dumps(v, separators=(',', ':'))}" for v in value]
            lines.append(f" {json.dumps(key)}: [\n" + ",\n".join(entries) + "\n ]" + end)
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}{end}")
    lines.append("}")
    os.makedirs(path(OUT), exist_ok=True)
    with open(path(f"{OUT}/{name}"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {OUT}/{name}")


def main():
    if sys.version_info[:2] != REQUIRED:
        sys.exit(f"this is Python {sys.version.split()[0]}; the recordings are CPython "
                 f"{REQUIRED[0]}.{REQUIRED[1]}'s outcomes: run this script with a python{REQUIRED[0]}.{REQUIRED[1]}")
    files = scenario_files()

    results = run(INTERPRETER[0], path(SCENARIOS))["results"]
    write("scenarios.json", files + INTERPRETER, {"results": results})

    deliberate = []
    for rel in files:
        with open(path(rel), encoding="utf-8") as f:
            doc = json.load(f)
        for sc in doc["scenarios"] if isinstance(doc, dict) else doc:
            if sc.get("aio4j_expected") is not None and sc.get("python", True) is not False:
                deliberate.append(sc)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "deliberate.json"), "w", encoding="utf-8") as f:
            json.dump({"scenarios": deliberate}, f)
        results = run(REFERENCE, tmp)["results"]
    write("deliberate.json", files + INTERPRETER + [REFERENCE], {"results": results})

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, path(GENERATOR[0]), str(RANDOM_SEED), str(RANDOM_COUNT), "--out", tmp],
                       check=True)
        with open(os.path.join(tmp, "random_programs.json"), encoding="utf-8") as f:
            programs = json.load(f)["scenarios"]
        results = run(REFERENCE, tmp)["results"]
    known_bugs = run(REFERENCE, "--list-known-bugs")
    write("random_programs.json", GENERATOR + INTERPRETER + [REFERENCE],
          {"seed": RANDOM_SEED, "count": RANDOM_COUNT, "known_bugs": known_bugs, "programs": programs,
           "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
