# litgan lab 04: what too large a consensus weight does: the non-saturating Dirac-GAN's |v| and
# |v + gamma J^T v| (spurious.csv) with consensus steps into a spurious stationary point (spur_traj.csv).
load 'settings.gp'
set terminal pngcairo size 1400,560 font ',10'
set output 'fig_spurious.png'
set datafile separator ','
set key autotitle columnhead

set multiplot layout 1,2 title sprintf('The non-saturating Dirac-GAN with consensus, {/Symbol g} = %g: a stationary point of v + {/Symbol g} J^T v that is not one of v, seed %d', gamma_big, seed)
set xlabel 'generator parameter {/Symbol q}'
set ylabel 'discriminator parameter {/Symbol y}'
set view map
set pm3d map
set palette rgbformulae 7,5,15
set cbrange [-3:2]
set key bottom left box opaque font ',9'
set xrange [-12:12]
set yrange [-1.5:1.5]

set title 'log_{10} |v|: the game has one stationary point, (0, 0)'
set cblabel 'log_{10} |v|'
splot 'spurious.csv' using 'theta':'psi':'log_v' with pm3d notitle, \
      'spur_traj.csv' using 'theta':'psi':(0) with lines lw 2 lc rgb 'white' title 'consensus steps', \
      '+' using (spur_theta):(spur_psi):(0) every ::0::0 with points pt 7 ps 1.5 lc rgb 'red' title (have_spur ? 'spurious point' : 'none found'), \
      '+' using (0):(0):(0) every ::0::0 with points pt 3 ps 2 lw 2 lc rgb 'black' title 'equilibrium'

set title sprintf('log_{10} |v + {/Symbol g} J^T v|, {/Symbol g} = %g: a second zero', gamma_big)
set cblabel 'log_{10} |w|'
splot 'spurious.csv' using 'theta':'psi':'log_w' with pm3d notitle, \
      'spur_traj.csv' using 'theta':'psi':(0) with lines lw 2 lc rgb 'white' title 'consensus steps', \
      '+' using (spur_theta):(spur_psi):(0) every ::0::0 with points pt 7 ps 1.5 lc rgb 'red' title (have_spur ? 'spurious point' : 'none found'), \
      '+' using (0):(0):(0) every ::0::0 with points pt 3 ps 2 lw 2 lc rgb 'black' title 'equilibrium'
unset multiplot
