"""The authors' stage 2 on the inputs Orca recorded (dev.orca.trainer.run.AlignmentRecord), then both compared.

    python stage2.py <checkout of sjunhongshen/ORCA> <record dir>

Runs the authors' own pieces, imported from their checkout: `Embeddings1D` and `otdd()` (src/embedder.py, with the
otdd package the checkout vendors in src/otdd), `get_optimizer_scheduler(..., module='embedder')` (src/task_configs.py,
which derives the embedder's rate from fine-tuning's and builds the StepLR no_warmup_scheduler), and their loop's
order: per batch `loss = w_i * otdd(feats)`, `loss.backward()`, one optimizer and scheduler step per epoch. The batches
(class, weight, rows) and the initial parameters are Orca's, so both implementations take the same steps.

Adaptations, made here at run time (the checkout is not modified; docs/official-parity.md lists them):
  1. modules the two files import at the top and stage 2 never calls are stand-ins: transformers (the bodies),
     timm (an initialiser), data_loaders (the data sets), torchvision if absent (Embeddings2D's resize);
  2. a body width other than RoBERTa's 768 (MiniLM: 384): Embeddings1D then takes its 2D-body branch (a square
     number of tokens, a (tokens, dimensions) tuple): the 1D rule picks the kernel and the tuple's tokens are used;
  3. BERT-style positions (0..L-1, no padding row) instead of RoBERTa's (from 2, row 1 frozen): padding_idx -1 and
     a position table without a padding index, holding the rows Orca's embedder starts from;
  4. the initial parameters are Orca's recorded ones (their conv_init and embedder_init draw other random numbers).
"""
import contextlib
import functools
import io
import json
import os
import sys
import time
import types

import numpy as np
import torch

import stand_ins


def authors(checkout):
    src = os.path.join(checkout, 'src')
    for path in (os.path.join(src, 'otdd'), src):
        sys.path.insert(0, path)
    transformers = types.ModuleType('transformers')
    for name in ('AutoModel', 'AutoConfig', 'SwinForImageClassification', 'SwinForMaskedImageModeling',
                 'RobertaForTokenClassification'):
        setattr(transformers, name, None)
    sys.modules['transformers'] = transformers
    stand_ins.install()
    try:
        import torchvision.transforms  # noqa: F401
    except ImportError:
        tv = types.ModuleType('torchvision')
        tv.transforms = types.ModuleType('torchvision.transforms')
        sys.modules.update({'torchvision': tv, 'torchvision.transforms': tv.transforms})
    with contextlib.redirect_stdout(io.StringIO()):
        import embedder
        import task_configs
    return embedder, task_configs


def parameter(initial, suffix):
    names = [n for n in initial if n.endswith(suffix)]
    if len(names) != 1:
        raise SystemExit(f'stage2: expected one parameter ending in {suffix}, got {sorted(initial)}')
    return names[0]


def main():
    checkout, record = sys.argv[1], sys.argv[2]
    torch.set_num_threads(int(os.environ.get('ORCA_THREADS', '2')))
    embedder, task_configs = authors(checkout)
    settings = json.load(open(os.path.join(record, 'settings.json')))
    batches = json.load(open(os.path.join(record, 'batches.json')))
    orca = json.load(open(os.path.join(record, 'orca.json')))
    if settings['layerNorm'] != 'beforePositions':
        raise SystemExit('stage2: the authors construct tokens LayerNorm-before-positions; record with beforePositions')
    x = np.load(os.path.join(record, 'x.npy'))
    if x.ndim != 3:
        raise SystemExit(f'stage2: 1D tasks only (inputs (n, C, L)), got {x.shape}')
    initial = {n: np.load(os.path.join(record, 'initial', n + '.npy')) for n in settings['parameters']}
    final = {n: np.load(os.path.join(record, 'orca', n + '.npy')) for n in settings['parameters']}
    conv_w, conv_b = parameter(initial, 'conv_weight'), parameter(initial, 'conv_bias')
    gamma, beta, positions = parameter(initial, 'norm_gamma'), parameter(initial, 'norm_beta'), parameter(initial, 'positions')
    tokens, width = initial[positions].shape
    _, channels, length = x.shape

    emb = embedder.Embeddings1D((1, channels, length), embed_dim=width, target_seq_len=tokens)
    k = embedder.Embeddings1D.get_stack_num(types.SimpleNamespace(embed_dim=768), length, tokens)  # adaptation 2
    if emb.stack_num != k or emb.projection.kernel_size[0] != k:
        emb.stack_num = k
        emb.projection = torch.nn.Conv1d(channels, width, kernel_size=k, stride=k)
    if tuple(emb.projection.weight.shape) != initial[conv_w].shape:
        raise SystemExit(f'stage2: the authors\' projection is {tuple(emb.projection.weight.shape)}, Orca\'s {initial[conv_w].shape}')
    emb.padding_idx = -1  # adaptation 3
    emb.position_embeddings = torch.nn.Embedding(tokens, width)
    with torch.no_grad():  # adaptation 4
        emb.projection.weight.copy_(torch.from_numpy(initial[conv_w]))
        emb.projection.bias.copy_(torch.from_numpy(initial[conv_b]))
        emb.norm.weight.copy_(torch.from_numpy(initial[gamma]))
        emb.norm.bias.copy_(torch.from_numpy(initial[beta]))
        emb.position_embeddings.weight.copy_(torch.from_numpy(initial[positions]))
    emb.train()

    o = settings['finetuneOptimizer']
    names = {'adamw': 'AdamW', 'adam': 'Adam', 'sgd': 'SGD'}
    args = types.SimpleNamespace(
        optimizer=types.SimpleNamespace(name=names[o['name']], params={
            'lr': o['lr'], 'betas': o['betas'], 'weight_decay': o['weightDecay'], 'momentum': o['momentum']}),
        no_warmup_scheduler=types.SimpleNamespace(name='StepLR', params={'sched': settings['milestones'], 'base': settings['gamma']}),
        embedder_epochs=settings['epochs'])
    with contextlib.redirect_stdout(io.StringIO()):
        _, _, optimizer, scheduler = task_configs.get_optimizer_scheduler(args, emb, module='embedder')
    lr_authors = optimizer.param_groups[0]['lr']
    lr_orca = settings['alignmentOptimizer']['lr']

    src = torch.utils.data.TensorDataset(torch.from_numpy(np.load(os.path.join(record, 'src_X.npy'))),
                                         torch.from_numpy(np.load(os.path.join(record, 'src_y.npy'))).long())
    score = functools.partial(embedder.otdd, src_train_dataset=src, exact=True)

    def features(rows):
        out = emb(torch.from_numpy(x[rows]))
        return (out[0] if isinstance(out, tuple) else out).mean(1)  # adaptation 2: the tuple's tokens

    curve, began = [], time.time()
    for epoch in range(settings['epochs']):
        total = 0.0
        for b in (b for b in batches if b['epoch'] == epoch):
            feats = features(b['rows'])
            if feats.shape[0] > 1:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    loss = b['weight'] * score(feats)
                loss.backward()
                total += loss.item()
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        curve.append(total)
        print(f'epoch {epoch + 1}: authors {total:.6f}  Orca {orca["distance"][epoch]:.6f}', flush=True)
    seconds = time.time() - began

    authors_final = {conv_w: emb.projection.weight, conv_b: emb.projection.bias, gamma: emb.norm.weight,
                     beta: emb.norm.bias, positions: emb.position_embeddings.weight}
    distance = max(abs(a - b) / abs(a) for a, b in zip(curve, orca['distance']))
    weights, moved = 0.0, 0.0
    print(f'alignment rate: authors {lr_authors:g}, Orca {lr_orca:g}')
    for name, tensor in authors_final.items():
        a = tensor.detach().numpy().astype(np.float64)
        b = final[name].astype(np.float64)
        start = initial[name].astype(np.float64)
        diff = np.linalg.norm(a - b)
        rel = diff / max(np.linalg.norm(a), 1e-30)
        of_update = diff / max(np.linalg.norm(a - start), 1e-30)
        weights = max(weights, rel)
        moved = max(moved, of_update)
        print(f'{name}: |authors - Orca| / |authors| {rel:.2e}, / |authors\' update| {of_update:.2e}')
    print(f'time: authors {seconds:.1f} s, Orca {orca["seconds"]:.1f} s ({seconds / orca["seconds"]:.1f}x)')
    print(f'stage2: {len(curve)} steps, max relative difference distance {distance:.2e}, weights {weights:.2e}'
          f' ({moved:.2e} of the update)')


if __name__ == '__main__':
    main()
