# fig_fashion.gp - Lab 06: the full model on Fashion-MNIST (the same nets and seed):
# 64 samples G(z) on the left; one held-out image of each class (top) over its
# reconstruction G(E(x)) on the right. `litgan lab 06` copies this script next to
# fashion_samples.dat, fashion_recon.dat and settings.gp.

load 'settings.gp'    # seed, fashion, fashion_steps

set terminal pngcairo size 1200, 560 font ',10'
set output 'fig_fashion.png'
set multiplot layout 1, 2 title sprintf('BiGAN-QP on %s after %d steps, seed %d', fashion, fashion_steps, seed)
set palette grey
set cbrange [0:1]
set cblabel 'intensity'
set autoscale fix
set yrange [*:*] reverse
set size ratio -1
set key off
set title '64 samples G(z)'
set xlabel 'pixel column (8 samples of 28)'
set ylabel 'pixel row (8 samples of 28)'
plot 'fashion_samples.dat' matrix with image title 'G(z)'
set title 'held-out x (top) and G(E(x)) (bottom), one of each class'
set xlabel 'pixel column (classes 0 to 9)'
set ylabel 'pixel row'
plot 'fashion_recon.dat' matrix with image title 'x and G(E(x))'
unset multiplot
