# litgan lab 04: consensus optimization through litgan's engine: the minimax Dirac-GAN with and without it
# (eng_minimax.csv, cons.csv), and the ring of 8 Gaussians (ring.csv, samples_*.csv, modes.csv).
load 'settings.gp'
set terminal pngcairo size 1400,1000 font ',10'
set output 'fig_consensus.png'
set datafile separator ','
set key autotitle columnhead

set multiplot layout 2,2 title sprintf('Consensus optimization through litgan (plugins/consensus.c), seed %d', seed)

set title sprintf('the minimax Dirac-GAN trained by litgan, simultaneous SGD(%g)', h)
set xlabel 'generator parameter {/Symbol q}'
set ylabel 'discriminator parameter {/Symbol y}'
set size ratio -1
set grid
set key bottom right box opaque font ',9'
set xrange [-2.5*lim:2.5*lim]
set yrange [-2.5*lim:2.5*lim]
plot 'eng_minimax.csv' using 'sim_theta':'sim_psi' with lines lw 1.5 lc rgb '#d73027' title 'plain simultaneous', \
     'cons.csv' using 'theta':'psi' with lines lw 2 lc rgb '#1a9850' title sprintf('consensus, {/Symbol g} = %g', gamma_dirac), \
     'cons.csv' using 'ref_theta':'ref_psi' every 10 with points pt 6 ps 0.7 lc rgb 'black' title 'closed form (every 10th step)'

set size noratio
set autoscale
set title 'distance to the equilibrium'
set xlabel 'step'
set ylabel '|({/Symbol q}, {/Symbol y})|'
set logscale y
set format y '10^{%L}'
set key top right
plot 'eng_minimax.csv' using 'step':(sqrt(column('sim_theta')**2 + column('sim_psi')**2)) with lines lw 2 lc rgb '#d73027' title 'plain simultaneous', \
     'eng_minimax.csv' using 'step':(sqrt(column('alt_theta')**2 + column('alt_psi')**2)) with lines lw 2 lc rgb '#4575b4' title 'alternating', \
     'cons.csv' using 'step':'r' with lines lw 2 lc rgb '#1a9850' title sprintf('consensus, {/Symbol g} = %g', gamma_dirac)

unset logscale y
set format y '%g'
set title sprintf('ring of 8 Gaussians, nsgan, simultaneous RMSProp(%g)', ring_lr)
set xlabel 'step'
set ylabel 'sliced W1 to the data (lines)'
set y2label 'modes with a high-quality sample, of 8 (points)'
set y2range [0:8.5]
set y2tics 0,1,8
set ytics nomirror
set key top right
plot 'ring.csv' using 'step':'w1_plain' with lines lw 2 lc rgb '#d73027' title 'W1, plain simultaneous', \
     'ring.csv' using 'step':'w1_cons' with lines lw 2 lc rgb '#1a9850' title sprintf('W1, consensus {/Symbol g} = %g', ring_gamma), \
     'ring.csv' using 'step':'modes_plain' axes x1y2 with points pt 7 ps 0.8 lc rgb '#d73027' title 'modes, plain', \
     'ring.csv' using 'step':'modes_cons' axes x1y2 with points pt 5 ps 0.8 lc rgb '#1a9850' title 'modes, consensus'
unset y2tics
unset y2label
set ytics mirror

set autoscale
set title sprintf('the ring: samples of G after %d steps', ring_steps)
set xlabel 'x_1'
set ylabel 'x_2'
set size ratio -1
set key top right
plot 'samples_plain.csv' using 'x':'y' with points pt 7 ps 0.3 lc rgb '#d73027' title 'plain simultaneous', \
     'samples_cons.csv' using 'x':'y' with points pt 7 ps 0.3 lc rgb '#1a9850' title 'consensus', \
     'modes.csv' using 'x':'y' with points pt 3 ps 2 lw 2 lc rgb 'black' title 'modes of the data'
unset multiplot
