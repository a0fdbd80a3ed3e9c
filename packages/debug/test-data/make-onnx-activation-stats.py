"""Expected ActivationStats of packages/onnx/test-models/mlp.onnx, computed with numpy from the
model's initializers (an oracle independent of interp's ONNX executor and of tfjs).

Run: /usr/bin/python3 packages/debug/test-data/make-onnx-activation-stats.py
Writes onnx-mlp-activation-stats.json beside this file (then `npx biome check --write` it).
"""
import json
import math
import os

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, '..', '..', 'onnx', 'test-models', 'mlp.onnx')

m = onnx.load(MODEL)
w = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in m.graph.initializer}


def batch(b):
    # The same formula as the test: x[k] = 2 sin(0.37 k + b), 4 items x 8 features, as float32.
    k = np.arange(32, dtype=np.float64)
    return (2 * np.sin(0.37 * k + b)).astype(np.float32).astype(np.float64).reshape(4, 8)


def forward(x):
    fc1 = x @ w['fc1.weight'].T + w['fc1.bias']
    act1 = np.maximum(fc1, 0)
    fc2 = act1 @ w['fc2.weight'].T + w['fc2.bias']
    erf = np.vectorize(math.erf)
    gelu = fc2 * (erf(fc2 / math.sqrt(2)) + 1) * 0.5
    head = gelu @ w['head.weight'].T + w['head.bias']
    return {'/fc1/Gemm': fc1, '/act1/Relu': act1, '/fc2/Gemm': fc2, '/act2/Mul_1': gelu, '/head/Gemm': head}


def stats(a):
    flat = a.reshape(-1)
    hist, _ = np.histogram(flat, bins=40, range=(0, 10))  # torch.histc: last bin includes 10
    return {
        'mean': float(flat.mean()),
        'std': float(flat.std(ddof=1)),
        'nearZero': float((flat <= 0.05).mean()),
        'hist': hist.astype(int).tolist(),
    }


out = {'batches': [0, 1], 'nodes': {}}
for b in out['batches']:
    for name, a in forward(batch(b)).items():
        out['nodes'].setdefault(name, []).append(stats(a))
with open(os.path.join(HERE, 'onnx-mlp-activation-stats.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
