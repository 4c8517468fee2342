"""The reference for `bench/run body-step-vs-pytorch`: one fine-tuning step (forward, backward, AdamW) of the
all-MiniLM-L6-v2 architecture in PyTorch eager (Debian's python3-torch), the same step BodyStepBenchmark times.

BERT post-LN encoder written out with torch.nn (Debian has no `transformers`): 6 layers, width 384, 12 heads,
FFN 1536, exact GELU, dropout 0.1 in training mode, vocabulary 30522; MSE against a random target, AdamW
lr 1e-5, weight decay 0.01. Weights are random: the cost of a step does not depend on their values.

    /usr/bin/python3 body_step_pytorch.py [batch=16] [length=128] [steps=10] [threads=2]
"""
import sys
import time

import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, d=384, heads=12, ffn=1536, p=0.1):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d, eps=1e-12)
        self.inter = nn.Linear(d, ffn)
        self.output = nn.Linear(ffn, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(p)

    def forward(self, x, mask):
        b, s, d = x.shape
        q, k, v = self.qkv(x).view(b, s, 3, self.heads, self.dh).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / self.dh ** 0.5 + mask
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, s, d)
        x = self.ln1(x + self.drop(self.out(ctx)))
        return self.ln2(x + self.drop(self.output(nn.functional.gelu(self.inter(x)))))


class MiniLM(nn.Module):
    def __init__(self, vocab=30522, d=384, layers=6, positions=512):
        super().__init__()
        self.words = nn.Embedding(vocab, d)
        self.positions = nn.Embedding(positions, d)
        self.types = nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer() for _ in range(layers))

    def forward(self, ids, attention):
        s = ids.shape[1]
        pos = torch.arange(s).unsqueeze(0)
        x = self.drop(self.ln(self.words(ids) + self.positions(pos) + self.types(torch.zeros_like(ids))))
        mask = (1.0 - attention[:, None, None, :].float()) * -1e9
        for layer in self.layers:
            x = layer(x, mask)
        return x


def main():
    batch, length, steps, threads = [int(a) for a in (sys.argv[1:] + ["16", "128", "10", "2"][len(sys.argv) - 1:])][:4]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = MiniLM().train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.01)
    ids = torch.randint(1000, 30522, (batch, length))
    attention = torch.ones(batch, length, dtype=torch.long)
    target = torch.randn(batch, length, 384)
    times = []
    for step in range(3 + steps):
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = ((model(ids, attention) - target) ** 2).mean()
        loss.backward()
        opt.step()
        if step >= 3:
            times.append(time.perf_counter() - start)
    print(f"pytorch {torch.__version__} eager, {threads} threads, batch {batch} x seq {length}: "
          f"mean {sum(times) / len(times):.3f} s/step, best {min(times):.3f} s/step")


if __name__ == "__main__":
    main()
