#!/usr/bin/env python3
"""Time the Python peers on the workloads of `convnotes bench` (development tool).

  .build/release/convnotes bench            # writes .build/bench/eval-{gt,dt}.json
  python3 scripts/crosscheck_speed.py [--nms-kept FILE]

1. pycocotools COCOeval evaluate()+accumulate() on .build/bench/eval-*.json
   (best of 5), with its AP so it can be compared with convnotes'.
2. numpy's vectorized greedy NMS (float32, no +1, IoU > 0.5: torchvision's
   rule) on the same 20,000 boxes `convnotes bench` uses, regenerated here from
   the SplitMix64 stream so the kept set can be compared index for index.
"""
import contextlib, io, json, sys, time
import numpy as np

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self, lo=0.0, hi=1.0):
        return lo + (hi - lo) * ((self.next() >> 11) * (1.0 / 9007199254740992.0))


def nms_workload(count=20000, seed=7):
    r = SplitMix64(seed)
    boxes, scores = [], []
    for _ in range(count):
        cx, cy = r.uniform(0, 1000), r.uniform(0, 1000)
        w, h = r.uniform(10, 100), r.uniform(10, 100)
        boxes.append([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        scores.append(r.uniform())
    return np.array(boxes, dtype=np.float32), np.array(scores, dtype=np.float32)


def numpy_nms(boxes, scores, thr):
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(int(i))
        xx1 = np.maximum(x1[i], x1[order[1:]]); yy1 = np.maximum(y1[i], y1[order[1:]])
        xx2 = np.minimum(x2[i], x2[order[1:]]); yy2 = np.minimum(y2[i], y2[order[1:]])
        w = np.maximum(np.float32(0), xx2 - xx1); h = np.maximum(np.float32(0), yy2 - yy1)
        inter = w * h
        ovr = inter / (areas[i] + areas[order[1:]] - inter)
        order = order[1:][ovr <= thr]
    return keep


def main():
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(".build/bench/eval-gt.json")
        dt = gt.loadRes(".build/bench/eval-dt.json")
    best = 1e9
    for _ in range(5):
        E = COCOeval(gt, dt, "bbox")
        with contextlib.redirect_stdout(io.StringIO()):
            t = time.perf_counter(); E.evaluate(); E.accumulate(); best = min(best, time.perf_counter() - t)
            E.summarize()
    print(f"pycocotools evaluate+accumulate: {best * 1e3:.1f} ms (AP {E.stats[0]:.6f}, AP50 {E.stats[1]:.6f})")
    boxes, scores = nms_workload()
    best = 1e9
    for _ in range(5):
        t = time.perf_counter(); keep = numpy_nms(boxes, scores, 0.5); best = min(best, time.perf_counter() - t)
    print(f"numpy greedy NMS, 20,000 boxes: {best * 1e3:.1f} ms, {len(keep)} kept")
    if len(sys.argv) > 2 and sys.argv[1] == "--nms-kept":
        ours = json.load(open(sys.argv[2]))
        print("kept sets identical:", ours == keep)


if __name__ == "__main__":
    main()
