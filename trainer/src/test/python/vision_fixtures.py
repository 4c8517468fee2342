"""Parity fixtures for Orca's vision bodies (trainer/src/test/java/.../vision/VisionParityTest.java).

Tiny, seeded, randomly initialised ViT and Swin from torchvision 0.14 (Debian's python3-torchvision), their
weights renamed to Hugging Face's ViTModel / SwinModel names and saved as model.safetensors with a matching
config.json, plus an input batch and torchvision's last hidden state (after the final LayerNorm).

    /usr/bin/python3 trainer/src/test/python/vision_fixtures.py trainer/src/test/resources/fixtures/vision
"""
import json
import os
import struct
import sys

import numpy as np
import torch
from torchvision.models.swin_transformer import SwinTransformer
from torchvision.models.vision_transformer import VisionTransformer


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def split_qkv(out, prefix, weight, bias):
    d = weight.shape[1]
    for i, name in enumerate(["query", "key", "value"]):
        out[f"{prefix}{name}.weight"] = weight[i * d:(i + 1) * d]
        out[f"{prefix}{name}.bias"] = bias[i * d:(i + 1) * d]


def vit(directory):
    torch.manual_seed(1)
    m = VisionTransformer(image_size=16, patch_size=4, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32).eval()
    for p in m.parameters():  # torchvision zero-initialises some tensors; parity needs every tensor to matter
        with torch.no_grad():
            p.add_(0.05 * torch.randn_like(p))
    sd = m.state_dict()
    hf = {"embeddings.cls_token": sd["class_token"], "embeddings.position_embeddings": sd["encoder.pos_embedding"],
          "embeddings.patch_embeddings.projection.weight": sd["conv_proj.weight"],
          "embeddings.patch_embeddings.projection.bias": sd["conv_proj.bias"]}
    for i in range(2):
        tv, h = f"encoder.layers.encoder_layer_{i}.", f"encoder.layer.{i}."
        hf[h + "layernorm_before.weight"], hf[h + "layernorm_before.bias"] = sd[tv + "ln_1.weight"], sd[tv + "ln_1.bias"]
        split_qkv(hf, h + "attention.attention.", sd[tv + "self_attention.in_proj_weight"], sd[tv + "self_attention.in_proj_bias"])
        hf[h + "attention.output.dense.weight"] = sd[tv + "self_attention.out_proj.weight"]
        hf[h + "attention.output.dense.bias"] = sd[tv + "self_attention.out_proj.bias"]
        hf[h + "layernorm_after.weight"], hf[h + "layernorm_after.bias"] = sd[tv + "ln_2.weight"], sd[tv + "ln_2.bias"]
        hf[h + "intermediate.dense.weight"], hf[h + "intermediate.dense.bias"] = sd[tv + "mlp.0.weight"], sd[tv + "mlp.0.bias"]
        hf[h + "output.dense.weight"], hf[h + "output.dense.bias"] = sd[tv + "mlp.3.weight"], sd[tv + "mlp.3.bias"]
    hf["layernorm.weight"], hf["layernorm.bias"] = sd["encoder.ln.weight"], sd["encoder.ln.bias"]
    # A ViTModel checkpoint also carries its pooler; the body does not use it.
    hf["pooler.dense.weight"], hf["pooler.dense.bias"] = torch.randn(16, 16), torch.zeros(16)
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        tokens = m._process_input(x)
        tokens = torch.cat([m.class_token.expand(2, -1, -1), tokens], dim=1)
        y = m.encoder(tokens)
    config = {"model_type": "vit", "image_size": 16, "patch_size": 4, "num_channels": 3, "hidden_size": 16,
              "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 32, "layer_norm_eps": 1e-6,
              "hidden_act": "gelu", "qkv_bias": True}
    save(directory, config, hf, x, y)


def swin(directory):
    torch.manual_seed(2)
    depths, heads = [2, 2, 2], [2, 2, 4]
    m = SwinTransformer(patch_size=[2, 2], embed_dim=8, depths=depths, num_heads=heads, window_size=[4, 4],
                        stochastic_depth_prob=0.0).eval()
    for name, p in m.named_parameters():
        with torch.no_grad():
            p.add_(0.05 * torch.randn_like(p))
    hf = swin_hf_names(m.state_dict(), depths)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        y = m.norm(m.features(x))
        y = y.reshape(y.shape[0], -1, y.shape[-1])
    config = {"model_type": "swin", "image_size": 32, "patch_size": 2, "num_channels": 3, "embed_dim": 8,
              "depths": depths, "num_heads": heads, "window_size": 4, "mlp_ratio": 4.0, "layer_norm_eps": 1e-5,
              "hidden_act": "gelu", "qkv_bias": True, "use_absolute_embeddings": False}
    save(directory, config, hf, x, y)


def swin_hf_names(sd, depths):
    """torchvision SwinTransformer state dict -> Hugging Face SwinModel names."""
    hf = {"embeddings.patch_embeddings.projection.weight": sd["features.0.0.weight"],
          "embeddings.patch_embeddings.projection.bias": sd["features.0.0.bias"],
          "embeddings.norm.weight": sd["features.0.2.weight"], "embeddings.norm.bias": sd["features.0.2.bias"]}
    for s in range(len(depths)):
        for b in range(depths[s]):
            tv, h = f"features.{2 * s + 1}.{b}.", f"encoder.layers.{s}.blocks.{b}."
            hf[h + "layernorm_before.weight"], hf[h + "layernorm_before.bias"] = sd[tv + "norm1.weight"], sd[tv + "norm1.bias"]
            split_qkv(hf, h + "attention.self.", sd[tv + "attn.qkv.weight"], sd[tv + "attn.qkv.bias"])
            hf[h + "attention.self.relative_position_bias_table"] = sd[tv + "attn.relative_position_bias_table"]
            # Hugging Face stores the index buffer too; the body computes it and ignores the stored one.
            hf[h + "attention.self.relative_position_index"] = sd[tv + "attn.relative_position_index"].float()
            hf[h + "attention.output.dense.weight"], hf[h + "attention.output.dense.bias"] = sd[tv + "attn.proj.weight"], sd[tv + "attn.proj.bias"]
            hf[h + "layernorm_after.weight"], hf[h + "layernorm_after.bias"] = sd[tv + "norm2.weight"], sd[tv + "norm2.bias"]
            hf[h + "intermediate.dense.weight"], hf[h + "intermediate.dense.bias"] = sd[tv + "mlp.0.weight"], sd[tv + "mlp.0.bias"]
            hf[h + "output.dense.weight"], hf[h + "output.dense.bias"] = sd[tv + "mlp.3.weight"], sd[tv + "mlp.3.bias"]
        if s < len(depths) - 1:
            tv, h = f"features.{2 * s + 2}.", f"encoder.layers.{s}.downsample."
            hf[h + "reduction.weight"] = sd[tv + "reduction.weight"]
            hf[h + "norm.weight"], hf[h + "norm.bias"] = sd[tv + "norm.weight"], sd[tv + "norm.bias"]
    hf["layernorm.weight"], hf["layernorm.bias"] = sd["norm.weight"], sd["norm.bias"]
    return hf


def swin_base_names(path):
    """Every tensor name and shape of swin-base-patch4-window7-224 (torchvision's swin_b has its architecture)."""
    from torchvision.models import swin_b
    depths = [2, 2, 18, 2]
    hf = swin_hf_names(swin_b().state_dict(), depths)
    with open(path, "w") as f:
        f.write("# swin-base-patch4-window7-224: Hugging Face SwinModel tensor names and shapes (vision_fixtures.py)\n")
        for name, t in hf.items():
            f.write(f"{name} {' '.join(str(d) for d in t.shape)}\n")


def save(directory, config, tensors, x, y):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    write_safetensors(os.path.join(directory, "model.safetensors"), tensors)
    np.save(os.path.join(directory, "input.npy"), x.numpy().astype("<f4"))
    np.save(os.path.join(directory, "output.npy"), y.numpy().astype("<f4"))


if __name__ == "__main__":
    out = sys.argv[1]
    vit(os.path.join(out, "vit"))
    swin(os.path.join(out, "swin"))
    swin_base_names(os.path.join(out, "swin-base-patch4-window7-224.params.txt"))
