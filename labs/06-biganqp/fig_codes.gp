# fig_codes.gp - Lab 06: the codes E(x) of held-out digits (full model) on their first two
# principal axes (PCA of the codes' covariance, GSL's symmetric eigensolver), one colour
# per digit. `litgan lab 06` copies this script next to codes.csv and settings.gp.

load 'settings.gp'    # data, seed, steps, heldout, pc1_share, pc2_share

set terminal pngcairo size 760, 620 font ',10'
set output 'fig_codes.png'
set datafile separator comma
set datafile columnheaders
set title sprintf("%s: codes E(x) of %d held-out images after %d steps, seed %d\nE %s, projected on the two principal axes", data, heldout, steps, seed, e)
set xlabel sprintf('first principal axis (%.1f%% of the variance)', pc1_share)
set ylabel sprintf('second principal axis (%.1f%% of the variance)', pc2_share)
set grid
set key outside right title 'digit'
colors = '#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf'
plot for [k = 0:9] 'codes.csv' using 'pc1':(column('label') == k ? column('pc2') : NaN) \
     with points pt 7 ps 0.5 lc rgb word(colors, k + 1) title sprintf('%d', k)
