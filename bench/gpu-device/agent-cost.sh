#!/bin/bash
# Device run 3: the agent (dist CLI) with its GPU collector against the real nvidia-smi, under load:
# its own CPU and its nvidia-smi children's, with the collector vs without; readings vs one-shot
# nvidia-smi; engine attribution of a process that listens on a port and uses the GPU.
R=$(cd "$(dirname "$0")/../.." && pwd); cd $R
O=${OUT:-/tmp/out3}; mkdir -p $O
NODE=${NODE:-}
if [ -z "$NODE" ]; then mkdir -p /tmp/nb && xz -dc .devrun/node.xz > /tmp/nb/node && chmod +x /tmp/nb/node && NODE=/tmp/nb/node; fi
[ -d node_modules/better-sqlite3 ] || tar -xJf .devrun/nm.tar.xz
$NODE -v || exit 1
HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }
kids() { for s in /proc/[0-9]*/stat; do awk -v p=$1 '$4==p{print $1}' $s 2>/dev/null; done; }
python3 bench/gpu-device/load.py 18000 400 > $O/load.txt 2>&1 &
LP=$!
sleep 9
cfg() { # $1 name, $2 gpu object (JSON)
  echo "{\"monitoring_interval\": 1, \"engines\": [{\"name\": \"llm\", \"url\": \"http://127.0.0.1:18000/metrics\", \"flavor\": \"vllm\"}], \"gpu\": $2, \"server\": {\"port\": 9464}, \"storage\": {\"data_dir\": \"/tmp/data-$1\"}}" > /tmp/$1.json
}
get() { $NODE -e "fetch('http://127.0.0.1:9464$1').then(r=>r.text()).then(t=>process.stdout.write(t),e=>console.error(String(e)))"; }
phase() { # $1 name, $2 warm s, $3 measured s
  $NODE dist/cli/main.js start --config /tmp/$1.json > $O/$1-agent.log 2>&1 &
  local A=$!
  sleep $2
  local K=$(kids $A | tr '\n' ' ')
  local a0=$(ticks $A); local k0=0; for k in $K; do k0=$((k0 + $(ticks $k))); done; local t0=$(date +%s.%N)
  sleep $3
  local a1=$(ticks $A); local k1=0; for k in $K; do k1=$((k1 + $(ticks $k))); done; local t1=$(date +%s.%N)
  local nk=$(echo $K | wc -w)
  python3 -c "d=$t1-$t0; print(f'$1: agent {($a1-$a0)*100/$HZ/d:.3f} % of a core, its nvidia-smi children {($k1-$k0)*100/$HZ/d:.3f} % ($nk children) over {d:.0f} s')" | tee -a $O/cost.txt
  for k in $K; do echo "  child $k: $(tr '\0' ' ' < /proc/$k/cmdline | cut -c1-120)"; done | tee -a $O/cost.txt
  get /metrics > $O/$1-metrics.txt
  get /api/v1/status > $O/$1-status.json
  grep -c . $O/$1-metrics.txt
  grep "^echo_perf_process_resident_memory_bytes\|^echo_perf_process_cpu" $O/$1-metrics.txt | tee -a $O/cost.txt
  kill $A; sleep 2; kill -9 $A 2>/dev/null
}
cfg gpu '{"interval": 1}'
cfg nogpu '{"enabled": false}'
cfg deep '{"interval": 1, "deep_interval": 1, "process_interval": 1}'
phase gpu 15 ${M:-60}
nvidia-smi --query-gpu=index,uuid,utilization.gpu,memory.used,power.draw,power.limit,temperature.gpu,temperature.memory,clocks.sm,clocks_event_reasons.active,pcie.link.gen.current,pcie.link.width.current --format=csv > $O/oneshot.csv
nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv >> $O/oneshot.csv
phase nogpu 10 ${M:-60}
phase deep 12 ${M2:-25}
kill $LP
echo "== summary"; cat $O/cost.txt
grep -h "^echo_perf_gpu_bound\|^echo_perf_gpu_engine_share\|^echo_perf_engine_gpu\|^echo_perf_tokens_per_joule\|^echo_perf_gpu_power_capped\|^echo_perf_gpu_power_draw\|^echo_perf_gpu_pcie_bytes\|^echo_perf_gpu_process_sm\|^echo_perf_gpu_throttle" $O/gpu-metrics.txt $O/deep-metrics.txt | cut -c1-220
cp $O/cost.txt /tmp/cost.txt; (cd $O && tar -czf /tmp/all.tgz . && rm -rf ./*); mv /tmp/all.tgz /tmp/cost.txt $O/
