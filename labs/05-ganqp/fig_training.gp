# fig_training.gp - Lab 05, part 1: GAN-QP against WGAN with clipping, WGAN without any
# constraint and WGAN-GP on the same data, nets and seed. The critic's gap
# mean D(x_r) - mean D(G(z)) and the ratio |Delta| / (lambda d) on fixed pairs, G's
# gradient norm, the critic's largest parameter, and the quality.
# `litgan lab 05` copies this script next to train_*.csv and settings.gp.

load 'settings.gp'    # data, seed, steps, lambda, clip

set terminal pngcairo size 1300, 760 font ',10'
set output 'fig_training.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 2, 3 title sprintf('%s, seed %d, %d generator steps (ratio with lambda = %g)', data, seed, steps, lambda)
set grid
set xlabel 'generator steps'
set key top left
runs = 'qp wgan free gp'
titles = "'GAN-QP' 'WGAN, clip' 'WGAN, no constraint' 'WGAN-GP'"
colors = '#1a9850 #2166ac #b2182b #e08214'
set logscale y
set format y '10^{%L}'

set title "the critic's gap |mean D(x_r) - mean D(G(z))|"
set ylabel '|gap|'
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':(abs(column('gap')) > 0 ? abs(column('gap')) : NaN) \
     with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title "G's gradient norm (last step before the row)"
set ylabel '||grad_G||'
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'gnorm_g' with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title 'mean |Delta_i| / (lambda d_i) on fixed pairs'
set ylabel 'ratio'
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'ratio_mean' with lines lw 2 lc rgb word(colors, i) title word(titles, i), \
     1 with lines dt 2 lc rgb 'black' title 'optimum: Delta = lambda d'

set title "the critic's largest |parameter|"
set ylabel 'max |w|'
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'wmax' with lines lw 2 lc rgb word(colors, i) title word(titles, i)
unset logscale y
set format y '% h'

set title 'sliced W1 to the data'
set ylabel 'sliced W1'
set key top right
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'sliced_w1' with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title 'modes covered'
set ylabel 'modes (of 8)'
set yrange [0:8.5]
set key bottom right
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'modes' with lines lw 2 lc rgb word(colors, i) title word(titles, i)
unset multiplot
