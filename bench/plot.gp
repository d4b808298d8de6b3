# gnuplot script for make bench: per-op cost and ratio to the floor, side by side.
# Reads dat (written by copp_bench: per backend the per-op value, the median
# ratio and its min and max), writes png; unit is ns or Ir.
if (!exists("dat")) dat = 'build/bench.dat'
if (!exists("png")) png = 'build/bench.png'
if (!exists("unit")) unit = 'ns'
set terminal pngcairo size 2400,800 noenhanced
set output png
set multiplot layout 1,2
set datafile columnheaders
set style data histograms
set style fill solid 0.8 border -1
set xtics rotate by -40 scale 0 font ',9'
set key top left
set grid ytics
set title 'copp.h: '.unit.' per operation, by backend (log scale)'
set style histogram clustered gap 1
set logscale y
set ylabel unit.'/op (log)'
plot dat using 2:xtic(1) title 'mock', '' using 6 title 'libtom', '' using 10 title 'openssl', \
     '' using 14 title 'bearssl', '' using 18 title 'br-ct64-i31'
set title 'ratio case / its floor (bars: median; whiskers: min..max over the repetitions; 1 = the floor)'
unset logscale y
set ylabel 'ratio'
set style histogram errorbars gap 1 lw 1
set yrange [0:*]
plot dat using 3:4:5:xtic(1) title 'mock', '' using 7:8:9 title 'libtom', '' using 11:12:13 title 'openssl', \
     '' using 15:16:17 title 'bearssl', '' using 19:20:21 title 'br-ct64-i31', 1 with lines lt -1 notitle
unset multiplot
