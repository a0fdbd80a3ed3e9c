"""Exports the ONNX models the @interp/onnx tests and benchmark use (run with Debian's python3:
/usr/bin/python3 packages/onnx/scripts/export-models.py). Needs torch, torchvision and onnx; the
tests themselves never need Python.

- mlp.onnx: a torch MLP (Linear, ReLU, GELU -> Erf, Linear), opset 13, weights inline.
- small-cnn.onnx: Conv, ReLU, MaxPool, BatchNorm (after the pool, so torch cannot fold it into
  the conv), depthwise Conv, ReLU6 (Clip), 1x1 Conv, GlobalAveragePool, Flatten, Linear; opset 11,
  weights inline.
- resnet18.onnx (opset 13) and mobilenet_v2.onnx (opset 11): torchvision, random weights, saved
  with EXTERNAL data (every tensor over 1 KiB goes to <name>.onnx.data, which is not committed;
  the tests fill it with seeded random values, see src/test-external-data.ts).
"""
import os
import sys

import onnx
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test-models")


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(8, 16)
        self.act1 = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(16, 16)
        self.act2 = torch.nn.GELU()
        self.head = torch.nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.act2(self.fc2(self.act1(self.fc1(x)))))


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.relu1 = torch.nn.ReLU()
        self.pool = torch.nn.MaxPool2d(2)
        # BatchNorm after a pool is not fused into a conv, so the graph keeps a BatchNormalization.
        self.bn = torch.nn.BatchNorm2d(4)
        self.dw = torch.nn.Conv2d(4, 4, 3, padding=1, groups=4)
        self.relu2 = torch.nn.ReLU6()
        self.conv2 = torch.nn.Conv2d(4, 8, 1)
        self.gap = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x):
        x = self.bn(self.pool(self.relu1(self.conv1(x))))
        x = self.conv2(self.relu2(self.dw(x)))
        return self.fc(torch.flatten(self.gap(x), 1))


def export(model, example, name, opset, external):
    model.eval()
    path = os.path.join(OUT, name)
    torch.onnx.export(
        model,
        example,
        path,
        opset_version=opset,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )
    if external:
        m = onnx.load(path)
        data = name + ".data"
        onnx.save_model(
            m,
            path,
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=data,
            size_threshold=1024,
        )
        onnx.checker.check_model(path)
        os.remove(os.path.join(OUT, data))
    else:
        onnx.checker.check_model(path)
    print(name, os.path.getsize(path), "bytes")


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    which = sys.argv[1:] or ["mlp", "small-cnn", "resnet18", "mobilenet_v2"]
    if "mlp" in which:
        export(Mlp(), torch.randn(2, 8), "mlp.onnx", 13, False)
    if "small-cnn" in which:
        cnn = SmallCnn()
        with torch.no_grad():
            cnn.bn.running_mean.uniform_(-0.5, 0.5)
            cnn.bn.running_var.uniform_(0.5, 1.5)
            cnn.bn.weight.uniform_(0.5, 1.5)
            cnn.bn.bias.uniform_(-0.5, 0.5)
        export(cnn, torch.randn(2, 3, 8, 8), "small-cnn.onnx", 11, False)
    if "resnet18" in which:
        export(torchvision.models.resnet18(), torch.randn(1, 3, 224, 224), "resnet18.onnx", 13, True)
    if "mobilenet_v2" in which:
        export(
            torchvision.models.mobilenet_v2(), torch.randn(1, 3, 224, 224), "mobilenet_v2.onnx", 11, True
        )


if __name__ == "__main__":
    main()
