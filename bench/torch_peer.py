"""PyTorch peer for `npm run bench`: times the same architectures as cnn-ts (passed in as JSON by
the harness, so both sides build the same network) at the same batch sizes and thread count.

Training is one full SGD step per batch: forward, cross-entropy loss, backward, update.
Inference is a forward pass under no_grad. Images come from real MNIST, scaled like the tutorial
(x / 255 - 0.5) and held as float32 NCHW tensors, the layout PyTorch's kernels want.

Time to accuracy (`accuracyCases`) trains a preset's network with its recipe (Adam or plain SGD,
constant or one-cycle learning rate computed per step by the formula of src/optim/schedule.ts,
shuffled epochs, its pixel scaling) on all 60,000 training images, tests on all 10,000 after each
epoch, and stops at the first epoch that reaches the target. Seconds run from the first training
step, test passes included, as for cnn-ts (bench/oursChild.ts).

Usage: /usr/bin/python3 torch_peer.py '<json>'  where json = {"mnistDir", "threads", "measure",
"cases": [{"id", "arch": {...}, "task": "train"|"infer", "batch"}], "accuracyCases": [...]}.
Prints one line `BENCH_RESULT {...}` on stdout.
"""

import json
import math
import os
import platform
import re
import sys
import time

from peer_common import measure, read_idx, reply

try:
    import numpy
    import torch
    import torch.nn.functional as F
except ImportError as error:  # reported as a skipped peer, never an error
    reply({"skipped": "torch not importable: %s" % error})
    sys.exit(0)




def build(arch):
    """torch.nn.Sequential of the modules the harness lists (see bench/peerArch.ts): each is
    {"module": name in torch.nn, "args": keyword arguments}, from the layer registry."""
    return torch.nn.Sequential(*(getattr(torch.nn, m["module"])(**m.get("args", {}))
                                 for m in arch["modules"]))


def blas_info():
    """The BLAS library torch actually loaded (from /proc/self/maps), else its build's BLAS_INFO.

    Debian's torch reports BLAS_INFO=generic and uses whatever libblas.so.3 the system points at:
    OpenBLAS, or the slow reference BLAS when only libblas3 is installed.
    """
    torch.ones(64, 64) @ torch.ones(64, 64)  # make sure the BLAS is loaded
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        if paths:
            return ", ".join(sorted(os.path.realpath(p) for p in paths))
    except OSError:
        pass
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return "BLAS_INFO=" + (found.group(1) if found else "unknown")


def one_cycle_rate(case, step, total):
    """The learning rate of step `step` of `total`: src/optim/schedule.ts's formulas."""
    lr = case["learningRate"]
    cycle = case["oneCycle"]
    if cycle is None:
        return lr
    up = max(1, round(cycle["peak"] * total))
    start, end = lr / cycle["div"], lr / cycle["finalDiv"]
    if step < up:
        return start + (lr - start) * step / up
    p = min(1.0, (step - up) / max(1, total - up))
    return end + (lr - end) * (1 + math.cos(math.pi * p)) / 2


def time_to_accuracy(case, mnist_dir):
    def load(images, labels):
        x = read_idx(os.path.join(mnist_dir, images), 3).astype(numpy.float32)
        x = torch.from_numpy(x * case["scale"] + case["offset"]).unsqueeze(1)
        return x, torch.from_numpy(read_idx(os.path.join(mnist_dir, labels), 1).astype(numpy.int64))

    x_train, y_train = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    x_test, y_test = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    model = build(case["arch"])
    make = torch.optim.Adam if case["optimizer"] == "adam" else torch.optim.SGD
    optimizer = make(model.parameters(), lr=case["learningRate"])
    batch = case["batchSize"]
    steps_per_epoch = -(-len(x_train) // batch)
    total = steps_per_epoch * case["epochs"]
    generator = torch.Generator().manual_seed(1)
    started = time.perf_counter()
    step, accuracy, epochs = 0, 0.0, 0
    for epoch in range(1, case["epochs"] + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        for b in range(0, len(x_train), batch):
            for group in optimizer.param_groups:
                group["lr"] = one_cycle_rate(case, step, total)
            idx = order[b:b + batch]
            optimizer.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            optimizer.step()
            step += 1
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(x_test[b:b + 500]).argmax(1) == y_test[b:b + 500]).sum())
                          for b in range(0, len(x_test), 500))
        accuracy, epochs = correct / len(x_test), epoch
        seconds = time.perf_counter() - started
        if accuracy >= case["target"] or seconds > case["maxSeconds"]:
            break
    result = dict(id=case["id"], seconds=seconds, epochs=epochs, accuracy=accuracy)
    if accuracy < case["target"]:
        result["error"] = "stopped: %.2f%% after %d epochs" % (100 * accuracy, epochs)
    return result


def main():
    config = json.loads(sys.argv[1])
    torch.manual_seed(1)
    torch.set_num_threads(config["threads"])
    images = read_idx(os.path.join(config["mnistDir"], "train-images-idx3-ubyte"), 3)
    labels = read_idx(os.path.join(config["mnistDir"], "train-labels-idx1-ubyte"), 1)
    limit = 20000  # enough distinct images for any run at these speeds, 63 MB as float32
    x_all = torch.from_numpy(images[:limit].astype(numpy.float32) / 255 - 0.5).unsqueeze(1)
    y_all = torch.from_numpy(labels[:limit].astype(numpy.int64))

    results = []
    for case in config["cases"]:
        model = build(case["arch"])
        batch = case["batch"]
        optimizer = torch.optim.SGD(model.parameters(), lr=case.get("learningRate", 0.005))

        def run_train(start, count):
            model.train()
            for b in range(start, start + count, batch):
                optimizer.zero_grad()
                loss = F.cross_entropy(model(x_all[b:b + batch]), y_all[b:b + batch])
                loss.backward()
                optimizer.step()

        def run_infer(start, count):
            model.eval()
            with torch.no_grad():
                for b in range(start, start + count, batch):
                    model(x_all[b:b + batch]).argmax(1)

        run = run_train if case["task"] == "train" else run_infer
        try:
            timing = measure(run, batch, config["measure"], limit)
            results.append(dict(id=case["id"], **timing))
        except Exception as error:  # one unsupported case must not sink the others
            results.append({"id": case["id"], "error": str(error)})
    for case in config.get("accuracyCases", []):
        try:
            results.append(time_to_accuracy(case, config["mnistDir"]))
        except Exception as error:
            results.append({"id": case["id"], "error": str(error)})
    versions = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "blas": blas_info(),
    }
    reply({"versions": versions, "results": results})


if __name__ == "__main__":
    main()
