# fig_recon.gp - Lab 06: one held-out image of each class (top row) and its
# reconstruction G(E(x)) by each run (one row a run, in the order of `runs`): the full
# model, then the ablations (no guidance, the latent term only, the image term only, no
# stop-gradient). `litgan lab 06` copies this script next to recon.dat and settings.gp.

load 'settings.gp'    # data, seed, steps, runs

n = words(runs) + 1
set terminal pngcairo size 760, 100 + 80 * n font ',10'
set output 'fig_recon.png'
set title sprintf("%s: held-out x (top row), then G(E(x)) of each run after %d steps; seed %d\nrows: x, %s", data, steps, seed, runs)
set palette grey
set cbrange [0:1]
set cblabel 'intensity'
set xlabel 'pixel column (one image of each class, 0 to 9)'
set ylabel 'pixel row (28 per row of images)'
set autoscale fix
set yrange [*:*] reverse
set size ratio -1
set key off
plot 'recon.dat' matrix with image title 'x and G(E(x))'
