# gnuplot script for make bench: ns/op per case and backend (log scale).
# Reads build/bench.dat (written by copp_bench), writes build/bench.png.
set terminal pngcairo size 1400,700 noenhanced
set output 'build/bench.png'
set title 'copp.h: ns per operation, by backend (make bench)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'ns/op (log)'
set xtics rotate by -40 scale 0 font ',9'
set key top left
set grid ytics
plot 'build/bench.dat' using 2:xtic(1) title columnheader, '' using 3 title columnheader, '' using 4 title columnheader
