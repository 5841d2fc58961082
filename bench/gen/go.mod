module gotrace/bench/gen

go 1.22
