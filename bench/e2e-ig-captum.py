# Companion of e2e-ig.bench.mjs. `setup DIR`: torchvision's ResNet-18 (seeded random weights, eval)
# saved as DIR/resnet18.pt and exported to DIR/resnet18.onnx, with 2 seeded images DIR/x.npy.
# `captum DIR THREADS`: the whole Python side of the race: import torch and Captum, load the
# weights, Integrated Gradients (50 steps, Captum's defaults: Gauss-Legendre, zero baseline, the
# predicted class) in batches of 10, attributions saved to DIR/captum-ig.npy.
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

mode, out = sys.argv[1], sys.argv[2]
if mode == "setup":
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    torch.save(model.state_dict(), f"{out}/resnet18.pt")
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((2, 3, 224, 224), dtype=np.float32))
    np.save(f"{out}/x.npy", x.numpy())
    torch.onnx.export(
        model, x, f"{out}/resnet18.onnx", opset_version=13, input_names=["input"],
        output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    )
    sys.exit(0)

torch.set_num_threads(int(sys.argv[3]))
from captum.attr import IntegratedGradients  # noqa: E402

model = torchvision.models.resnet18(weights=None).eval()
model.load_state_dict(torch.load(f"{out}/resnet18.pt"))
x = torch.from_numpy(np.load(f"{out}/x.npy"))
t_ig = time.perf_counter()
with torch.no_grad():
    targets = model(x).argmax(1)
attributions = IntegratedGradients(model).attribute(
    x, baselines=torch.zeros_like(x), target=targets, n_steps=50, internal_batch_size=10
)
t_end = time.perf_counter()
np.save(f"{out}/captum-ig.npy", attributions.detach().numpy())
print(f"captum: imports+load {t_ig - t_start:.2f} s, IG {t_end - t_ig:.2f} s, targets {targets.tolist()}")
