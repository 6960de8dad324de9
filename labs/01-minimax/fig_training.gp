# fig_training.gp - Lab 01: the minimax GAN at several points of training, in the
# spirit of Figure 1 of Goodfellow et al. 2014: the data density (black, dotted), the
# generator's density p_g (green), the discriminator D(x) (blue, dashed) and the
# optimal D*(x) = p_data / (p_data + p_g) (orange). D* is drawn only where
# p_data + p_g > 1e-3: elsewhere neither density says anything (D* is in the CSV).
#
# `litgan lab 01` copies this script into its output folder (runs/lab-01/) next to
# the data it plots - snap_STEP.csv, one per snapshot step - and to settings.gp,
# which it writes with the values of the run. Edit the copy and rerun it there:
#     gnuplot fig_training.gp

load 'settings.gp'    # data, seed, snapshots, xmin, xmax, ymax, have_dstar, pg_from

n = words(snapshots)  # one panel per snapshot step
set terminal pngcairo size 330 * n + 20, 380 font ',10'
set output 'fig_training.png'
set datafile separator comma
set datafile columnheaders

pg_what = pg_from eq 'data' ? 'p_g from samples of p_{data} (green)' : 'p_g (green)'
set multiplot layout 1, n title sprintf('minimax GAN on %s, seed %d: p_{data} (black, dotted), %s, D(x) (blue, dashed)%s', data, seed, pg_what, have_dstar ? ', D*(x) (orange)' : '')
set xrange [xmin:xmax]
set yrange [0:ymax]   # p_g above ymax is clipped
set grid
set xlabel 'x'
unset key

# "for [i = 1:have_dstar]" draws D* once when optimal.c gives it, else not at all
do for [s in snapshots] {
    set title 'step '.s
    plot sprintf('snap_%05d.csv', s + 0) using 'x':'p_data' with lines dt 3 lw 2 lc rgb 'black' title 'p_{data}', \
         '' using 'x':'p_g' with lines lw 2 lc rgb '#1a9850' title 'p_g', \
         '' using 'x':'D' with lines dt 2 lw 2 lc rgb '#2166ac' title 'D(x)', \
         for [i = 1:have_dstar] '' using 'x':(column('p_data') + column('p_g') > 1e-3 ? column('D_star') : NaN) \
             with lines lw 1.5 lc rgb '#e08214' title 'D*(x)'
}
unset multiplot
