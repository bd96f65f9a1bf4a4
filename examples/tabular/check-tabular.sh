#!/bin/sh
# Runs the tabular examples as a user would and checks their output:
#   check-tabular.sh REGRESSION CLASSIFICATION RESUME CLIPPING DATA_DIR OUT_DIR
# Each bound is one that a model that learned nothing cannot meet (the
# petal width varies by 0.76 cm around its mean; a guess is right for a
# third of the irises, a tenth of the digits).
# TABULAR_RUNNER, when set, runs the programs (qemu-user in a cross build).
set -eu
regression=$1 classification=$2 resume=$3 clipping=$4 data=$5 out=$6
run() { ${TABULAR_RUNNER:+"$TABULAR_RUNNER"} "$@"; }

# Prints the number after `label` on the line that has it.
number_after() { sed -n "s/.*$1 \([0-9.]*\).*/\1/p" | tail -n 1; }
# Fails unless $1 $2 $3 holds (awk compares the numbers).
check() {
    if ! awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; then
        echo "check-tabular: expected $4 $1 $2 $3" >&2
        exit 1
    fi
}

rm -f "$out/petal.nnl" "$out/iris.nnl"
run "$regression" "$data/iris.csv" "$out/petal.nnl" | tee "$out/regression.txt"
check "$(number_after 'test MAE' <"$out/regression.txt")" '<' 0.3 'test MAE'
test -s "$out/petal.nnl"

run "$classification" "$data/iris.csv" "$out/iris.nnl" | tee "$out/class.txt"
check "$(number_after 'test accuracy' <"$out/class.txt")" '>=' 0.9 accuracy

# Resuming in another process goes on from the saved step count.
run "$resume" "$data/iris.csv" "$out/iris.nnl" | tee "$out/resume.txt"
first=$(sed -n 's/^loaded after \([0-9]*\) updates.*/\1/p' "$out/resume.txt")
last=$(number_after 'after' <"$out/resume.txt")
check "$first" '>' 0 'steps loaded'
check "$last" '==' "$((first + 200))" 'steps after 20 epochs of 10 batches'

run "$clipping" "$data/digits.csv" | tee "$out/clipping.txt"
check "$(number_after 'test accuracy' <"$out/clipping.txt")" '>=' 0.9 accuracy
grep -q 'dropout' "$out/clipping.txt"
echo "check-tabular: all four as expected"
