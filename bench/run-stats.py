#!/usr/bin/env python3
"""Statistics over the rounds of a bench script's runs.

The results file holds one line per run and round: the run's name, then key=value words
("get-direct requests=1 errors=0 rps=2 p50_ms=1.2 ..."). Values that are not numbers are skipped.

Usage: run-stats.py RESULTS RUN KEY [median|spread|sum|median/spread]
Prints the statistic (default median/spread, spread being max - min) of KEY over the rounds of RUN, or n/a when no
round recorded a number for it.
"""
import re
import statistics
import sys


def values(path, run, key):
    found = []
    with open(path) as results:
        for line in results:
            words = line.split()
            match = re.search(r"\b" + re.escape(key) + r"=([0-9.]+)", line)
            if words and words[0] == run and match:
                found.append(float(match.group(1)))
    return found


def main(path, run, key, statistic="median/spread"):
    found = values(path, run, key)
    if not found:
        return "n/a"
    median = statistics.median(found)
    spread = max(found) - min(found)
    return {
        "median": f"{median:.1f}",
        "spread": f"{spread:.1f}",
        "sum": f"{sum(found):.0f}",
        "median/spread": f"{median:.1f}/{spread:.1f}",
    }[statistic]


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
