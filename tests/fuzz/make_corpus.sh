#!/bin/sh
# make_corpus.sh LITGAN - the fuzz targets' seed corpora (tests/fuzz/corpus/TARGET), made by
# the engine itself: small 2-step runs of every loss and regularizer (tiny networks, so a
# checkpoint is a few kB) give the checkpoints and logs (ckpt, resume); the options their logs
# store give the words, and the specs among them the networks, optimizers, datasets and
# plugins; the labs give lab.ini (labini, labkit) and answers.md (answers). A few specs that
# no default uses (parameters, BatchNorm, every modifier) are added by hand, and tiny IDX files
# (idx: written byte by byte, plain and gzip'd; the real ones are megabytes). Run by
# `make fuzz-corpus`; the result is committed.
set -eu
litgan=$1
out=tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
for t in ckpt resume words net optim data plugin labini labkit answers idx classifier; do mkdir -p "$out/$t"; done

# seed NAME TARGET BYTES...: one seed file (printf's format is the first byte, a flag)
seed() { printf '%s' "$3" > "$out/$2/$1"; }

n=0
run() { # run NAME OPTIONS...: a 2-step run; its checkpoint with each flag, and its log
    name=$1
    shift
    OPENBLAS_NUM_THREADS=1 "$litgan" train "$@" --steps 2 --batch 16 --samples 50 --log-every 1 \
        --ckpt-every 1 --seed 3 --no-progress --quiet --out "$tmp/$name" > /dev/null
    for flag in 0 1; do
        { printf "\\$flag"; cat "$tmp/$name/checkpoint.bin"; } > "$out/ckpt/$name-$flag"
    done
    # resume: checkpoint and log; flags 3 (fix CRC and hash) with 1 more step, 0 as it is
    for flag in 000 007; do
        { printf "\\$flag"; cat "$tmp/$name/checkpoint.bin"; printf '\nLGFUZZLOG\n'; cat "$tmp/$name/log.csv"; } \
            > "$out/resume/$name-$flag"
    done
    # the options the run stored: the log's first line "# litgan train, seed S, config H: OPTIONS"
    head -n 1 "$tmp/$name/log.csv" | sed 's/^[^:]*: *//' | tr ' ' '\n' > "$out/words/$name"
    prev=""
    for w in $(cat "$out/words/$name"); do
        case $prev in
        --g|--d|--e) echo "$w" > "$out/net/$w" ;;
        --opt-d|--opt-g) printf '%s' "$w" > "$out/optim/$(echo "$w" | tr ':,=' '___')" ;;
        --data) printf '%s' "$w" > "$out/data/$w" ;;
        --loss) printf '\000%s' "$w" > "$out/plugin/loss-$(echo "$w" | tr ':,=' '___')" ;;
        --reg) printf '\001%s' "$w" > "$out/plugin/reg-$(echo "$w" | tr ':,=' '___')" ;;
        esac
        prev=$w
    done
    n=$((n + 1))
}

small="--g 2-4r-2 --d 2-4r-1"
for loss in gan nsgan wgan ganqp; do run "$loss" --loss "$loss" --data ring8 $small; done
run biganqp --loss biganqp --data ring8 --g 2-4r-2 --d 4-4r-1 --e 2-4r-2
for reg in gp r1 consensus; do run "nsgan-$reg" --loss nsgan --reg "$reg" --data ring8 $small; done
run grid25-bn --loss nsgan --data grid25 --g 2-4br-2 --d 2-4l-1
run mog1d --loss nsgan --data mog1d --g 1-4t-1 --d 1-4s-1

# specs with parameters and modifiers that no run above uses
for s in 100-128l-256b0.8l-784t 2-8l0.1-8t-8s-8b1e-3r-1 1-1 \
         1x28x28-C4k4s2p1l-C8k4s2p1bl-1 4-18br-2x3x3-T3k4s2p1nbr-T1k4s2p1t 2x5x5-C3k3s1p0n-27-3x3x3b0.8-T1k3s1p0s; do
    echo "$s" > "$out/net/$s"
done
for s in sgd:lr=0.01,momentum=0.9,nesterov=1 sgd:lr=0.1,dampening=0.5,wd=1e-4 rmsprop:lr=5e-5,alpha=0.99,eps=1e-8 \
         adam:lr=1e-3,b1=0.9,b2=0.999,eps=1e-8,wd=0; do
    printf '%s' "$s" > "$out/optim/$(echo "$s" | tr ':,=' '___')"
done
for s in mog1d:k=3,lo=-2,hi=2,sigma=0.2,w=0.5 ring8:n=8,radius=2,sigma=0.02 grid25:spacing=2,sigma=0.05 \
         swissroll:noise=0.05,scale=0.15 moons:noise=0.05 uniform:dim=3; do
    printf '%s' "$s" > "$out/data/$(echo "$s" | tr ':,=' '___')"
done
for s in ganqp:lambda=10,metric=l2 biganqp:lambda=10,beta1=2,beta2=3; do
    printf '\000%s' "$s" > "$out/plugin/$(echo "$s" | tr ':,=' '___')"
done
for s in gp:lambda=10,one_sided=1 r1:gamma=10 clip:c=0.01 consensus:gamma=10; do printf '\001%s' "$s" > "$out/plugin/$(echo "$s" | tr ':,=' '___')"; done

# idx (tests/fuzz/fuzz_idx.c): a flag byte, then a file. Images: 2 of 2x2, labels: 3 of them.
images='\000\000\010\003\000\000\000\002\000\000\000\002\000\000\000\002\000\177\377\001\200\002\376\003'
labels='\000\000\010\001\000\000\000\003\001\002\011'
for flag in 0 1 2 4 5 6; do
    printf "\\00$flag$images" > "$out/idx/images-$flag"
    printf "\\00$flag$labels" > "$out/idx/labels-$flag"
done
printf "$images" | gzip -9n | { printf '\001'; cat; } > "$out/idx/images-gz"
# a pair (flag 3, at most 10 classes: 0xA3), the images' length in two bytes (24)
printf "\\243\\000\\030$images\\000\\000\\010\\001\\000\\000\\000\\002\\001\\011" > "$out/idx/pair"

# classifier (tests/fuzz/fuzz_classifier.c): a flag byte, then a file (classifier_io.c's layout,
# little-endian), its length and CRC left zero for flag 1 to fit. u64 V, f64 as 8 bytes:
u64() { printf "\\$(printf %03o "$1")\\000\\000\\000\\000\\000\\000\\000"; }
zeros() { i=0; while [ $i -lt "$1" ]; do printf '\000\000\000\000\000\000\000\000'; i=$((i + 1)); done; }
one='\000\000\000\000\000\000\360\077'
classifier() { # classifier SPEC CLASSES BODY_PARAMS BN HEAD_PARAMS: BN running means 0, variances 1
    printf 'LGCLSF\r\n\001\000\000\000\000\000\000\000'; zeros 1
    u64 ${#1}; printf '%s' "$1"; u64 "$2"; u64 1; u64 1; u64 2; u64 2; zeros 1
    printf '\000\000\000\000\000\000\340\077'                   # test accuracy 0.5
    u64 "$3"; zeros "$3"; u64 $((2 * $4)); zeros "$4"; i=0; while [ $i -lt "$4" ]; do printf "$one"; i=$((i + 1)); done
    u64 "$5"; zeros "$5"; u64 0; printf '\000\000\000\000'
}
{ printf '\001'; classifier 2-1r-2 2 3 0 4; } > "$out/classifier/plain"
{ printf '\001'; classifier 2-2b-2 2 10 2 6; } > "$out/classifier/batchnorm"
{ printf '\000'; classifier 2-1r-2 2 3 0 4; } > "$out/classifier/nocrc"

for d in labs/*/; do
    lab=$(basename "$d")
    cp "$d/lab.ini" "$out/labini/$lab"
    for flag in 0 1; do { printf "\\$flag"; cat "$d/lab.ini"; } > "$out/labkit/$lab-$flag"; done
    [ -f "$d/answers.md" ] && cp "$d/answers.md" "$out/answers/$lab"
done
echo "fuzz-corpus: $n runs; $(find "$out" -type f | wc -l) seeds in $out ($(du -sk "$out" | cut -f1) kB)"
