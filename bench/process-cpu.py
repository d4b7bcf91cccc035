#!/usr/bin/env python3
"""CPU time used so far by processes and their descendants, for the bench scripts' per-request CPU figures.

Usage: process-cpu.py PID...   prints the CPU seconds (user + system) of each PID together with every live process
                               below it and the children it has already reaped, summed over the PIDs given
       process-cpu.py --alone PID...  the same for the PIDs themselves only (an embedded server that a cpdb started
                               is not cpdb's work)
       process-cpu.py machine  prints the CPU seconds the whole machine has been busy (all cores, idle and I/O wait
                               left out)
A PID that no longer exists counts as zero. Subtract two readings taken around a run to get the run's CPU.
"""
import os
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces; the fields after it are numbers.
    return text[text.rindex(")") + 2:].split()


def children():
    below = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(entry)
            if fields:
                below.setdefault(int(fields[1]), []).append(int(entry))
    return below


def own_ticks(pid):
    fields = stat_fields(pid)
    # utime and stime: fields 14 and 15 of stat, here 11 and 12 after the pid and the name.
    return sum(int(value) for value in fields[11:13]) if fields else 0


def tree_ticks(pid, below):
    fields = stat_fields(pid)
    if not fields:
        return 0
    # utime, stime, cutime, cstime: fields 14-17 of stat.
    total = sum(int(value) for value in fields[11:15])
    return total + sum(tree_ticks(child, below) for child in below.get(pid, []))


def machine_ticks():
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    return sum(values) - values[3] - values[4]


if __name__ == "__main__":
    if sys.argv[1:] == ["machine"]:
        print(f"{machine_ticks() / TICKS:.2f}")
    elif sys.argv[1] == "--alone":
        print(f"{sum(own_ticks(int(pid)) for pid in sys.argv[2:]) / TICKS:.2f}")
    else:
        below = children()
        print(f"{sum(tree_ticks(int(pid), below) for pid in sys.argv[1:]) / TICKS:.2f}")
