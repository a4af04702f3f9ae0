"""The tutorial's own NumPy CNN (conv.py, max_pool.py, softmax.py and the 3.1.10 training step),
ported faithfully so `npm run bench` can time it on the same machine as cnn-ts.

Kept as the tutorial wrote it: per-sample SGD inside each layer's backprop, Python loops over
image regions, route-to-every-tie max-pool backprop, the unstabilised softmax. Two printed bugs
are fixed so the code trains (as in the author's published repository):
  * Softmax.backprop: `dout_dt[i] = ...` (the text prints `+=`, which double-counts the diagonal);
  * Softmax.backprop: `if gradient == 0: continue` (the text omits it, so the loop would return
    the input gradient of the last class instead of the correct one).

Usage: python3 numpy_tutorial.py '<json>'  where json = {"mnistDir", "tasks": [...], "measure"}.
Prints one line `BENCH_RESULT {...}` on stdout.
"""

import json
import os
import platform
import sys

from peer_common import measure, read_idx, reply

try:
    import numpy
except ImportError as error:  # reported as a skipped peer, never an error
    reply({"skipped": "numpy not importable: %s" % error})
    sys.exit(0)


class Conv3x3:
    # A Convolution layer using 3x3 filters.
    def __init__(self, num_filters):
        self.num_filters = num_filters
        # We divide by 9 to reduce the variance of our initial values
        self.filters = numpy.random.randn(num_filters, 3, 3) / 9

    def iterate_regions(self, image):
        h, w = image.shape
        for i in range(h - 2):
            for j in range(w - 2):
                im_region = image[i:(i + 3), j:(j + 3)]
                yield im_region, i, j

    def forward(self, input):
        self.last_input = input
        h, w = input.shape
        output = numpy.zeros((h - 2, w - 2, self.num_filters))
        for im_region, i, j in self.iterate_regions(input):
            output[i, j] = numpy.sum(im_region * self.filters, axis=(1, 2))
        return output

    def backprop(self, dl_dout, learn_rate):
        dl_dfilters = numpy.zeros(self.filters.shape)
        for im_region, i, j in self.iterate_regions(self.last_input):
            for f in range(self.num_filters):
                dl_dfilters[f] += im_region * dl_dout[i, j, f]
        self.filters -= learn_rate * dl_dfilters
        # First layer: nobody reads the input gradient.
        return None


class MaxPool2:
    # A Max Pooling layer with a 2x2 filter.
    def iterate_regions(self, image):
        h, w, _ = image.shape
        new_h = h // 2
        new_w = w // 2
        for i in range(new_h):
            for j in range(new_w):
                im_region = image[(i * 2):(i * 2 + 2), (j * 2):(j * 2 + 2)]
                yield im_region, i, j

    def forward(self, input):
        self.last_input = input
        h, w, num_filters = input.shape
        output = numpy.zeros((h // 2, w // 2, num_filters))
        for im_region, i, j in self.iterate_regions(input):
            output[i, j] = numpy.amax(im_region, axis=(0, 1))
        return output

    def backprop(self, dl_dout):
        dl_dinput = numpy.zeros(self.last_input.shape)
        for im_region, i, j in self.iterate_regions(self.last_input):
            h, w, f = im_region.shape
            amax = numpy.amax(im_region, axis=(0, 1))
            for i2 in range(h):
                for j2 in range(w):
                    for f2 in range(f):
                        # If this pixel was the max value, copy the gradient to it.
                        if im_region[i2, j2, f2] == amax[f2]:
                            dl_dinput[i * 2 + i2, j * 2 + j2, f2] = dl_dout[i, j, f2]
        return dl_dinput


class Softmax:
    # A standard fully-connected layer with softmax activation.
    def __init__(self, input_len, nodes):
        self.weights = numpy.random.randn(input_len, nodes) / input_len
        self.bias = numpy.zeros(nodes)

    def forward(self, input):
        self.last_input_shape = input.shape
        input = input.flatten()
        self.last_input = input
        totals = numpy.dot(input, self.weights) + self.bias
        self.last_totals = totals
        exp = numpy.exp(totals)
        return exp / numpy.sum(exp, axis=0)

    def backprop(self, dl_dout, learn_rate):
        for i, gradient in enumerate(dl_dout):
            if gradient == 0:  # fixed: only the correct class has a gradient
                continue
            t_exp = numpy.exp(self.last_totals)
            S = numpy.sum(t_exp)
            # Gradient of the softmax function.
            dout_dt = -t_exp[i] * t_exp / (S * S)
            dout_dt[i] = t_exp[i] * (S - t_exp[i]) / (S * S)  # fixed: `=`, not `+=`
            dt_dw = self.last_input
            dt_db = 1
            dt_dinputs = self.weights
            dl_dt = gradient * dout_dt
            dl_dw = dt_dw[numpy.newaxis].T @ dl_dt[numpy.newaxis]
            dl_db = dl_dt * dt_db
            dl_dinputs = dt_dinputs @ dl_dt
            self.weights -= learn_rate * dl_dw
            self.bias -= learn_rate * dl_db
            return dl_dinputs.reshape(self.last_input_shape)


conv = Conv3x3(8)  # 28x28x1 -> 26x26x8
pool = MaxPool2()  # 26x26x8 -> 13x13x8
softmax = Softmax(13 * 13 * 8, 10)  # 13x13x8 -> 10


def forward(image, label):
    out = conv.forward(image / 255 - 0.5)
    out = pool.forward(out)
    out = softmax.forward(out)
    loss = -numpy.log(out[label])
    acc = 1 if numpy.argmax(out) == label else 0
    return out, loss, acc


def train(image, label, lr=0.005):
    out, loss, acc = forward(image, label)
    gradient = numpy.zeros(10)
    gradient[label] = -1 / out[label]
    gradient = softmax.backprop(gradient, lr)
    gradient = pool.backprop(gradient)
    gradient = conv.backprop(gradient, lr)
    return loss, acc


def main():
    config = json.loads(sys.argv[1])
    numpy.random.seed(1)
    x_train = read_idx(os.path.join(config["mnistDir"], "train-images-idx3-ubyte"), 3)
    y_train = read_idx(os.path.join(config["mnistDir"], "train-labels-idx1-ubyte"), 1)

    def run_train(start, count):
        for i in range(start, start + count):
            train(x_train[i], y_train[i])

    def run_infer(start, count):
        for i in range(start, start + count):
            forward(x_train[i], y_train[i])

    results = []
    for task in config["tasks"]:
        run = run_train if task == "train" else run_infer
        # Ids name the harness's rows: network|task|batch.
        results.append(dict(id="tutorial|%s|1" % task, **measure(run, 1, config["measure"], 5000)))
    versions = {"python": platform.python_version(), "numpy": numpy.__version__}
    reply({"versions": versions, "results": results})


if __name__ == "__main__":
    main()
