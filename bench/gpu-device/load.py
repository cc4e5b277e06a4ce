# GPU load that also serves a vLLM-style /metrics page on a TCP port (its generation counter rises
# ~2000 tokens/s), so the agent's engine attribution and tokens per joule can be checked for real.
import os, sys, time, threading, http.server
port = int(sys.argv[1]); secs = float(sys.argv[2])
print("LOADPID", os.getpid(), flush=True)
T0 = time.time()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        n = (time.time() - T0) * 2000.0
        m = 'model_name="bench"'
        body = ("# HELP vllm:generation_tokens_total Number of generation tokens processed.\n# TYPE vllm:generation_tokens_total counter\n"
                f"vllm:generation_tokens_total{{{m}}} {n:.1f}\n"
                "# HELP vllm:num_requests_running Number of requests in model execution batches.\n# TYPE vllm:num_requests_running gauge\n"
                f"vllm:num_requests_running{{{m}}} 8.0\n"
                "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.\n# TYPE vllm:kv_cache_usage_perc gauge\n"
                f"vllm:kv_cache_usage_perc{{{m}}} 0.4\n").encode()
        self.send_response(200); self.send_header('Content-Type', 'text/plain; version=0.0.4'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(('127.0.0.1', port), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    import torch
    a = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16); b = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
    end = time.time() + secs
    while time.time() < end:
        for _ in range(20): c = a @ b
        torch.cuda.synchronize()
except ImportError:
    time.sleep(secs)
