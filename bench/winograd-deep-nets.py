# Deeper 3x3-conv nets for the Winograd forward-tile study (winograd-forward-tile.bench.mjs), made
# as e2e-ig-captum.py makes its ResNet-18. `setup DIR ARCH`: seeded random weights (eval), saved as
# DIR/ARCH.pt, exported to DIR/ARCH.onnx (opset 13, dynamic batch), with 2 seeded images DIR/x.npy
# (the same images as e2e-ig-captum.py's). `captum DIR ARCH THREADS`: Captum's Integrated Gradients
# (50 steps, its defaults: Gauss-Legendre, zero baseline, the predicted class) in batches of 10,
# saved to DIR/captum-ig.npy, and the float64 logits of x to DIR/logits64.npy.
# ARCH: resnet34 (torchvision; 16 basic blocks, 32 3x3 stride-1 convs of 64-512 channels) or
# vgg11gap (torchvision's vgg11 features: 8 3x3 convs with no residual path and no batch norm,
# then a global average pool and a 512 x 1000 linear head instead of the 123M-weight classifier).
# `ref DIR ARCH THREADS`: float64 logits, saliency and GradCAM of 8 seeded images (see below).
# Usage: /usr/bin/python3 bench/winograd-deep-nets.py setup /tmp/interp-deep-resnet34 resnet34
#        PYTHONPATH=/tmp/captum /usr/bin/python3 bench/winograd-deep-nets.py captum /tmp/interp-deep-resnet34 resnet34 2
import os
import sys
import time

import numpy as np
import torch
import torchvision


def make(arch):
    if arch == "resnet18":
        return torchvision.models.resnet18(weights=None)
    if arch == "resnet34":
        return torchvision.models.resnet34(weights=None)
    if arch == "vgg11gap":
        features = torchvision.models.vgg11(weights=None).features
        return torch.nn.Sequential(
            features, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(512, 1000)
        )
    raise SystemExit(f"unknown arch '{arch}'; use resnet18, resnet34 or vgg11gap")


mode, out, arch = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "setup":
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = make(arch).eval()
    torch.save(model.state_dict(), f"{out}/{arch}.pt")
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((2, 3, 224, 224), dtype=np.float32))
    np.save(f"{out}/x.npy", x.numpy())
    torch.onnx.export(
        model, x, f"{out}/{arch}.onnx", opset_version=13, input_names=["input"],
        output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    )
    sys.exit(0)

if mode == "ref":
    # float64 references on 8 seeded images (DIR/x8.npy): logits, saliency (the gradient of each
    # item's float64-predicted logit) and GradCAM at the last spatial map (layer4 / the last
    # max pool), Captum's LayerGradCam without its ReLU, not upsampled: [8, 1, 7, 7].
    from captum.attr import LayerGradCam  # noqa: E402

    torch.set_num_threads(int(sys.argv[4]))
    model = make(arch).eval()
    model.load_state_dict(torch.load(f"{out}/{arch}.pt"))
    model.double()
    x = torch.from_numpy(np.random.default_rng(1).standard_normal((8, 3, 224, 224), dtype=np.float32))
    np.save(f"{out}/x8.npy", x.numpy())
    x = x.double().requires_grad_(True)
    logits = model(x)
    targets = logits.argmax(1)
    (grad,) = torch.autograd.grad(logits.gather(1, targets[:, None]).sum(), x)
    layer = model[0][-1] if arch == "vgg11gap" else model.layer4
    cam = LayerGradCam(model, layer).attribute(x.detach(), target=targets)
    for name, v in (("logits", logits), ("saliency", grad), ("gradcam", cam)):
        np.save(f"{out}/{name}8-f64.npy", v.detach().numpy().astype(np.float32))  # rounded once
    print(f"ref {arch}: targets {targets.tolist()}")
    sys.exit(0)

torch.set_num_threads(int(sys.argv[4]))
from captum.attr import IntegratedGradients  # noqa: E402

model = make(arch).eval()
model.load_state_dict(torch.load(f"{out}/{arch}.pt"))
x = torch.from_numpy(np.load(f"{out}/x.npy"))
with torch.no_grad():
    np.save(f"{out}/logits64.npy", model.double()(x.double()).numpy())
    model.float()
    targets = model(x).argmax(1)
t_ig = time.perf_counter()
attributions = IntegratedGradients(model).attribute(
    x, baselines=torch.zeros_like(x), target=targets, n_steps=50, internal_batch_size=10
)
np.save(f"{out}/captum-ig.npy", attributions.detach().numpy())
print(f"captum {arch}: IG {time.perf_counter() - t_ig:.2f} s, targets {targets.tolist()}")
