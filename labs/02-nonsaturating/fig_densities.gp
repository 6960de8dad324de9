# fig_densities.gp - Lab 02: where each generator ended: the data density (black,
# dotted) and the density of G after the last step of each run, estimated from
# samples of G (a Gaussian kernel density estimate, as in Lab 01).
#
# `litgan lab 02` copies this script into its output folder (runs/lab-02/) next to
# final.csv and settings.gp (the values of the run). Edit the copy and rerun it there:
#     gnuplot fig_densities.gp

load 'settings.gp'    # steps, seed, xmin, xmax

set terminal pngcairo size 720,420 font ',10'
set output 'fig_densities.png'
set datafile separator comma
set datafile columnheaders

set title sprintf('after %d generator steps (seed %d)', steps, seed)
set xlabel 'x'
set grid
set xrange [xmin:xmax]
set yrange [0:*]
set key top right
plot 'final.csv' using 'x':'p_data' with lines dt 3 lw 2 lc rgb 'black' title 'p_{data}', \
     '' using 'x':'p_g_gan' with lines lw 2 lc rgb '#d73027' title 'p_g, minimax', \
     '' using 'x':'p_g_nsgan' with lines lw 2 lc rgb '#1a9850' title 'p_g, non-saturating'
