# fig_estimate.gp - Lab 03, part 2: what a clipped critic estimates. Left: its estimate
# mean f(x_r) - mean f(G(z)) over training, x_r ~ N(0, 1) against a fixed G(z) ~ N(m, 1),
# one curve per m (estimate.csv, one block per m). Right: the estimate at the end
# against the exact W1 (from step 1: at step 0 the critic is not clipped yet), for the Gaussians (W1 = |m|) and for a two-Gaussian mixture
# against N(m, 1) (W1 by sorting large samples, w1.c).
# `litgan lab 03` copies this script next to estimate.csv, final.csv and settings.gp.

load 'settings.gp'    # seed, means, clip, critic, critic_opt, mixture_data

set terminal pngcairo size 1000, 420 font ',10'
set output 'fig_estimate.png'
set multiplot layout 1, 2 title sprintf('critic %s, %s, clip c = %g, seed %d', critic, critic_opt, clip, seed)
set grid
n = words(means)

set title 'the estimate over training'
set xlabel 'critic steps'
set ylabel 'mean f(x_r) - mean f(G(z))'
set key top left
# from step 1 on: at step 0 the critic is as initialised, before its first clip
plot for [i = 0:n - 1] 'estimate.csv' index i using 1:($1 > 0 ? $2 : NaN) with lines lw 2 title 'm = '.word(means, i + 1)

set datafile separator comma
set datafile columnheaders
set title 'at the end, against the exact W1'
set xlabel 'exact W1 (units of x)'
set ylabel 'estimate'
set key top left
plot 'final.csv' using 'w1_gauss':'est_gauss' with linespoints pt 7 lw 2 lc rgb '#2166ac' title 'N(0,1) vs N(m,1)', \
     '' using 'w1_mix':'est_mix' with points pt 5 ps 1.2 lc rgb '#e08214' title mixture_data.' vs N(m,1)'
unset multiplot
