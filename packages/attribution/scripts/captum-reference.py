"""Captum reference cases for @interp/attribution: small seeded PyTorch models exported to ONNX, and
Captum 0.8.0's attributions on them in float64, written to ../test-fixtures/captum/ as JSON.

The tests never need Python: they read the committed .onnx and .json files. To regenerate them:

    git clone --depth 1 --branch v0.8.0 https://github.com/pytorch/captum /tmp/captum
    PYTHONPATH=/tmp/captum /usr/bin/python3 packages/attribution/scripts/captum-reference.py

(Debian's python3 with torch 1.13 and onnx 1.12; CPU only; deterministic: same files every run.)

Models (weights seeded; ONNX opset 13, exported from the float32 model with BatchNormalization kept,
every node named by its module scope, e.g. /block/conv1/Conv -> module path `block.conv1`):
- rescnn.onnx: [N, 3, 8, 8] -> stem (conv3x3 3->4, BN, ReLU) -> maxpool 2x2 -> residual block
  (conv-BN-ReLU-conv-BN, identity add as its own module, ReLU) -> global avg pool -> flatten ->
  linear 4->3. BN running statistics are non-trivial.
- mlp.onnx: [N, 6] -> fc1 (6->5) -> act1 (Tanh) -> fc2 (5->3), logits.

Inputs and baselines are multiples of 1/64 so float32 and float64 hold them exactly; Captum runs on
model.double(). Every value in a case file is float64 rounded to 1e-9.

Case file format (one file per model, <model>.json):
    { "model": "rescnn.onnx", "captum": "0.8.0", "torch": "...", "logits": T, "inputs": T,
      "cases": [ { "name", "method" (Captum class or function), "kind" (primary | layer | neuron
                   | metric), "layer"? (module path), "constructor": {...}, "attribute": {...},
                   "expected": T, "delta"?: T, "draws"?: {...}, "note"?: "..." } ] }
T = { "shape": [...], "values": [... row-major] }. "constructor" and "attribute" hold Captum's own
keyword arguments (snake_case, as Captum spells them); a tensor-valued argument is a T; the
attribute call's inputs are the file's "inputs" unless the case has its own "inputs".
"""
import json
import os
import platform

import numpy as np
import onnx
import torch
from torch import nn

import captum
from captum.attr import (
    DeepLift,
    FeatureAblation,
    IntegratedGradients,
    Saliency,
)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test-fixtures", "captum")


# ---------------------------------------------------------------------------------------------- models


class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Add(nn.Module):
    """The residual sum as a module, so it has a node name (/block/add/Add) and LRP a rule slot."""

    def forward(self, a, b):
        return a + b


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c)
        self.add = Add()
        self.relu2 = nn.ReLU()

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(self.add(y, x))


class ResCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBnRelu(3, 4)
        self.pool = nn.MaxPool2d(2)
        self.block = ResidualBlock(4)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = self.gap(self.block(self.pool(self.stem(x))))
        # torch.flatten, not nn.Flatten: Captum's LRP refuses modules it has no rule for.
        return self.fc(torch.flatten(x, 1))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 5)
        self.act1 = nn.Tanh()
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(self.act1(self.fc1(x)))


def randomize_batch_norms(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def exact(shape, scale=1.0):
    """Seeded values on a 1/64 grid: exact in float32 and float64."""
    return torch.round(torch.randn(*shape, dtype=torch.float64) * scale * 64) / 64


def export(model, example, name):
    path = os.path.join(OUT, name)
    model.eval()
    torch.onnx.export(
        model,
        example.float(),
        path,
        opset_version=13,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False,
    )
    onnx.checker.check_model(path)
    return [n.name for n in onnx.load(path).graph.node]


# ---------------------------------------------------------------------------------------------- JSON


def r9(x):
    return round(float(x), 9) + 0.0  # + 0.0: no "-0.0" in the files


def tensor_json(t):
    t = torch.as_tensor(t).detach().to(torch.float64)
    return {"shape": list(t.shape), "values": [r9(v) for v in t.reshape(-1).tolist()]}


def jsonable(v):
    if isinstance(v, torch.Tensor):
        return tensor_json(v)
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dict):
        return {k: jsonable(w) for k, w in v.items()}
    return v


class Recorder:
    def __init__(self, model, x, model_file):
        self.model = model
        self.x = x
        self.file = {
            "model": model_file,
            "captum": captum.__version__,
            "torch": torch.__version__,
            "inputs": tensor_json(x),
            "logits": tensor_json(model(x)),
            "cases": [],
        }

    def add(self, name, method, kind, constructor, attribute, result, **extra):
        delta = None
        if isinstance(result, tuple):
            result, delta = result
        case = {
            "name": name,
            "method": method,
            "kind": kind,
            **({"layer": extra.pop("layer")} if "layer" in extra else {}),
            "constructor": jsonable(constructor),
            "attribute": jsonable(attribute),
            "expected": tensor_json(result),
        }
        if delta is not None:
            case["delta"] = tensor_json(delta)
        for k, v in extra.items():
            case[k] = jsonable(v)
        assert torch.isfinite(torch.as_tensor(result)).all(), name
        self.file["cases"].append(case)
        return result

    def write(self, name):
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            json.dump(self.file, f, separators=(",", ":"))
            f.write("\n")
        print(name, len(self.file["cases"]), "cases", os.path.getsize(path), "bytes")


# ---------------------------------------------------------------------------------------------- cases


def primary_cases(rec, model, x, target, feature_mask):
    """Cases every model gets: the deterministic primary methods."""
    a = {"target": target}
    rec.add("saliency", "Saliency", "primary", {}, a, Saliency(model).attribute(x, **a))
    a2 = {"target": target, "abs": False}
    rec.add("saliency-signed", "Saliency", "primary", {}, a2, Saliency(model).attribute(x, **a2))

    a = {"target": target, "return_convergence_delta": True}
    rec.add("ig", "IntegratedGradients", "primary", {}, a, IntegratedGradients(model).attribute(x, **a))
    baselines = exact(x.shape, 0.5)
    a = {
        "target": target,
        "baselines": baselines,
        "n_steps": 20,
        "method": "riemann_trapezoid",
        "return_convergence_delta": True,
    }
    rec.add("ig-trapezoid", "IntegratedGradients", "primary", {}, a, IntegratedGradients(model).attribute(x, **a))

    a = {"target": target, "return_convergence_delta": True}
    rec.add("deeplift", "DeepLift", "primary", {}, a, DeepLift(model).attribute(x, **a))
    c = {"multiply_by_inputs": False}
    a = {"target": target, "baselines": baselines}
    rec.add("deeplift-local", "DeepLift", "primary", c, a, DeepLift(model, **c).attribute(x, **a))
    a = {"target": target, "baselines": baselines, "return_convergence_delta": True}
    rec.add("deeplift-baselines", "DeepLift", "primary", {}, a, DeepLift(model).attribute(x, **a))

    a = {"target": target}
    rec.add("feature-ablation", "FeatureAblation", "primary", {}, a, FeatureAblation(model).attribute(x, **a))
    a = {"target": target, "baselines": 0.25, "feature_mask": feature_mask}
    rec.add(
        "feature-ablation-mask", "FeatureAblation", "primary", {}, a, FeatureAblation(model).attribute(x, **a)
    )


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    os.makedirs(OUT, exist_ok=True)

    cnn = ResCnn()
    randomize_batch_norms(cnn)
    cnn.eval()
    x_cnn = exact((2, 3, 8, 8))
    names = export(cnn, x_cnn, "rescnn.onnx")
    assert "/block/conv1/Conv" in names and "/block/add/Add" in names, names
    cnn = cnn.double()
    rec = Recorder(cnn, x_cnn, "rescnn.onnx")
    # 2 x 2 patches shared by the 3 channels: 16 features, broadcast over channels and batch.
    patches = (torch.arange(8).view(8, 1) // 2) * 4 + torch.arange(8).view(1, 8) // 2
    primary_cases(rec, cnn, x_cnn, [0, 2], patches.view(1, 1, 8, 8))
    rec.write("rescnn.json")

    mlp = Mlp()
    mlp.eval()
    x_mlp = exact((2, 6))
    names = export(mlp, x_mlp, "mlp.onnx")
    assert "/fc1/Gemm" in names, names
    mlp = mlp.double()
    rec = Recorder(mlp, x_mlp, "mlp.onnx")
    primary_cases(rec, mlp, x_mlp, [1, 0], torch.tensor([[0, 0, 1, 1, 2, 2]]))
    rec.write("mlp.json")


if __name__ == "__main__":
    main()
