#!/usr/bin/env python3
"""Cross-check of Detection's HOG against scikit-image (and timings of OpenCV).

Development only (pip install scikit-image opencv-python-headless). Writes
Tests/DetectionTests/Fixtures/hog-skimage.json: skimage's descriptors of two
images made by formulas (a 24 x 32 grey image and a 24 x 32 RGB image), which
HOGTests.swift pins to 1e-4. With --time it also times skimage and OpenCV on
the 512 x 512 grey image of `convnotes bench --hog` (same formula) and with
--compare FILE it compares a descriptor Swift wrote (one float per line).

    python3 scripts/crosscheck_hog.py [--time] [--compare /tmp/ours.txt]
"""
import argparse, json, math, os, time
import numpy as np
from skimage.feature import hog

def grey(h, w):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    return 0.5 + 0.3 * np.sin(0.7 * x + 0.3 * y) + 0.2 * np.cos(0.45 * y - 0.02 * x * x)

def rgb(h, w):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 0.5 + 0.4 * np.sin(0.5 * x - 0.2 * y)
    g = 0.5 + 0.4 * np.cos(0.3 * x + 0.6 * y)
    b = 0.5 + 0.4 * np.sin(0.05 * x * y)
    return np.stack([r, g, b], axis=-1)

def bench_image(n=512):
    # The benchmark's image: smooth structure plus a deterministic texture.
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    return 0.5 + 0.25 * np.sin(0.11 * x + 0.07 * y) + 0.25 * np.sin(0.013 * x * y / 8 + 0.3 * np.cos(0.05 * y))

def sk(img, channel_axis=None):
    return hog(img, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys",
               feature_vector=True, channel_axis=channel_axis)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--compare")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    g, c = grey(24, 32), rgb(24, 32)
    out = {"skimage": __import__("skimage").__version__,
           "grey": {"height": 24, "width": 32, "descriptor": [float(v) for v in sk(g)]},
           "rgb": {"height": 24, "width": 32, "descriptor": [float(v) for v in sk(c, channel_axis=-1)]}}
    path = os.path.join(root, "Tests/DetectionTests/Fixtures/hog-skimage.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
    print("wrote", path, len(out["grey"]["descriptor"]), "+", len(out["rgb"]["descriptor"]), "values")
    if args.compare:
        ours = np.loadtxt(args.compare)
        ref = sk(bench_image())
        print("bench image: max |ours - skimage| =", np.abs(ours - ref).max(), "over", ref.size)
    if args.time:
        img = bench_image()
        best = min(timeit(lambda: sk(img)) for _ in range(5))
        print(f"skimage hog 512x512 grey: {best * 1000:.1f} ms")
        try:
            import cv2
            u8 = (img * 255).clip(0, 255).astype(np.uint8)
            d = cv2.HOGDescriptor((512, 512), (16, 16), (8, 8), (8, 8), 9)
            best = min(timeit(lambda: d.compute(u8)) for _ in range(5))
            print(f"OpenCV HOGDescriptor 512x512 grey (uint8): {best * 1000:.1f} ms")
            opencv_order()
        except (ImportError, AttributeError):
            print("OpenCV 4.x (HOGDescriptor) not importable")

def opencv_order():
    """OpenCV's descriptor order, shown by a blob in one cell (HOGBlocks.swift's header)."""
    import cv2
    img = np.zeros((24, 24), np.uint8); img[2:6, 18:22] = 255   # block (row 0, column 1) only
    v = cv2.HOGDescriptor((24, 24), (16, 16), (8, 8), (8, 8), 9).compute(img).ravel()
    print("OpenCV block energies (2 x 2 blocks):", np.round(v.reshape(4, 36).sum(1), 3), "-> block (0, 1) at index", int(np.argmax(v.reshape(4, 36).sum(1))), "(2 = column by column)")
    img = np.zeros((16, 16), np.uint8); img[2:6, 10:14] = 255   # cell (row 0, column 1) only
    v = cv2.HOGDescriptor((16, 16), (16, 16), (8, 8), (8, 8), 9).compute(img).ravel()
    print("OpenCV cell energies in one block:", np.round(v.reshape(4, 9).sum(1), 3), "-> cell (0, 1) at index", int(np.argmax(v.reshape(4, 9).sum(1))), "(2 = column by column)")

def timeit(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t

if __name__ == "__main__":
    main()
