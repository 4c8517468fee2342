#!/usr/bin/env bash
# Data for the reproduction table that ships as R data sets (Debian r-cran-mlbench) or Debian files
# (dataset-fashion-mnist): converted once into runs/data/, which the bench/reproduction/*.yaml files read.
#   apt-get install r-base-core r-cran-mlbench dataset-fashion-mnist
# Landsat Satellite: 36 features (4 bands x 3 x 3 pixels), 6 classes; DNA splice: 180 binary features, 3 classes.
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
  write.table(cbind(x, y), file.path(out, "dna-splice.csv"), sep = ",", row.names = FALSE, col.names = FALSE)
' "$out"
cp /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz "$out/"
wc -l "$out"/*.csv
