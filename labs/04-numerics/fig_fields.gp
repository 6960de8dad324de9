# litgan lab 04: the Dirac-GAN's vector fields (the direction -v of descent, normalised) with
# simultaneous and alternating gradient steps; data from field_*.csv and traj_*.csv, values from settings.gp.
load 'settings.gp'
set terminal pngcairo size 1500,520 font ',10'
set output 'fig_fields.png'
set datafile separator ','
set key autotitle columnhead

set multiplot layout 1,3 title sprintf('The Dirac-GAN: p_{data} = {/Symbol d}_0, G = {/Symbol q}, D(x) = {/Symbol y} x; %d steps of h = %g from ({/Symbol q}, {/Symbol y}) = (%g, %g), seed %d', steps, h, theta0, psi0, seed)
set xlabel 'generator parameter {/Symbol q}'
set ylabel 'discriminator parameter {/Symbol y}'
set size ratio -1
set xrange [-1.6*lim:1.6*lim]
set yrange [-1.6*lim:1.6*lim]
set grid
set key bottom right box opaque font ',9'
a = 0.8 * arrow

do for [k=1:3] {
    name = word('minimax nonsat wgan', k)
    set title word('minimax non-saturating WGAN', k) . ' loss'
    plot 'field_' . name . '.csv' using 'theta':'psi':(a*column('dtheta')):(a*column('dpsi')) \
            with vectors head size 0.06,20 filled lc rgb '#b0b0b0' title 'direction of descent, -v/|v|', \
         'traj_' . name . '.csv' using 'sim_theta':'sim_psi' with lines lw 1.5 lc rgb '#d73027' title 'simultaneous steps', \
         'traj_' . name . '.csv' using 'alt_theta':'alt_psi' with lines lw 1.5 lc rgb '#4575b4' title 'alternating steps', \
         '+' using (theta0):(psi0) every ::0::0 with points pt 7 ps 1.2 lc rgb 'black' title 'start', \
         '+' using (0):(0) every ::0::0 with points pt 3 ps 2 lw 2 lc rgb '#1a9850' title 'equilibrium (0, 0)'
}
unset multiplot
