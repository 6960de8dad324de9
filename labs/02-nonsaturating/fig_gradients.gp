# fig_gradients.gp - Lab 02: how hard each generator loss pushes a fake sample. For
# a fake with logit s and D(G(z)) = sigmoid(s), the magnitude |dL/ds| of
#   the minimax loss        log(1 - D(G(z)))   is D(G(z)), which vanishes as D rejects it;
#   the non-saturating one  -log D(G(z))       is 1 - D(G(z)), which does not
# (Goodfellow et al. 2014, Sec. 3). Both curves come from your gradients.c (Task 2.2),
# on linear and on logarithmic axes. The dashed line is the mean D(G(z)) on the fixed
# batch at step 0: after the discriminator's head start, before G's first step (the
# same in both runs).
#
# `litgan lab 02` copies this script into its output folder (runs/lab-02/) next to
# curves.csv and settings.gp (the values of the run). Edit the copy and rerun it there:
#     gnuplot fig_gradients.gp

load 'settings.gp'    # seed, d0

set terminal pngcairo size 1100,440 font ',10'
set output 'fig_gradients.png'
set datafile separator comma
set datafile columnheaders

set multiplot layout 1,2 title sprintf('How hard each generator loss pushes a fake sample: |dL/ds| over D(G(z)), s the logit of D (seed %d)', seed)
set xlabel 'D(G(z))'
set ylabel '|dL/ds|'
set grid
set key bottom center
set arrow 1 from d0, graph 0 to d0, graph 1 nohead dt 2 lc rgb 'gray40'

set title 'linear axes'
set xrange [0:1]
set yrange [0:1.05]
plot 'curves.csv' using 'd':'minimax' with lines lw 2 lc rgb '#d73027' title 'minimax, log(1 - D(G(z)))', \
     '' using 'd':'nonsat' with lines lw 2 lc rgb '#1a9850' title 'non-saturating, -log D(G(z))'

set title sprintf('logarithmic axes; dashed: D(G(z)) = %.2g after D alone', d0)
set logscale xy
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [1e-6:1]
set yrange [1e-6:2]
set key bottom right
plot 'curves.csv' using 'd':'minimax' with lines lw 2 lc rgb '#d73027' title 'minimax', \
     '' using 'd':'nonsat' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'
unset multiplot
