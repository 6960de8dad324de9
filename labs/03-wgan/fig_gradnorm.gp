# fig_gradnorm.gp - Lab 03, part 1: a fixed generator G(z) = (theta_far, z), far from
# the data on {0}x[0,1]; a discriminator (gan.c of Lab 01) and a critic (wgan.c with
# clip.c) each trained against it. Left: the norm of G's gradient from each, over the
# steps of D (log scale). Right: what D says of the fakes (mean D(G(z))) and the
# critic's estimate of W1.
# `litgan lab 03` copies this script next to far.csv and settings.gp.

load 'settings.gp'    # seed, theta_far, far_clip, far_opt_gan, far_opt_wgan

set terminal pngcairo size 1000, 420 font ',10'
set output 'fig_gradnorm.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 1, 2 title sprintf('G(z) = (%g, z) fixed, data on the segment x = 0, 0 <= y <= 1; seed %d', theta_far, seed)
set grid
set xlabel 'steps of D (or of the critic)'

set title "the norm of G's gradient"
set ylabel '||grad_G|| (log scale)'
set logscale y
set key bottom left
plot 'far.csv' using 'step':'gnorm_gan' with linespoints pt 7 ps 0.5 lw 2 lc rgb '#b2182b' title 'minimax GAN ('.far_opt_gan.')', \
     '' using 'step':'gnorm_wgan' with linespoints pt 5 ps 0.5 lw 2 lc rgb '#2166ac' title sprintf('WGAN critic, c = %g (%s)', far_clip, far_opt_wgan)

unset logscale y
set title 'what each one says of the fakes'
set ylabel 'mean D(G(z)); critic estimate'
set key top right
plot 'far.csv' using 'step':'dfake_gan' with lines lw 2 lc rgb '#b2182b' title 'mean D(G(z)) (probability)', \
     '' using 'step':'est_wgan' with lines lw 2 lc rgb '#2166ac' title 'critic: mean f(x_r) - mean f(G(z))'
unset multiplot
