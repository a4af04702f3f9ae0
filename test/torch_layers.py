"""Runs layers in PyTorch from the layer registry's mappings, for test/torchMapping.test.ts.

Reads a JSON list of cases on stdin, each {"modules": [...], "tensors": {ours: {"values", "shape"}},
"input": {"values", "shape"} (NHWC or NC), "training": bool}; builds torch.nn modules with
getattr(torch.nn, module)(**args) in float64, loads our tensors through each mapping's
view/permute/reshape, and prints a JSON list of the outputs (NHWC or NC, flat).
"""

import json
import sys

import numpy
import torch


def converted(tensor, layout):
    a = numpy.array(tensor["values"], dtype=numpy.float64).reshape(tensor["shape"])
    if "view" in layout:
        a = a.reshape(layout["view"])
    if "permute" in layout:
        a = a.transpose(layout["permute"])
    if "reshape" in layout:
        a = a.reshape(layout["reshape"])
    return torch.from_numpy(numpy.ascontiguousarray(a))


def run(case):
    specs = case["modules"]
    model = torch.nn.Sequential(*(getattr(torch.nn, m["module"])(**m.get("args", {}))
                                  for m in specs)).double()
    with torch.no_grad():
        for module, spec in zip(model, specs):
            for ours, layout in spec.get("tensors", {}).items():
                target = getattr(module, layout["name"])
                value = converted(case["tensors"][ours], layout)
                if tuple(target.shape) != tuple(value.shape):
                    raise ValueError("%s.%s is %s, ours converts to %s" % (
                        spec["module"], layout["name"], tuple(target.shape), tuple(value.shape)))
                target.copy_(value)
    model.train(case["training"])
    x = torch.tensor(case["input"]["values"], dtype=torch.float64).reshape(case["input"]["shape"])
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2)
    with torch.no_grad():
        y = model(x)
    if y.dim() == 4:
        y = y.permute(0, 2, 3, 1)
    return y.reshape(-1).tolist()


print(json.dumps([run(case) for case in json.load(sys.stdin)]))
