"""Qiao's benchmarks: `python -m bench` runs every figure (`make bench`); each module runs alone.

Figures, one module each: inbound throughput beside two bare python-telegram-bot baselines
(`bench.inbound`), check-in fan-out (`bench.fanout`), alert latency under load
(`bench.latency`), memory and database size (`bench.memory`), and a profile of the slowest
path (`bench.profiling`). Every module takes `--quick` for a smoke run of a few updates.
Results go to bench/results.json; docs/performance.md records a full run.
"""
