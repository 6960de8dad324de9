# fig_samples.gp - Lab 06: 64 samples G(z) of the full BiGAN-QP model at the end of
# training, the same z for every run (a stream of the seed). Pixels are intensities in
# [0, 1] (white digits on black). `litgan lab 06` copies this script next to samples.dat
# and settings.gp; edit the copy and rerun it there:  gnuplot fig_samples.gp

load 'settings.gp'    # data, seed, steps

set terminal pngcairo size 560, 600 font ',10'
set output 'fig_samples.png'
set title sprintf("BiGAN-QP on %s: 64 samples G(z) after %d steps; seed %d\nG %s, beta1 = %g, beta2 = %g", data, steps, seed, g, beta1, beta2)
set palette grey
set cbrange [0:1]
set cblabel 'intensity'
set xlabel 'pixel column (8 samples of 28)'
set ylabel 'pixel row (8 samples of 28)'
set autoscale fix
set yrange [*:*] reverse
set size ratio -1
set key off
plot 'samples.dat' matrix with image title 'G(z)'
