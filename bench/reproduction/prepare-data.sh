#!/usr/bin/env bash
# Data for the reproduction table that ships as R data sets (Debian r-cran-mlbench) or Debian files
# (dataset-fashion-mnist): converted once into runs/data/, which the bench/reproduction/*.yaml files read.
#   apt-get install r-base-core r-cran-mlbench dataset-fashion-mnist python3-sklearn
# Landsat Satellite: 36 features (4 bands x 3 x 3 pixels), 6 classes; DNA splice: 60 positions x 3 indicator bits,
# 3 classes, written bit-major (all positions' first bit, then the second, then the third) so that the task file's
# inputShape [3, 60] reads them as 3 channels over a sequence of 60 nucleotides.
# Labels are written 0-based in the last column, in R's factor-level order.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out="$here/runs/data"
mkdir -p "$out"
Rscript -e '
  suppressMessages(library(mlbench)); out <- commandArgs(TRUE)[1]
  data(Satellite); s <- Satellite
  x <- as.matrix(s[, setdiff(names(s), "classes")]); y <- as.integer(s$classes) - 1L
  write.table(cbind(x, y), file.path(out, "landsat-satellite.csv"), sep = ",", row.names = FALSE, col.names = FALSE)
  data(DNA); d <- DNA
  x <- sapply(d[, setdiff(names(d), "Class")], function(v) as.integer(as.character(v))); y <- as.integer(d$Class) - 1L
  x <- x[, c(seq(1, 180, 3), seq(2, 180, 3), seq(3, 180, 3))]
  write.table(cbind(x, y), file.path(out, "dna-splice.csv"), sep = ",", row.names = FALSE, col.names = FALSE)
' "$out"
# scikit-learn's 8 x 8 digits: 64 pixel values (0-16), then the digit.
/usr/bin/python3 -c '
import sys, numpy as np
from sklearn.datasets import load_digits
d = load_digits()
np.savetxt(sys.argv[1], np.c_[d.data, d.target], fmt="%g", delimiter=",")
' "$out/digits.csv"
cp /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz "$out/"
# The first 4000 Fashion-MNIST training images (bench/sanity): 784 pixel values (0-255), then the class.
/usr/bin/python3 -c '
import gzip, sys, numpy as np
images = np.frombuffer(gzip.open(sys.argv[1]).read()[16:], np.uint8).reshape(-1, 784)[:4000]
labels = np.frombuffer(gzip.open(sys.argv[2]).read()[8:], np.uint8)[:4000]
np.savetxt(sys.argv[3], np.c_[images, labels], fmt="%d", delimiter=",")
' "$out/train-images-idx3-ubyte.gz" "$out/train-labels-idx1-ubyte.gz" "$out/fashion-mnist-4000.csv"
wc -l "$out"/*.csv
