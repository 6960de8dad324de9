# fig_mnist.gp - Lab 05, part 3: the four losses of part 1 on MNIST, the same nets and
# seed: FID and classes through the data set's classifier, G's gradient norm, the
# critic's gap and the ratio |Delta| / (lambda d) on 500 fixed pairs.
# `litgan lab 05` copies this script next to train_mnist_*.csv and settings.gp.

load 'settings.gp'    # seed, lambda, mnist_steps, mnist_g, mnist_d

set terminal pngcairo size 1200, 760 font ',10'
set output 'fig_mnist.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 2, 2 title sprintf('MNIST, seed %d, %d generator steps, G %s, D %s', seed, mnist_steps, mnist_g, mnist_d)
set grid
set xlabel 'generator steps'
runs = 'qp wgan free gp'
titles = "'GAN-QP' 'WGAN, clip' 'WGAN, no constraint' 'WGAN-GP'"
colors = '#1a9850 #2166ac #b2182b #e08214'
set key top right

set title 'FID (classifier features, against held-out digits)'
set ylabel 'FID'
plot for [i = 1:4] 'train_mnist_'.word(runs, i).'.csv' using 'step':'fid' with linespoints pt 7 ps 0.5 lw 2 lc rgb word(colors, i) title word(titles, i)

set logscale y
set format y '10^{%L}'
set title "G's gradient norm"
set ylabel '||grad_G||'
plot for [i = 1:4] 'train_mnist_'.word(runs, i).'.csv' using 'step':'gnorm_g' with linespoints pt 7 ps 0.5 lw 2 lc rgb word(colors, i) title word(titles, i)

set title "the critic's gap |mean D(x_r) - mean D(G(z))|"
set ylabel '|gap|'
plot for [i = 1:4] 'train_mnist_'.word(runs, i).'.csv' using 'step':(abs(column('gap')) > 0 ? abs(column('gap')) : NaN) \
     with linespoints pt 7 ps 0.5 lw 2 lc rgb word(colors, i) title word(titles, i)

set title sprintf('mean |Delta_i| / (lambda d_i), lambda = %g, l1', lambda)
set ylabel 'ratio'
plot for [i = 1:4] 'train_mnist_'.word(runs, i).'.csv' using 'step':'ratio_mean' with linespoints pt 7 ps 0.5 lw 2 lc rgb word(colors, i) title word(titles, i), \
     1 with lines dt 2 lc rgb 'black' title 'optimum'
unset multiplot
