#!/bin/sh
# Rewrites requirements.txt for a Heroku deploy branch: the same pins, but CPU-only torch/torchvision wheels from
# PyTorch's CPU wheel index (the default Linux wheels bring multi-GB CUDA libraries and break the 500 MB slug limit).
set -e
cd "$(dirname "$0")/.."
{
  echo "--extra-index-url https://download.pytorch.org/whl/cpu"
  sed -E 's/^(torch|torchvision)==([0-9.]+)$/\1==\2+cpu/' requirements.txt
} > requirements.heroku.tmp
mv requirements.heroku.tmp requirements.txt
grep -E '^(torch|torchvision)==' requirements.txt
