# fig_criterion.gp - Lab 01: the criterion C(G) = max_D V(D, G) over training
# (Goodfellow et al. 2014, Theorem 1: C(G) = -log 4 + 2 JSD(p_data || p_g), whose
# minimum -log 4 is reached only at p_g = p_data). The line is the identity with the
# JSD from litgan's quadrature (lg_jsd_1d); the dots are C(G) from your optimal.c.
#
# `litgan lab 01` copies this script into its output folder (runs/lab-01/) next to
# criterion.csv and settings.gp (the values of the run). Edit the copy and rerun it
# there:
#     gnuplot fig_criterion.gp

load 'settings.gp'    # data, seed, have_crit

set terminal pngcairo size 720,420 font ',10'
set output 'fig_criterion.png'
set datafile separator comma
set datafile columnheaders
set datafile missing 'nan'   # where your C(G) is NaN, no dot

set title sprintf('C(G) over training, %s, seed %d', data, seed)
set xlabel 'generator step'
set ylabel 'C(G)'
set grid
set key top right

if (have_crit) {   # your C(G) as dots, when optimal.c gives it
    plot 'criterion.csv' using 'step':'c_ref' with lines lw 2 lc rgb '#2166ac' title '-log 4 + 2 JSD (lg\_jsd\_1d)', \
         '' using 'step':'c_yours' with points pt 7 ps 0.6 lc rgb '#e08214' title 'C(G), your optimal.c', \
         -log(4) with lines dt 2 lc rgb 'black' title '-log 4'
} else {
    plot 'criterion.csv' using 'step':'c_ref' with lines lw 2 lc rgb '#2166ac' title '-log 4 + 2 JSD (lg\_jsd\_1d)', \
         -log(4) with lines dt 2 lc rgb 'black' title '-log 4'
}
