# fig_samples.gp - Lab 05: the samples of each ring8 run at the end (G on 1000 fixed z)
# over 1000 points of the data.
# `litgan lab 05` copies this script next to samples_*.csv and settings.gp.

load 'settings.gp'    # data, seed, steps

set terminal pngcairo size 1500, 340 font ',10'
set output 'fig_samples.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 1, 5 title sprintf('%s, seed %d: G after %d generator steps (blue) over the data (grey)', data, seed, steps)
set size ratio -1
set xrange [-3:3]
set yrange [-3:3]
set xlabel 'x_1'
set ylabel 'x_2'
set key top left
runs = 'qp qp_l2 wgan free gp'
titles = "'GAN-QP, l1' 'GAN-QP, l2' 'WGAN, clip' 'WGAN, no constraint' 'WGAN-GP'"
do for [i = 1:5] {
    set title word(titles, i)
    plot 'samples_real.csv' using 'x':'y' with points pt 7 ps 0.2 lc rgb '#bbbbbb' title 'data', \
         'samples_'.word(runs, i).'.csv' using 'x':'y' with points pt 7 ps 0.25 lc rgb '#2166ac' title 'G(z)'
}
unset multiplot
