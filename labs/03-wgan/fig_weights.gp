# fig_weights.gp - Lab 03, part 3: where clipping leaves the critic. The WGAN critic's
# parameters (weights and biases) at the end of training, in units of c: the share of
# them in each bin.
# `litgan lab 03` copies this script next to weights.csv and settings.gp.

load 'settings.gp'    # data, seed, steps, clip

set terminal pngcairo size 700, 420 font ',10'
set output 'fig_weights.png'
set datafile separator comma
set datafile columnheaders
set title sprintf("the WGAN critic's parameters after %d generator steps on %s (c = %g), seed %d", steps, data, clip, seed)
set grid
set xlabel 'parameter / c'
set ylabel 'share of the parameters'
set xrange [-1.15:1.15]
set yrange [0:*]
set style fill solid 0.6
set boxwidth 0.045
plot 'weights.csv' using 'w_over_c':'share' with boxes lc rgb '#2166ac' title 'critic parameters'
