# fig_lines.gp - Lab 03, part 1: JS and W1 between P_0 on {0}x[0,1] and P_theta on
# {theta}x[0,1] against theta (Arjovsky, Chintala & Bottou 2017, Example 1): the closed
# forms of w1.c (lines) beside estimates (points): JS from a discriminator trained from
# scratch at each theta, (V(D, G) + log 4) / 2; W1 from samples. KL(P_0 || P_theta) is
# +infinity for every theta != 0 and is not drawn.
# `litgan lab 03` copies this script next to lines.csv and settings.gp; edit the copy
# and rerun it there:  gnuplot fig_lines.gp

load 'settings.gp'    # seed, lines_steps

set terminal pngcairo size 1000, 420 font ',10'
set output 'fig_lines.png'
set datafile separator comma
set datafile columnheaders
set multiplot layout 1, 2 title sprintf('P_0 on x = 0 and P_{theta} on x = theta, 0 <= y <= 1; seed %d (KL = +inf for every theta != 0, not drawn)', seed)
set grid
set key bottom right
set xlabel 'theta (horizontal offset of P_{theta})'

set title 'Jensen-Shannon divergence'
set ylabel 'JS (nats)'
set yrange [-0.05:0.8]
plot 'lines.csv' using 'theta':'js_closed' with lines lw 2 lc rgb '#2166ac' title 'closed form (w1.c)', \
     '' using 'theta':'js_est' with points pt 7 ps 0.8 lc rgb '#b2182b' title sprintf('D trained %d steps', lines_steps), \
     log(2) with lines dt 2 lc rgb 'grey' title 'log 2'

set title 'Wasserstein-1 distance'
set ylabel 'W1 (units of x)'
set yrange [*:*]
plot 'lines.csv' using 'theta':'w1_closed' with lines lw 2 lc rgb '#2166ac' title 'closed form (w1.c)', \
     '' using 'theta':'w1_est' with points pt 7 ps 0.8 lc rgb '#1a9850' title 'from samples (sorted heights)'
unset multiplot
