# fig_clip.gp - Lab 03, part 2: the effect of the clip value c. One critic per c, each
# trained against N(0, 1) vs N(c_mean, 1); its estimate divided by the exact W1 over
# training, on a log scale (non-positive values are not drawn). Too small a c: the
# estimate vanishes; too large: the critic is nearly unconstrained and slow to settle.
# `litgan lab 03` copies this script next to clip.csv and settings.gp.

load 'settings.gp'    # seed, clips, c_mean, critic, critic_opt

set terminal pngcairo size 900, 460 font ',10'
set output 'fig_clip.png'
set title sprintf("the critic's estimate / W1 for each c: N(0,1) vs N(%g,1), critic %s, %s, seed %d", c_mean, critic, critic_opt, seed)
set grid
set logscale y
set format y '10^{%T}'
set xlabel 'critic steps'
set ylabel 'estimate / exact W1 (log scale)'
set key outside right
n = words(clips)
plot for [i = 0:n - 1] 'clip.csv' index i using 1:($3 > 0 ? $3 : NaN) with lines lw 2 title 'c = '.word(clips, i + 1)
