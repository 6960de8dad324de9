# fig_interp.gp - Lab 06: interpolation between the codes of two real held-out digits
# (full model): each row holds x_a, then G((1 - t) E(x_a) + t E(x_b)) for t = 0, 1/7, ...,
# 1, then x_b. `litgan lab 06` copies this script next to interp.dat and settings.gp.

load 'settings.gp'    # data, seed, steps

set terminal pngcairo size 760, 330 font ',10'
set output 'fig_interp.png'
set title sprintf("%s, full model after %d steps, seed %d: x_a | G along E(x_a) -> E(x_b), 8 points | x_b\nrows: 1 -> 7, 3 -> 8, 4 -> 9", data, steps, seed)
set palette grey
set cbrange [0:1]
set cblabel 'intensity'
set xlabel 'pixel column (the real ends, and 8 decoded points between them)'
set ylabel 'pixel row (28 per pair)'
set autoscale fix
set yrange [*:*] reverse
set size ratio -1
set key off
plot 'interp.dat' matrix with image title 'interpolation'
