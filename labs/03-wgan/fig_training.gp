# fig_training.gp - Lab 03, part 3: the minimax GAN (Lab 01) against WGAN with RMSProp,
# WGAN with Adam and WGAN-GP on the same data, nets and seed. The critic's estimate
# mean D(x_r) - mean D(G(z)) on fixed batches (for the GAN, the same difference of
# logits) beside sample quality: sliced W1 to the data, high-quality samples, modes.
# `litgan lab 03` copies this script next to train_*.csv and settings.gp.

load 'settings.gp'    # data, seed, steps

set terminal pngcairo size 1100, 800 font ',10'
set output 'fig_training.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 2, 2 title sprintf('%s, seed %d, %d generator steps', data, seed, steps)
set grid
set xlabel 'generator steps'
set key top right
runs = 'gan wgan wgan_adam wgan_gp'
titles = "'minimax GAN' 'WGAN, RMSProp' 'WGAN, Adam' 'WGAN-GP'"
colors = '#b2182b #2166ac #e08214 #1a9850'

set title "the critic's estimate (GAN: difference of D's logits)"
set ylabel 'mean D(x_r) - mean D(G(z))'
set logscale y
set format y "10^{%L}"
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':(column('estimate') > 0 ? column('estimate') : NaN) \
     with lines lw 2 lc rgb word(colors, i) title word(titles, i)
unset logscale y
set format y "% h"

set title 'sliced W1 to the data'
set ylabel 'sliced W1 (units of x)'
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'sliced_w1' with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title 'high-quality samples'
set ylabel '% within 3 sigma of a mode'
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'high_quality' with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title 'modes covered'
set key bottom right
set ylabel 'modes'
set yrange [0:*]
plot for [i = 1:4] 'train_'.word(runs, i).'.csv' using 'step':'modes' with lines lw 2 lc rgb word(colors, i) title word(titles, i)
unset multiplot
