# fig_mnist_samples.gp - Lab 05, part 3: eight samples of each MNIST run at the end, the
# same z for every run; one band a run, top to bottom GAN-QP, WGAN with clipping, WGAN
# without a constraint, WGAN-GP.
# `litgan lab 05` copies this script next to mnist_samples.dat and settings.gp.

load 'settings.gp'    # seed, mnist_steps

set terminal pngcairo size 900, 520 font ',10'
set output 'fig_mnist_samples.png'
set title sprintf('MNIST, seed %d, after %d generator steps: 8 samples a run, the same z', seed, mnist_steps)
set palette gray
set cbrange [-1:1]
set cblabel 'pixel'
set size ratio -1
set xrange [-0.5:223.5]
set yrange [111.5:-0.5]
set xlabel 'sample (28 pixels each)'
set ytics ('GAN-QP' 14, 'WGAN, clip' 42, 'WGAN, free' 70, 'WGAN-GP' 98)
set xtics ('1' 14, '2' 42, '3' 70, '4' 98, '5' 126, '6' 154, '7' 182, '8' 210)
set key off
plot 'mnist_samples.dat' matrix with image notitle
