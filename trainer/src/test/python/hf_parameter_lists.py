#!/usr/bin/env python3
"""Writes the full parameter lists (name and shape, in safetensors-header order) of the Hub checkpoints
bert-base-uncased and roberta-base as test fixtures.

The lists are what the `model.safetensors` headers of those two repositories declare: BERT's keeps the
TF-era LayerNorm names (gamma/beta) and carries the pre-training heads (cls.*, pooler); RoBERTa's carries
lm_head.* and a one-row token-type table. They are regenerated from the architecture here, because no
network is available to read the headers; the Java test checks that every body tensor maps and that
the heads are recognised as such.

Usage: python3 hf_parameter_lists.py ../resources/fixtures
"""
import sys


def encoder(prefix, layers, hidden, inter, ln_w, ln_b):
    out = []
    for i in range(layers):
        p = f"{prefix}encoder.layer.{i}."
        for m in ("query", "key", "value"):
            out += [(p + f"attention.self.{m}.weight", (hidden, hidden)), (p + f"attention.self.{m}.bias", (hidden,))]
        out += [
            (p + "attention.output.dense.weight", (hidden, hidden)),
            (p + "attention.output.dense.bias", (hidden,)),
            (p + f"attention.output.LayerNorm.{ln_w}", (hidden,)),
            (p + f"attention.output.LayerNorm.{ln_b}", (hidden,)),
            (p + "intermediate.dense.weight", (inter, hidden)),
            (p + "intermediate.dense.bias", (inter,)),
            (p + "output.dense.weight", (hidden, inter)),
            (p + "output.dense.bias", (hidden,)),
            (p + f"output.LayerNorm.{ln_w}", (hidden,)),
            (p + f"output.LayerNorm.{ln_b}", (hidden,)),
        ]
    return out


def bert_base_uncased():
    h, v = 768, 30522
    out = [
        ("bert.embeddings.word_embeddings.weight", (v, h)),
        ("bert.embeddings.position_embeddings.weight", (512, h)),
        ("bert.embeddings.token_type_embeddings.weight", (2, h)),
        ("bert.embeddings.LayerNorm.gamma", (h,)),
        ("bert.embeddings.LayerNorm.beta", (h,)),
    ]
    out += encoder("bert.", 12, h, 3072, "gamma", "beta")
    out += [
        ("bert.pooler.dense.weight", (h, h)),
        ("bert.pooler.dense.bias", (h,)),
        ("cls.predictions.bias", (v,)),
        ("cls.predictions.transform.dense.weight", (h, h)),
        ("cls.predictions.transform.dense.bias", (h,)),
        ("cls.predictions.transform.LayerNorm.gamma", (h,)),
        ("cls.predictions.transform.LayerNorm.beta", (h,)),
        ("cls.predictions.decoder.weight", (v, h)),
        ("cls.seq_relationship.weight", (2, h)),
        ("cls.seq_relationship.bias", (2,)),
    ]
    return out


def roberta_base():
    h, v = 768, 50265
    out = [
        ("roberta.embeddings.word_embeddings.weight", (v, h)),
        ("roberta.embeddings.position_embeddings.weight", (514, h)),
        ("roberta.embeddings.token_type_embeddings.weight", (1, h)),
        ("roberta.embeddings.LayerNorm.weight", (h,)),
        ("roberta.embeddings.LayerNorm.bias", (h,)),
    ]
    out += encoder("roberta.", 12, h, 3072, "weight", "bias")
    out += [
        ("roberta.pooler.dense.weight", (h, h)),
        ("roberta.pooler.dense.bias", (h,)),
        ("lm_head.bias", (v,)),
        ("lm_head.dense.weight", (h, h)),
        ("lm_head.dense.bias", (h,)),
        ("lm_head.layer_norm.weight", (h,)),
        ("lm_head.layer_norm.bias", (h,)),
        ("lm_head.decoder.weight", (v, h)),
    ]
    return out


def write(path, rows):
    with open(path, "w") as f:
        for name, shape in rows:
            f.write(name + "\t" + ",".join(str(d) for d in shape) + "\n")


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "../resources/fixtures"
    write(f"{target}/bert-base-uncased.parameters.tsv", bert_base_uncased())
    write(f"{target}/roberta-base.parameters.tsv", roberta_base())
