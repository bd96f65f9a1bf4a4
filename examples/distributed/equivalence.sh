#!/bin/sh
# usage: equivalence.sh MPIRUN DISTRIBUTED
# Two ranks with batch 16 make the updates of one process with batch 32 on
# the same rows: their final losses must agree to float rounding (a
# relative 1e-5), and both runs must report that their ranks agree.
set -eu
mpirun=$1
program=$2
two=$("$mpirun" --oversubscribe -np 2 "$program" --epochs 3 --batch 16)
one=$("$mpirun" --oversubscribe -np 1 "$program" --epochs 3 --batch 32)
echo "2 ranks, batch 16:"; echo "$two"
echo "1 rank, batch 32:"; echo "$one"
echo "$two" | grep -qx 'ranks agree: yes'
echo "$one" | grep -qx 'ranks agree: yes'
a=$(echo "$two" | sed -n 's/^final loss //p')
b=$(echo "$one" | sed -n 's/^final loss //p')
awk -v a="$a" -v b="$b" 'BEGIN {
    d = a - b; if (d < 0) d = -d
    r = d / (b < 0 ? -b : b)
    printf "relative difference %.3g\n", r
    exit !(r <= 1e-5)
}'
