# fig_divergences.gp - Lab 07, part 1: what the losses minimise, between p = N(0, 1) and
# q = N(theta, 1) discretised on a grid, against the shift theta: JS (the minimax GAN's
# divergence against the optimal D), LSGAN's criterion with the chi^2 coding a = -1, b = 1,
# c = 0 (half the Pearson chi^2 of p + q from 2q) and with the 0-1 coding a = 0, b = c = 1,
# all from divergences.c, beside W1 = |theta| (what WGAN's critic estimates). The bounded
# ones flatten once the two barely overlap; W1 keeps growing.
# `litgan lab 07` copies this script next to divergences.csv and settings.gp; edit the copy
# and rerun it there:  gnuplot fig_divergences.gp

load 'settings.gp'    # seed, div_points, div_lo, div_hi

set terminal pngcairo size 1000, 440 font ',10'
set output 'fig_divergences.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 1, 2 title sprintf('p = N(0, 1), q = N(theta, 1) on %d points of [%g, %g] (exact sums, no sampling; seed %d)', div_points, div_lo, div_hi, seed)
set grid
set xlabel 'theta (shift of q)'
set key bottom right

set title 'the bounded divergences'
set ylabel 'value (nats for JS)'
set yrange [-0.05:1.15]
plot 'divergences.csv' using 'theta':'js' with lines lw 2 lc rgb '#b2182b' title 'JS (minimax GAN)', \
     '' using 'theta':'ls_chi2' with lines lw 2 lc rgb '#2166ac' title 'LSGAN, a = -1, b = 1, c = 0: chi^2 / 2', \
     '' using 'theta':'ls_binary' with lines lw 2 dt 2 lc rgb '#1a9850' title 'LSGAN, a = 0, b = c = 1', \
     log(2) with lines dt 3 lc rgb 'grey' title 'log 2', \
     1 with lines dt 4 lc rgb 'black' title '1'

set title 'against W1'
set key top left
set ylabel 'value'
set yrange [*:*]
plot 'divergences.csv' using 'theta':'w1' with lines lw 2 lc rgb '#e08214' title 'W1 = |theta| (WGAN)', \
     '' using 'theta':'js' with lines lw 2 lc rgb '#b2182b' title 'JS', \
     '' using 'theta':'ls_chi2' with lines lw 2 lc rgb '#2166ac' title 'LSGAN chi^2 / 2'
unset multiplot
