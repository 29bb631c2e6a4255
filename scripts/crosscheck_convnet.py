#!/usr/bin/env python3
"""Development cross-check of `convnotes bench --convnet` against PyTorch (not run by CI).

Trains the bench's reference net (conv3x3 1->32 pad 1, ReLU, maxpool 2,
conv3x3 32->64 pad 1, ReLU, maxpool 2, FC 3136->128, ReLU, FC 128->10;
softmax cross-entropy, SGD with momentum 0.9, batch 64) on the first 1,280
Fashion-MNIST training images, 20 batches a round, 7 timed rounds, and
prints the best and the median round as images/s on 1 and 2 threads, the
way the bench does. Run the two interleaved: the development VM's speed
changes with its host.

  pip install torch   # the CPU wheel
  python3 scripts/crosscheck_convnet.py; .build/release/convnotes bench --convnet
"""
import time, gzip, numpy as np, torch, torch.nn as nn
torch.manual_seed(0)
with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:1280].astype(np.float32) / 255
with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:1280].astype(np.int64)
X, Y = torch.from_numpy(x), torch.from_numpy(y)
for threads in [1, 2]:
    torch.set_num_threads(threads)
    net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9); loss = nn.CrossEntropyLoss()
    def epoch():
        for b in range(20):
            xb, yb = X[b*64:(b+1)*64], Y[b*64:(b+1)*64]
            opt.zero_grad(); l = loss(net(xb), yb); l.backward(); opt.step()
    epoch()
    rounds = []
    for _ in range(7):
        t = time.time(); epoch(); rounds.append(time.time() - t)
    rounds.sort()
    print(f"PyTorch {torch.__version__}, {threads} thread(s): best {1280/rounds[0]:.0f} images/s, median {1280/rounds[3]:.0f} images/s", flush=True)
