# fig_lambda.gp - Lab 05, part 2: GAN-QP with each lambda of the sweep, the same data,
# nets and seed: the quality at the end, and the ratio |Delta| / (lambda d) over the last
# quarter of training.
# `litgan lab 05` copies this script next to lambda.csv and settings.gp.

load 'settings.gp'    # data, seed, steps

set terminal pngcairo size 1200, 450 font ',10'
set output 'fig_lambda.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 1, 2 title sprintf('GAN-QP on %s, seed %d, %d generator steps, one run per lambda', data, seed, steps)
set grid
set logscale x
set xlabel 'lambda'

set title 'quality at the end'
set ylabel 'sliced W1'
set y2label 'modes (of 8)'
set y2range [0:8.5]
set ytics nomirror
set y2tics
set key top right
plot 'lambda.csv' using 'lambda':'sliced_w1' with linespoints pt 7 lw 2 lc rgb '#2166ac' title 'sliced W1 (left)', \
     '' using 'lambda':'modes' axes x1y2 with linespoints pt 5 lw 2 lc rgb '#b2182b' title 'modes (right)'
unset y2label
unset y2tics
set ytics mirror

set title '|Delta| / (lambda d), last quarter'
set ylabel 'ratio'
set logscale y
set key bottom left
plot 'lambda.csv' using 'lambda':'ratio_mean' with linespoints pt 7 lw 2 lc rgb '#1a9850' title 'mean', \
     '' using 'lambda':'ratio_max' with linespoints pt 5 lw 2 lc rgb '#762a83' title 'largest', \
     1 with lines dt 2 lc rgb 'black' title 'optimum'
unset multiplot
