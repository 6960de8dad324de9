# fig_squares.gp - the template lab's figure: your squares against x^2.
load 'settings.gp'

set terminal pngcairo size 600,400 font ',10'
set output 'fig_squares.png'
set datafile separator comma
set datafile columnheaders
set key top center
plot 'squares.csv' using 1:2 with lines lw 2 title sprintf('template\_square (%d points)', points), \
     x**2 with lines dt 2 title 'x^2'
