#!/usr/bin/env python3
"""Development cross-check of `convnotes tsne` against scikit-learn and openTSNE.

Writes the issue's benchmark input (the first N Fashion-MNIST training images,
PCA to 50 dimensions, float32) and, when the peers are installed, runs them
with the same settings: perplexity 30, 1000 iterations (250 at exaggeration
12), PCA initialization, learning rate 200 in scikit-learn's convention.
Prints time, KL divergence and 10-NN accuracy of each map.

  python3 scripts/crosscheck_tsne.py --n 5000 --convnotes .build/release/convnotes [--method bh|fft] [--peers]

Peers: pip install scikit-learn openTSNE pyfftw (openTSNE uses pyFFTW when
present). openTSNE runs both its methods, with n_iter=750 after the 250
exaggerated iterations (1,000 in all) and learning rate 800 in its own
convention (= 200 in scikit-learn's).
"""
import argparse, gzip, json, subprocess, time
import numpy as np

def load(n):
    with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n].astype(np.float64) / 255
    with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    x -= x.mean(0)
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return (x @ vt[:50].T).astype(np.float32), y

def knn_accuracy(e, y, k=10):
    d = ((e[:, None, :] - e[None, :, :]) ** 2).sum(-1) if len(e) <= 6000 else None
    if d is None:
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.model_selection import cross_val_score
        return float(np.mean(cross_val_score(KNeighborsClassifier(k), e, y, cv=5)))
    np.fill_diagonal(d, np.inf)
    nn = np.argsort(d, 1)[:, :k]
    votes = np.array([np.bincount(y[r], minlength=10).argmax() for r in nn])
    return float((votes == y).mean())

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--convnotes", default=".build/release/convnotes")
    ap.add_argument("--peers", action="store_true", help="also run scikit-learn and openTSNE")
    ap.add_argument("--method", default="auto", help="convnotes tsne --method (auto, bh, fft)")
    a = ap.parse_args()
    x, y = load(a.n)
    x.astype("<f4").tofile("/tmp/tsne-in.bin")
    out = subprocess.run([a.convnotes, "tsne", "--input", "/tmp/tsne-in.bin", "--rows", str(a.n), "--cols", "50",
                          "--output", "/tmp/tsne-out.bin", "--method", a.method, "--json"], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    e = np.fromfile("/tmp/tsne-out.bin", "<f4").reshape(-1, 2)
    print(f"convnotes   {r['seconds']:6.2f} s  KL {r['kl']:.4f}  10-NN {knn_accuracy(e, y):.4f}")
    if a.peers:
        from sklearn.manifold import TSNE
        t = time.time(); m = TSNE(perplexity=30, init="pca", learning_rate=200, max_iter=1000, random_state=0)
        e = m.fit_transform(x); print(f"sklearn     {time.time()-t:6.2f} s  KL {m.kl_divergence_:.4f}  10-NN {knn_accuracy(e, y):.4f}")
        import openTSNE
        for method in ["bh", "fft"]:
            t = time.time()
            e = openTSNE.TSNE(perplexity=30, learning_rate=800, n_jobs=2, random_state=0, negative_gradient_method=method,
                              n_iter=750, early_exaggeration_iter=250, early_exaggeration=12, initialization="pca").fit(x)
            print(f"openTSNE {method:3} {time.time()-t:6.2f} s  KL {e.kl_divergence:.4f}  10-NN {knn_accuracy(np.asarray(e), y):.4f}")
