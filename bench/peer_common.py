"""What the Python peers of `npm run bench` share: the timing loop (the same as
bench/measure.ts), the IDX reader for MNIST, and the one-line answer to the harness.

Imported by bench/numpy_tutorial.py and bench/torch_peer.py, which Python runs with bench/ as
the first entry of sys.path.
"""

import json
import time


def reply(answer):
    """The peer's answer to the harness: one line `BENCH_RESULT {...}` on stdout."""
    print("BENCH_RESULT " + json.dumps(answer))


def read_idx(path, dims):
    """An IDX file as a uint8 array: big-endian magic and dims, then the bytes."""
    import numpy

    with open(path, "rb") as f:
        raw = f.read()
    shape = tuple(int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(dims))
    return numpy.frombuffer(raw, dtype=numpy.uint8, offset=4 + 4 * dims).reshape(shape)


def measure(run, batch, opts, limit):
    """Warm up, then time `runs` runs of at least runSeconds each (as bench/measure.ts does).

    `run(start, count)` processes images [start, start + count) in batches of `batch`; `limit`
    is how many distinct images it can be given. Returns the images/second of each timed run.
    """
    # Warm-up: call sizes double while calls are short, so per-call overhead is not timed.
    max_chunk = max(batch, (limit // batch) * batch)
    chunk = batch
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        run(0, chunk)
        t1 = time.perf_counter()
        if t1 - started >= opts["warmupSeconds"]:
            break
        if t1 - t0 < opts["warmupSeconds"] / 8:
            chunk = min(2 * chunk, max_chunk)
    # Timed runs last at least runSeconds each, in calls of the warm-up's last size.
    rates, images = [], []
    start = 0
    for _ in range(opts["runs"]):
        done = 0
        t0 = time.perf_counter()
        while True:
            if start + chunk > limit:
                start = 0
            run(start, chunk)
            start += chunk
            done += chunk
            elapsed = time.perf_counter() - t0
            if elapsed >= opts["runSeconds"]:
                break
        rates.append(done / elapsed)
        images.append(done)
    return {"runs": rates, "imagesPerRun": sorted(images)[len(images) // 2]}
