# fig_training.gp - Lab 06: the runs over training (full model and ablations, the same
# nets and seed): the reconstruction error of held-out images (recon.c), the latent error
# MSE(z, E(G(z))), the FID of the samples and the inception-style score.
# `litgan lab 06` copies this script next to train_*.csv and settings.gp.

load 'settings.gp'    # data, seed, steps, runs

set terminal pngcairo size 1100, 800 font ',10'
set output 'fig_training.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 2, 2 title sprintf('%s, seed %d, %d generator steps; G %s, T %s, E %s', data, seed, steps, g, d, e)
set grid
set xlabel 'generator steps'
set key top right
titles = "'full (beta1, beta2, stops)' 'no guidance' 'latent term only' 'image term only' 'no stop-gradient'"
colors = '#2166ac #b2182b #1a9850 #e08214 #762a83'

set title 'reconstruction error of held-out x'
set ylabel 'mean ((x - G(E(x))) / 2)^2 (intensity)'
plot for [i = 1:words(runs)] 'train_'.word(runs, i).'.csv' using 'step':'recon' with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title 'latent error'
set ylabel 'MSE of z - E(G(z))'
set logscale y
plot for [i = 1:words(runs)] 'train_'.word(runs, i).'.csv' using 'step':'latent' with lines lw 2 lc rgb word(colors, i) title word(titles, i)
unset logscale y

set title 'FID of the samples (classifier features)'
set ylabel 'FID'
plot for [i = 1:words(runs)] 'train_'.word(runs, i).'.csv' using 'step':'fid' with lines lw 2 lc rgb word(colors, i) title word(titles, i)

set title 'inception-style score'
set ylabel 'score (1 to 10)'
plot for [i = 1:words(runs)] 'train_'.word(runs, i).'.csv' using 'step':'inception' with lines lw 2 lc rgb word(colors, i) title word(titles, i)
unset multiplot
