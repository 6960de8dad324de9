# litgan lab 04: eigenvalues of J + gamma J^T J at the Dirac-GAN's equilibrium (the Jacobian of the consensus
# field v + gamma J^T v) as gamma grows, and the largest stable step size; data from eig.csv.
load 'settings.gp'
set terminal pngcairo size 1300,560 font ',10'
set output 'fig_eigen.png'
set datafile separator ','
set key autotitle columnhead

set multiplot layout 1,2 title sprintf('Consensus optimization at the equilibrium (litgan: descent on v, stable when Re {/Symbol m} > 0; the paper plots the negatives), seed %d', seed)

set title 'eigenvalues {/Symbol m} of J + {/Symbol g} J^T J (points: eigen.c; lines: closed form)'
set xlabel 'Re {/Symbol m}'
set ylabel 'Im {/Symbol m}'
set grid
set key top right box opaque font ',9'
set cblabel 'consensus weight {/Symbol g}'
set palette rgbformulae 33,13,10
set xzeroaxis lt -1
set yzeroaxis lt -1
plot 'eig.csv' using 'mm_re_ref':'mm_im_ref' with lines lw 1 lc rgb '#999999' title 'minimax: {/Symbol g}/4 {/Symbol \261} i/2', \
     'eig.csv' using 'mm_re_ref':(-column('mm_im_ref')) with lines lw 1 lc rgb '#999999' notitle, \
     'eig.csv' using 'w_re_ref':'w_im_ref' with lines lw 1 dt 2 lc rgb '#555555' title 'WGAN: {/Symbol g} {/Symbol \261} i', \
     'eig.csv' using 'w_re_ref':(-column('w_im_ref')) with lines lw 1 dt 2 lc rgb '#555555' notitle, \
     'eig.csv' using 'mm_re1':'mm_im1':'gamma' with points pt 7 ps 0.6 palette title 'minimax (eigen.c)', \
     'eig.csv' using 'mm_re2':'mm_im2':'gamma' with points pt 7 ps 0.6 palette notitle, \
     'eig.csv' using 'w_re1':'w_im1':'gamma' with points pt 5 ps 0.5 palette title 'WGAN (eigen.c)', \
     'eig.csv' using 'w_re2':'w_im2':'gamma' with points pt 5 ps 0.5 palette notitle

unset colorbox
set title 'largest stable step h_{max} = min 2 Re {/Symbol m} / |{/Symbol m}|^2 (points: eigen.c; lines: closed form)'
set xlabel 'consensus weight {/Symbol g}'
set ylabel 'h_{max}'
unset xzeroaxis
unset yzeroaxis
set key top right
plot 'eig.csv' using 'gamma':'mm_h_ref' with lines lw 2 lc rgb '#d73027' title 'minimax: 8{/Symbol g} / ({/Symbol g}^2 + 4)', \
     'eig.csv' using 'gamma':'w_h_ref' with lines lw 2 lc rgb '#4575b4' title 'WGAN: 2{/Symbol g} / ({/Symbol g}^2 + 1)', \
     'eig.csv' using 'gamma':'mm_h' every 4 with points pt 7 ps 0.8 lc rgb '#d73027' title 'minimax (eigen.c)', \
     'eig.csv' using 'gamma':'w_h' every 4 with points pt 5 ps 0.7 lc rgb '#4575b4' title 'WGAN (eigen.c)', \
     h with lines dt 3 lc rgb 'black' title sprintf('h = %g of the trajectories', h)
unset multiplot
