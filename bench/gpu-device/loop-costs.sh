#!/bin/bash
# Device run 2: GPM metrics output of dmon, and the CPU cost of each dmon group / pmon group, under load.

python3 "$(dirname "$0")/load.py" 18000 75 > /tmp/load.txt 2>&1 &
LP=$!
sleep 9
G=2,3,5,10,11,12,13,20,21,60,61
echo "== gpm table"; timeout 10 nvidia-smi dmon --gpm-metrics $G -c 2
echo "== gpm csv"; timeout 10 nvidia-smi dmon --gpm-metrics $G -c 2 --format csv,nounit
echo "== gpm + pucvmet csv"; timeout 10 nvidia-smi dmon -s pucvmet --gpm-metrics $G -c 2 --format csv,nounit
echo "== gpm with -s c"; timeout 10 nvidia-smi dmon -s c --gpm-metrics 2,10 -c 1
declare -a P N
run() { "$@" > /dev/null 2>&1 & P+=($!); N+=("$*"); }
for s in p u c v m e t; do run nvidia-smi dmon -s $s -d 1; done
run nvidia-smi dmon -s c --gpm-metrics $G -d 1
run nvidia-smi dmon -s pucvmet --gpm-metrics $G -d 1 --format csv,nounit
run nvidia-smi pmon -s m -d 1
run nvidia-smi pmon -s u -d 1
run nvidia-smi pmon -s um -d 5
run nvidia-smi --query-gpu=index,utilization.gpu,power.draw,clocks_event_reasons.active,pcie.link.gen.current,temperature.memory --format=csv,noheader,nounits -lms 1000
sleep 3
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
declare -a A; for i in "${!P[@]}"; do A[$i]=$(ticks ${P[$i]}); done; T0=$(date +%s.%N)
sleep 45
T1=$(date +%s.%N); HZ=$(getconf CLK_TCK)
for i in "${!P[@]}"; do B=$(ticks ${P[$i]}); python3 -c "print(f'cost {($B-${A[$i]})*100/$HZ/($T1-$T0):.3f} % ({$B-${A[$i]}} ticks/{$T1-$T0:.0f} s): ${N[$i]}')"; done
kill "${P[@]}" 2>/dev/null
echo "== pmon -s m"; timeout 5 nvidia-smi pmon -s m -c 1
kill $LP
sleep 1; echo done
