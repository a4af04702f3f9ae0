"""PyTorch peer for `npm run bench`: times the same architectures as cnn-ts (passed in as JSON by
the harness, so both sides build the same network) at the same batch sizes and thread count.

Training is one full SGD step per batch: forward, cross-entropy loss, backward, update.
Inference is a forward pass under no_grad. Images come from real MNIST, scaled like the tutorial
(x / 255 - 0.5) and held as float32 NCHW tensors, the layout PyTorch's kernels want.

Usage: /usr/bin/python3 torch_peer.py '<json>'  where json = {"mnistDir", "threads", "measure",
"cases": [{"id", "arch": {...}, "task": "train"|"infer", "batch"}]}.
Prints one line `BENCH_RESULT {...}` on stdout.
"""

import json
import os
import platform
import re
import sys

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
    versions = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "blas": blas_info(),
    }
    reply({"versions": versions, "results": results})


if __name__ == "__main__":
    main()
