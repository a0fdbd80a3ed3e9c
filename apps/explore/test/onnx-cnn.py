# A small CNN on 12 x 12 gray images (NCHW), exported to ONNX; prints its predicted class of each
# PNG given (the oracle of the page test: PyTorch on the same pixels / 255).
# Usage: python3 onnx-cnn.py OUT.onnx IMAGE.png...
import sys, json, torch, numpy as np
from PIL import Image
import glob, os
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4*10*10, 3))
m.eval()
x = torch.zeros(1, 1, 12, 12)
torch.onnx.export(m, x, sys.argv[1], input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'n'}, 'y': {0: 'n'}}, opset_version=13)
out = {}
for f in sys.argv[2:]:
    a = np.asarray(Image.open(f).convert('L'), dtype=np.float32) / 255
    with torch.no_grad():
        out[os.path.basename(f)] = int(m(torch.from_numpy(a)[None, None]).argmax())
print(json.dumps(out))
