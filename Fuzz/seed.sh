#!/bin/sh
# Seed corpora for the fuzz targets, in .build/fuzz/corpus/<target>/, from
# the real files: Fashion-MNIST's gzipped IDX files, the COCO fixtures of
# DetectionTests, the chapters, the sample images; and small generated files
# (Fuzz/seeds.py: a safetensors model as ModelCache writes it, PNGs of each
# colour type, PGM/PPM, float32 matrices). libFuzzer adds what it finds to
# the same folders, so later runs start from there.
set -eu
cd "$(dirname "$0")/.."
C=.build/fuzz/corpus
mkdir -p $C/idx $C/gzip $C/safetensors $C/coco $C/chapter $C/png $C/tsne
MNIST=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
if [ -d "$MNIST" ]; then
  cp "$MNIST/t10k-labels-idx1-ubyte.gz" $C/gzip/
  gzip -dc "$MNIST/t10k-labels-idx1-ubyte.gz" | head -c 1008 > $C/idx/labels-head
  gzip -dc "$MNIST/t10k-images-idx3-ubyte.gz" | head -c 1584 > $C/idx/images-head  # header + 2 images
else
  echo "seed: no Fashion-MNIST in $MNIST; IDX and gzip seeds are generated only" >&2
fi
printf '\000\000\010\001\000\000\000\002\001\011' > $C/idx/labels-2  # a complete 2-label file
printf '\000\000\010\003\000\000\000\001\000\000\000\034\000\000\000\034' > $C/idx/images-header
gzip -c chapters/14-map-evaluation.md > $C/gzip/chapter.md.gz
cp Tests/DetectionTests/Fixtures/crosscheck-*-gt.json Tests/DetectionTests/Fixtures/crosscheck-*-dt.json $C/coco/
cp chapters/*.md $C/chapter/
cp assets/images/horse.png $C/png/
python3 Fuzz/seeds.py $C
ls $C | while read -r t; do echo "seed: $t $(ls $C/$t | wc -l) files"; done
