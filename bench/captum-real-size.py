"""Peer side of bench/real-size.bench.mjs: Captum 0.8 on PyTorch CPU, torchvision's resnet18 /
mobilenet_v2 with random weights (seeded), the same jobs as interp's side. Prints one JSON object:
{"warm": {job: ms}, "torch": version, "threads": n}. Warm times are medians after one warm-up.

usage: python3 captum-real-size.py MODEL N THREADS [--once] [JOBS...]   (JOBS: saliency ig ig-ibs1 gradcam)
"""
import json
import sys
import time

import torch
import torchvision
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, Saliency

model_name, n, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
once = "--once" in sys.argv  # whole-process timing: one call, no warm-up
jobs = [j for j in sys.argv[4:] if j != "--once"] or ["saliency", "ig", "ig-ibs1", "gradcam"]
torch.set_num_threads(threads)
torch.manual_seed(0)
model = getattr(torchvision.models, model_name)(weights=None).eval()
for p in model.parameters():
    p.requires_grad_(False)
x = torch.sin(torch.arange(n * 3 * 224 * 224, dtype=torch.float32) * 0.37).reshape(n, 3, 224, 224)
with torch.no_grad():
    target = model(x).argmax(-1)
# The last conv feature map before global pooling, as interp's GradCAM default.
cam_layer = model.layer4 if model_name == "resnet18" else model.features[-1]


def run(job):
    if job == "saliency":
        Saliency(model).attribute(x, target=target)
    elif job == "ig":
        IntegratedGradients(model).attribute(x, target=target, n_steps=50)
    elif job == "ig-ibs1":
        IntegratedGradients(model).attribute(x, target=target, n_steps=50, internal_batch_size=n)
    elif job == "gradcam":
        a = LayerGradCam(model, cam_layer).attribute(x, target=target)
        LayerAttribution.interpolate(a, (224, 224))


warm = {}
for job in jobs:
    if not once:
        run(job)
    samples = []
    for _ in range(1 if once or job.startswith("ig") else 3):
        t0 = time.perf_counter()
        run(job)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    warm[job] = samples[len(samples) // 2]
print(json.dumps({"warm": warm, "torch": torch.__version__, "threads": threads}))
