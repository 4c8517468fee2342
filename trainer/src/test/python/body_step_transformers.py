"""The reference for `bench/run body-step-vs-pytorch`: one fine-tuning step (forward, backward, AdamW) of the
all-MiniLM-L6-v2 architecture with Hugging Face `transformers`' BertModel on PyTorch 2 (CPU wheels from PyPI),
the step BodyStepBenchmark times in Orca.

Same shapes as Orca's step: 6 layers, width 384, 12 heads, FFN 1536, exact GELU, dropout 0.1 (hidden and
attention) in training mode, vocabulary 30522, layer-norm eps 1e-12; MSE of the last hidden state against a
random target; AdamW lr 1e-5, weight decay 0.01. Weights are random: a step's cost does not depend on their
values. Attention is transformers' default implementation (printed). With `compile`, the model also runs
through torch.compile (inductor) and that step is timed too. With `bf16`, the same eager step also runs under CPU
autocast to bfloat16 (fp32 weights and AdamW, bf16 GEMMs), PyTorch's mixed precision on CPU. With `fused`, the
eager step also runs with `AdamW(fused=True)`, the multi-tensor kernel Orca's updater calls (PyTorch's default on CPU
is its per-parameter loop).

    python body_step_transformers.py [batch=16] [length=128] [steps=10] [threads=2] [compile] [bf16] [fused]
"""
import sys
import time

import torch
import transformers
from transformers import BertConfig, BertModel


def timed_steps(model, batch, length, steps, warmup=3, autocast=False, fused=None):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.01, fused=fused)
    ids = torch.randint(1000, 30522, (batch, length))
    attention = torch.ones(batch, length, dtype=torch.long)
    target = torch.randn(batch, length, 384)
    times = []
    for step in range(warmup + steps):
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            out = model(input_ids=ids, attention_mask=attention).last_hidden_state
        loss = ((out.float() - target) ** 2).mean()
        loss.backward()
        opt.step()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return sum(times) / len(times), min(times)


def gemm_rate(dtype, m=2048, k=384, n=1536, repeats=40):
    """GFLOP/s of the step's largest GEMM shape (tokens x width x FFN) in one dtype: what bf16 can gain at most."""
    a, b = torch.randn(m, k, dtype=dtype), torch.randn(n, k, dtype=dtype)
    for _ in range(5):
        torch.nn.functional.linear(a, b)
    start = time.perf_counter()
    for _ in range(repeats):
        torch.nn.functional.linear(a, b)
    return 2.0 * m * k * n * repeats / (time.perf_counter() - start) / 1e9


def main():
    flags = {"compile", "bf16", "fused"}
    args = [a for a in sys.argv[1:] if a not in flags]
    batch, length, steps, threads = [int(a) for a in (args + ["16", "128", "10", "2"][len(args):])][:4]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                        intermediate_size=1536, hidden_act="gelu", hidden_dropout_prob=0.1,
                        attention_probs_dropout_prob=0.1, max_position_embeddings=512, layer_norm_eps=1e-12)
    model = BertModel(config, add_pooling_layer=False).train()
    attn = getattr(model.config, "_attn_implementation", "default")
    mean, best = timed_steps(model, batch, length, steps)
    print(f"pytorch {torch.__version__} transformers {transformers.__version__} eager (attention: {attn}), "
          f"{threads} threads, batch {batch} x seq {length}: mean {mean:.3f} s/step, best {best:.3f} s/step")
    if "fused" in sys.argv[1:]:
        mean, best = timed_steps(model, batch, length, steps, fused=True)
        print(f"pytorch {torch.__version__} eager with AdamW(fused=True), {threads} threads: "
              f"fused mean {mean:.3f} s/step, best {best:.3f} s/step")
    if "bf16" in sys.argv[1:]:
        mean, best = timed_steps(model, batch, length, steps, autocast=True)
        print(f"pytorch {torch.__version__} autocast bf16 (CPU), {threads} threads: "
              f"autocast mean {mean:.3f} s/step, best {best:.3f} s/step; GEMM 2048x384x1536: "
              f"fp32 {gemm_rate(torch.float32):.0f} GFLOP/s, bf16 {gemm_rate(torch.bfloat16):.0f} GFLOP/s "
              f"(CPU capability {torch.backends.cpu.get_cpu_capability()})")
    if "compile" in sys.argv[1:]:
        try:
            compiled = torch.compile(model)
            mean, best = timed_steps(compiled, batch, length, steps, warmup=3)
            print(f"pytorch {torch.__version__} torch.compile (inductor), {threads} threads: "
                  f"compiled mean {mean:.3f} s/step, best {best:.3f} s/step")
        except Exception as e:  # noqa: BLE001 - report, do not fail the eager figure
            print(f"torch.compile did not run here: {type(e).__name__}: {str(e).splitlines()[0][:200]}")


if __name__ == "__main__":
    main()
