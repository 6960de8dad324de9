# fig_ratio.gp - Lab 05, part 2: how close the GAN-QP critic's gap gets to its optimum
# lambda d over training: |Delta_i| / (lambda d_i) on 1000 fixed pairs (x_r,i, G(z_i)),
# its mean and its largest value, for the l1 and the l2 distance; and its mean for each
# lambda of the sweep.
# `litgan lab 05` copies this script next to train_qp*.csv and settings.gp.

load 'settings.gp'    # data, seed, steps, lambda, lambdas

set terminal pngcairo size 1200, 450 font ',10'
set output 'fig_ratio.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 1, 2 title sprintf('GAN-QP on %s, seed %d: |Delta| / (lambda d) on fixed pairs', data, seed)
set grid
set xlabel 'generator steps'
set ylabel '|Delta_i| / (lambda d_i)'
set key bottom right

set title sprintf('l1 against l2 (lambda = %g)', lambda)
plot 'train_qp.csv' using 'step':'ratio_mean' with lines lw 2 lc rgb '#1a9850' title 'l1, mean', \
     '' using 'step':'ratio_max' with lines lw 1 dt 3 lc rgb '#1a9850' title 'l1, largest', \
     'train_qp_l2.csv' using 'step':'ratio_mean' with lines lw 2 lc rgb '#762a83' title 'l2, mean', \
     '' using 'step':'ratio_max' with lines lw 1 dt 3 lc rgb '#762a83' title 'l2, largest', \
     1 with lines dt 2 lc rgb 'black' title 'optimum'

set title 'the mean ratio for each lambda (l1)'
set logscale y
plot for [i = 1:words(lambdas)] 'train_qp_lam'.word(lambdas, i).'.csv' using 'step':'ratio_mean' \
     with lines lw 2 title 'lambda = '.word(lambdas, i), \
     1 with lines dt 2 lc rgb 'black' title 'optimum'
unset multiplot
