"""Cross-check of the neural-style objective (Sources/Layers/ImageOptimization/NeuralStyle.swift)
against PyTorch autograd: value and gradient with respect to the image of

    L(x) = a * 1/2 sum (F - P)^2  +  b * sum_l (1/L) * 1/4 sum (G_l - A_l)^2  +  t * TV(x)

through conv3x3(3->4, pad 1)-ReLU-avgpool2-conv3x3(4->5, pad 1)-ReLU, the net seeing
(x - 0.5) * 2, content at relu2, style at relu1 and relu2 (so relu2 gets two seeds),
G = F F^T / (C*H*W), TV = sum of squared neighbour differences.

Every tensor is a closed formula so that Swift rebuilds it exactly (no generator to
share); the output is pinned in Tests/LayersTests/NeuralStyleCrossCheckTests.swift.
Development only: `pip install torch`, then `python3 scripts/crosscheck_neural_style.py`.
"""
import math

import torch
import torch.nn.functional as F

A_WEIGHT, B_WEIGHT, TV_WEIGHT = 0.7, 300.0, 0.05


def tensor(shape, f):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float32).reshape(shape)


def net(x):
    w1 = tensor((4, 3, 3, 3), lambda i: 0.3 * math.sin(0.7 * i + 0.2))
    b1 = tensor((4,), lambda i: 0.05 * (i - 1.5))
    w2 = tensor((5, 4, 3, 3), lambda i: 0.25 * math.cos(0.45 * i - 0.3))
    b2 = tensor((5,), lambda i: 0.03 * i)
    h = (x - 0.5) * 2
    r1 = F.relu(F.conv2d(h, w1, b1, padding=1))
    r2 = F.relu(F.conv2d(F.avg_pool2d(r1, 2), w2, b2, padding=1))
    return {"relu1": r1, "relu2": r2}


def gram(f):
    c, hw = f.shape[1], f.shape[2] * f.shape[3]
    m = f.reshape(c, hw)
    return m @ m.t() / (c * hw)


def main():
    x = tensor((1, 3, 6, 6), lambda i: 0.5 + 0.4 * math.sin(0.37 * i + 0.1)).requires_grad_(True)
    content = tensor((1, 3, 6, 6), lambda i: 0.5 + 0.4 * math.cos(0.23 * i - 0.5))
    style = tensor((1, 3, 8, 8), lambda i: 0.5 + 0.45 * math.sin(0.61 * i * i / 50 + 0.3))
    with torch.no_grad():
        p = net(content)["relu2"]
        targets = {k: gram(v) for k, v in net(style).items()}
    a = net(x)
    content_term = 0.5 * ((a["relu2"] - p) ** 2).sum()
    style_term = sum(0.25 * ((gram(a[k]) - targets[k]) ** 2).sum() for k in ("relu1", "relu2")) / 2
    tv = ((x[:, :, 1:, :] - x[:, :, :-1, :]) ** 2).sum() + ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum()
    loss = A_WEIGHT * content_term + B_WEIGHT * style_term + TV_WEIGHT * tv
    loss.backward()
    g = x.grad.flatten()
    print(f"torch {torch.__version__}")
    print(f"content {content_term.item():.8g} style {style_term.item():.8g} tv {tv.item():.8g} loss {loss.item():.8g}")
    print(f"grad[0] {g[0].item():.8g} grad[17] {g[17].item():.8g} grad[50] {g[50].item():.8g} grad[107] {g[107].item():.8g}")
    print(f"sum {g.sum().item():.8g} sum of squares {(g * g).sum().item():.8g}")


if __name__ == "__main__":
    main()
