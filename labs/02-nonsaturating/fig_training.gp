# fig_training.gp - Lab 02: both generator losses from the same strong discriminator.
# Two runs with the same seed - the same networks, the same data, the same D after
# d_pretrain steps of D alone - differ only in G's loss: plugins/gan.c (minimax, red)
# and plugins/nsgan.c (non-saturating, green). Four panels over the generator's
# steps, all measured on one fixed batch: the norm of G's gradient, the losses of G
# and D, the mean D(G(z)), and W1 between p_g and the data.
#
# `litgan lab 02` copies this script into its output folder (runs/lab-02/) next to
# train_gan.csv, train_nsgan.csv and settings.gp (the values of the run). Edit the
# copy and rerun it there:
#     gnuplot fig_training.gp

load 'settings.gp'    # data, opt_g, d_pretrain, seed

set terminal pngcairo size 1100,760 font ',10'
set output 'fig_training.png'
set datafile separator comma
set datafile columnheaders

set multiplot layout 2,2 title sprintf('%s: G trained with %s after %d steps of D alone, seed %d', data, opt_g, d_pretrain, seed)
set xlabel 'generator step'
set grid
set key top right

set title 'norm of the generator gradient'
set logscale y
set format y '10^{%L}'
plot 'train_gan.csv' using 'step':'gnorm_g' with lines lw 2 lc rgb '#d73027' title 'minimax', \
     'train_nsgan.csv' using 'step':'gnorm_g' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'

set title 'losses'
unset logscale y
set format y '%g'
plot 'train_gan.csv' using 'step':'loss_g' with lines lw 2 lc rgb '#d73027' title 'G, minimax', \
     'train_nsgan.csv' using 'step':'loss_g' with lines lw 2 lc rgb '#1a9850' title 'G, non-saturating', \
     'train_gan.csv' using 'step':'loss_d' with linespoints dt 2 pt 6 ps 0.8 pi 15 lc rgb '#7f0000' title 'D (minimax run; on top of G near 0)', \
     'train_nsgan.csv' using 'step':'loss_d' with lines dt 2 lc rgb '#1a9850' title 'D (non-saturating run)'

set title 'mean D(G(z))'
set logscale y
set format y '10^{%L}'
set key center right
plot 'train_gan.csv' using 'step':'d_fake' with lines lw 2 lc rgb '#d73027' title 'minimax', \
     'train_nsgan.csv' using 'step':'d_fake' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'

set title 'W1(p_g, p_{data})'
unset logscale y
set format y '%g'
plot 'train_gan.csv' using 'step':'w1' with lines lw 2 lc rgb '#d73027' title 'minimax', \
     'train_nsgan.csv' using 'step':'w1' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'
unset multiplot
